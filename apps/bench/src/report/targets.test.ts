import { describe, expect, it } from 'vitest';
import type { UserScenarioResult } from '../user-path.js';
import { allocation, measurement, userResult, userScenarioResult, workloadResult, workloads } from './__fixtures__/results.js';
import { computeRatios, engineResult, findRatio, ratioPairs } from './ratios.js';
import { evaluateTargets } from './targets.js';

describe('engine results', () => {
  it('derive step time and GFLOP/s from the median throughput', () => {
    const r = engineResult(measurement('reference/float32', 1000), 10, 6000, 200);
    expect(r.train.samplesPerSecond.median).toBe(1000);
    expect(r.train.msPerStep).toBeCloseTo(10, 12); // 10 rows at 1000 rows/s
    expect(r.train.gflops).toBeCloseTo((100 * 6000) / 1e9, 15); // 100 steps/s × 6000 FLOP
    expect(r.predict.gflops).toBeCloseTo((2000 * 200) / 1e9, 15);
  });
});

describe('ratios and targets', () => {
  const ratios = computeRatios(workloads);

  it('pair each reference dtype with every other contender, then raw tfjs with the tfjs engine', () => {
    const pairs = ratioPairs().map(([n, d]) => `${n} ÷ ${d}`);
    expect(pairs).toHaveLength(2 * 6 + 3);
    expect(pairs.slice(0, 6)).toEqual([
      'reference/float32 ÷ tfjs/tensorflow',
      'reference/float32 ÷ tfjs/wasm',
      'reference/float32 ÷ tfjs/cpu',
      'reference/float32 ÷ raw-tfjs/tensorflow',
      'reference/float32 ÷ raw-tfjs/wasm',
      'reference/float32 ÷ raw-tfjs/cpu',
    ]);
    expect(pairs.slice(-3)).toEqual(['raw-tfjs/tensorflow ÷ tfjs/tensorflow', 'raw-tfjs/wasm ÷ tfjs/wasm', 'raw-tfjs/cpu ÷ tfjs/cpu']);
  });

  it('divide throughputs: reference over tfjs, raw tfjs over the tfjs engine', () => {
    expect(findRatio(ratios, 'playground', 'reference/float32', 'tfjs/cpu')).toBeCloseTo(40, 12);
    expect(findRatio(ratios, 'mnist', 'reference/float32', 'tfjs/wasm')).toBeCloseTo(10 / 12, 12);
    expect(findRatio(ratios, 'mnist', 'raw-tfjs/wasm', 'tfjs/wasm')).toBeCloseTo(1.05, 12);
    expect(findRatio(ratios, 'mnist', 'reference/float32', 'tfjs/wasm', 'predict')).toBeCloseTo(10 / 12, 12);
    expect(findRatio(ratios, 'wide', 'raw-tfjs/cpu', 'tfjs/cpu')).toBeUndefined();
    expect(findRatio(ratios, 'mnist', 'reference/float64', 'tfjs/wasm')).toBeUndefined();
  });

  it('mark each target met, missed or n/a with the measured number', () => {
    const targets = evaluateTargets(workloads, ratios, allocation);
    const byId = new Map(targets.map((t) => [t.id, t]));
    // best tfjs backend on the playground is cpu (25k): 1e6 / 25k = 40 < 100
    expect(byId.get('playground-ref32-vs-best-tfjs')).toMatchObject({ status: 'missed', note: 'best tfjs backend: tfjs cpu' });
    expect(byId.get('playground-ref32-vs-best-tfjs')?.measured).toBeCloseTo(40, 12);
    expect(byId.get('mnist-ref32-vs-tfjs-wasm')?.status).toBe('missed');
    expect(byId.get('mnist-ref32-vs-tfjs-cpu')?.status).toBe('met');
    expect(byId.get('wide-ref32-vs-tfjs-wasm')?.status).toBe('met');
    expect(byId.get('wide-ref32-vs-tfjs-cpu')?.status).toBe('met');
    expect(byId.get('mnist-tfjs-adapter-wasm')).toMatchObject({ status: 'met', comparison: '<=' });
    expect(byId.get('mnist-tfjs-adapter-cpu')?.measured).toBeCloseTo(1.25, 12);
    expect(byId.get('mnist-tfjs-adapter-cpu')?.status).toBe('missed');
    expect(byId.has('mnist-tfjs-adapter-tensorflow')).toBe(false);
    expect(byId.get('reference-allocation')).toMatchObject({ status: 'met', measured: 0.2 });
  });

  it('judge (a) on the measurement without a float64 model in the process, when there is one', () => {
    const shared = workloads[0]!;
    // Alone: reference 2.1M, tfjs cpu 20k (now the best), wasm 18k → 105×; beside float64 it was 40×.
    const alone = workloadResult('playground', { 'reference/float32': 2_100_000, 'tfjs/wasm': 18_000, 'tfjs/cpu': 20_000 });
    const withAlone = [{ ...shared, alone: { engines: alone.engines } }, ...workloads.slice(1)];
    const t = new Map(evaluateTargets(withAlone, computeRatios(withAlone), allocation).map((x) => [x.id, x]));
    expect(t.get('playground-ref32-vs-best-tfjs')?.measured).toBeCloseTo(105, 12);
    expect(t.get('playground-ref32-vs-best-tfjs')).toMatchObject({
      status: 'met',
      note: 'best tfjs backend: tfjs cpu; measured without a float64 model in the process (beside one: 40.0×)',
    });
    // The ratio table stays the shared process's.
    expect(findRatio(computeRatios(withAlone), 'playground', 'reference/float32', 'tfjs/cpu')).toBeCloseTo(40, 12);
  });

  it('judge the adapter on tensorflow once it was measured', () => {
    const mnist = workloadResult('mnist', { 'tfjs/tensorflow': 30_000, 'raw-tfjs/tensorflow': 24_000 });
    const byId = new Map(evaluateTargets([mnist], computeRatios([mnist]), undefined).map((t) => [t.id, t]));
    // engine time ÷ raw time = raw throughput ÷ engine throughput = 0.8
    expect(byId.get('mnist-tfjs-adapter-tensorflow')).toMatchObject({ status: 'met' });
    expect(byId.get('mnist-tfjs-adapter-tensorflow')?.measured).toBeCloseTo(0.8, 12);
  });

  it('are n/a when the inputs were not measured', () => {
    const targets = evaluateTargets([], [], undefined);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.every((t) => t.status === 'n/a' && t.measured === null)).toBe(true);
  });
});

describe('user-path targets', () => {
  // Hot loop (b): reference float32 at 10,000 samples/s (the fixture's mnist workload).
  const ratios = computeRatios(workloads);
  const mnist = (cliAccuracy: number) =>
    userScenarioResult('mnist', [
      userResult('cli', 'reference/float32', [7, 8, 9], 12_000, cliAccuracy),
      userResult('cli', 'tfjs/wasm', [15, 16, 20], 5_200, 0.95),
      userResult('layers', 'wasm', [16, 17, 18], 5_000, 0.951),
      { contender: { way: 'fit', engine: 'tfjs/cpu' }, label: 'fit tfjs/cpu', error: 'boom' },
    ]);
  const sgd = userScenarioResult('mnist-sgd', [userResult('cli', 'reference/float32', [3], 9_500, 0.9), userResult('loop', 'reference/float32', [2], 10_000, 0.9)]);
  const playground = userScenarioResult('playground', [
    userResult('cli', 'reference/float32', [1], 3_000_000, 0.9),
    userResult('cli', 'tfjs/wasm', [3], 20_000, 0.9),
    userResult('cli', 'tfjs/cpu', [3], 40_000, 0.9),
  ]);
  const byId = (userPath: UserScenarioResult[]) => new Map(evaluateTargets(workloads, ratios, allocation, userPath).map((t) => [t.id, t]));

  it('divide whole-process medians (tfjs-layers time ÷ ours) and keep the accuracy beside them', () => {
    const t = byId([mnist(0.953), sgd, playground]);
    // 17 s ÷ 8 s
    expect(t.get('user-mnist-cli-ref32-vs-layers-wasm')?.measured).toBeCloseTo(17 / 8, 12);
    expect(t.get('user-mnist-cli-ref32-vs-layers-wasm')).toMatchObject({ status: 'met', note: 'test accuracy 95.30% vs 95.10% (+0.20 points)' });
    expect(t.get('user-mnist-cli-tfjs-wasm-vs-layers-wasm')?.measured).toBeCloseTo(17 / 16, 12);
    expect(t.get('user-mnist-cli-tfjs-wasm-vs-layers-wasm')?.status).toBe('met');
    // 9,500 ÷ 10,000 ≥ 0.9 (the loop in its own process; (b)'s in-process loop is also 10,000 in the fixture)
    expect(t.get('user-mnist-cli-vs-hot-loop')).toMatchObject({ status: 'met', measured: 0.95 });
    expect(t.get('user-mnist-cli-vs-hot-loop')?.note).toContain('0.95×');
    // best tfjs backend through the CLI: cpu at 40k; 3M ÷ 40k = 75 < 100
    expect(t.get('user-playground-cli-ref32-vs-best-tfjs')).toMatchObject({ status: 'missed', measured: 75, note: 'best tfjs backend: tfjs/cpu' });
  });

  it('give the hot loop counted from its first step (warm-up included, as the CLI counts) and the whole-process ratio beside the target', () => {
    const loop = userResult('loop', 'reference/float32', [2.2, 2, 2.4], 10_000, 0.9);
    const withWarmUp = { ...loop, runs: loop.runs.map((r, i) => ({ ...r, samplesPerSecondFromFirstStep: [9_000, 8_000, 9_500][i] })) };
    const t = byId([userScenarioResult('mnist-sgd', [userResult('cli', 'reference/float32', [2.5], 8_000, 0.9), withWarmUp])]);
    // The target stays CLI ÷ the loop after warm-up: 8,000 ÷ 10,000.
    expect(t.get('user-mnist-cli-vs-hot-loop')).toMatchObject({ status: 'missed', measured: 0.8 });
    // 8,000 ÷ median(9,000, 8,000, 9,500) = 0.89; whole process: loop 2.2 s ÷ CLI 2.5 s = 0.88.
    expect(t.get('user-mnist-cli-vs-hot-loop')?.note).toBe(
      "hot loop in its own process, interleaved with the CLI, after 50 warm-up steps; counted from its first step as the CLI counts: 0.89×; whole process 0.88×; against (b)'s in-process loop: 0.80×",
    );
  });

  it('do not count a faster run at a lower accuracy (more than 0.5 points below) as met', () => {
    const t = byId([mnist(0.94)]);
    expect(t.get('user-mnist-cli-ref32-vs-layers-wasm')?.measured).toBeCloseTo(17 / 8, 12);
    expect(t.get('user-mnist-cli-ref32-vs-layers-wasm')?.status).toBe('missed');
  });

  it('are n/a without the user path', () => {
    const t = byId([]);
    for (const id of ['user-mnist-cli-ref32-vs-layers-wasm', 'user-mnist-cli-tfjs-wasm-vs-layers-wasm', 'user-mnist-cli-vs-hot-loop', 'user-playground-cli-ref32-vs-best-tfjs']) {
      expect(t.get(id)).toMatchObject({ status: 'n/a', measured: null });
    }
  });
});
