import { describeSpec, type DType, type Engine } from '@twinprop/core';
import { TFJS_BACKENDS, type TfjsBackend } from '@twinprop/engine-tfjs';
import { compareAccuracy, type AccuracyComparison } from './accuracy.js';
import { DEFAULT_ENGINES, discoverBackends, type BackendStatus, type EngineFactories } from './engines.js';
import { describeEnvironment, type Environment } from '@twinprop/toolkit';
import {
  compareForward,
  compareGradients,
  finiteDifferenceCheck,
  probeFirstBatch,
  type FiniteDifferenceCheck,
  type FirstBatchProbe,
  type ForwardComparison,
  type GradientComparison,
} from './gradients.js';
import { kerasSetup, traceKeras, type KerasSetup } from './keras.js';
import { assertUniqueNames, SUITE_DEFINITIONS, type Scenario, type SuiteName } from './scenarios.js';
import { prepareScenario, type ScenarioSetup } from './setup.js';
import { FINITE_DIFFERENCES, KERAS_TOLERANCE, TOLERANCES, type ComparisonTolerances } from './tolerances.js';
import { compareTrajectories, traceTraining, type TrainingTrace, type TrajectoryComparison } from './trajectory.js';

/** The Keras third opinion on one comparison row, against that row's reference engine. */
export interface KerasComparison {
  readonly trajectory: TrajectoryComparison;
  readonly accuracy: AccuracyComparison;
  readonly passed: boolean;
  readonly seconds: number;
}

/** One comparison: a scenario, the reference engine in one dtype, tfjs on one backend. */
export interface ComparisonRow {
  /** `<scenario> · ref <dtype> vs tfjs/<backend>` — what `--filter` matches. */
  readonly name: string;
  readonly scenario: string;
  readonly dataset: string;
  readonly spec: string;
  readonly loss: string;
  readonly optimizer: string;
  readonly batchSize: number;
  readonly epochs: number;
  readonly dtype: DType;
  readonly backend: TfjsBackend;
  readonly trainPoints: number;
  readonly testPoints: number;
  /** The gates test on their whole truth table, which is also the training set. */
  readonly testIsTrain: boolean;
  readonly tolerances: ComparisonTolerances;
  readonly forward?: ForwardComparison;
  readonly gradients?: GradientComparison;
  readonly finiteDifferences?: FiniteDifferenceCheck;
  readonly trajectory?: TrajectoryComparison;
  readonly accuracy?: AccuracyComparison;
  /** Absent when the scenario has no Keras run. */
  readonly keras?: KerasComparison;
  /**
   * Not a check: the reference engine against itself, float64 vs float32, on the final test
   * predictions — how much precision alone moves the outcome (present when both dtypes ran).
   */
  readonly precisionBaseline?: { readonly agreement: number; readonly disagreements: number };
  /** Errors thrown by an engine while producing this row's inputs. */
  readonly errors: readonly string[];
  /** One line per failed check (empty when the row passed). */
  readonly failures: readonly string[];
  readonly passed: boolean;
  readonly seconds: { readonly reference: number; readonly tfjs: number };
}

export interface ComparisonReport {
  readonly suite: string;
  readonly description: string;
  readonly environment: Environment;
  readonly backends: readonly BackendStatus[];
  /** The tfjs backends compared in this run. */
  readonly backendsUsed: readonly TfjsBackend[];
  readonly dtypes: readonly DType[];
  readonly keras: KerasSetup | undefined;
  readonly tolerances: {
    readonly comparison: Readonly<Record<DType, ComparisonTolerances>>;
    readonly finiteDifferences: typeof FINITE_DIFFERENCES;
    readonly keras: typeof KERAS_TOLERANCE;
  };
  readonly scenarios: readonly ComparisonRow[];
  readonly passed: number;
  readonly failed: number;
  readonly seconds: number;
  /** CPU time of this process (user + system) — the wall time depends on what else the machine runs. */
  readonly cpuSeconds: number;
}

export interface RunOptions {
  readonly suite?: SuiteName;
  /** Run these scenarios instead of the suite's (its dtypes and backend policy still apply). */
  readonly scenarios?: readonly Scenario[];
  /** Restrict the tfjs backends (unavailable ones are skipped with their reason). */
  readonly backends?: readonly TfjsBackend[];
  /** Reference dtypes to compare (default: the suite's). */
  readonly dtypes?: readonly DType[];
  /** Keep only rows whose name contains this (case-insensitive). */
  readonly filter?: string;
  /** Run the Keras third opinion where a scenario asks for it (default true). */
  readonly keras?: boolean;
  readonly engines?: EngineFactories;
  /** Progress lines (the CLI prints them on stderr). */
  readonly onProgress?: (line: string) => void;
  /** Backend availability, when the caller already knows it (saves loading them again). */
  readonly backendStatus?: readonly BackendStatus[];
}

/** Raised for a run that cannot start (no backend, nothing matched the filter). */
export class HarnessUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessUsageError';
  }
}

export function rowName(scenario: Scenario, dtype: DType, backend: TfjsBackend): string {
  return `${scenario.name} · ref ${dtype} vs tfjs/${backend}`;
}

type Outcome<T> = { readonly ok: true; readonly value: T; readonly seconds: number } | { readonly ok: false; readonly error: string };

async function attempt<T>(what: string, task: () => T | Promise<T>): Promise<Outcome<T>> {
  const started = performance.now();
  try {
    const value = await task();
    return { ok: true, value, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `${what}: ${message}` };
  }
}

interface EngineResult {
  readonly probe: Outcome<FirstBatchProbe>;
  readonly trace: Outcome<TrainingTrace>;
}

async function runEngine(what: string, engine: Outcome<Engine>, setup: ScenarioSetup): Promise<EngineResult> {
  if (!engine.ok) return { probe: engine, trace: engine };
  const probe = await attempt(`${what} (first batch)`, () => probeFirstBatch(engine.value, setup));
  const trace = await attempt(`${what} (training)`, () => traceTraining(engine.value, setup));
  return { probe, trace };
}

function failuresOf(row: Omit<ComparisonRow, 'failures' | 'passed'>): string[] {
  const failures = [...row.errors];
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const e = (x: number): string => x.toExponential(2);
  /** A bound as tolerances.ts writes it: 1e-4, 3e-3. */
  const b = (x: number): string => x.toExponential().replace('e+', 'e');
  if (row.forward !== undefined && !row.forward.passed) {
    failures.push(`forward: max rel error ${e(row.forward.maxRel)} > ${b(row.forward.tolerance.rtol)}`);
  }
  if (row.gradients !== undefined && !row.gradients.passed) {
    const bad = row.gradients.parameters.filter((p) => !p.shapeMatches || p.maxRel > row.gradients!.tolerance.rtol);
    const what = bad
      .map((p) =>
        p.shapeMatches
          ? `${p.name}[${p.worstIndex}] ${p.worstA} vs ${p.worstB} (rel ${e(p.maxRel)})`
          : `${p.name} shape [${p.shape.join(', ')}] vs [${p.otherShape.join(', ')}]`,
      )
      .join('; ');
    failures.push(`gradients vs tfjs: ${what} > ${b(row.gradients.tolerance.rtol)}`);
  }
  if (row.finiteDifferences !== undefined && !row.finiteDifferences.passed) {
    const bad = row.finiteDifferences.parameters.filter((p) => !(p.maxRel <= row.finiteDifferences!.tolerance.rtol));
    failures.push(
      `gradients vs finite differences: ${bad.map((p) => `${p.name} rel ${e(p.maxRel)}`).join('; ')} > ${b(row.finiteDifferences.tolerance.rtol)}`,
    );
  }
  if (row.trajectory !== undefined && !row.trajectory.passed) {
    const t = row.trajectory;
    const firstBad = t.lossDrift.findIndex((d) => !(d <= t.tolerance.loss.rtol));
    failures.push(
      `trajectory over ${t.steps} steps: loss drift ${e(t.maxLossDrift)} (limit ${b(t.tolerance.loss.rtol)}${firstBad >= 0 ? `, first exceeded at step ${firstBad + 1}` : ''}), ` +
        `weight drift ${e(t.maxWeightDrift)} (limit ${b(t.tolerance.weights.rtol)})`,
    );
  }
  if (row.accuracy !== undefined && !row.accuracy.passed) {
    const a = row.accuracy;
    failures.push(
      `accuracy: reference ${pct(a.accuracyA)} vs tfjs ${pct(a.accuracyB)} (Δ ${a.differencePoints.toFixed(1)} pp, limit ${a.tolerance.accuracyPoints} pp), ` +
        `agreement ${pct(a.agreement)} (limit ≥ ${pct(a.tolerance.agreement)})`,
    );
  }
  if (row.keras !== undefined && !row.keras.passed) {
    const k = row.keras;
    failures.push(
      `keras: loss drift ${e(k.trajectory.maxLossDrift)} (limit ${b(k.trajectory.tolerance.loss.rtol)}), ` +
        `weight drift ${e(k.trajectory.maxWeightDrift)} (limit ${b(k.trajectory.tolerance.weights.rtol)}), accuracy ${pct(k.accuracy.accuracyB)} vs reference ${pct(k.accuracy.accuracyA)} ` +
        `(Δ ${k.accuracy.differencePoints.toFixed(1)} pp), agreement ${pct(k.accuracy.agreement)}`,
    );
  }
  return failures;
}

/**
 * Runs a suite: for each scenario, every engine trains once (reference per dtype, tfjs per
 * backend, Keras per backend), then every (dtype, backend) pair is compared from those runs.
 */
export async function runComparison(options: RunOptions = {}): Promise<ComparisonReport> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const suite = SUITE_DEFINITIONS[options.suite ?? 'quick'];
  const scenarios = options.scenarios ?? suite.scenarios;
  assertUniqueNames(scenarios);
  const engines = options.engines ?? DEFAULT_ENGINES;
  const dtypes = options.dtypes ?? suite.dtypes;
  const progress = options.onProgress ?? ((): void => undefined);
  const filter = options.filter?.toLowerCase();

  const backends = options.backendStatus ?? (await discoverBackends());
  for (const b of backends) {
    if (!b.available && (options.backends === undefined || options.backends.includes(b.backend))) {
      progress(`skipping tfjs backend ${b.backend}: ${b.detail}`);
    }
  }
  let usable = TFJS_BACKENDS.filter((name) => backends.some((b) => b.backend === name && b.available)).filter(
    (name) => options.backends === undefined || options.backends.includes(name),
  );
  if (suite.backends === 'best' && options.backends === undefined) usable = usable.slice(0, 1);
  if (usable.length === 0) {
    throw new HarnessUsageError(
      `no requested TensorFlow.js backend is available (asked for ${options.backends?.join(', ') ?? 'any'}); ` +
        backends.map((b) => `${b.backend}: ${b.available ? 'available' : b.detail}`).join(' | '),
    );
  }

  const plan = scenarios
    .map((scenario) => ({
      scenario,
      pairs: dtypes.flatMap((dtype) => usable.map((backend) => ({ dtype, backend }))).filter(
        ({ dtype, backend }) => filter === undefined || rowName(scenario, dtype, backend).toLowerCase().includes(filter),
      ),
    }))
    .filter((p) => p.pairs.length > 0);
  if (plan.length === 0) throw new HarnessUsageError(`no scenario of the ${suite.name} suite matches --filter ${JSON.stringify(options.filter)}`);

  const wantKeras = options.keras !== false && plan.some((p) => p.scenario.keras);
  const keras = wantKeras ? kerasSetup() : undefined;
  if (keras !== undefined && !keras.sameCore) progress(`warning: ${keras.detail}`);

  const rows: ComparisonRow[] = [];
  for (const [index, { scenario, pairs }] of plan.entries()) {
    progress(`[${index + 1}/${plan.length}] ${scenario.name}`);
    const setup = prepareScenario(scenario);
    const neededDtypes = [...new Set(pairs.map((p) => p.dtype))];
    const neededBackends = [...new Set(pairs.map((p) => p.backend))];

    const reference64 = await attempt('reference engine (float64)', () => engines.reference('float64'));
    const fd = reference64.ok
      ? await attempt('finite-difference check', () => finiteDifferenceCheck(reference64.value, setup))
      : reference64;
    const reference = new Map<DType, EngineResult>();
    for (const dtype of neededDtypes) {
      const engine = dtype === 'float64' ? reference64 : await attempt(`reference engine (${dtype})`, () => engines.reference(dtype));
      reference.set(dtype, await runEngine(`reference ${dtype}`, engine, setup));
    }
    const tfjs = new Map<TfjsBackend, EngineResult>();
    const kerasRuns = new Map<TfjsBackend, Outcome<TrainingTrace>>();
    for (const backend of neededBackends) {
      const engine = await attempt(`tfjs engine (${backend})`, () => engines.tfjs(backend));
      tfjs.set(backend, await runEngine(`tfjs/${backend}`, engine, setup));
      if (wantKeras && scenario.keras) kerasRuns.set(backend, await attempt(`keras/${backend}`, () => traceKeras(setup, backend)));
    }

    const r64 = reference.get('float64')?.trace;
    const r32 = reference.get('float32')?.trace;
    const baseline =
      r64?.ok === true && r32?.ok === true ? compareAccuracy(r64.value.testOutputs, r32.value.testOutputs, setup.data.test.y, TOLERANCES.float64) : undefined;

    for (const { dtype, backend } of pairs) {
      const tol = TOLERANCES[dtype];
      const ref = reference.get(dtype);
      const tf = tfjs.get(backend);
      const errors: string[] = [];
      for (const outcome of [ref?.probe, ref?.trace, tf?.probe, tf?.trace, fd]) {
        if (outcome !== undefined && !outcome.ok && !errors.includes(outcome.error)) errors.push(outcome.error);
      }
      const forward = ref?.probe.ok === true && tf?.probe.ok === true ? compareForward(ref.probe.value, tf.probe.value, tol.forward) : undefined;
      const gradients =
        ref?.probe.ok === true && tf?.probe.ok === true ? compareGradients(ref.probe.value.gradients, tf.probe.value.gradients, tol.gradient) : undefined;
      const trajectory =
        ref?.trace.ok === true && tf?.trace.ok === true
          ? compareTrajectories(ref.trace.value, tf.trace.value, { loss: tol.trajectoryLoss, weights: tol.trajectoryWeights })
          : undefined;
      const accuracy =
        ref?.trace.ok === true && tf?.trace.ok === true
          ? compareAccuracy(ref.trace.value.testOutputs, tf.trace.value.testOutputs, setup.data.test.y, tol)
          : undefined;
      let kerasRow: KerasComparison | undefined;
      const kerasRun = kerasRuns.get(backend);
      if (kerasRun !== undefined) {
        if (!kerasRun.ok) errors.push(kerasRun.error);
        else if (ref?.trace.ok === true) {
          const kTrajectory = compareTrajectories(ref.trace.value, kerasRun.value, {
            loss: KERAS_TOLERANCE.trajectoryLoss,
            weights: KERAS_TOLERANCE.trajectoryWeights,
          });
          const kAccuracy = compareAccuracy(ref.trace.value.testOutputs, kerasRun.value.testOutputs, setup.data.test.y, KERAS_TOLERANCE);
          kerasRow = { trajectory: kTrajectory, accuracy: kAccuracy, passed: kTrajectory.passed && kAccuracy.passed, seconds: kerasRun.seconds };
        }
      }
      const partial = {
        name: rowName(scenario, dtype, backend),
        scenario: scenario.name,
        dataset: scenario.dataset.name,
        spec: describeSpec(scenario.spec),
        loss: scenario.training.loss,
        optimizer: scenario.training.optimizer.kind,
        batchSize: scenario.batchSize,
        epochs: scenario.epochs,
        dtype,
        backend,
        trainPoints: setup.data.train.x.rows,
        testPoints: setup.data.test.x.rows,
        testIsTrain: setup.data.testIsTrain,
        tolerances: tol,
        ...(forward === undefined ? {} : { forward }),
        ...(gradients === undefined ? {} : { gradients }),
        ...(fd.ok ? { finiteDifferences: fd.value } : {}),
        ...(trajectory === undefined ? {} : { trajectory }),
        ...(accuracy === undefined ? {} : { accuracy }),
        ...(kerasRow === undefined ? {} : { keras: kerasRow }),
        ...(baseline === undefined ? {} : { precisionBaseline: { agreement: baseline.agreement, disagreements: baseline.disagreements } }),
        errors,
        seconds: {
          reference: (ref?.probe.ok === true ? ref.probe.seconds : 0) + (ref?.trace.ok === true ? ref.trace.seconds : 0),
          tfjs: (tf?.probe.ok === true ? tf.probe.seconds : 0) + (tf?.trace.ok === true ? tf.trace.seconds : 0),
        },
      };
      const complete = forward !== undefined && gradients !== undefined && trajectory !== undefined && accuracy !== undefined && fd.ok;
      const failures = failuresOf(partial);
      if (!complete && failures.length === 0) failures.push('some checks could not run');
      const row: ComparisonRow = { ...partial, failures, passed: failures.length === 0 };
      rows.push(row);
      progress(`  ${row.passed ? 'ok  ' : 'FAIL'} ${row.name}${row.passed ? '' : `\n       ${row.failures.join('\n       ')}`}`);
    }
  }

  const passed = rows.filter((r) => r.passed).length;
  return {
    suite: suite.name,
    description: options.scenarios === undefined ? suite.description : 'custom scenarios',
    environment: describeEnvironment(),
    backends,
    backendsUsed: usable,
    dtypes,
    keras,
    tolerances: { comparison: TOLERANCES, finiteDifferences: FINITE_DIFFERENCES, keras: KERAS_TOLERANCE },
    scenarios: rows,
    passed,
    failed: rows.length - passed,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: ((cpu) => (cpu.user + cpu.system) / 1e6)(process.cpuUsage(cpuStarted)),
  };
}
