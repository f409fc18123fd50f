import * as tf from '@tensorflow/tfjs-core';
import { LEAKY_RELU_ALPHA, type Activation, type LossName, type Regularization } from '@twinprop/core';

/**
 * The tfjs engine's one table of what it computes: an op per core activation and per core loss,
 * each with the tfjs kernels it leaves on a gradient tape. The records are mapped types over
 * core's unions (`@twinprop/core` activations.ts, loss.ts), so a new activation or loss does not
 * compile until its op is written here; everything else in this package derives from them — the
 * model's forward pass and loss, and the gradients `backend.ts` checks are registered.
 *
 * `gradientKernels` lists the kernels `op` records on the tape whose gradient `tf.variableGrads`
 * looks up in tfjs's registry (ops with a custom gradient, such as `tf.losses.softmaxCrossEntropy`,
 * carry their own and are not listed). ops.test.ts checks each list against the tape.
 */

/** One activation σ as tf ops. */
export interface ActivationOp {
  /** H = σ(Z) for pre-activations Z [rows, units]; element-wise, except softmax (over each row). */
  readonly op: (z: tf.Tensor2D) => tf.Tensor2D;
  /** The kernels `op` records on a gradient tape. */
  readonly gradientKernels: readonly string[];
}

/**
 * σ for every activation in core's table. `tf.step(z, 0)` is `z > 0 ? 1 : 0`; `tf.leakyRelu` uses
 * {@link LEAKY_RELU_ALPHA}, the same α as the reference engine. A model never differentiates a
 * step layer (core marks `step` untrainable), but the record still says what `tf.step` records.
 */
export const ACTIVATION_OPS: { readonly [A in Activation]: ActivationOp } = {
  step: { op: (z) => tf.step(z, 0), gradientKernels: [tf.Step] },
  linear: { op: (z) => z, gradientKernels: [] },
  sigmoid: { op: (z) => tf.sigmoid(z), gradientKernels: [tf.Sigmoid] },
  tanh: { op: (z) => tf.tanh(z), gradientKernels: [tf.Tanh] },
  relu: { op: (z) => tf.relu(z), gradientKernels: [tf.Relu] },
  leakyRelu: { op: (z) => tf.leakyRelu(z, LEAKY_RELU_ALPHA), gradientKernels: [tf.LeakyRelu] },
  softmax: { op: (z) => tf.softmax(z), gradientKernels: [tf.Softmax] },
};

/** One loss as tf ops. */
export interface LossOp {
  /**
   * The mean data loss of a batch (a scalar) from the output layer's logits `z` ([rows, units]) and
   * the targets `y` (same shape); `output` is the output layer's activation and `sigma` its op
   * (default: {@link ACTIVATION_OPS}' — a model passes its own).
   */
  readonly op: (logits: tf.Tensor2D, y: tf.Tensor2D, output: Activation, sigma?: (z: tf.Tensor2D) => tf.Tensor2D) => tf.Scalar;
  /**
   * The kernels `op` records on a gradient tape itself; a loss that applies the output activation
   * (`meanSquaredError`) also records that activation's {@link ActivationOp.gradientKernels}.
   */
  readonly gradientKernels: readonly string[];
}

/**
 * Every loss of core's loss.ts, from the logits. All three use `tf.losses.*` with
 * `Reduction.MEAN` and no weights, which is `tf.mean` of the per-element (BCE, MSE) or per-row
 * (softmax CE) losses.
 */
export const LOSS_OPS: { readonly [L in LossName]: LossOp } = {
  /**
   * `tf.losses.sigmoidCrossEntropy` = `relu(z) − z·y + log1p(e^{−|z|})`, averaged over rows × units
   * — core's stable form, built from plain ops. Its autograd gradient is `σ(z) − y` (also at z = 0).
   */
  binaryCrossEntropy: {
    op: (logits, y) => tf.losses.sigmoidCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits, undefined, 0, tf.Reduction.MEAN),
    gradientKernels: [tf.Relu, tf.Multiply, tf.Sub, tf.Abs, tf.Neg, tf.Exp, tf.Log1p, tf.Add, tf.Mean],
  },
  /**
   * `tf.losses.softmaxCrossEntropy` = `−Σ_k y_k (z_k − logsumexp z)` (max subtracted inside
   * logsumexp), averaged over rows. The per-row loss is one op with a custom gradient,
   * `softmax(z) − y`; only the mean is differentiated through the registry.
   */
  softmaxCrossEntropy: {
    op: (logits, y) => tf.losses.softmaxCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits, undefined, 0, tf.Reduction.MEAN),
    gradientKernels: [tf.Mean],
  },
  /** `tf.losses.meanSquaredError` on `σ(z)`, averaged over rows × units. */
  meanSquaredError: {
    op: (logits, y, output, sigma) =>
      tf.losses.meanSquaredError<tf.Tensor2D, tf.Scalar>(y, sigma === undefined ? activate(output, logits) : sigma(logits), undefined, tf.Reduction.MEAN),
    gradientKernels: [tf.SquaredDifference, tf.Mean],
  },
  /** The Playground's ½(ŷ − y)²: `tf.losses.meanSquaredError` on `σ(z)`, times ½. */
  halfSquaredError: {
    op: (logits, y, output, sigma) =>
      tf.mul(
        tf.losses.meanSquaredError<tf.Tensor2D, tf.Scalar>(y, sigma === undefined ? activate(output, logits) : sigma(logits), undefined, tf.Reduction.MEAN),
        0.5,
      ),
    gradientKernels: [tf.SquaredDifference, tf.Mean, tf.Multiply],
  },
};

/**
 * The kernels the taped dense layer records: model.ts computes `z = H·W + b` as
 * `tf.add(tf.matMul(H, W), b)` under the tape (and as a fused matMul only without one).
 */
export const DENSE_GRADIENT_KERNELS: readonly string[] = [tf.BatchMatMul, tf.Add];

/** σ(z) from {@link ACTIVATION_OPS}. */
export function activate(activation: Activation, z: tf.Tensor2D): tf.Tensor2D {
  return ACTIVATION_OPS[activation].op(z);
}

/** Mean data loss of a batch from {@link LOSS_OPS}: logits `z` and targets `y`, both [rows, units]. */
export function dataLoss(loss: LossName, outputActivation: Activation, logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return LOSS_OPS[loss].op(logits, y, outputActivation);
}

/** λ₁ and λ₂ with absent meaning 0. */
export function regularizationRates(regularization: Regularization | undefined): { l1: number; l2: number } {
  return { l1: regularization?.l1 ?? 0, l2: regularization?.l2 ?? 0 };
}

/**
 * The regularization term `λ₁ Σ|w| + λ₂ · ½ Σ w²` over all kernels (never biases), or undefined
 * when both rates are 0.
 *
 * It is added to the loss and its gradient (below) to the kernels' gradients explicitly rather than
 * differentiated by `tf.variableGrads` — so it needs no registered gradients: tfjs's gradient of
 * `abs` at 0 is −1, while core defines `∂/∂w λ₁|w| = λ₁·sign(w)`, which is 0 at w = 0.
 */
export function regularizationPenalty(kernels: readonly tf.Tensor[], rates: { l1: number; l2: number }): tf.Scalar | undefined {
  if (rates.l1 === 0 && rates.l2 === 0) return undefined;
  let total: tf.Scalar = tf.scalar(0);
  for (const kernel of kernels) {
    if (rates.l1 !== 0) total = tf.add(total, tf.mul(tf.sum(tf.abs(kernel)), rates.l1));
    if (rates.l2 !== 0) total = tf.add(total, tf.mul(tf.sum(tf.square(kernel)), rates.l2 * 0.5));
  }
  return total;
}

/** `∂/∂W (λ₁ Σ|w| + λ₂·½ Σw²) = λ₁·sign(W) + λ₂·W`, or undefined when both rates are 0. */
export function regularizationGradient(kernel: tf.Tensor, rates: { l1: number; l2: number }): tf.Tensor | undefined {
  if (rates.l1 === 0 && rates.l2 === 0) return undefined;
  if (rates.l2 === 0) return tf.mul(tf.sign(kernel), rates.l1);
  if (rates.l1 === 0) return tf.mul(kernel, rates.l2);
  return tf.add(tf.mul(tf.sign(kernel), rates.l1), tf.mul(kernel, rates.l2));
}

/** Regularization as tf ops: the penalty and, per parameter, its gradient (core: kernels only). */
export interface RegularizationOps {
  /** The penalty added to the loss, or undefined when there is none. */
  penalty(kernels: readonly tf.Tensor[], biases: readonly tf.Tensor[], rates: { l1: number; l2: number }): tf.Scalar | undefined;
  /** ∂penalty/∂parameter, or undefined when it is zero. */
  gradient(parameter: tf.Tensor, part: 'kernel' | 'bias', rates: { l1: number; l2: number }): tf.Tensor | undefined;
}

/** Everything a model computes with, as one value: the op tables above and the regularization. */
export interface TfjsOps {
  readonly activations: { readonly [A in Activation]: ActivationOp };
  readonly losses: { readonly [L in LossName]: LossOp };
  readonly regularization: RegularizationOps;
}

/** The engine's own ops. */
export const TFJS_OPS: TfjsOps = {
  activations: ACTIVATION_OPS,
  losses: LOSS_OPS,
  regularization: {
    penalty: (kernels, _biases, rates) => regularizationPenalty(kernels, rates),
    gradient: (parameter, part, rates) => (part === 'kernel' ? regularizationGradient(parameter, rates) : undefined),
  },
};

/**
 * Ops to use instead of the engine's own, by table and name — for checking that a harness catches
 * a wrong op (a planted fault) without touching the shared tables. Off unless given.
 */
export interface TfjsOpsOverride {
  readonly activations?: Partial<Record<Activation, ActivationOp>>;
  readonly losses?: Partial<Record<LossName, LossOp>>;
  readonly regularization?: RegularizationOps;
}

/** The engine's ops with `override`'s entries in place of their own. */
export function withOps(override: TfjsOpsOverride | undefined): TfjsOps {
  if (override === undefined) return TFJS_OPS;
  return {
    activations: { ...TFJS_OPS.activations, ...override.activations },
    losses: { ...TFJS_OPS.losses, ...override.losses },
    regularization: override.regularization ?? TFJS_OPS.regularization,
  };
}

/**
 * The TensorFlow Playground's clamped regularization step (core's `clampedSgdStep`, steps 3–4) on
 * one kernel, after the optimizer's data step: `afterData` is θ₁, `dRegularizationDKernel` is
 * λ₁·sign(θ) + λ₂·θ taken at the weights before the data step, `dead` the 0/1 mask. Returns the new
 * kernel and mask: θ₂ = θ₁ − η·dRegularizationDKernel, and where θ₁·θ₂ < 0 (or already dead) 0 and dead.
 */
export function clampedRegularizationStep(
  afterData: tf.Tensor,
  dRegularizationDKernel: tf.Tensor,
  dead: tf.Tensor,
  learningRate: number,
): { kernel: tf.Tensor; dead: tf.Tensor } {
  const afterRegularization = tf.add(afterData, tf.mul(dRegularizationDKernel, -learningRate));
  const crossed = tf.less(tf.mul(afterData, afterRegularization), 0);
  const nowDead = tf.logicalOr(tf.cast(dead, 'bool'), crossed);
  return { kernel: tf.where(nowDead, tf.zerosLike(afterRegularization), afterRegularization), dead: tf.cast(nowDead, 'float32') };
}
