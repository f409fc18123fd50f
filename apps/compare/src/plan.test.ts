import { EngineRegistry, optimizer, type EngineProvider } from '@twinprop/core';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { describe, expect, it } from 'vitest';
import { plantFault } from './faults.js';
import { runComparison } from './harness.js';
import { kerasGap } from './keras.js';
import { planComparison, type ComparisonPlan } from './plan.js';
import { formatTerminal } from './report.js';
import { defineScenario } from './scenario.js';
import { XOR_SCENARIO } from './scenarios.js';

/** A stand-in tfjs provider: `slow` never loads, `fast` and `spare` do. Nothing is ever created. */
const fakeTfjs: EngineProvider = {
  name: 'tfjs',
  description: 'planning fixture',
  variants: [
    { name: 'slow', dtype: 'float32', description: 'never loads' },
    { name: 'fast', dtype: 'float32', description: 'loads' },
    { name: 'spare', dtype: 'float32', description: 'loads' },
  ],
  availability: () =>
    Promise.resolve([
      { variant: 'slow', available: false, reason: 'slow is not installed. Install it.' },
      { variant: 'fast', available: true, detail: 'ready' },
      { variant: 'spare', available: true, detail: 'ready' },
    ]),
  create: () => Promise.reject(new Error('planning must not create engines')),
};

const registry = (): EngineRegistry => new EngineRegistry().register(referenceEngineProvider).register(fakeTfjs);

function pairsOf(plan: ComparisonPlan): string[] {
  return plan.pairs.map((p) => `${p.baseline.id} vs ${p.engine.id} (${p.precision})`);
}

describe('planning', () => {
  it('the default matrix: each reference dtype against every tfjs backend that loads; the others skipped with their reason', async () => {
    const lines: string[] = [];
    const plan = await planComparison({ suite: 'full', onProgress: (l) => lines.push(l) }, registry());
    expect(pairsOf(plan)).toEqual([
      'reference/float64 vs tfjs/fast (float64 vs float32)',
      'reference/float64 vs tfjs/spare (float64 vs float32)',
      'reference/float32 vs tfjs/fast (float32 vs float32)',
      'reference/float32 vs tfjs/spare (float32 vs float32)',
    ]);
    expect(lines).toEqual(['skipping tfjs/slow: slow is not installed. Install it.']);
    expect(plan.engines.filter((e) => !e.available).map((e) => e.id)).toEqual(['tfjs/slow']);
  });

  it('xor takes the best tfjs backend that loads; --backend restricts the matrix and lifts that policy', async () => {
    expect(pairsOf(await planComparison({ suite: 'xor' }, registry()))).toEqual([
      'reference/float64 vs tfjs/fast (float64 vs float32)',
      'reference/float32 vs tfjs/fast (float32 vs float32)',
    ]);
    expect(pairsOf(await planComparison({ suite: 'xor', backends: ['spare'], dtypes: ['float64'] }, registry()))).toEqual([
      'reference/float64 vs tfjs/spare (float64 vs float32)',
    ]);
    await expect(planComparison({ suite: 'xor', backends: ['slow'] }, registry())).rejects.toThrow(/no requested TensorFlow\.js backend is available .*tfjs\/slow: slow is not installed/);
  });

  it('--engines: the first id is the baseline; `tfjs` is the first variant that loads; nothing is created', async () => {
    const plan = await planComparison({ suite: 'xor', engines: ['tfjs', 'reference/float64', 'tfjs/spare'] }, registry());
    expect(pairsOf(plan)).toEqual(['tfjs/fast vs reference/float64 (float64 vs float32)', 'tfjs/fast vs tfjs/spare (float32 vs float32)']);
    await expect(planComparison({ suite: 'xor', engines: ['reference/float64', 'tfjs/slow'] }, registry())).rejects.toThrow(
      'tfjs/slow is not available here: slow is not installed. Install it.',
    );
  });

  it('each engine runs once per scenario; Keras runs on the tfjs backends of the non-baseline engines only', async () => {
    const plan = await planComparison({ suite: 'xor', engines: ['tfjs/fast', 'reference/float64', 'tfjs/spare', 'reference/float32'] }, registry());
    const [xor] = plan.scenarios;
    expect(xor?.engines.map((e) => e.id)).toEqual(['tfjs/fast', 'reference/float64', 'tfjs/spare', 'reference/float32']);
    expect(xor?.kerasBackends).toEqual(['spare']);
    const noKeras = await planComparison({ suite: 'xor', engines: ['tfjs/fast', 'tfjs/spare'], keras: false }, registry());
    expect(noKeras.scenarios[0]?.kerasBackends).toEqual([]);
  });

  it('--filter applies to row names; --list plans without asking which engines load', async () => {
    const plan = await planComparison({ suite: 'quick', filter: 'float32 vs tfjs/spare' }, registry());
    expect(new Set(plan.scenarios.flatMap((s) => s.pairs.map((p) => `${p.baseline.id} vs ${p.engine.id}`)))).toEqual(new Set(['reference/float32 vs tfjs/spare']));
    const listed = await planComparison({ suite: 'xor', engines: ['reference/float64', 'tfjs'] }, registry(), false);
    expect(pairsOf(listed)).toEqual(['reference/float64 vs tfjs/auto (float64 vs float32)']);
    const all = await planComparison({ suite: 'xor' }, registry(), false);
    expect(all.pairs.map((p) => p.engine.id)).toEqual(['tfjs/slow', 'tfjs/fast', 'tfjs/spare', 'tfjs/slow', 'tfjs/fast', 'tfjs/spare']);
  });
});

describe('the Keras opinion follows what keras.ts can express', () => {
  const stepScenario = defineScenario(
    { dataset: { name: 'and', testFraction: 0 }, hidden: [[2, 'step']], output: [1, 'sigmoid'], loss: 'binaryCrossEntropy', optimizer: optimizer('sgd'), keras: true },
    { batchSize: 4, epochs: 2 },
  );

  it('a scenario keras.ts cannot express gets a reason instead of a Keras run', async () => {
    expect(kerasGap(XOR_SCENARIO)).toBeUndefined();
    expect(kerasGap(stepScenario)).toMatch(/no step activation/);
    const plan = await planComparison({ scenarios: [stepScenario], engines: ['reference/float64', 'tfjs/fast'] }, registry());
    expect(plan.scenarios[0]?.kerasBackends).toEqual([]);
    expect(plan.scenarios[0]?.kerasGap).toMatch(/no step activation/);
  });

  it('the run carries the reason on the rows that would have had Keras, and the report prints it', async () => {
    // The engines cannot train step layers by gradient descent either, so these rows fail on their errors.
    const report = await runComparison({ scenarios: [stepScenario], engines: ['reference/float64', 'reference/float32', 'tfjs/cpu'] });
    const [ref32, cpu] = report.scenarios;
    expect(ref32?.kerasSkipped).toBeUndefined();
    expect(cpu?.kerasSkipped).toMatch(/no step activation/);
    expect(cpu?.keras).toBeUndefined();
    expect(cpu?.errors.join('\n')).toMatch(/step/);
    expect(formatTerminal(report)).toMatch(/keras: not run — Keras has no step activation/);
  }, 60_000);
});

describe('running', () => {
  it('creates each engine once per run and trains it once per scenario, whatever the number of pairs it is in', async () => {
    const created: string[] = [];
    const models = new Map<string, number>();
    const createEngine = plantFault(
      () => true,
      (engine, id) => {
        created.push(id);
        return {
          name: engine.name,
          backend: engine.backend,
          dtype: engine.dtype,
          createModel: (...args) => {
            models.set(id, (models.get(id) ?? 0) + 1);
            return engine.createModel(...args);
          },
        };
      },
    );
    // checks: false — the probes build models of their own; this counts the scenarios' training runs.
    const report = await runComparison({ suite: 'xor', engines: ['reference/float64', 'tfjs/wasm', 'tfjs/cpu'], keras: false, checks: false, createEngine });
    expect(report.scenarios).toHaveLength(2);
    expect(created.sort()).toEqual(['reference/float64', 'tfjs/cpu', 'tfjs/wasm']);
    // Probe and training for each engine; the float64 baseline once more for finite differences —
    // not once per pair.
    expect(Object.fromEntries(models)).toEqual({ 'reference/float64': 3, 'tfjs/wasm': 2, 'tfjs/cpu': 2 });
  }, 60_000);
});
