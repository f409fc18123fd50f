import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatRatio, markdownTable } from '@twinprop/toolkit';
import { allocation, userResult, userScenarioResult, workloadResult, workloads } from './__fixtures__/results.js';
import { computeRatios } from './ratios.js';
import { renderEngines, renderPeak, renderRatioTable, renderReport, renderTargets, renderUserScenario, renderWorkload } from './render.js';
import { evaluateTargets } from './targets.js';
import { REPORT_SCHEMA, type BenchReport } from './types.js';

function report(): BenchReport {
  const ratios = computeRatios(workloads);
  return {
    schema: REPORT_SCHEMA,
    mode: 'quick',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationSeconds: 1,
    machine: { cpu: 'Some CPU', cores: 2, memoryBytes: 4 * 1024 ** 3, node: 'v20.1.0', platform: 'linux x64', os: 'linux', arch: 'x64', v8: '11.3' },
    versions: { node: '20.1.0' },
    flopFormula: 'f',
    settings: { repetitions: 3, warmupMs: 1, trainRepMs: 1, predictRepMs: 1, memoryMethod: 'm' },
    engines: [
      { engine: 'reference/float32', available: true, detail: 'Float32Array, plain JavaScript' },
      { engine: 'tfjs/tensorflow', available: false, reason: 'no tfjs-node. Install it.' },
    ],
    workloads,
    ratios,
    targets: evaluateTargets(workloads, ratios, allocation),
    allocation,
  };
}

describe('formatting (the toolkit, as the report uses it)', () => {
  it('formats counts, ratios and bytes with 3 significant digits', () => {
    expect(formatCount(1234)).toBe('1.23k');
    expect(formatCount(56_700_000)).toBe('56.7M');
    expect(formatCount(812)).toBe('812');
    expect(formatRatio(52.34)).toBe('52.3×');
    expect(formatRatio(1.0749)).toBe('1.07×');
    expect(formatRatio(0.41234)).toBe('0.412×');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(245 * 1024 * 1024)).toBe('245 MiB');
  });

  it('pads Markdown tables and refuses ragged rows', () => {
    expect(markdownTable(['a', 'bb'], [['xyz', '1']])).toBe(['| a   |  bb |', '|:----|----:|', '| xyz |   1 |'].join('\n'));
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow(RangeError);
  });
});

describe('rendering', () => {
  it('renders the ratio table with one column per workload', () => {
    const table = renderRatioTable(workloads, computeRatios(workloads), 'train');
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/training throughput ratio.*\(x\) playground.*\(x\) mnist.*\(x\) wide/);
    const wasm = lines.find((l) => l.startsWith('| ref f32 ÷ tfjs wasm '));
    expect(wasm?.split('|').map((c) => c.trim())).toEqual(['', 'ref f32 ÷ tfjs wasm', '66.7×', '0.833×', '2.50×', '']);
    expect(lines.find((l) => l.startsWith('| tfjs wasm time ÷ raw tfjs wasm time'))).toContain('1.05×');
    expect(lines.find((l) => l.startsWith('| ref f32 ÷ raw tfjs cpu'))).toMatch(/\| +– +\| +4\.00× +\| +– +\|$/);
  });

  it('renders target statuses', () => {
    const text = renderTargets(evaluateTargets(workloads, computeRatios(workloads), allocation));
    expect(text).toContain('**missed**');
    expect(text).toMatch(/0\.200 B\/step \| +≤ 1 B\/step \| met/);
  });

  it('labels contenders and keeps only the first sentence of a reason', () => {
    const lines = renderEngines(report().engines).split('\n');
    expect(lines[2]).toMatch(/^\| ref f32 +\| available +\| Float32Array, plain JavaScript +\|$/);
    expect(lines[3]).toMatch(/^\| tfjs tensorflow +\| unavailable +\| no tfjs-node\. +\|$/);
  });

  it('renders the measurement without float64 under the workload, with its ratios and its speed against the shared process', () => {
    const alone = workloadResult('playground', { 'reference/float32': 1_500_000, 'tfjs/cpu': 20_000 });
    const text = renderWorkload({ ...workloads[0]!, alone: { engines: alone.engines } });
    expect(text).toContain('without a float64 model');
    expect(text).toContain('Reference float32 trains here at 1.50× its speed in the table above.'); // 1.5M ÷ 1M
    const cpu = text.split('\n').find((l) => l.startsWith('| tfjs cpu') && l.includes('75.0×'));
    expect(cpu, 'a row for tfjs cpu with 1.5M ÷ 20k').toBeDefined();
    expect(renderWorkload(workloads[1]!)).not.toContain('without a float64 model');
  });

  it('describes the machine in the header line', () => {
    expect(renderReport(report())).toContain('Some CPU, 2 cores, 4.00 GiB memory; linux/x64; Node 20.1.0 (V8 11.3).');
  });
});

describe('JSON report', () => {
  it('keeps every number in a stable shape', () => {
    const parsed = JSON.parse(JSON.stringify(report())) as Record<string, unknown> & BenchReport;
    expect(Object.keys(parsed)).toEqual([
      'schema',
      'mode',
      'startedAt',
      'durationSeconds',
      'machine',
      'versions',
      'flopFormula',
      'settings',
      'engines',
      'workloads',
      'ratios',
      'targets',
      'allocation',
    ]);
    expect(parsed.schema).toBe('twinprop-bench/2');
    const engine = parsed.workloads[0]!.engines[0]!;
    expect(Object.keys(engine)).toEqual(['engine', 'train', 'predict']);
    expect(Object.keys(engine.train)).toEqual(['samplesPerSecond', 'msPerStep', 'gflops', 'stepsPerRepetition', 'lastLoss']);
    expect(Object.keys(engine.train.samplesPerSecond)).toEqual(['median', 'min', 'max', 'spread', 'values']);
    expect(parsed.ratios[0]).toEqual({ workload: 'playground', metric: 'train', numerator: 'reference/float32', denominator: 'tfjs/wasm', value: expect.any(Number) as number });
    expect(parsed.targets.map((t) => Object.keys(t).slice(0, 6))).toContainEqual(['id', 'description', 'measured', 'comparison', 'threshold', 'status']);
    expect(renderReport(parsed)).toContain('### Targets');
  });
});

describe('rendering the user path', () => {
  it('shows time, throughput and accuracy per contender, and both ratios against tfjs-layers', () => {
    const u = userScenarioResult('mnist', [
      userResult('cli', 'reference/float32', [7, 8, 9], 12_000, 0.953),
      userResult('layers', 'wasm', [16, 17, 18], 5_000, 0.951),
      { contender: { way: 'fit', engine: 'tfjs/cpu' }, label: 'fit tfjs/cpu', error: 'tfjs could not initialize its cpu backend' },
    ]);
    const lines = renderUserScenario(u).split('\n');
    const header = lines.find((l) => l.startsWith('| contender'))!;
    expect(header).toContain('vs layers wasm: time');
    const cli = lines.find((l) => l.startsWith('| cli reference/float32'))!.split('|').map((c) => c.trim());
    expect(cli).toContain('8.00 s');
    expect(cli).toContain('95.30%');
    expect(cli).toContain('2.13×'); // 17 s ÷ 8 s
    expect(cli).toContain('2.40×'); // 12,000 ÷ 5,000 samples/s
    expect(lines.find((l) => l.startsWith('| fit tfjs/cpu'))).toContain('error: tfjs could not initialize');
  });
});

describe('rendering the peak', () => {
  it('divides the kernel by the best-run ceilings, per thread', () => {
    const s = (values: number[]) => ({ median: values[1]!, min: Math.min(...values), max: Math.max(...values), spread: 0, values });
    const text = renderPeak(
      {
        clockGHz: s([3, 3.5, 4]),
        scalarGflops: s([10, 11, 12]),
        threads: 2,
        kernel: [
          { product: 'a', threads: 1, gflops: s([5, 6, 7]) },
          { product: 'a', threads: 2, gflops: s([9, 12, 13]) },
        ],
      },
      2,
    );
    // Ceilings: 4 GHz, 12 GFLOP/s per thread; a report without the CPU's vector width assumes
    // two 8-lane FMAs: hardware 4 × 32 = 128 GFLOP/s per core.
    expect(text).toContain('4.00 GHz');
    expect(text).toContain('128 GFLOP/s per core');
    expect(text).toContain('assumed');
    const rows = text.split('\n').filter((l) => l.startsWith('| a ')).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows).toEqual([
      ['', 'a', '1', '6.00', '±0.0%', '50%', '4.7%', ''],
      ['', 'a', '2', '12.0', '±0.0%', '50%', '4.7%', ''],
    ]);
  });

  it('uses the vector width the CPU reported', () => {
    const s = (v: number) => ({ median: v, min: v, max: v, spread: 0, values: [v] });
    const text = renderPeak(
      {
        clockGHz: s(4),
        scalarGflops: s(12),
        threads: 1,
        kernel: [{ product: 'a', threads: 1, gflops: s(6) }],
        vector: { float32FlopsPerCycle: 64, basis: 'CPU flags: AVX-512 (Intel): two 16-lane FMAs' },
      },
      2,
    );
    // 4 GHz × 64 = 256 GFLOP/s per core; 6 of 256 = 2.3%.
    expect(text).toContain('256 GFLOP/s per core (64 FLOP/cycle; CPU flags: AVX-512 (Intel): two 16-lane FMAs), 512 for 2 cores');
    expect(text.split('\n').find((l) => l.startsWith('| a '))).toContain('2.3%');
  });
});
