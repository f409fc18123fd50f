import {
  ACTIVATION_DEFINITIONS,
  HIDDEN_ACTIVATIONS,
  layersOf,
  LOSS_DEFINITIONS,
  LOSSES,
  LR_SCHEDULES,
  OPTIMIZERS,
  optimizerDefinition,
  OUTPUT_ACTIVATIONS,
  type OptimizerConfig,
} from '@twinprop/core';
import { createEngineRegistry, engines } from '@twinprop/toolkit';
import { describe, expect, it } from 'vitest';
import { mirrorEngineProvider } from './__fixtures__/mirror-engine.js';
import { runComparison } from './harness.js';
import { kerasGap } from './keras.js';
import { declaredScenarios, FULL_SCENARIOS, QUICK_SCENARIOS, SCENARIO_DECLARATIONS, SUITE_DEFINITIONS } from './scenarios.js';
import type { Scenario } from './scenario.js';
import { sweepScenarios } from './sweep.js';
import { tolerancesFor, TOLERANCES } from './tolerances.js';

/** Every (name, value) of an optimizer config's boolean hyperparameters, e.g. `nesterov=true`. */
function booleanSettings(config: OptimizerConfig): string[] {
  return Object.entries(config)
    .filter(([, v]) => typeof v === 'boolean')
    .map(([k, v]) => `${config.kind}.${k}=${String(v)}`);
}

function coverage(scenarios: readonly Scenario[]) {
  return {
    hidden: new Set(scenarios.flatMap((s) => s.spec.hidden.map((l) => l.activation))),
    outputs: new Set(scenarios.map((s) => s.spec.output.activation)),
    outputWithDefaultLoss: new Set(scenarios.filter((s) => ACTIVATION_DEFINITIONS[s.spec.output.activation].defaultLoss === s.training.loss).map((s) => s.spec.output.activation)),
    losses: new Set(scenarios.map((s) => s.training.loss)),
    optimizers: new Set(scenarios.map((s) => s.training.optimizer.kind)),
    booleans: new Set(scenarios.flatMap((s) => booleanSettings(s.training.optimizer))),
    depths: new Set(scenarios.map((s) => s.spec.hidden.length)),
    datasets: new Set(scenarios.map((s) => s.dataset.name)),
    regularization: new Set(scenarios.flatMap((s) => Object.keys(s.training.regularization ?? {}))),
    schedules: new Set(scenarios.flatMap((s) => (s.training.schedule === undefined ? [] : [s.training.schedule.kind]))),
  };
}

/** What core's tables say a suite must cover: every member, and each boolean hyperparameter both ways. */
const EXPECTED_BOOLEANS = OPTIMIZERS.flatMap((kind) =>
  Object.entries(optimizerDefinition(kind).hyperparameters)
    .filter(([, h]) => h.rule === 'boolean')
    .flatMap(([name]) => [`${kind}.${name}=true`, `${kind}.${name}=false`]),
);

describe('suite coverage follows core’s tables', () => {
  // The sweep alone covers every table: a member core adds is compared without a new scenario.
  for (const [name, scenarios] of [
    ['the sweep', sweepScenarios()],
    ['quick', QUICK_SCENARIOS],
    ['full', FULL_SCENARIOS],
  ] as const) {
    it(`${name}: every hidden and output activation (each output with its default loss), every loss, every optimizer and boolean hyperparameter, every learning-rate schedule`, () => {
      const c = coverage(scenarios);
      for (const a of HIDDEN_ACTIVATIONS) expect(c.hidden, `hidden ${a}`).toContain(a);
      for (const a of OUTPUT_ACTIVATIONS) expect(c.outputWithDefaultLoss, `output ${a} with ${ACTIVATION_DEFINITIONS[a].defaultLoss}`).toContain(a);
      for (const loss of LOSSES) expect(c.losses, loss).toContain(loss);
      for (const kind of OPTIMIZERS) expect(c.optimizers, kind).toContain(kind);
      for (const setting of EXPECTED_BOOLEANS) expect(c.booleans, setting).toContain(setting);
      for (const kind of LR_SCHEDULES) expect(c.schedules, `schedule ${kind}`).toContain(kind);
      // Nothing untrainable is compared (step layers are trained by the perceptron rule, not here).
      for (const s of scenarios) for (const l of layersOf(s.spec)) expect(ACTIVATION_DEFINITIONS[l.activation].trainable).toBe(true);
      for (const s of scenarios) expect(LOSS_DEFINITIONS[s.training.loss].fits(s.spec.output.activation), s.name).toBe(true);
    });
  }

  for (const [name, scenarios] of [
    ['quick', QUICK_SCENARIOS],
    ['full', FULL_SCENARIOS],
  ] as const) {
    it(`${name}: 0–3 hidden layers, L1 (plain and the Playground's clamped) and L2, every dataset family, both reference dtypes on every backend`, () => {
      const c = coverage(scenarios);
      expect([...c.depths].sort()).toEqual([0, 1, 2, 3]);
      expect([...c.regularization].sort()).toEqual(['clampAtZero', 'l1', 'l2']);
      for (const family of ['xor', 'and', 'circle', 'gauss', 'spiral', 'playground-xor', 'iris', 'mnist']) expect(c.datasets).toContain(family);
      expect(SUITE_DEFINITIONS[name].dtypes).toEqual(['float64', 'float32']);
      expect(SUITE_DEFINITIONS[name].backends).toBe('all');
    });
  }

  it('the sweep has one scenario per member of each table it is given, and grows with them', () => {
    const narrow = sweepScenarios({ hidden: ['relu'], outputs: ['sigmoid'], losses: ['binaryCrossEntropy'], optimizers: ['sgd'], schedules: ['step'] });
    // relu hidden; the base (tanh/sigmoid/adam) for the output and the loss; sgd; the base under a step schedule.
    expect(narrow.map((s) => s.name)).toEqual([
      'sweep: circle 2-4-1 relu/sigmoid bce adam(0.01)',
      'sweep: circle 2-4-1 tanh/sigmoid bce adam(0.01)',
      'sweep: circle 2-4-1 tanh/sigmoid bce sgd(0.1)',
      'sweep: circle 2-4-1 tanh/sigmoid bce adam(0.01) lr=step(every=4,factor=0.5)',
    ]);
    const wider = sweepScenarios({
      hidden: ['relu', 'leakyRelu'],
      outputs: ['sigmoid', 'softmax'],
      losses: ['binaryCrossEntropy'],
      optimizers: ['sgd', 'momentum'],
      schedules: ['step', 'constant'],
    });
    expect(wider.length).toBe(narrow.length + 1 + 1 + 2 + 1); // leakyRelu; softmax; momentum and Nesterov; constant
    expect(wider.find((s) => s.spec.output.activation === 'softmax')?.dataset.name).toBe('iris');
    for (const s of wider) expect(s.keras).toBe(true);
    // Keras trains at a constant rate: a decaying schedule gets the reason instead of the opinion.
    for (const s of wider) expect(kerasGap(s) !== undefined, s.name).toBe(s.training.schedule !== undefined && s.training.schedule.kind !== 'constant');
  });

  it('each scenario is declared once; the suites derive theirs from the declarations', () => {
    const declared = new Set(SCENARIO_DECLARATIONS);
    expect(declared.size).toBe(SCENARIO_DECLARATIONS.length);
    const sweep = sweepScenarios().map((s) => s.name);
    expect(QUICK_SCENARIOS.map((s) => s.name)).toEqual([...declaredScenarios('quick').map((s) => s.name), ...sweep]);
    expect(FULL_SCENARIOS.map((s) => s.name)).toEqual([...declaredScenarios('full').map((s) => s.name), ...sweep]);
    // A scenario in both suites keeps its shape and changes only its size.
    const both = SCENARIO_DECLARATIONS.filter((d) => d.sizes.quick !== undefined && d.sizes.full !== undefined);
    expect(both.length).toBeGreaterThan(0);
    for (const d of both) {
      const quick = declaredScenarios('quick', [d])[0]!;
      const full = declaredScenarios('full', [d])[0]!;
      expect(full.spec).toEqual(quick.spec);
      expect(full.training).toEqual(quick.training);
      expect(full.seed).toBe(quick.seed);
      expect(full.epochs).toBe(d.sizes.full!.epochs);
      expect(quick.epochs).toBe(d.sizes.quick!.epochs);
    }
  });
});

describe('the quick suite, in process', () => {
  it('passes on every available backend and both reference dtypes, applying the tolerances in tolerances.ts', async () => {
    const available = (await engines.availability(engines.candidates('tfjs').variants.map((v) => `tfjs/${v.name}`))).filter((s) => s.available).map((s) => s.id);
    const report = await runComparison({ suite: 'quick' });
    const failures = report.scenarios.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`);
    expect(failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.scenarios).toHaveLength(QUICK_SCENARIOS.length * 2 * available.length);
    expect([...new Set(report.pairs.map((p) => p.engine.id))]).toEqual(available);
    expect([...new Set(report.pairs.map((p) => p.baseline.id))]).toEqual(['reference/float64', 'reference/float32']);
    // The tolerances a row reports are the ones in tolerances.ts (single source of truth), chosen by the two dtypes.
    for (const row of report.scenarios) {
      expect(row.tolerances).toBe(tolerancesFor(row.baseline.dtype, row.engine.dtype));
      expect(row.tolerances).toBe(TOLERANCES[row.baseline.dtype === 'float64' ? 'float64 vs float32' : 'float32 vs float32']);
      expect(row.gradients?.tolerance).toBe(row.tolerances.gradient);
      // Adam's weight floor is the update size η·K; every other optimizer gets the bound as it is.
      const expected =
        row.optimizer === 'adam'
          ? { rtol: row.tolerances.trajectoryWeights.rtol, floor: Math.max(row.tolerances.trajectoryWeights.floor, lrOf(row.scenario) * (row.trajectory?.steps ?? 0)) }
          : row.tolerances.trajectoryWeights;
      expect(row.trajectory?.tolerance.weights).toEqual(expected);
      // Finite differences: on the float64 reference only, so only its rows carry them.
      expect(row.finiteDifferences.map((fd) => fd.engine)).toEqual(row.baseline.dtype === 'float64' ? ['reference/float64'] : []);
      expect(Object.keys(row.seconds).sort()).toEqual([row.baseline.id, row.engine.id].sort());
    }
    // Keras ran where asked, on each row's tfjs backend, against the row's baseline, and on the same tfjs-core.
    expect(report.keras?.sameCore).toBe(true);
    const withKeras = report.scenarios.filter((r) => r.keras !== undefined);
    // (A scenario Keras cannot express — an activation it has no layer for — runs without it, with the reason.)
    expect(withKeras.length).toBe(QUICK_SCENARIOS.filter((s) => s.keras && kerasGap(s) === undefined).length * 2 * available.length);
    for (const row of withKeras) {
      expect(`tfjs/${row.keras!.backend}`).toBe(row.engine.id);
      expect(row.keras!.against).toBe(row.baseline.id);
    }
  }, 120_000);
});

describe('pairs of the reference engine with itself and with a second float64 engine, over the quick suite', () => {
  it('reference/float64 vs mirror/float64 passes the float64 bounds, and vs reference/float32 the mixed-precision bounds', async () => {
    const registry = createEngineRegistry().register(mirrorEngineProvider);
    const report = await runComparison({ suite: 'quick', engines: ['reference/float64', 'mirror/float64', 'reference/float32'], registry, keras: false });
    expect(report.scenarios.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
    const both64 = report.scenarios.filter((r) => r.engine.id === 'mirror/float64');
    const mixed = report.scenarios.filter((r) => r.engine.id === 'reference/float32');
    expect(both64).toHaveLength(QUICK_SCENARIOS.length);
    expect(mixed).toHaveLength(QUICK_SCENARIOS.length);
    for (const row of both64) {
      expect(row.tolerances).toBe(TOLERANCES['float64 vs float64']);
      expect(row.finiteDifferences.map((fd) => fd.engine)).toEqual(['reference/float64', 'mirror/float64']);
    }
    for (const row of mixed) expect(row.tolerances).toBe(TOLERANCES['float64 vs float32']);
    // The mirror really sums in another order: it differs from the reference somewhere, by float64 rounding.
    const worstGradient = Math.max(...both64.map((r) => r.gradients?.maxRel ?? Number.NaN));
    expect(worstGradient).toBeGreaterThan(0);
    expect(worstGradient).toBeLessThan(1e-12);
  }, 120_000);
});

function lrOf(name: string): number {
  const scenario = QUICK_SCENARIOS.find((s) => s.name === name);
  if (scenario === undefined) throw new Error(`no quick scenario ${name}`);
  return scenario.training.optimizer.learningRate;
}
