import { ShapeError, SpecError } from './errors.js';
import { assertLossMatchesSpec, assertRegularization, DEAD_LINKS_SLOT, type LossName, type Regularization } from './loss.js';
import { OPTIMIZER_SLOTS, validateOptimizer, type OptimizerConfig, type OptimizerState } from './optimizer.js';
import { validateSchedule, type LearningRateSchedule } from './schedule.js';
import type { ModelSpec } from './spec.js';
import type { DType, Matrix, Weights } from './weights.js';

/** How a model is trained: which loss, which optimizer, which regularization. */
export interface TrainingConfig {
  readonly loss: LossName;
  readonly optimizer: OptimizerConfig;
  readonly regularization?: Regularization;
  /**
   * How binary targets are written: `zeroOne` (default; class 1 is y = 1, a sigmoid output) or
   * `signed` (the TensorFlow Playground's labels −1 and +1 with a tanh or linear output; a row's
   * class is the sign of its output). Only metrics read it — the loss sees the numbers as they are.
   */
  readonly targets?: 'zeroOne' | 'signed';
  /**
   * How the learning rate changes over the updates (schedule.ts); without one it stays at
   * `optimizer.learningRate`. Counted in optimizer updates, so resuming continues it.
   */
  readonly schedule?: LearningRateSchedule;
}

export const TARGET_ENCODINGS = ['zeroOne', 'signed'] as const;

/** Checks a training config against a spec; throws {@link SpecError} naming the field. */
export function validateTrainingConfig(spec: ModelSpec, training: TrainingConfig): TrainingConfig {
  assertLossMatchesSpec(training.loss, spec, 'training.loss');
  validateOptimizer(training.optimizer, 'training.optimizer');
  assertRegularization(training.regularization, 'training.regularization');
  if (training.regularization?.clampAtZero === true && training.optimizer.kind !== 'sgd') {
    throw new SpecError(
      'training.regularization.clampAtZero',
      `the Playground's clamped L1 is defined for the sgd optimizer only (training uses ${training.optimizer.kind})`,
    );
  }
  if (training.schedule !== undefined) validateSchedule(training.schedule, training.optimizer.learningRate, 'training.schedule');
  if (training.targets !== undefined) {
    if (!(TARGET_ENCODINGS as readonly string[]).includes(training.targets)) {
      throw new SpecError('training.targets', `must be one of ${TARGET_ENCODINGS.join(', ')} (got ${JSON.stringify(training.targets)})`);
    }
    if (training.targets === 'signed' && (spec.output.units !== 1 || !['tanh', 'linear'].includes(spec.output.activation))) {
      throw new SpecError(
        'training.targets',
        `signed (±1) targets need one tanh or linear output unit (the spec's output is ${spec.output.units} ${spec.output.activation})`,
      );
    }
  }
  return training;
}

/**
 * The optimizer-state slots a model with this training config keeps: the optimizer's own
 * ({@link OPTIMIZER_SLOTS}) and, under `clampAtZero`, {@link DEAD_LINKS_SLOT}.
 */
export function optimizerSlotsFor(training: TrainingConfig): readonly string[] {
  const own = OPTIMIZER_SLOTS[training.optimizer.kind];
  return training.regularization?.clampAtZero === true ? [...own, DEAD_LINKS_SLOT] : own;
}

/** Features `x` (rows × inputSize) and targets `y` (rows × output units). */
export interface Batch {
  readonly x: Matrix;
  readonly y: Matrix;
}

/** Throws {@link ShapeError} unless `batch` fits `spec`. */
export function assertBatchMatchesSpec(spec: ModelSpec, batch: Batch): void {
  if (batch.x.cols !== spec.inputSize) {
    throw new ShapeError(`data has ${batch.x.cols} features per row, the model expects ${spec.inputSize}`);
  }
  if (batch.y.cols !== spec.output.units) {
    throw new ShapeError(`data has ${batch.y.cols} target columns, the model's output layer has ${spec.output.units} units`);
  }
  if (batch.x.rows !== batch.y.rows) {
    throw new ShapeError(`features have ${batch.x.rows} rows but targets have ${batch.y.rows}`);
  }
  if (batch.x.rows === 0) throw new ShapeError('a batch needs at least one row');
}

/**
 * A training set held by an engine. The reference engine keeps the arrays (copied only when their
 * dtype differs from the model's); the tfjs engine uploads them to its backend once and gathers
 * each batch's rows there.
 */
export interface PreparedData {
  readonly rows: number;
  dispose(): void;
}

/** Which rows form the batch: `order[start] … order[end − 1]`. */
export interface BatchRows {
  readonly order: Int32Array;
  readonly start: number;
  readonly end: number;
}

export interface LossAndGradients {
  /** Mean data loss over the batch plus regularization. */
  readonly loss: number;
  /** ∂loss/∂θ for every parameter, shaped like the weights. */
  readonly gradients: Weights;
}

/**
 * A multilayer perceptron living in one engine. Weights enter and leave as core {@link Weights};
 * every method is synchronous and deterministic for a given engine, backend and dtype.
 */
export interface Model {
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly engine: string;
  readonly backend: string;
  readonly dtype: DType;

  /** Output-layer activations (probabilities for sigmoid/softmax outputs), rows × output units. */
  predict(x: Matrix): Matrix;
  /** Mean loss over the batch plus regularization, without touching weights. */
  loss(batch: Batch): number;
  /** Loss and ∂loss/∂θ for the batch. Throws UnsupportedFeatureError on models with `step` layers. */
  lossAndGradients(batch: Batch): LossAndGradients;

  /** Hands a training set to the engine once; batches are then drawn from it by row index. */
  prepare(data: Batch): PreparedData;
  /**
   * One optimizer update on the rows `rows.order[rows.start … rows.end − 1]` of `data`. Returns the
   * batch's loss before the update when `returnLoss` is set (this may cost a device sync), else
   * `undefined`.
   */
  trainStep(data: PreparedData, rows: BatchRows, returnLoss?: boolean): number | undefined;
  /**
   * Optional: `trainStep(data, rows, true)` that also copies the batch's output-layer activations,
   * as the forward pass before the update computed them, into `outputs`: row r (of the
   * `rows.end − rows.start` rows) is data row `rows.order[rows.start + r]`, [rows × output units]
   * row-major, in `outputs`' own precision. Returns the loss. {@link fit} uses it to count train
   * accuracy over the epoch's own batches instead of a second pass over the training set.
   */
  trainStepWithOutputs?(data: PreparedData, rows: BatchRows, outputs: Float64Array): number;
  /**
   * Optional: what `loss(batch)` and `predict(batch.x)` return, from one forward pass. {@link fit}
   * and `evaluateModel` use it when present.
   */
  evaluate?(batch: Batch): Evaluation;

  getWeights(): Weights;
  setWeights(weights: Weights): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState): void;

  /** Frees everything the model holds (tensors, buffers). The model is unusable afterwards. */
  dispose(): void;
}

/** Loss and outputs of one forward pass over a batch ({@link Model.evaluate}). */
export interface Evaluation {
  /** Mean loss over the batch plus regularization, as {@link Model.loss} returns it. */
  readonly loss: number;
  /** Output-layer activations, rows × output units, as {@link Model.predict} returns them. */
  readonly outputs: Matrix;
}

/** What identifies an engine — its name, compute backend and dtype — and so every model it creates. */
export interface EngineInfo {
  /** `reference`, `tfjs`, … */
  readonly name: string;
  /** The compute backend: `js` for the reference engine; `tensorflow`, `wasm` or `cpu` for tfjs. */
  readonly backend: string;
  readonly dtype: DType;
}

/** A factory of models. `createModel` validates the spec, the training config and the weights' shapes. */
export interface Engine extends EngineInfo {
  createModel(spec: ModelSpec, weights: Weights, training: TrainingConfig): Model;
}

/** One update on a whole in-memory batch: prepare, step, dispose. Returns the loss before the update. */
export function trainOnBatch(model: Model, batch: Batch): number {
  const data = model.prepare(batch);
  try {
    const order = Int32Array.from({ length: batch.x.rows }, (_, i) => i);
    const loss = model.trainStep(data, { order, start: 0, end: order.length }, true);
    if (loss === undefined) throw new SpecError('trainStep', `${model.engine} engine returned no loss when asked for one`);
    return loss;
  } finally {
    data.dispose();
  }
}
