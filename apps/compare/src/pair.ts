import { describeSpec, type DType } from '@twinprop/core';
import { formatBound, formatError, formatPercent } from '@twinprop/toolkit';
import { compareAccuracy, type AccuracyComparison } from './accuracy.js';
import { compareForward, compareGradients, type FiniteDifferenceCheck, type ForwardComparison, type GradientComparison } from './gradients.js';
import { firstKinkCrossing, type KinkCrossing } from './kinks.js';
import { pairName, type EnginePair, type EngineRef } from './plan.js';
import { runSeconds, type EngineRun, type Outcome } from './run.js';
import { trajectoryBatches, type ScenarioSetup } from './setup.js';
import { KERAS_TOLERANCE, TOLERANCES, weightTolerance, type ComparisonTolerances, type Precision } from './tolerances.js';
import { compareTrajectories, type TrainingTrace, type TrajectoryComparison } from './trajectory.js';

/** Comparing one pair of engines on one scenario, from their runs: the report's row. */

/** The Keras third opinion on one row: tfjs-layers on the row engine's backend against the row's baseline. */
export interface KerasComparison {
  /** The tfjs backend Keras trained on. */
  readonly backend: string;
  /** The engine it is compared with (the row's baseline). */
  readonly against: string;
  readonly trajectory: TrajectoryComparison;
  readonly accuracy: AccuracyComparison;
  readonly passed: boolean;
  readonly seconds: number;
}

/** One float64 engine of the row against finite differences of its own loss. */
export interface FiniteDifferenceResult extends FiniteDifferenceCheck {
  readonly engine: string;
}

/** Not a check: one engine in float64 against itself in float32, on the final test predictions. */
export interface PrecisionBaseline {
  readonly float64: string;
  readonly float32: string;
  readonly agreement: number;
  readonly disagreements: number;
}

/** One comparison: a scenario, a baseline engine and an engine compared with it. */
export interface ComparisonRow {
  /** `<scenario> · <baseline> vs <engine>` — what `--filter` matches. */
  readonly name: string;
  readonly scenario: string;
  readonly dataset: string;
  readonly spec: string;
  readonly loss: string;
  readonly optimizer: string;
  readonly batchSize: number;
  readonly epochs: number;
  readonly baseline: EngineRef;
  readonly engine: EngineRef;
  /** Which tolerances applied (from the two dtypes). */
  readonly precision: Precision;
  readonly trainPoints: number;
  readonly testPoints: number;
  /** The gates test on their whole truth table, which is also the training set. */
  readonly testIsTrain: boolean;
  readonly tolerances: ComparisonTolerances;
  readonly forward?: ForwardComparison;
  readonly gradients?: GradientComparison;
  /** One per float64 engine of the row; empty when neither engine computes in float64 (no such check). */
  readonly finiteDifferences: readonly FiniteDifferenceResult[];
  readonly trajectory?: TrajectoryComparison;
  readonly accuracy?: AccuracyComparison;
  /** Absent when the scenario has no Keras run on this row's engine. */
  readonly keras?: KerasComparison;
  /** Why the scenario asked for the Keras opinion and this row has none. */
  readonly kerasSkipped?: string;
  readonly precisionBaseline?: PrecisionBaseline;
  /** Errors thrown by an engine while producing this row's inputs. */
  readonly errors: readonly string[];
  /** One line per failed check (empty when the row passed). */
  readonly failures: readonly string[];
  readonly passed: boolean;
  /** Probe and training time of each engine, by id. */
  readonly seconds: Readonly<Record<string, number>>;
}

export interface PairInput {
  readonly setup: ScenarioSetup;
  readonly pair: EnginePair;
  readonly baseline: EngineRun;
  readonly engine: EngineRun;
  /** Keras on the row engine's backend, when it ran. */
  readonly keras?: { readonly backend: string; readonly run: Outcome<TrainingTrace> };
  readonly kerasSkipped?: string;
  readonly precisionBaseline?: PrecisionBaseline;
}

function failuresOf(row: Omit<ComparisonRow, 'failures' | 'passed'>): string[] {
  const failures = [...row.errors];
  const e = formatError;
  const b = formatBound;
  const pct = formatPercent;
  const { baseline, engine } = row;
  if (row.forward !== undefined && !row.forward.passed) {
    failures.push(`forward: max rel error ${e(row.forward.maxRel)} > ${b(row.forward.tolerance.rtol)}`);
  }
  const gradients = row.gradients;
  if (gradients !== undefined && !gradients.passed) {
    const what = gradients.parameters
      .filter((p) => !p.shapeMatches || p.maxRel > gradients.tolerance.rtol)
      .map((p) =>
        p.shapeMatches
          ? `${p.name}[${p.worstIndex}] ${p.worstA} vs ${p.worstB} (rel ${e(p.maxRel)})`
          : `${p.name} shape [${p.shape.join(', ')}] vs [${p.otherShape.join(', ')}]`,
      )
      .join('; ');
    failures.push(`gradients, ${baseline.id} vs ${engine.id}: ${what} > ${b(gradients.tolerance.rtol)}`);
  }
  for (const fd of row.finiteDifferences) {
    if (fd.passed) continue;
    const bad = fd.parameters.filter((p) => !(p.maxRel <= fd.tolerance.rtol));
    failures.push(`gradients of ${fd.engine} vs finite differences: ${bad.map((p) => `${p.name} rel ${e(p.maxRel)}`).join('; ')} > ${b(fd.tolerance.rtol)}`);
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
      `accuracy: ${baseline.id} ${pct(a.accuracyA)} vs ${engine.id} ${pct(a.accuracyB)} (Δ ${a.differencePoints.toFixed(1)} pp, limit ${a.tolerance.accuracyPoints} pp), ` +
        `agreement ${pct(a.agreement)} (limit ≥ ${pct(a.tolerance.agreement)}), test outputs ${e(a.outputs.maxRel)} apart (${a.outputsChecked ? `limit ${b(a.tolerance.testOutputs.rtol)}` : 'not a check here: classes only'})`,
    );
  }
  if (row.keras !== undefined && !row.keras.passed) {
    const k = row.keras;
    failures.push(
      `keras on ${k.backend} vs ${k.against}: loss drift ${e(k.trajectory.maxLossDrift)} (limit ${b(k.trajectory.tolerance.loss.rtol)}), ` +
        `weight drift ${e(k.trajectory.maxWeightDrift)} (limit ${b(k.trajectory.tolerance.weights.rtol)}), accuracy ${pct(k.accuracy.accuracyB)} vs ${pct(k.accuracy.accuracyA)} ` +
        `(Δ ${k.accuracy.differencePoints.toFixed(1)} pp), agreement ${pct(k.accuracy.agreement)}, test outputs ${e(k.accuracy.outputs.maxRel)} apart`,
    );
  }
  return failures;
}

/** Where two runs' pre-activations first lie on different sides of a kink within the K steps (kinks.ts). */
function crossingOf(setup: ScenarioSetup, a: { dtype: DType; trace: TrainingTrace }, b: { dtype: DType; trace: TrainingTrace }): KinkCrossing | undefined {
  return firstKinkCrossing({
    spec: setup.scenario.spec,
    x: setup.data.train.x,
    batches: trajectoryBatches(setup, Math.min(a.trace.stepWeights.length, b.trace.stepWeights.length)),
    initial: setup.initialWeights,
    a: { dtype: a.dtype, stepWeights: a.trace.stepWeights },
    b: { dtype: b.dtype, stepWeights: b.trace.stepWeights },
  });
}

function kerasComparison(
  baseline: { dtype: DType; trace: TrainingTrace },
  backend: string,
  against: string,
  run: TrainingTrace,
  seconds: number,
  setup: ScenarioSetup,
): KerasComparison {
  const weights = weightTolerance(KERAS_TOLERANCE.trajectoryWeights, setup.scenario.training.optimizer, setup.scenario.trajectorySteps);
  const crossing = crossingOf(setup, baseline, { dtype: 'float32', trace: run });
  const trajectory = compareTrajectories(baseline.trace, run, { loss: KERAS_TOLERANCE.trajectoryLoss, weights }, crossing);
  const accuracy = compareAccuracy(baseline.trace.testOutputs, run.testOutputs, setup.data.test.y, KERAS_TOLERANCE, setup.scenario.outputsClassesOnly === undefined);
  return { backend, against, trajectory, accuracy, passed: trajectory.passed && accuracy.passed, seconds };
}

/**
 * Compares two engines' runs of one scenario: forward values and gradients of the first batch,
 * the first K steps and the final accuracy, held to the tolerances of their two precisions; the
 * finite-difference check of each float64 engine among them; and Keras, where it ran, against the
 * baseline.
 */
export function comparePair(input: PairInput): ComparisonRow {
  const { setup, pair, baseline: a, engine: b } = input;
  const { scenario } = setup;
  const tol = TOLERANCES[pair.precision];
  const errors: string[] = [];
  const note = (outcome: Outcome<unknown> | undefined): void => {
    if (outcome !== undefined && !outcome.ok && !errors.includes(outcome.error)) errors.push(outcome.error);
  };
  for (const outcome of [a.probe, a.trace, a.finiteDifferences, b.probe, b.trace, b.finiteDifferences]) note(outcome);
  const probes = a.probe.ok && b.probe.ok ? { a: a.probe.value, b: b.probe.value } : undefined;
  const traces = a.trace.ok && b.trace.ok ? { a: a.trace.value, b: b.trace.value } : undefined;
  const forward = probes === undefined ? undefined : compareForward(probes.a, probes.b, tol.forward);
  const gradients = probes === undefined ? undefined : compareGradients(probes.a.gradients, probes.b.gradients, tol.gradient);
  const weights = weightTolerance(tol.trajectoryWeights, scenario.training.optimizer, scenario.trajectorySteps);
  const crossing = traces === undefined ? undefined : crossingOf(setup, { dtype: pair.baseline.dtype, trace: traces.a }, { dtype: pair.engine.dtype, trace: traces.b });
  const trajectory = traces === undefined ? undefined : compareTrajectories(traces.a, traces.b, { loss: tol.trajectoryLoss, weights }, crossing);
  const accuracy = traces === undefined ? undefined : compareAccuracy(traces.a.testOutputs, traces.b.testOutputs, setup.data.test.y, tol, scenario.outputsClassesOnly === undefined);
  const finiteDifferences = [a, b].flatMap((run): FiniteDifferenceResult[] =>
    run.finiteDifferences?.ok === true ? [{ engine: run.engine.id, ...run.finiteDifferences.value }] : [],
  );
  let keras: KerasComparison | undefined;
  if (input.keras !== undefined) {
    const { backend, run } = input.keras;
    note(run);
    if (run.ok && a.trace.ok) keras = kerasComparison({ dtype: pair.baseline.dtype, trace: a.trace.value }, backend, pair.baseline.id, run.value, run.seconds, setup);
  }
  const partial = {
    name: pairName(scenario, pair),
    scenario: scenario.name,
    dataset: scenario.dataset.name,
    spec: describeSpec(scenario.spec),
    loss: scenario.training.loss,
    optimizer: scenario.training.optimizer.kind,
    batchSize: scenario.batchSize,
    epochs: scenario.epochs,
    baseline: pair.baseline,
    engine: pair.engine,
    precision: pair.precision,
    trainPoints: setup.data.train.x.rows,
    testPoints: setup.data.test.x.rows,
    testIsTrain: setup.data.testIsTrain,
    tolerances: tol,
    ...(forward === undefined ? {} : { forward }),
    ...(gradients === undefined ? {} : { gradients }),
    finiteDifferences,
    ...(trajectory === undefined ? {} : { trajectory }),
    ...(accuracy === undefined ? {} : { accuracy }),
    ...(keras === undefined ? {} : { keras }),
    ...(input.kerasSkipped === undefined ? {} : { kerasSkipped: input.kerasSkipped }),
    ...(input.precisionBaseline === undefined ? {} : { precisionBaseline: input.precisionBaseline }),
    errors,
    seconds: { [pair.baseline.id]: runSeconds(a), [pair.engine.id]: runSeconds(b) },
  };
  const wantedFd = [a, b].filter((run) => run.finiteDifferences !== undefined).length;
  const complete = forward !== undefined && gradients !== undefined && trajectory !== undefined && accuracy !== undefined && finiteDifferences.length === wantedFd;
  const failures = failuresOf(partial);
  if (!complete && failures.length === 0) failures.push('some checks could not run');
  return { ...partial, failures, passed: failures.length === 0 };
}
