import * as tf from '@tensorflow/tfjs-core';
import {
  assertBatchMatchesSpec,
  assertWeightsMatchSpec,
  cloneWeights,
  layersOf,
  ShapeError,
  DisposedError,
  ForeignDataError,
  UnsupportedFeatureError,
  untrainableReason,
  validateSpec,
  validateTrainingConfig,
  DEAD_LINKS_SLOT,
  SpecError,
  type Batch,
  type Activation,
  type BatchRows,
  type Evaluation,
  type LossAndGradients,
  type Matrix,
  type Model,
  type ModelSpec,
  type OptimizerState,
  type PreparedData,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import { activateBackend } from './backend.js';
import { ENGINE_NAME, type TfjsBackend } from './names.js';
import { matrixToTensor, readFloat32, tensorsToWeights, weightsToTensors } from './convert.js';
import { clampedRegularizationStep, regularizationGradient, regularizationRates, TFJS_OPS, type TfjsOps } from './ops.js';
import { TfjsOptimizer, TFJS_UPDATES, type TfjsUpdates } from './optimizers.js';

/**
 * A training set uploaded to one backend. Batches are gathered there by row index; the epoch's
 * row order is uploaded once and reused for every batch of that epoch.
 */
export class TfjsPreparedData implements PreparedData {
  readonly rows: number;
  readonly backend: TfjsBackend;
  /** Features, [rows, inputSize] float32 on `backend`. */
  readonly x: tf.Tensor2D;
  /** Targets, [rows, output units] float32 on `backend`. */
  readonly y: tf.Tensor2D;
  /** The last row order seen: the caller's array, a host copy of what was uploaded, and the upload ([rows] int32). */
  private order: { source: Int32Array; copy: Int32Array; tensor: tf.Tensor1D } | undefined;
  private disposed = false;
  private readonly onDispose: (data: TfjsPreparedData) => void;

  constructor(data: Batch, backend: TfjsBackend, onDispose: (data: TfjsPreparedData) => void) {
    this.rows = data.x.rows;
    this.backend = backend;
    this.onDispose = onDispose;
    // keep(): survive even if the caller wrapped us in its own tf.tidy.
    this.x = tf.keep(matrixToTensor(data.x));
    this.y = tf.keep(matrixToTensor(data.y));
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * The uploaded int32 tensor of `order` (all of it, not just this batch). Uploaded again only when
   * a different array arrives (a new epoch) or when the caller changed the rows `[start, end)` of
   * the same array in place since the upload.
   */
  orderTensor(order: Int32Array, start: number, end: number): tf.Tensor1D {
    const cached = this.order;
    if (cached?.source === order && cached.copy.length === order.length && sameRange(cached.copy, order, start, end)) {
      return cached.tensor;
    }
    for (let i = 0; i < order.length; i++) {
      const row = order[i] ?? -1;
      if (!(row >= 0 && row < this.rows)) {
        throw new ShapeError(`rows.order[${i}] = ${row} is outside the prepared data's rows 0…${this.rows - 1}`);
      }
    }
    cached?.tensor.dispose();
    const copy = Int32Array.from(order);
    this.order = { source: order, copy, tensor: tf.keep(tf.tensor1d(copy, 'int32')) };
    return this.order.tensor;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.x.dispose();
    this.y.dispose();
    this.order?.tensor.dispose();
    this.order = undefined;
    this.onDispose(this);
  }
}

function sameRange(a: Int32Array, b: Int32Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A multilayer perceptron as tfjs variables: layer ℓ computes `z = H·W_ℓ + b_ℓ` (a fused
 * matMul with bias, or matMul + add under a gradient tape) and `H_ℓ = σ_ℓ(z)`. Losses start from the output layer's logits. Every method
 * first makes this model's backend the active one, runs its ops inside `tf.tidy`, and converts
 * to core types only at the end.
 */
export class TfjsModel implements Model {
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly engine = ENGINE_NAME;
  readonly backend: TfjsBackend;
  readonly dtype = 'float32' as const;

  /** The initialized tfjs backend object this model's tensors live on. */
  private readonly backendObject: object;
  /** W_ℓ, [inputs, outputs] per layer. */
  private readonly kernels: tf.Variable[] = [];
  /** b_ℓ, [outputs] per layer. */
  private readonly biases: tf.Variable[] = [];
  /** All parameters in core's order: W₀, b₀, W₁, b₁, … */
  private readonly params: tf.Variable[] = [];
  private readonly optimizer: TfjsOptimizer;
  private readonly rates: { l1: number; l2: number };
  /** Under `clampAtZero` (the Playground's L1): per kernel, a 0/1 float32 mask of dead links. */
  private readonly deadLinks: tf.Variable[] | undefined;
  /** Why gradient training is refused, when a layer is `step`. */
  private readonly untrainable: string | undefined;
  private readonly prepared = new Set<TfjsPreparedData>();
  private disposed = false;

  constructor(
    spec: ModelSpec,
    weights: Weights,
    training: TrainingConfig,
    backend: TfjsBackend,
    backendObject: object,
    /** The ops and update rules to compute with (the engine's own unless a test swaps one in). */
    private readonly ops: TfjsOps = TFJS_OPS,
    updates: TfjsUpdates = TFJS_UPDATES,
  ) {
    this.spec = validateSpec(spec);
    this.training = validateTrainingConfig(this.spec, training);
    assertWeightsMatchSpec(this.spec, weights);
    this.backend = backend;
    this.backendObject = backendObject;
    this.rates = regularizationRates(training.regularization);
    this.untrainable = untrainableReason(this.spec);
    this.activateBackend();
    tf.tidy(() => {
      weightsToTensors(privateCopy(weights)).forEach((value, i) => {
        const variable = tf.variable(value, true);
        this.params.push(variable);
        (i % 2 === 0 ? this.kernels : this.biases).push(variable);
      });
    });
    this.optimizer = new TfjsOptimizer(this.training.optimizer, this.params, updates, this.training.schedule);
    this.deadLinks =
      training.regularization?.clampAtZero === true ? tf.tidy(() => this.kernels.map((kernel) => tf.variable(tf.zerosLike(kernel), false))) : undefined;
  }

  /** σ(z) from this model's activation ops. */
  private activate(activation: Activation, z: tf.Tensor2D): tf.Tensor2D {
    return this.ops.activations[activation].op(z);
  }

  /** Mean data loss of a batch from this model's loss ops: logits and targets, both [rows, units]. */
  private dataLoss(logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
    const output = this.spec.output.activation;
    return this.ops.losses[this.training.loss].op(logits, y, output, (z) => this.activate(output, z));
  }

  private activateBackend(): void {
    if (this.disposed) throw new DisposedError(ENGINE_NAME, 'model');
    activateBackend(this.backend, this.backendObject);
  }

  private assertTrainable(): void {
    if (this.untrainable !== undefined) {
      throw new UnsupportedFeatureError(ENGINE_NAME, 'gradient training of this model', this.untrainable);
    }
  }

  /**
   * Output-layer logits z, [rows, output units]. Call inside a tidy. Under a gradient tape
   * (`taped`), each layer is `matMul` then `add`: tfjs then computes only the gradients the tape
   * needs, whereas `tf.fused.matMul`'s custom gradient always computes ∂z/∂input too — for layer
   * 0 that is a product with the input batch nobody uses (it made a 784-128-10 step 1.5× slower).
   * Without a tape the fused op is the faster one.
   */
  private logits(x: tf.Tensor2D, taped = false): tf.Tensor2D {
    const layers = layersOf(this.spec);
    let h = x;
    layers.forEach((layer, i) => {
      const kernel = this.kernels[i];
      const bias = this.biases[i];
      if (kernel === undefined || bias === undefined) throw new Error(`layer ${i} has no parameters`);
      const z = (taped ? tf.add(tf.matMul(h, kernel), bias) : tf.fused.matMul({ a: h, b: kernel, bias })) as tf.Tensor2D;
      h = i === layers.length - 1 ? z : this.activate(layer.activation, z);
    });
    return h;
  }

  /** Mean data loss plus regularization of (x, y), a scalar. Call inside a tidy. */
  private totalLoss(data: tf.Scalar): tf.Scalar {
    const penalty = this.rates.l1 === 0 && this.rates.l2 === 0 ? undefined : this.ops.regularization.penalty(this.kernels, this.biases, this.rates);
    return penalty === undefined ? data : tf.add(data, penalty);
  }

  /**
   * ∂loss/∂θ in parameter order, regularization included unless `regularize` is false. Call inside
   * a tidy. With `keepLogits` the forward pass's logits are kept too (the caller disposes them).
   */
  private gradients(
    x: tf.Tensor2D,
    y: tf.Tensor2D,
    regularize = true,
    keepLogits = false,
  ): { dataLoss: tf.Scalar; dLossDParams: tf.Tensor[]; logits?: tf.Tensor2D } {
    let logits: tf.Tensor2D | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const z = this.logits(x, true);
      if (keepLogits) logits = tf.keep(z);
      return this.dataLoss(z, y);
    }, this.params);
    const dLossDParams = this.params.map((param, i) => {
      const dDataLossDParam = grads[param.name];
      if (dDataLossDParam === undefined) throw new Error(`tf.variableGrads returned no gradient for parameter ${i}`);
      const dPenaltyDParam =
        !regularize || (this.rates.l1 === 0 && this.rates.l2 === 0)
          ? undefined
          : this.ops.regularization.gradient(param, i % 2 === 0 ? 'kernel' : 'bias', this.rates);
      return dPenaltyDParam === undefined ? dDataLossDParam : tf.add(dDataLossDParam, dPenaltyDParam);
    });
    return { dataLoss: value, dLossDParams, ...(logits === undefined ? {} : { logits }) };
  }

  predict(x: Matrix): Matrix {
    if (x.cols !== this.spec.inputSize) {
      throw new ShapeError(`data has ${x.cols} features per row, the model expects ${this.spec.inputSize}`);
    }
    this.activateBackend();
    const units = this.spec.output.units;
    if (x.rows === 0) return { rows: 0, cols: units, data: new Float32Array(0) };
    const out = tf.tidy(() => this.activate(this.spec.output.activation, this.logits(matrixToTensor(x))));
    try {
      return { rows: x.rows, cols: units, data: readFloat32(out) };
    } finally {
      out.dispose();
    }
  }

  loss(batch: Batch): number {
    assertBatchMatchesSpec(this.spec, batch);
    this.activateBackend();
    const total = tf.tidy(() =>
      this.totalLoss(this.dataLoss(this.logits(matrixToTensor(batch.x)), matrixToTensor(batch.y))),
    );
    return readScalar(total);
  }

  /** `loss(batch)` and `predict(batch.x)` from one forward pass. */
  evaluate(batch: Batch): Evaluation {
    assertBatchMatchesSpec(this.spec, batch);
    this.activateBackend();
    const units = this.spec.output.units;
    const [total, outputs] = tf.tidy(() => {
      const logits = this.logits(matrixToTensor(batch.x));
      return [this.totalLoss(this.dataLoss(logits, matrixToTensor(batch.y))), this.activate(this.spec.output.activation, logits)];
    });
    try {
      return { loss: readScalar(total), outputs: { rows: batch.x.rows, cols: units, data: readFloat32(outputs) } };
    } finally {
      outputs.dispose();
    }
  }

  lossAndGradients(batch: Batch): LossAndGradients {
    this.assertTrainable();
    assertBatchMatchesSpec(this.spec, batch);
    this.activateBackend();
    const [total, ...dLossDParams] = tf.tidy(() => {
      const { dataLoss: data, dLossDParams: grads } = this.gradients(matrixToTensor(batch.x), matrixToTensor(batch.y));
      return [this.totalLoss(data), ...grads];
    });
    try {
      return { loss: readFloat32(total)[0] ?? Number.NaN, gradients: tensorsToWeights(dLossDParams) };
    } finally {
      total.dispose();
      for (const t of dLossDParams) t.dispose();
    }
  }

  prepare(data: Batch): PreparedData {
    assertBatchMatchesSpec(this.spec, data);
    this.activateBackend();
    const prepared = new TfjsPreparedData(data, this.backend, (d) => this.prepared.delete(d));
    this.prepared.add(prepared);
    return prepared;
  }

  trainStep(data: PreparedData, rows: BatchRows, returnLoss = false): number | undefined {
    return this.step(data, rows, returnLoss, undefined);
  }

  /** {@link trainStep} that also copies the batch's outputs (before the update) into `outputs` [rows × units]. */
  trainStepWithOutputs(data: PreparedData, rows: BatchRows, outputs: Float64Array): number {
    return this.step(data, rows, true, outputs) ?? Number.NaN;
  }

  private step(data: PreparedData, rows: BatchRows, returnLoss: boolean, outputs: Float64Array | undefined): number | undefined {
    // First: a disposed model says so (its own prepared data was disposed with it), and this
    // model's backend becomes the active one.
    this.activateBackend();
    this.assertTrainable();
    const prepared = this.checkPrepared(data);
    const { order, start, end } = rows;
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= order.length)) {
      throw new ShapeError(`batch rows ${start}…${end} are not a non-empty range within the order's ${order.length} entries`);
    }
    const units = this.spec.output.units;
    if (outputs !== undefined && outputs.length < (end - start) * units) {
      throw new ShapeError(`outputs hold ${outputs.length} values, a batch of ${end - start} rows has ${(end - start) * units}`);
    }
    const orderTensor = prepared.orderTensor(order, start, end);
    let activations: tf.Tensor | undefined;
    const loss = tf.tidy(() => {
      const batchRows = tf.slice(orderTensor, [start], [end - start]);
      const x = tf.gather(prepared.x, batchRows);
      const y = tf.gather(prepared.y, batchRows);
      const deadLinks = this.deadLinks;
      const { dataLoss: data, dLossDParams, logits } = this.gradients(x, y, deadLinks === undefined, outputs !== undefined);
      // The loss and outputs before the update; computed (eagerly) before any parameter changes.
      const total = returnLoss ? this.totalLoss(data) : undefined;
      if (logits !== undefined) {
        activations = tf.keep(this.activate(this.spec.output.activation, logits));
        // A linear output's activations are its logits, the same tensor: keep that one.
        if (activations !== logits) logits.dispose();
      }
      if (deadLinks === undefined) {
        this.optimizer.apply(this.params, dLossDParams);
        return total;
      }
      // The Playground's update: dead links get no data step; the data step (the optimizer's);
      // then the regularization step, its derivative taken at the weights before the data step.
      const dRegularizationDKernels = this.kernels.map((kernel) => regularizationGradient(kernel, this.rates) ?? tf.zerosLike(kernel));
      const masked = dLossDParams.map((g, i) => (i % 2 === 0 ? tf.mul(g, tf.sub(1, deadLinks[i / 2]!)) : g));
      // The regularization step moves at the rate the data step had (this step's scheduled rate).
      const learningRate = this.optimizer.apply(this.params, masked);
      this.kernels.forEach((kernel, l) => {
        const step = clampedRegularizationStep(kernel, dRegularizationDKernels[l]!, deadLinks[l]!, learningRate);
        kernel.assign(step.kernel);
        deadLinks[l]!.assign(step.dead);
      });
      return total;
    });
    if (activations !== undefined && outputs !== undefined) {
      try {
        outputs.set(activations.dataSync());
      } finally {
        activations.dispose();
      }
    }
    // The only host syncs of a step, and only when asked for.
    return loss === undefined ? undefined : readScalar(loss);
  }

  private checkPrepared(data: PreparedData): TfjsPreparedData {
    if (!(data instanceof TfjsPreparedData)) {
      throw new ForeignDataError(ENGINE_NAME, 'this data was not prepared by a tfjs-engine model');
    }
    if (data.isDisposed) throw new DisposedError(ENGINE_NAME, 'data');
    if (data.backend !== this.backend) {
      throw new ForeignDataError(ENGINE_NAME, `it was prepared on the ${data.backend} backend, this model runs on ${this.backend}`);
    }
    if (data.x.shape[1] !== this.spec.inputSize || data.y.shape[1] !== this.spec.output.units) {
      throw new ShapeError(
        `prepared data has ${data.x.shape[1]} features and ${data.y.shape[1]} targets per row, the model needs ${this.spec.inputSize} and ${this.spec.output.units}`,
      );
    }
    return data;
  }

  getWeights(): Weights {
    this.activateBackend();
    return tensorsToWeights(this.params);
  }

  setWeights(weights: Weights): void {
    assertWeightsMatchSpec(this.spec, weights);
    this.activateBackend();
    tf.tidy(() => {
      weightsToTensors(privateCopy(weights)).forEach((value, i) => this.params[i]?.assign(value));
    });
  }

  getOptimizerState(): OptimizerState {
    this.activateBackend();
    const state = this.optimizer.getState();
    if (this.deadLinks === undefined) return state;
    const deadLinks = tf.tidy(() => this.deadLinks!.flatMap((mask, l) => [mask.clone(), tf.zerosLike(this.biases[l]!)]));
    try {
      return { ...state, slots: { ...state.slots, [DEAD_LINKS_SLOT]: tensorsToWeights(deadLinks) } };
    } finally {
      for (const t of deadLinks) t.dispose();
    }
  }

  setOptimizerState(state: OptimizerState): void {
    this.activateBackend();
    const { [DEAD_LINKS_SLOT]: mask, ...own } = state.slots;
    const slots = Object.fromEntries(Object.entries(this.deadLinks === undefined ? state.slots : own).map(([name, weights]) => [name, privateCopy(weights)]));
    if (this.deadLinks !== undefined && mask === undefined) {
      throw new SpecError(`optimizerState.slots.${DEAD_LINKS_SLOT}`, 'missing; clampAtZero keeps the dead links there');
    }
    this.optimizer.setState({ ...state, slots }, this.spec);
    if (this.deadLinks !== undefined && mask !== undefined) {
      assertWeightsMatchSpec(this.spec, mask);
      const deadLinks = this.deadLinks;
      tf.tidy(() => {
        weightsToTensors(privateCopy(mask)).forEach((value, i) => {
          if (i % 2 === 0) deadLinks[i / 2]!.assign(tf.cast(tf.notEqual(value, 0), 'float32'));
        });
      });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    for (const data of [...this.prepared]) data.dispose();
    for (const variable of this.params) variable.dispose();
    for (const variable of this.deadLinks ?? []) variable.dispose();
    this.optimizer.dispose();
    this.disposed = true;
  }
}

/**
 * A float32 copy nobody else holds. On the cpu backend a tensor made from a Float32Array keeps
 * that very array as its storage (and a variable assigned from it shares it), so without the copy
 * a caller changing its weights after createModel/setWeights would change the model.
 */
function privateCopy(weights: Weights): Weights {
  return cloneWeights(weights, 'float32');
}

function readScalar(t: tf.Tensor): number {
  try {
    return t.dataSync()[0] ?? Number.NaN;
  } finally {
    t.dispose();
  }
}
