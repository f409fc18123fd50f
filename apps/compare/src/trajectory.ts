import { cloneWeights, type Engine, type Matrix, type Weights } from '@twinprop/core';
import { compareWeights, relativeError, worstRel, type TensorDiff } from '@twinprop/core';
import type { KinkCrossing } from './kinks.js';
import type { ScenarioSetup } from './setup.js';
import type { RelTolerance } from './tolerances.js';

/**
 * One full training run, as seen by the checks: the loss reported by each of the first K steps,
 * the weights right after step K, and the test-set outputs at the end.
 */
export interface TrainingTrace {
  /** `losses[k]` is the loss of step k + 1's batch before its update. */
  readonly losses: readonly number[];
  /** Weights right after step K (or after the last step, if training has fewer than K). */
  readonly weightsAfterK: Weights;
  /** `stepWeights[k − 1]`: the weights right after step k, for k = 1 … K (kinks.ts needs them). */
  readonly stepWeights: readonly Weights[];
  /** Optimizer steps taken in all. */
  readonly steps: number;
  /** Output activations on the test set after training. */
  readonly testOutputs: Matrix;
  /** The weights at the end of training (what the exported-model opinion exports). */
  readonly finalWeights: Weights;
  readonly seconds: number;
}

/**
 * Trains a fresh model of `engine` from the shared initial weights with core's `fit` — the one loop
 * every engine shares, whose epoch e walks the rows in `epochOrder(rows, seed, e)` — so both
 * engines see identical batches in identical order.
 */
export async function traceTraining(engine: Engine, setup: ScenarioSetup): Promise<TrainingTrace> {
  const { scenario, data } = setup;
  const started = performance.now();
  const model = engine.createModel(scenario.spec, cloneWeights(setup.initialWeights, engine.dtype), scenario.training);
  try {
    const losses: number[] = [];
    let steps = 0;
    let weightsAfterK: Weights | undefined;
    const stepWeights: Weights[] = [];
    const { fit, epochOrder } = setup.shared;
    await fit(model, data.train, {
      epochs: scenario.epochs,
      batchSize: scenario.batchSize,
      seed: scenario.orderSeed ?? scenario.seed,
      order: epochOrder,
      task: data.train.task,
      onBatchEnd: ({ loss }) => {
        steps++;
        if (steps <= scenario.trajectorySteps) {
          losses.push(loss);
          stepWeights.push(model.getWeights());
        }
        if (steps === scenario.trajectorySteps) weightsAfterK = model.getWeights();
      },
    });
    return {
      losses,
      weightsAfterK: weightsAfterK ?? model.getWeights(),
      stepWeights,
      steps,
      testOutputs: model.predict(data.test.x),
      finalWeights: model.getWeights(),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
  }
}

export interface TrajectoryComparison {
  /** K: steps compared (fewer than the scenario's K when a kink crossing ends the comparison). */
  readonly steps: number;
  /** The scenario's K. */
  readonly plannedSteps: number;
  /** Set when the two runs' pre-activations crossed a kink (kinks.ts): losses are compared up to that step, weights up to the step before. */
  readonly crossing?: KinkCrossing;
  /** relativeError of the losses, step by step. */
  readonly lossDrift: readonly number[];
  readonly maxLossDrift: number;
  /** Weights after the last compared step, per parameter tensor (empty when that is step 0: both start alike). */
  readonly weights: readonly TensorDiff[];
  readonly maxWeightDrift: number;
  readonly tolerance: { readonly loss: RelTolerance; readonly weights: RelTolerance };
  readonly passed: boolean;
}

interface TraceSteps {
  readonly losses: readonly number[];
  readonly weightsAfterK: Weights;
  readonly stepWeights?: readonly Weights[];
}

/**
 * The losses of the first K steps and the weights after step K — or, when `crossing` says that the
 * runs' pre-activations lay on different sides of a kink at step s, the losses of steps 1 … s
 * (the loss is continuous at a kink) and the weights after step s − 1 (the last update both took
 * from the same branch).
 */
export function compareTrajectories(a: TraceSteps, b: TraceSteps, tolerance: { loss: RelTolerance; weights: RelTolerance }, crossing?: KinkCrossing): TrajectoryComparison {
  const plannedSteps = Math.max(a.losses.length, b.losses.length);
  const steps = crossing === undefined ? plannedSteps : Math.min(plannedSteps, crossing.step);
  const lossDrift = Array.from({ length: steps }, (_, k) => relativeError(a.losses[k] ?? Number.NaN, b.losses[k] ?? Number.NaN, tolerance.loss.floor));
  const maxLossDrift = lossDrift.reduce((m, d) => (d > m || Number.isNaN(d) ? d : m), 0);
  const weightsOf = (t: TraceSteps): Weights | undefined => (crossing === undefined ? t.weightsAfterK : t.stepWeights?.[crossing.step - 2]);
  const wa = weightsOf(a);
  const wb = weightsOf(b);
  const weights = wa === undefined || wb === undefined ? [] : compareWeights(wa, wb, tolerance.weights.floor);
  const maxWeightDrift = worstRel(weights);
  return {
    steps,
    plannedSteps,
    ...(crossing === undefined ? {} : { crossing }),
    lossDrift,
    maxLossDrift,
    weights,
    maxWeightDrift,
    tolerance,
    passed:
      a.losses.length === b.losses.length &&
      weights.every((w) => w.shapeMatches) &&
      maxLossDrift <= tolerance.loss.rtol &&
      maxWeightDrift <= tolerance.weights.rtol,
  };
}
