import { cloneWeights, type Engine, type Matrix, type Weights } from '@twinprop/core';
import { compareWeights, relativeError, worstRel, type TensorDiff } from '@twinprop/core';
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
  /** Optimizer steps taken in all. */
  readonly steps: number;
  /** Output activations on the test set after training. */
  readonly testOutputs: Matrix;
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
    const { fit, epochOrder } = setup.shared;
    await fit(model, data.train, {
      epochs: scenario.epochs,
      batchSize: scenario.batchSize,
      seed: scenario.orderSeed ?? scenario.seed,
      order: epochOrder,
      task: data.train.task,
      onBatchEnd: ({ loss }) => {
        steps++;
        if (steps <= scenario.trajectorySteps) losses.push(loss);
        if (steps === scenario.trajectorySteps) weightsAfterK = model.getWeights();
      },
    });
    return {
      losses,
      weightsAfterK: weightsAfterK ?? model.getWeights(),
      steps,
      testOutputs: model.predict(data.test.x),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
  }
}

export interface TrajectoryComparison {
  /** K: steps compared. */
  readonly steps: number;
  /** relativeError of the losses, step by step. */
  readonly lossDrift: readonly number[];
  readonly maxLossDrift: number;
  /** Weights after K steps, per parameter tensor. */
  readonly weights: readonly TensorDiff[];
  readonly maxWeightDrift: number;
  readonly tolerance: { readonly loss: RelTolerance; readonly weights: RelTolerance };
  readonly passed: boolean;
}

export function compareTrajectories(
  a: { losses: readonly number[]; weightsAfterK: Weights },
  b: { losses: readonly number[]; weightsAfterK: Weights },
  tolerance: { loss: RelTolerance; weights: RelTolerance },
): TrajectoryComparison {
  const steps = Math.max(a.losses.length, b.losses.length);
  const lossDrift = Array.from({ length: steps }, (_, k) => relativeError(a.losses[k] ?? Number.NaN, b.losses[k] ?? Number.NaN, tolerance.loss.floor));
  const maxLossDrift = lossDrift.reduce((m, d) => (d > m || Number.isNaN(d) ? d : m), 0);
  const weights = compareWeights(a.weightsAfterK, b.weightsAfterK, tolerance.weights.floor);
  const maxWeightDrift = worstRel(weights);
  return {
    steps,
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
