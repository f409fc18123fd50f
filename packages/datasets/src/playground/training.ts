/**
 * How the TensorFlow Playground trains (tensorflow/playground `src/nn.ts` and `oneStep` in
 * `src/playground.ts`), as twinprop's options — so that either engine, given the Playground's first
 * weights and data ({@link playgroundData}, core's `playground` initializer), takes the Playground's
 * very updates:
 *
 * - the error is ½(output − label)² (`halfSquaredError`), its derivative output − label;
 * - plain SGD at the URL's `learningRate`, the gradient averaged over the batch;
 * - L1 with the Playground's clamp (`clampAtZero`: a weight the regularization step would carry
 *   across zero becomes 0 and a dead link), L2 as ½λw², at `regularizationRate`; biases are never
 *   regularized;
 * - an update after every `batchSize`-th training point, in the held order (no reshuffling); the
 *   points after the last full batch join the next epoch's first batch (`partialBatch: 'carry'`);
 * - classification labels −1/+1 on a tanh output, a point's class the output's sign (`signed`).
 *
 * The Playground's `trainLoss`/`testLoss` are the mean over the points of ½(output − label)², with
 * no regularization term: {@link playgroundLoss}.
 */
import { optimizer, type FitOptions, type Matrix, type Regularization, type TrainingConfig } from '@twinprop/core';
import type { PlaygroundState } from './state.js';

/** The training config of the Playground run `state` describes. */
export function playgroundTraining(state: PlaygroundState): TrainingConfig {
  return {
    loss: 'halfSquaredError',
    optimizer: optimizer('sgd', { learningRate: state.learningRate }),
    ...(playgroundRegularization(state) === undefined ? {} : { regularization: playgroundRegularization(state)! }),
    ...(state.problem === 'classification' ? { targets: 'signed' as const } : {}),
  };
}

function playgroundRegularization(state: PlaygroundState): Regularization | undefined {
  switch (state.regularization) {
    case 'none':
      return undefined;
    case 'L1':
      return { l1: state.regularizationRate, clampAtZero: true };
    case 'L2':
      return { l2: state.regularizationRate };
  }
}

/**
 * Core `fit` options for the Playground's epochs (its "Epoch" counter: one pass over the training
 * points per step of the play button): the state's batch size, the held order, leftover points
 * carried into the next epoch.
 */
export function playgroundFitOptions(state: PlaygroundState): Pick<FitOptions, 'batchSize' | 'seed' | 'shuffle' | 'partialBatch' | 'task'> {
  return {
    batchSize: state.batchSize,
    seed: 0,
    shuffle: false,
    partialBatch: 'carry',
    task: state.problem === 'regression' ? 'regression' : 'binary',
  };
}

/** The Playground's loss of a set of points: the mean of ½(output − label)², summed in order. */
export function playgroundLoss(outputs: Matrix, labels: Matrix): number {
  const n = outputs.data.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = (outputs.data[i] ?? Number.NaN) - (labels.data[i] ?? Number.NaN);
    total += 0.5 * d * d;
  }
  return total / n;
}
