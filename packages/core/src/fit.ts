import { earlyStoppingFor, type EarlyStoppingOptions, type EarlyStoppingState } from './early-stopping.js';
import type { Batch, Model, PreparedData } from './engine.js';
import { NonFiniteLossError, NonFiniteWeightsError, ShapeError } from './errors.js';
import { accuracy, classThreshold, countCorrect, meanSquaredError } from './metrics.js';
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
  /** Loss on `validation` after the epoch (when there is one). */
  readonly validationLoss?: number;
  /** Accuracy on `validation` (classification only). */
  readonly validationAccuracy?: number;
  /** Mean squared error on `validation` (regression only). */
  readonly validationMse?: number;
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
  /**
   * The rows left after an epoch's last full batch (when `batchSize` does not divide the training
   * set): `update` (default) — they form a smaller last batch of their own; `carry` — the
   * TensorFlow Playground's way: no update for them in this epoch, they join the **next** epoch's
   * first batch (which then has `leftover + batchSize` rows, averaged over all of them). The
   * leftover of the last epoch trained is never applied. Needs `batchSize` ≤ the training rows.
   * (Carrying loses nothing: no update happens between the leftover rows and the next batch, so
   * their gradients are the same whether taken then or now.)
   */
  readonly partialBatch?: 'update' | 'carry';
  /**
   * Rows held out from training to watch it: evaluated after every epoch (`validationLoss`,
   * `validationAccuracy` or `validationMse` in the log), and what `earlyStopping` monitors.
   */
  readonly validation?: Batch;
  /**
   * Evaluated after every epoch. With a `validation` set, leave the test set out and evaluate it
   * once at the end (`evaluateModel`), so that nothing during training looks at it.
   */
  readonly test?: Batch;
  /**
   * Stop when the monitored validation metric has not improved for `patience` epochs, and put the
   * best epoch's weights and optimizer state back (see early-stopping.ts). Needs `validation`.
   */
  readonly earlyStopping?: EarlyStoppingOptions;
  /** The early-stopping state a checkpoint kept (`FitResult.earlyStopping`), to continue its patience window. */
  readonly initialEarlyStopping?: EarlyStoppingState;
  /** Classification metrics (accuracy) are computed unless the task is `regression`. */
  readonly task?: 'binary' | 'multiclass' | 'regression';
  /** How each epoch's `trainAccuracy` is computed (default `'batches'`; see {@link TrainEvaluation}). */
  readonly trainEvaluation?: TrainEvaluation;
  /** Epochs already completed (to resume a checkpoint). */
  readonly initialEpoch?: number;
  /** Batches of epoch `initialEpoch + 1` already completed (to resume mid-epoch). */
  readonly initialBatch?: number;
  /** Called after every epoch (after early stopping has seen it); return `false` to stop early. */
  readonly onEpochEnd?: (log: EpochLog, end: EpochEnd) => void | boolean | Promise<void | boolean>;
  readonly onBatchEnd?: (log: BatchLog) => void;
  /** Aborting stops training after the current batch; the result says where it stopped. */
  readonly signal?: AbortSignal;
  /**
   * The row order of each epoch (default {@link epochOrder}). A seam for tests that check a
   * harness catches a wrong shuffle; training code leaves it unset.
   */
  readonly order?: (rows: number, seed: number, epoch: number, shuffle: boolean) => Int32Array;
}

/** What `onEpochEnd` learns besides the log. */
export interface EpochEnd {
  /** The early-stopping state after this epoch (what a checkpoint written now should keep). */
  readonly earlyStopping: EarlyStoppingState | undefined;
  /** True when early stopping ends training after this epoch. */
  readonly stopsEarly: boolean;
}

/**
 * Why `fit` returned: it reached `epochs`; early stopping ran out of patience; `signal` aborted it;
 * `onEpochEnd` returned false.
 */
export const STOP_REASONS = ['epochs', 'earlyStopping', 'signal', 'callback'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export interface FitResult {
  readonly history: EpochLog[];
  /** Whole epochs completed, counting `initialEpoch`. */
  readonly epochsCompleted: number;
  /** Batches completed in the epoch after `epochsCompleted` (non-zero only when aborted mid-epoch). */
  readonly batchesCompleted: number;
  /** True when training ended before `epochs` (`stopReason` says why). */
  readonly stopped: boolean;
  readonly stopReason: StopReason;
  /**
   * With early stopping: the best epoch seen (0 when none had a finite value). When `stopReason` is
   * `earlyStopping` and `restoreBest` is on, the model holds that epoch's weights and optimizer state.
   */
  readonly bestEpoch?: number;
  /** With early stopping: its state at the end; pass it back as `initialEarlyStopping` to continue. */
  readonly earlyStopping?: EarlyStoppingState;
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
  return task === 'regression'
    ? { loss, mse: meanSquaredError(outputs, data.y) }
    : { loss, accuracy: accuracy(outputs, data.y, classThreshold(model.training.targets)) };
}

/** The previous epoch's last `leftover` rows, then this epoch's first `batchSize` rows. */
function carriedRows(previous: Int32Array, order: Int32Array, leftover: number, batchSize: number): Int32Array {
  const rows = new Int32Array(leftover + batchSize);
  rows.set(previous.subarray(previous.length - leftover));
  rows.set(order.subarray(0, batchSize), leftover);
  return rows;
}

/**
 * Resolves in a later macrotask, so that signal handlers (Ctrl-C), timers, I/O and — in a browser —
 * rendering and input get their turn; the same in Node, browsers and workers. A MessageChannel
 * message is a macrotask without the 4 ms clamp browsers put on nested `setTimeout(…, 0)`; each
 * yield takes a new channel, closed on arrival: Node delivers a port's queued messages in one go
 * (up to 1000) without turning its event loop, so one shared channel would hold off signals and
 * I/O for as long. Where there is no MessageChannel, `setTimeout(…, 0)`.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    // Typed as both runtimes have it (Node's typings leave out `onmessage`, which Node supports).
    const { port1, port2 } = new MessageChannel() as unknown as Record<'port1' | 'port2', { onmessage: (() => void) | null; postMessage(message: undefined): void; close(): void }>;
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(undefined);
  });
}

/**
 * The one training loop every engine shares: for each epoch, a seeded shuffle, minibatches of
 * `batchSize` rows, one optimizer step per batch (the lecture's minibatch SGD: select m examples,
 * compute the gradient, update). Throws {@link NonFiniteLossError} the moment a batch's loss is
 * NaN or infinite, naming the epoch and the batch; and {@link NonFiniteWeightsError} when the
 * weights are not finite at the end of an epoch or where training stops (the last update of an
 * epoch is followed by no loss that would show it).
 *
 * After each epoch it evaluates: `trainAccuracy` as `trainEvaluation` says (by default from the
 * epoch's own batches), and on `validation` and `test` the loss and accuracy (or MSE), each from
 * one forward pass. With `earlyStopping`, training stops once the monitored metric has not
 * improved for `patience` epochs and the model gets the best epoch's weights and optimizer state
 * back — the very model a run of `bestEpoch` epochs would have.
 */
export async function fit(model: Model, train: Batch, options: FitOptions): Promise<FitResult> {
  const rows = train.x.rows;
  if (rows === 0) throw new ShapeError('the training set is empty');
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new ShapeError(`batch size must be a positive integer (got ${options.batchSize})`);
  }
  const carry = options.partialBatch === 'carry';
  if (options.partialBatch !== undefined && options.partialBatch !== 'update' && !carry) {
    throw new ShapeError(`partialBatch must be 'update' or 'carry' (got ${String(options.partialBatch)})`);
  }
  if (carry && options.batchSize > rows) {
    throw new ShapeError(`with partialBatch 'carry' the batch size (${options.batchSize}) must not exceed the ${rows} training rows: no batch would ever fill`);
  }
  const batchSize = Math.min(options.batchSize, rows);
  const batchesPerEpoch = carry ? Math.floor(rows / batchSize) : Math.ceil(rows / batchSize);
  const leftover = carry ? rows - batchesPerEpoch * batchSize : 0;
  const orderOf = (e: number): Int32Array => (options.order ?? epochOrder)(rows, options.seed, e, options.shuffle ?? true);
  const threshold = classThreshold(model.training.targets);
  const task = options.task ?? 'binary';
  const trainEvaluation = task === 'regression' ? 'none' : (options.trainEvaluation ?? 'batches');
  if (!TRAIN_EVALUATIONS.includes(trainEvaluation)) {
    throw new ShapeError(`trainEvaluation must be one of ${TRAIN_EVALUATIONS.join(', ')} (got ${String(trainEvaluation)})`);
  }
  // Train accuracy from the batches: each step's outputs land here ([batch rows × units]; a carried first batch has up to `leftover` more).
  const batchOutputs =
    trainEvaluation === 'batches' && model.trainStepWithOutputs !== undefined ? new Float64Array((batchSize + leftover) * train.y.cols) : undefined;
  const history: EpochLog[] = [];
  const started = performance.now();
  let trainingMs = 0;
  let samples = 0;
  let lastYield = started;
  let epoch = options.initialEpoch ?? 0;
  let firstBatch = options.initialBatch ?? 0;
  let stopped = false;
  let stopReason: StopReason = 'epochs';
  let batchesCompleted = 0;
  const stopper = earlyStoppingFor(options, task);
  if (stopper?.exhausted === true) {
    // Resumed from the epoch at which patience ran out: nothing more to train.
    stopped = true;
    stopReason = 'earlyStopping';
  }
  const data: PreparedData = model.prepare(train);
  try {
    while (epoch < options.epochs && !stopped) {
      const current = epoch + 1;
      const order = orderOf(current);
      // Under `carry`, the first batch also takes the previous epoch's leftover rows, first.
      const carried = leftover > 0 && current > 1 ? carriedRows(orderOf(current - 1), order, leftover, batchSize) : undefined;
      let lossSum = 0;
      let lossRows = 0;
      let correctRows = 0;
      batchesCompleted = firstBatch;
      for (let b = firstBatch; b < batchesPerEpoch; b++) {
        if (options.signal?.aborted === true) {
          stopped = true;
          stopReason = 'signal';
          break;
        }
        const start = b * batchSize;
        const end = Math.min(rows, start + batchSize);
        const batch = b === 0 && carried !== undefined ? { order: carried, start: 0, end: carried.length } : { order, start, end };
        const t0 = performance.now();
        const loss =
          batchOutputs === undefined
            ? (model.trainStep(data, batch, true) ?? Number.NaN)
            : model.trainStepWithOutputs!(data, batch, batchOutputs);
        // One clock read after the step serves both the training time and the yield below.
        const t1 = performance.now();
        trainingMs += t1 - t0;
        const batchRows = batch.end - batch.start;
        if (batchOutputs !== undefined) correctRows += countCorrect(batchOutputs, train.y, batch.order, batch.start, batchRows, threshold);
        samples += batchRows;
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(current, b + 1, loss);
        lossSum += loss * batchRows;
        lossRows += batchRows;
        batchesCompleted = b + 1;
        options.onBatchEnd?.({ epoch: current, batch: b, loss });
        if (t1 - lastYield > 50) {
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
          : {
              trainAccuracy:
                batchOutputs !== undefined ? (lossRows > 0 ? correctRows / lossRows : Number.NaN) : accuracy(model.predict(train.x), train.y, threshold),
            }),
        ...(options.validation === undefined ? {} : validationMetrics(model, options.validation, task)),
        ...(options.test === undefined ? {} : testMetrics(model, options.test, task)),
        seconds: (performance.now() - started) / 1000,
      };
      history.push(log);
      stopper?.observe(log, model);
      const stopsEarly = stopper?.exhausted === true;
      const verdict = await options.onEpochEnd?.(log, { earlyStopping: stopper?.state, stopsEarly });
      if (stopsEarly || verdict === false) {
        stopped = true;
        stopReason = stopsEarly ? 'earlyStopping' : 'callback';
      }
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    if (stopReason === 'earlyStopping') stopper?.restore(model);
  } finally {
    data.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    history,
    epochsCompleted: epoch,
    batchesCompleted,
    stopped,
    stopReason,
    ...(stopper === undefined ? {} : { bestEpoch: stopper.state.bestEpoch, earlyStopping: stopper.state }),
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

function validationMetrics(model: Model, validation: Batch, task: 'binary' | 'multiclass' | 'regression'): Partial<EpochLog> {
  const result = evaluateModel(model, validation, task);
  return {
    validationLoss: result.loss,
    ...(result.accuracy === undefined ? {} : { validationAccuracy: result.accuracy }),
    ...(result.mse === undefined ? {} : { validationMse: result.mse }),
  };
}

function testMetrics(model: Model, test: Batch, task: 'binary' | 'multiclass' | 'regression'): Partial<EpochLog> {
  const result = evaluateModel(model, test, task);
  return task === 'regression'
    ? { testLoss: result.loss, ...(result.mse === undefined ? {} : { testMse: result.mse }) }
    : { testLoss: result.loss, ...(result.accuracy === undefined ? {} : { testAccuracy: result.accuracy }) };
}
