import {
  assertBatchMatchesSpec,
  assertWeightsMatchSpec,
  layersOf,
  layerShapes,
  namedParameters,
  ShapeError,
  DisposedError,
  ForeignDataError,
  UnsupportedFeatureError,
  untrainableReason,
  validateSpec,
  validateTrainingConfig,
  type Batch,
  type BatchRows,
  type DType,
  type Evaluation,
  type FloatArray,
  type LossAndGradients,
  type Matrix,
  type Model,
  type ModelSpec,
  type OptimizerState,
  type PreparedData,
  type TrainingConfig,
  type Weights,
  DEAD_LINKS_SLOT,
  SpecError,
} from '@twinprop/core';
import { ACTIVATION_FUNCTIONS, type ActivationTable } from './activations.js';
import { DenseLayer, type LayerBuffers } from './dense.js';
import { finishClampedStep, LOSS_FUNCTIONS, prepareClampedStep, REGULARIZATION, type LossFunction, type RegularizationFunction } from './losses.js';
import { allocate, helperThreads, PRIMING_PRODUCT, primePackedProduct } from './matrix.js';
import { Optimizer } from './optimizers.js';
import { OPTIMIZER_UPDATES, type OptimizerUpdates } from './update-rules.js';

export const ENGINE_NAME = 'reference';

/**
 * What a model computes with besides its activations: the loss records, the optimizers' update
 * rules and the regularization — the engine's own unless a test swaps one in (planted faults).
 */
export interface ModelTables {
  readonly losses: { readonly [L in keyof typeof LOSS_FUNCTIONS]: LossFunction };
  readonly optimizers: OptimizerUpdates;
  readonly regularization: RegularizationFunction;
}

export const MODEL_TABLES: ModelTables = { losses: LOSS_FUNCTIONS, optimizers: OPTIMIZER_UPDATES, regularization: REGULARIZATION };
export const BACKEND_NAME = 'js';

/** Everything one batch size needs, allocated on first use and reused by every later step. */
interface Workspace {
  readonly rows: number;
  /** X, the batch's features, [rows × inputSize]. */
  readonly x: FloatArray;
  /** Y, the batch's targets, [rows × output units]. */
  readonly y: FloatArray;
  /** Per layer: Z, H, ∂L/∂H, ∂L/∂Z. */
  readonly layers: readonly LayerBuffers[];
}

/** Batch sizes whose buffers are kept (a training run uses one or two: the batch size and the last, shorter batch). */
const MAX_CACHED_WORKSPACES = 8;
/** Rows beyond which `predict` and `loss` use buffers they do not keep (e.g. a whole test set). */
const MAX_CACHED_ROWS = 4096;

/**
 * A training set held by reference: the arrays themselves, converted to the model's dtype once.
 * Any reference model of the same dtype whose widths match may train on it.
 */
class PreparedArrays implements PreparedData {
  disposed = false;
  constructor(
    readonly rows: number,
    readonly dtype: DType,
    /** Features [rows × inputs]. */
    readonly x: FloatArray,
    readonly inputs: number,
    /** Targets [rows × units]. */
    readonly y: FloatArray,
    readonly units: number,
  ) {}
  dispose(): void {
    this.disposed = true;
  }
}

function inDType(data: FloatArray, dtype: DType): FloatArray {
  const matches = dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array;
  if (matches) return data;
  const out = allocate(dtype, data.length);
  out.set(data);
  return out;
}

/**
 * A multilayer perceptron in the reference engine: a list of {@link DenseLayer}s, a loss, an
 * optimizer. Forward walks the layers in order; backward starts from the loss's ∂L/∂Z and walks
 * them in reverse.
 */
export class ReferenceModel implements Model {
  readonly engine = ENGINE_NAME;
  readonly backend = BACKEND_NAME;
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  private readonly layers: readonly DenseLayer[];
  private readonly lossFunction: LossFunction;
  private readonly optimizer: Optimizer;
  /** Every parameter tensor in core's order: kernel 0, bias 0, kernel 1, … */
  private readonly parameters: readonly FloatArray[];
  /** ∂L/∂θ for each entry of `parameters`, same order. */
  private readonly gradients: readonly FloatArray[];
  private readonly kernels: readonly FloatArray[];
  private readonly biases: readonly FloatArray[];
  private readonly regularization: RegularizationFunction;
  private readonly l1: number;
  private readonly l2: number;
  /**
   * Under `clampAtZero` (the Playground's L1): per kernel, 1 where a link is dead; and per kernel,
   * dRegularizationDKernel — λ₁·sign(θ) + λ₂·θ at the weights before the current update.
   */
  private readonly clamp: { readonly deadLinks: Uint8Array[]; readonly dRegularizationDKernel: FloatArray[] } | undefined;
  private readonly workspaces = new Map<number, Workspace>();
  /** True when any layer is a `step` layer: such models cannot be trained by gradient descent. */
  /** Why gradient descent cannot train this model (a step layer), or undefined. */
  private readonly untrainable: string | undefined;
  private disposed = false;

  constructor(
    spec: ModelSpec,
    weights: Weights,
    training: TrainingConfig,
    readonly dtype: DType,
    /** The activation records to compute with (the engine's own table unless a test swaps one in). */
    activationTable: ActivationTable = ACTIVATION_FUNCTIONS,
    tables: ModelTables = MODEL_TABLES,
  ) {
    this.spec = validateSpec(spec);
    this.training = validateTrainingConfig(this.spec, training);
    assertWeightsMatchSpec(this.spec, weights);
    const activations = layersOf(this.spec);
    this.layers = layerShapes(this.spec).map(
      ({ inputs, outputs }, i) => new DenseLayer(inputs, outputs, activationTable[activations[i]!.activation], dtype),
    );
    this.lossFunction = tables.losses[training.loss];
    this.regularization = tables.regularization;
    this.l1 = training.regularization?.l1 ?? 0;
    this.l2 = training.regularization?.l2 ?? 0;
    // A layer this large makes every batch's products large: start the helper threads and prime the
    // kernels now, so that the helpers boot and V8 compiles the kernels while the data is prepared.
    if (this.layers.some((l) => l.kernel.length >= PRIMING_PRODUCT)) {
      helperThreads()?.prepare?.();
      primePackedProduct(allocate(dtype, 0));
    }
    this.parameters = this.layers.flatMap((l) => [l.kernel, l.bias]);
    this.gradients = this.layers.flatMap((l) => [l.dLossDKernel, l.dLossDBias]);
    this.kernels = this.layers.map((l) => l.kernel);
    this.biases = this.layers.map((l) => l.bias);
    this.untrainable = untrainableReason(this.spec);
    this.optimizer = new Optimizer(training.optimizer, dtype, this.parameters.map((p) => p.length), tables.optimizers, training.schedule);
    this.clamp =
      training.regularization?.clampAtZero === true
        ? { deadLinks: this.kernels.map((k) => new Uint8Array(k.length)), dRegularizationDKernel: this.kernels.map((k) => allocate(dtype, k.length)) }
        : undefined;
    this.copyIn(weights);
  }

  predict(x: Matrix): Matrix {
    this.assertUsable();
    if (x.cols !== this.spec.inputSize) {
      throw new ShapeError(`data has ${x.cols} features per row, the model expects ${this.spec.inputSize}`);
    }
    const units = this.spec.output.units;
    if (x.rows === 0) return { rows: 0, cols: units, data: allocate(this.dtype, 0) };
    const ws = this.workspace(x.rows);
    ws.x.set(x.data.subarray(0, x.rows * x.cols));
    this.forward(ws, x.rows);
    return { rows: x.rows, cols: units, data: this.outputBuffers(ws).output.slice(0, x.rows * units) };
  }

  loss(batch: Batch): number {
    this.assertUsable();
    const ws = this.load(batch);
    this.forward(ws, batch.x.rows);
    return this.totalLoss(ws, batch.x.rows);
  }

  /** `loss(batch)` and `predict(batch.x)` from one forward pass. */
  evaluate(batch: Batch): Evaluation {
    this.assertUsable();
    const ws = this.load(batch);
    const rows = batch.x.rows;
    this.forward(ws, rows);
    const units = this.spec.output.units;
    return { loss: this.totalLoss(ws, rows), outputs: { rows, cols: units, data: this.outputBuffers(ws).output.slice(0, rows * units) } };
  }

  lossAndGradients(batch: Batch): LossAndGradients {
    this.assertUsable();
    this.refuseUntrainable();
    const ws = this.load(batch);
    const rows = batch.x.rows;
    this.forward(ws, rows);
    const loss = this.totalLoss(ws, rows);
    this.backward(ws, rows);
    return { loss, gradients: this.asWeights(this.gradients) };
  }

  prepare(data: Batch): PreparedData {
    this.assertUsable();
    assertBatchMatchesSpec(this.spec, data);
    return new PreparedArrays(data.x.rows, this.dtype, inDType(data.x.data, this.dtype), data.x.cols, inDType(data.y.data, this.dtype), data.y.cols);
  }

  /**
   * One update on the rows `order[start … end − 1]`: copy them into this batch size's buffers,
   * forward, loss (if asked), backward, optimizer. Allocates nothing once the batch size is known.
   */
  trainStep(data: PreparedData, rows: BatchRows, returnLoss = false): number | undefined {
    return this.step(data, rows, returnLoss, undefined);
  }

  /** {@link trainStep} that also copies the batch's outputs (before the update) into `outputs` [rows × units]. */
  trainStepWithOutputs(data: PreparedData, rows: BatchRows, outputs: Float64Array): number {
    return this.step(data, rows, true, outputs) ?? Number.NaN;
  }

  private step(data: PreparedData, rows: BatchRows, returnLoss: boolean, outputs: Float64Array | undefined): number | undefined {
    this.assertUsable();
    this.refuseUntrainable();
    if (!(data instanceof PreparedArrays)) {
      throw new ForeignDataError(ENGINE_NAME, 'this data was not prepared by a reference-engine model');
    }
    if (data.disposed) throw new DisposedError(ENGINE_NAME, 'data');
    if (data.dtype !== this.dtype) {
      throw new ForeignDataError(ENGINE_NAME, `it was prepared by a ${data.dtype} model, this model computes in ${this.dtype}`);
    }
    if (data.inputs !== this.spec.inputSize || data.units !== this.spec.output.units) {
      throw new ShapeError(
        `prepared data has ${data.inputs} features and ${data.units} targets per row, the model needs ${this.spec.inputSize} and ${this.spec.output.units}`,
      );
    }
    const count = rows.end - rows.start;
    if (!Number.isInteger(count) || count < 1 || rows.start < 0 || rows.end > rows.order.length) {
      throw new ShapeError(`batch rows ${rows.start}…${rows.end} do not select at least one of the ${rows.order.length} ordered rows`);
    }
    const units = this.spec.output.units;
    if (outputs !== undefined && outputs.length < count * units) {
      throw new ShapeError(`outputs hold ${outputs.length} values, a batch of ${count} rows has ${count * units}`);
    }
    const ws = this.workspace(count);
    this.gather(data, rows, ws);
    this.forward(ws, count);
    const loss = returnLoss ? this.totalLoss(ws, count) : undefined;
    if (outputs !== undefined) {
      const h = this.outputBuffers(ws).output;
      for (let i = 0; i < count * units; i++) outputs[i] = h[i]!;
    }
    const clamp = this.clamp;
    if (clamp === undefined) {
      this.backward(ws, count);
      this.optimizer.apply(this.parameters, this.gradients);
      return loss;
    }
    // The Playground's update: the data step (the optimizer's), then the clamped regularization step.
    this.backward(ws, count, false);
    this.layers.forEach((layer, l) => prepareClampedStep(layer.kernel, layer.dLossDKernel, clamp.dRegularizationDKernel[l]!, clamp.deadLinks[l]!, this.l1, this.l2));
    // The regularization step moves at the rate the data step had (this step's scheduled rate).
    this.optimizer.apply(this.parameters, this.gradients);
    const learningRate = this.optimizer.lastLearningRate;
    this.layers.forEach((layer, l) => finishClampedStep(layer.kernel, clamp.dRegularizationDKernel[l]!, clamp.deadLinks[l]!, learningRate));
    return loss;
  }

  getWeights(): Weights {
    this.assertUsable();
    return this.asWeights(this.parameters);
  }

  setWeights(weights: Weights): void {
    this.assertUsable();
    assertWeightsMatchSpec(this.spec, weights);
    this.copyIn(weights);
  }

  getOptimizerState(): OptimizerState {
    this.assertUsable();
    const state = this.optimizer.getState();
    const slots: Record<string, Weights> = {};
    for (const [name, arrays] of Object.entries(state.slots)) slots[name] = this.asWeights(arrays, false);
    if (this.clamp !== undefined) {
      const deadLinks = this.clamp.deadLinks;
      slots[DEAD_LINKS_SLOT] = this.asWeights(
        this.parameters.map((p, i) => (i % 2 === 0 ? allocate(this.dtype, p.length).map((_, k) => deadLinks[i / 2]![k]!) : allocate(this.dtype, p.length))),
        false,
      );
    }
    return { kind: state.kind, step: state.step, slots };
  }

  setOptimizerState(state: OptimizerState): void {
    this.assertUsable();
    const slots: Record<string, FloatArray[]> = {};
    for (const [name, weights] of Object.entries(state.slots)) {
      assertWeightsMatchSpec(this.spec, weights);
      slots[name] = namedParameters(weights).map((p) => p.tensor.data);
    }
    if (this.clamp !== undefined) {
      const mask = slots[DEAD_LINKS_SLOT];
      if (mask === undefined) throw new SpecError(`optimizerState.slots.${DEAD_LINKS_SLOT}`, 'missing; clampAtZero keeps the dead links there');
      this.optimizer.setState(state.kind, state.step, slots);
      this.clamp.deadLinks.forEach((dead, l) => dead.set(Array.from(mask[2 * l]!, (v) => (v === 0 ? 0 : 1))));
      return;
    }
    this.optimizer.setState(state.kind, state.step, slots);
  }

  dispose(): void {
    this.disposed = true;
    this.workspaces.clear();
  }

  // ── forward and backward ──────────────────────────────────────────────────────────────────

  /** H_ℓ = σ_ℓ(H_{ℓ−1}·W_ℓ + b_ℓ) for each layer, with H_0 = X. */
  private forward(ws: Workspace, rows: number): void {
    for (let l = 0; l < this.layers.length; l++) {
      const input = l === 0 ? ws.x : ws.layers[l - 1]!.output;
      this.layers[l]!.forward(input, ws.layers[l]!, rows);
    }
  }

  /**
   * Backpropagation, after {@link forward} on the same workspace:
   * 1. the loss gives ∂L/∂Z of the output layer (fused with its activation);
   * 2. for each layer from the last to the first: ∂L/∂W, ∂L/∂b and ∂L/∂X (the previous layer's
   *    ∂L/∂H) from ∂L/∂Z; then the previous layer turns its ∂L/∂H into its ∂L/∂Z through σ';
   * 3. regularization adds λ₁·sign(W) + λ₂·W to each ∂L/∂W (and nothing to ∂L/∂b) — unless
   *    `regularize` is false (the clamped update applies it as a step of its own).
   */
  private backward(ws: Workspace, rows: number, regularize = true): void {
    const last = this.layers.length - 1;
    const outputLayer = this.layers[last]!;
    const out = ws.layers[last]!;
    this.lossFunction.backward(out.preActivation, out.output, ws.y, out.dLossDPreActivation, rows, outputLayer.outputs, outputLayer.activation);
    for (let l = last; l >= 0; l--) {
      const layer = this.layers[l]!;
      const buffers = ws.layers[l]!;
      if (l < last) layer.backwardActivation(buffers, rows);
      const previous = l === 0 ? undefined : ws.layers[l - 1]!;
      layer.backward(previous === undefined ? ws.x : previous.output, buffers, rows, previous?.dLossDOutput);
      if (!regularize) continue;
      this.regularization.addGradient(layer.kernel, layer.dLossDKernel, 'kernel', this.l1, this.l2);
      this.regularization.addGradient(layer.bias, layer.dLossDBias, 'bias', this.l1, this.l2);
    }
  }

  /** Mean data loss of the batch in `ws` (after forward) plus regularization, in the model's dtype. */
  private totalLoss(ws: Workspace, rows: number): number {
    const out = ws.layers[this.layers.length - 1]!;
    const data = this.lossFunction.forward(out.preActivation, out.output, ws.y, rows, this.spec.output.units);
    const total = data + (this.l1 === 0 && this.l2 === 0 ? 0 : this.regularization.loss(this.kernels, this.biases, this.l1, this.l2));
    return this.dtype === 'float32' ? Math.fround(total) : total;
  }

  private refuseUntrainable(): void {
    if (this.untrainable !== undefined) throw new UnsupportedFeatureError(ENGINE_NAME, 'gradient training of this model', this.untrainable);
  }

  // ── buffers ────────────────────────────────────────────────────────────────────────────────

  private workspace(rows: number): Workspace {
    const cached = this.workspaces.get(rows);
    if (cached !== undefined) return cached;
    const ws: Workspace = {
      rows,
      x: allocate(this.dtype, rows * this.spec.inputSize),
      y: allocate(this.dtype, rows * this.spec.output.units),
      layers: this.layers.map((l) => l.createBuffers(rows)),
    };
    if (rows <= MAX_CACHED_ROWS) {
      if (this.workspaces.size >= MAX_CACHED_WORKSPACES) {
        const oldest = this.workspaces.keys().next();
        if (oldest.done !== true) this.workspaces.delete(oldest.value);
      }
      this.workspaces.set(rows, ws);
    }
    return ws;
  }

  private outputBuffers(ws: Workspace): LayerBuffers {
    return ws.layers[this.layers.length - 1]!;
  }

  /** Copies a whole batch into its workspace (converting to the model's dtype). */
  private load(batch: Batch): Workspace {
    assertBatchMatchesSpec(this.spec, batch);
    const ws = this.workspace(batch.x.rows);
    ws.x.set(batch.x.data.subarray(0, ws.x.length));
    ws.y.set(batch.y.data.subarray(0, ws.y.length));
    return ws;
  }

  /** Copies rows `order[start … end − 1]` of the prepared data into the workspace, without allocating. */
  private gather(data: PreparedArrays, rows: BatchRows, ws: Workspace): void {
    const inputs = this.spec.inputSize;
    const units = this.spec.output.units;
    const { x, y } = ws;
    for (let r = 0; r < ws.rows; r++) {
      const source = rows.order[rows.start + r]!;
      if (!(source >= 0 && source < data.rows)) throw new ShapeError(`row index ${source} is outside 0…${data.rows - 1}`);
      for (let c = 0; c < inputs; c++) x[r * inputs + c] = data.x[source * inputs + c]!;
      for (let c = 0; c < units; c++) y[r * units + c] = data.y[source * units + c]!;
    }
  }

  /** Copies `weights` into the layers, rounding to the model's dtype. */
  private copyIn(weights: Weights): void {
    namedParameters(weights).forEach(({ tensor }, p) => this.parameters[p]!.set(tensor.data));
  }

  /** Arrays in parameter order (kernel 0, bias 0, …) as core {@link Weights}; copies unless `copy` is false. */
  private asWeights(arrays: readonly FloatArray[], copy = true): Weights {
    return {
      dtype: this.dtype,
      layers: this.layers.map((layer, l) => ({
        kernel: { shape: [layer.inputs, layer.outputs], data: copy ? arrays[2 * l]!.slice() : arrays[2 * l]! },
        bias: { shape: [layer.outputs], data: copy ? arrays[2 * l + 1]!.slice() : arrays[2 * l + 1]! },
      })),
    };
  }

  private assertUsable(): void {
    if (this.disposed) throw new DisposedError(ENGINE_NAME, 'model');
  }
}
