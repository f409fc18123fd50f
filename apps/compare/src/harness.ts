import { parseEngineId, type Engine, type EngineRegistry } from '@twinprop/core';
import { describeEnvironment, engines as sharedEngines, type Environment } from '@twinprop/toolkit';
import { compareAccuracy } from './accuracy.js';
import { CheckBuilder, type RunCheck } from './checks.js';
import { EXPORTED_FORWARD, exportedForward } from './exported.js';
import { sharedCodeChecks } from './oracles.js';
import { crossRestoreProbes, engineProbes } from './probes.js';
import { SHARED_CODE, type SharedCode } from './shared.js';
import type { HeadroomReport } from './headroom.js';
import { kerasSetup, type KerasSetup } from './keras.js';
import { comparePair, type ComparisonRow, type PrecisionBaseline } from './pair.js';
import { planComparison, TFJS_ENGINE, type EngineAvailability, type EnginePair, type PlannedScenario, type PlanOptions } from './plan.js';
import { attempt, runEngine, runKeras, type EngineRun, type Outcome } from './run.js';
import { prepareScenario, type ScenarioSetup } from './setup.js';
import { FINITE_DIFFERENCES, KERAS_TOLERANCE, TOLERANCES } from './tolerances.js';
import type { TrainingTrace } from './trajectory.js';

export { HarnessUsageError } from './plan.js';

export interface ComparisonReport {
  readonly suite: string;
  readonly description: string;
  readonly environment: Environment;
  /** Every engine the run considered, with whether it loads (the skipped ones with their reason). */
  readonly engines: readonly EngineAvailability[];
  /** The pairs compared: baseline and engine ids, and the precision that chose their tolerances. */
  readonly pairs: readonly EnginePair[];
  readonly keras: KerasSetup | undefined;
  readonly tolerances: {
    readonly comparison: typeof TOLERANCES;
    readonly finiteDifferences: typeof FINITE_DIFFERENCES;
    readonly keras: typeof KERAS_TOLERANCE;
  };
  readonly scenarios: readonly ComparisonRow[];
  readonly passed: number;
  readonly failed: number;
  /**
   * Checks of the run besides the comparisons: probes of each engine against independently
   * computed values (probes.ts) and oracles for the code the engines share (oracles.ts).
   */
  readonly checks: readonly RunCheck[];
  readonly checksFailed: number;
  /** With `compare --variants <n>`: the same comparisons under other seeds and batch orders, and the headroom of each bound over all of them. */
  readonly headroom?: HeadroomReport;
  readonly seconds: number;
  /** CPU time of this process (user + system) — the wall time depends on what else the machine runs. */
  readonly cpuSeconds: number;
}

export interface RunOptions extends PlanOptions {
  /** Where ids are resolved and availability is asked (default: the toolkit's shared registry). */
  readonly registry?: EngineRegistry;
  /**
   * Creates the engine of an id (default: `registry.create`). Tests wrap it to plant a fault in
   * one engine and check that the harness notices.
   */
  readonly createEngine?: (id: string) => Promise<Engine>;
  /** The shared code (batch order, loop, split, core's definitions) — core's, unless the mutation suite plants a wrong one. */
  readonly shared?: SharedCode;
  /** Run the probes and the shared-code oracles (default true). */
  readonly checks?: boolean;
}

/** Not a check: the same engine in float64 and in float32, when the run has both. */
function precisionBaseline(runs: ReadonlyMap<string, EngineRun>, setup: ScenarioSetup): PrecisionBaseline | undefined {
  const all = [...runs.values()];
  for (const wide of all.filter((r) => r.engine.dtype === 'float64')) {
    const narrow = all.find((r) => r.engine.dtype === 'float32' && parseEngineId(r.engine.id).engine === parseEngineId(wide.engine.id).engine);
    if (narrow === undefined || !wide.trace.ok || !narrow.trace.ok) continue;
    const c = compareAccuracy(wide.trace.value.testOutputs, narrow.trace.value.testOutputs, setup.data.test.y, TOLERANCES['float64 vs float32']);
    return { float64: wide.engine.id, float32: narrow.engine.id, agreement: c.agreement, disagreements: c.disagreements };
  }
  return undefined;
}

/**
 * The exported-model opinion on a scenario: each baseline engine's trained weights, exported to a
 * TensorFlow.js LayersModel and to ONNX and run by tfjs-layers and by ONNX Runtime on the test set,
 * against the engine's own test outputs. A format that cannot express the model is skipped (the
 * reason goes to the progress lines).
 */
async function exportedChecks(planned: PlannedScenario, runs: ReadonlyMap<string, EngineRun>, setup: ScenarioSetup, progress: (line: string) => void): Promise<RunCheck[]> {
  const checks: RunCheck[] = [];
  for (const id of new Set(planned.pairs.map((p) => p.baseline.id))) {
    const run = runs.get(id);
    if (run === undefined || !run.trace.ok) continue;
    const trained = { spec: planned.scenario.spec, training: planned.scenario.training, weights: run.trace.value.finalWeights };
    const found = await exportedForward(id, trained, setup.data.test.x, run.trace.value.testOutputs, EXPORTED_FORWARD);
    for (const opinion of found.opinions) {
      if ('refused' in opinion) {
        progress(`  ${id}: no ${opinion.runtime} opinion — ${opinion.refused}`);
        continue;
      }
      const check = new CheckBuilder(`exported forward (${opinion.runtime}): ${planned.scenario.name}`, 'exported forward', EXPORTED_FORWARD.rtol, id);
      check.measure(opinion.diff.maxRel, `test output ${opinion.diff.worstIndex}: ${opinion.diff.worstA} (${opinion.runtime}) vs ${opinion.diff.worstB} (${id})`);
      checks.push(check.result());
    }
  }
  return checks;
}

/** Runs every engine of a planned scenario once, Keras once per backend, then compares each pair. */
async function runScenario(
  planned: PlannedScenario,
  engineFor: (id: string) => Promise<Outcome<Engine>>,
  shared: SharedCode,
  withChecks: boolean,
  progress: (line: string) => void,
): Promise<{ rows: ComparisonRow[]; checks: RunCheck[] }> {
  const setup = prepareScenario(planned.scenario, shared);
  const runs = new Map<string, EngineRun>();
  for (const ref of planned.engines) runs.set(ref.id, await runEngine(ref, await engineFor(ref.id), setup));
  const keras = new Map<string, Outcome<TrainingTrace>>();
  for (const backend of planned.kerasBackends) keras.set(backend, await runKeras(setup, backend));
  const baseline = precisionBaseline(runs, setup);
  const checks = withChecks ? await exportedChecks(planned, runs, setup, progress) : [];
  const rows = planned.pairs.map((pair) => {
    const a = runs.get(pair.baseline.id);
    const b = runs.get(pair.engine.id);
    if (a === undefined || b === undefined) throw new Error(`${pair.baseline.id} vs ${pair.engine.id}: an engine of the pair did not run`);
    const { engine, variant } = parseEngineId(pair.engine.id);
    const backend = engine === TFJS_ENGINE ? variant : undefined;
    const kerasRun = backend === undefined ? undefined : keras.get(backend);
    return comparePair({
      setup,
      pair,
      baseline: a,
      engine: b,
      ...(backend !== undefined && kerasRun !== undefined ? { keras: { backend, run: kerasRun } } : {}),
      ...(backend !== undefined && planned.kerasGap !== undefined ? { kerasSkipped: planned.kerasGap } : {}),
      ...(baseline === undefined ? {} : { precisionBaseline: baseline }),
    });
  });
  return { rows, checks };
}

/**
 * Runs a comparison: plans it (which scenarios, which pairs, which engines load), then for each
 * scenario trains every engine it needs once and compares every pair from those runs.
 */
export async function runComparison(options: RunOptions = {}): Promise<ComparisonReport> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const registry = options.registry ?? sharedEngines;
  const createEngine = options.createEngine ?? ((id: string) => registry.create(id));
  const progress = options.onProgress ?? ((): void => undefined);
  const shared = options.shared ?? SHARED_CODE;
  const plan = await planComparison(options, registry);

  const keras = plan.scenarios.some((p) => p.kerasBackends.length > 0) ? kerasSetup() : undefined;
  if (keras !== undefined && !keras.sameCore) progress(`warning: ${keras.detail}`);

  const created = new Map<string, Promise<Outcome<Engine>>>();
  const engineFor = (id: string): Promise<Outcome<Engine>> => {
    let engine = created.get(id);
    if (engine === undefined) {
      engine = attempt(id, () => createEngine(id));
      created.set(id, engine);
    }
    return engine;
  };

  const rows: ComparisonRow[] = [];
  const scenarioChecks: RunCheck[] = [];
  for (const [index, planned] of plan.scenarios.entries()) {
    progress(`[${index + 1}/${plan.scenarios.length}] ${planned.scenario.name}`);
    const result = await runScenario(planned, engineFor, shared, options.checks !== false, progress);
    for (const row of result.rows) {
      rows.push(row);
      progress(`  ${row.passed ? 'ok  ' : 'FAIL'} ${row.name}${row.passed ? '' : `\n       ${row.failures.join('\n       ')}`}`);
    }
    for (const check of result.checks) {
      scenarioChecks.push(check);
      if (!check.passed) progress(`  FAIL ${check.engine ?? ''}: ${check.name}\n       ${check.failures.join('\n       ')}`);
    }
  }

  const checks = options.checks === false ? [] : [...scenarioChecks, ...(await runChecks(plan.pairs, engineFor, shared, progress))];
  const passed = rows.filter((r) => r.passed).length;
  return {
    suite: plan.suite.name,
    description: plan.description,
    environment: describeEnvironment({ resolveFrom: import.meta.url }),
    engines: plan.engines,
    pairs: plan.pairs,
    keras,
    tolerances: { comparison: TOLERANCES, finiteDifferences: FINITE_DIFFERENCES, keras: KERAS_TOLERANCE },
    scenarios: rows,
    passed,
    failed: rows.length - passed,
    checks,
    checksFailed: checks.filter((c) => !c.passed).length,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: ((cpu) => (cpu.user + cpu.system) / 1e6)(process.cpuUsage(cpuStarted)),
  };
}

/**
 * The checks of the run: the shared-code oracles once, every probe on each engine of the pairs,
 * and the save/restore probe across each pair, both ways. An engine that does not load has no
 * probes (its rows already report the error).
 */
async function runChecks(
  pairs: readonly EnginePair[],
  engineFor: (id: string) => Promise<Outcome<Engine>>,
  shared: SharedCode,
  progress: (line: string) => void,
): Promise<RunCheck[]> {
  const checks: RunCheck[] = [];
  const report = (found: readonly RunCheck[]): void => {
    for (const c of found) {
      checks.push(c);
      if (!c.passed) progress(`  FAIL ${c.engine === undefined ? '' : `${c.engine}: `}${c.name}\n       ${c.failures.join('\n       ')}`);
    }
  };
  progress('checks: oracles of the shared code, probes of each engine');
  report(await sharedCodeChecks(shared));
  const ids = [...new Set(pairs.flatMap((p) => [p.baseline.id, p.engine.id]))];
  const loaded = new Map<string, Engine>();
  for (const id of ids) {
    const engine = await engineFor(id);
    if (!engine.ok) continue;
    loaded.set(id, engine.value);
    report(engineProbes(engine.value, id, shared));
  }
  for (const pair of pairs) {
    const a = loaded.get(pair.baseline.id);
    const b = loaded.get(pair.engine.id);
    if (a === undefined || b === undefined) continue;
    report(crossRestoreProbes({ engine: a, id: pair.baseline.id }, { engine: b, id: pair.engine.id }));
    report(crossRestoreProbes({ engine: b, id: pair.engine.id }, { engine: a, id: pair.baseline.id }));
  }
  progress(`  ${checks.filter((c) => c.passed).length} of ${checks.length} checks passed`);
  return checks;
}
