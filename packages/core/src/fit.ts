import type { Batch, Model, PreparedData } from './engine.js';
import { NonFiniteLossError, NonFiniteWeightsError, ShapeError } from './errors.js';
import { accuracy, countCorrect, meanSquaredError } from './metrics.js';
import { deriveSeed, Rng } from './rng.js';
import { namedParameters } from './weights.js';

export interface EpochLog {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** Mean over the epoch's batches of the loss before each update (weighted by batch size). */
  readonly trainLoss: number;
  /**
   * Training accuracy (classification only), as {@link FitOptions.trainEvaluation} says: by default
   * the fraction of the epoch's training rows that the model classified correctly in the forward
   * pass of their own batch, before that batch's update — counted like `trainLoss`, and like
   * Keras's and TensorFlow.js's `acc`; with `'full'` the accuracy on the whole training set after
   * the epoch; absent with `'none'`.
   */
  readonly trainAccuracy?: number;
  readonly testLoss?: number;
  readonly testAccuracy?: number;
  /** Mean squared error on the test set (regression only). */
  readonly testMse?: number;
  /** Seconds since `fit` started. */
  readonly seconds: number;
}

export interface BatchLog {
  readonly epoch: number;
  /** 0-based index of the batch within the epoch. */
  readonly batch: number;
  readonly loss: number;
}

/**
 * How {@link fit} computes each epoch's `trainAccuracy`:
 * - `'batches'` (default): from the epoch's own batches (the outputs of each batch's forward pass,
 *   before its update), at no extra cost. An engine without `Model.trainStepWithOutputs` gets
 *   `'full'` instead. After a resume in mid-epoch, that epoch counts the batches trained since.
 * - `'full'`: one more forward pass over the whole training set after each epoch (what `fit`
 *   did by default until `trainEvaluation` existed; on a large training set it makes each epoch
 *   up to half again as long).
 * - `'none'`: not computed.
 */
export type TrainEvaluation = 'batches' | 'full' | 'none';

export const TRAIN_EVALUATIONS: readonly TrainEvaluation[] = ['batches', 'full', 'none'];

export interface FitOptions {
  /** Epoch number to train up to (counting `initialEpoch`). */
  readonly epochs: number;
  /** Rows per update; a value ≥ the training-set size is full-batch gradient descent. */
  readonly batchSize: number;
  /** Seeds the shuffling. Epoch e's order depends only on (seed, e). */
  readonly seed: number;
  /** Shuffle rows each epoch (default true). */
  readonly shuffle?: boolean;
  /** Evaluated after every epoch. */
  readonly test?: Batch;
  /** Classification metrics (accuracy) are computed unless the task is `regression`. */
  readonly task?: 'binary' | 'multiclass' | 'regression';
  /** How each epoch's `trainAccuracy` is computed (default `'batches'`; see {@link TrainEvaluation}). */
  readonly trainEvaluation?: TrainEvaluation;
  /** Epochs already completed (to resume a checkpoint). */
  readonly initialEpoch?: number;
  /** Batches of epoch `initialEpoch + 1` already completed (to resume mid-epoch). */
  readonly initialBatch?: number;
  /** Called after every epoch; return `false` to stop early. */
  readonly onEpochEnd?: (log: EpochLog) => void | boolean | Promise<void | boolean>;
  readonly onBatchEnd?: (log: BatchLog) => void;
  /** Aborting stops training after the current batch; the result says where it stopped. */
  readonly signal?: AbortSignal;
  /**
   * The row order of each epoch (default {@link epochOrder}). A seam for tests that check a
   * harness catches a wrong shuffle; training code leaves it unset.
   */
  readonly order?: (rows: number, seed: number, epoch: number, shuffle: boolean) => Int32Array;
}

export interface FitResult {
  readonly history: EpochLog[];
  /** Whole epochs completed, counting `initialEpoch`. */
  readonly epochsCompleted: number;
  /** Batches completed in the epoch after `epochsCompleted` (non-zero only when aborted mid-epoch). */
  readonly batchesCompleted: number;
  /** True when stopped by `signal` or by `onEpochEnd` returning false. */
  readonly stopped: boolean;
  readonly seconds: number;
  /** Training samples processed per second (updates only, evaluation excluded). */
  readonly samplesPerSecond: number;
}

/** The row order of epoch `epoch` (1-based): a seeded permutation, or 0…n−1 without shuffling. */
export function epochOrder(rows: number, seed: number, epoch: number, shuffle = true): Int32Array {
  if (!shuffle) return Int32Array.from({ length: rows }, (_, i) => i);
  return new Rng(deriveSeed(seed, `shuffle/epoch/${epoch}`)).permutation(rows);
}

/** Loss and accuracy (or MSE) of `model` on `data`, without training: one forward pass where the engine offers `Model.evaluate`. */
export function evaluateModel(
  model: Model,
  data: Batch,
  task: 'binary' | 'multiclass' | 'regression' = 'binary',
): { loss: number; accuracy?: number; mse?: number } {
  const { loss, outputs } = model.evaluate?.(data) ?? { loss: model.loss(data), outputs: model.predict(data.x) };
  return task === 'regression' ? { loss, mse: meanSquaredError(outputs, data.y) } : { loss, accuracy: accuracy(outputs, data.y) };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The one training loop every engine shares: for each epoch, a seeded shuffle, minibatches of
 * `batchSize` rows, one optimizer step per batch (the lecture's minibatch SGD: select m examples,
 * compute the gradient, update). Throws {@link NonFiniteLossError} the moment a batch's loss is
 * NaN or infinite, naming the epoch and the batch; and {@link NonFiniteWeightsError} when the
 * weights are not finite at the end of an epoch or where training stops (the last update of an
 * epoch is followed by no loss that would show it).
 *
 * After each epoch it evaluates: `trainAccuracy` as `trainEvaluation` says (by default from the
 * epoch's own batches), and on `test` the loss and accuracy (or MSE) from one forward pass.
 */
export async function fit(model: Model, train: Batch, options: FitOptions): Promise<FitResult> {
  const rows = train.x.rows;
  if (rows === 0) throw new ShapeError('the training set is empty');
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new ShapeError(`batch size must be a positive integer (got ${options.batchSize})`);
  }
  const batchSize = Math.min(options.batchSize, rows);
  const batchesPerEpoch = Math.ceil(rows / batchSize);
  const task = options.task ?? 'binary';
  const trainEvaluation = task === 'regression' ? 'none' : (options.trainEvaluation ?? 'batches');
  if (!TRAIN_EVALUATIONS.includes(trainEvaluation)) {
    throw new ShapeError(`trainEvaluation must be one of ${TRAIN_EVALUATIONS.join(', ')} (got ${String(trainEvaluation)})`);
  }
  // Train accuracy from the batches: each step's outputs land here ([batch rows × units]).
  const batchOutputs =
    trainEvaluation === 'batches' && model.trainStepWithOutputs !== undefined ? new Float64Array(batchSize * train.y.cols) : undefined;
  const history: EpochLog[] = [];
  const started = performance.now();
  let trainingMs = 0;
  let samples = 0;
  let lastYield = started;
  let epoch = options.initialEpoch ?? 0;
  let firstBatch = options.initialBatch ?? 0;
  let stopped = false;
  let batchesCompleted = 0;
  const data: PreparedData = model.prepare(train);
  try {
    while (epoch < options.epochs && !stopped) {
      const current = epoch + 1;
      const order = (options.order ?? epochOrder)(rows, options.seed, current, options.shuffle ?? true);
      let lossSum = 0;
      let lossRows = 0;
      let correctRows = 0;
      batchesCompleted = firstBatch;
      for (let b = firstBatch; b < batchesPerEpoch; b++) {
        if (options.signal?.aborted === true) {
          stopped = true;
          break;
        }
        const start = b * batchSize;
        const end = Math.min(rows, start + batchSize);
        const t0 = performance.now();
        const loss =
          batchOutputs === undefined
            ? (model.trainStep(data, { order, start, end }, true) ?? Number.NaN)
            : model.trainStepWithOutputs!(data, { order, start, end }, batchOutputs);
        trainingMs += performance.now() - t0;
        if (batchOutputs !== undefined) correctRows += countCorrect(batchOutputs, train.y, order, start, end - start);
        samples += end - start;
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(current, b + 1, loss);
        lossSum += loss * (end - start);
        lossRows += end - start;
        batchesCompleted = b + 1;
        options.onBatchEnd?.({ epoch: current, batch: b, loss });
        if (performance.now() - lastYield > 50) {
          // Let signal handlers (Ctrl-C) and timers run during long epochs.
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      firstBatch = 0;
      if (batchesCompleted > 0) assertFiniteWeights(model, current, batchesCompleted);
      if (stopped) break;
      epoch = current;
      batchesCompleted = 0;
      const log: EpochLog = {
        epoch: current,
        trainLoss: lossRows > 0 ? lossSum / lossRows : Number.NaN,
        ...(trainEvaluation === 'none'
          ? {}
          : { trainAccuracy: batchOutputs !== undefined ? (lossRows > 0 ? correctRows / lossRows : Number.NaN) : accuracy(model.predict(train.x), train.y) }),
        ...(options.test === undefined ? {} : testMetrics(model, options.test, task)),
        seconds: (performance.now() - started) / 1000,
      };
      history.push(log);
      if ((await options.onEpochEnd?.(log)) === false) stopped = true;
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  } finally {
    data.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    history,
    epochsCompleted: epoch,
    batchesCompleted,
    stopped,
    seconds,
    samplesPerSecond: trainingMs > 0 ? samples / (trainingMs / 1000) : 0,
  };
}

/** Throws NonFiniteWeightsError naming the first parameter that holds NaN or ±Infinity. */
function assertFiniteWeights(model: Model, epoch: number, batch: number): void {
  for (const { name, tensor } of namedParameters(model.getWeights())) {
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] ?? Number.NaN;
      if (!Number.isFinite(v)) throw new NonFiniteWeightsError(epoch, batch, name, v);
    }
  }
}

function testMetrics(model: Model, test: Batch, task: 'binary' | 'multiclass' | 'regression'): Partial<EpochLog> {
  const result = evaluateModel(model, test, task);
  return task === 'regression'
    ? { testLoss: result.loss, ...(result.mse === undefined ? {} : { testMse: result.mse }) }
    : { testLoss: result.loss, ...(result.accuracy === undefined ? {} : { testAccuracy: result.accuracy }) };
}
