import * as tf from '@tensorflow/tfjs-core';
import { LEAKY_RELU_ALPHA, type Activation, type LossName, type Regularization } from '@twinprop/core';

/**
 * σ(z) for every activation in core's table (`@twinprop/core` spec.ts), element-wise except
 * softmax (over the last axis). `tf.step(z, 0)` is `z > 0 ? 1 : 0`; `tf.leakyRelu` uses
 * {@link LEAKY_RELU_ALPHA}, the same α as the reference engine.
 */
export function activate(activation: Activation, z: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'step':
      return tf.step(z, 0);
    case 'linear':
      return z;
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.tanh(z);
    case 'relu':
      return tf.relu(z);
    case 'leakyRelu':
      return tf.leakyRelu(z, LEAKY_RELU_ALPHA);
    case 'softmax':
      return tf.softmax(z);
  }
}

/**
 * Mean data loss of a batch, from the output layer's logits `z` ([rows, units]) and targets `y`
 * (same shape), as core's loss.ts defines it. All three use `tf.losses.*` with `Reduction.MEAN`
 * and no weights, which is `tf.mean` of the per-element (BCE, MSE) or per-row (softmax CE) losses:
 * - BCE: `tf.losses.sigmoidCrossEntropy` = `relu(z) − z·y + log1p(e^{−|z|})`, averaged over
 *   rows × units — core's stable form. Its autograd gradient is `σ(z) − y` (also at z = 0).
 * - softmax CE: `tf.losses.softmaxCrossEntropy` = `−Σ_k y_k (z_k − logsumexp z)` (max subtracted
 *   inside logsumexp), averaged over rows; its custom gradient is `softmax(z) − y`.
 * - MSE: `tf.losses.meanSquaredError` on `σ(z)`, averaged over rows × units.
 */
export function dataLoss(loss: LossName, outputActivation: Activation, logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  switch (loss) {
    case 'binaryCrossEntropy':
      return tf.losses.sigmoidCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits, undefined, 0, tf.Reduction.MEAN);
    case 'softmaxCrossEntropy':
      return tf.losses.softmaxCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits, undefined, 0, tf.Reduction.MEAN);
    case 'meanSquaredError':
      return tf.losses.meanSquaredError<tf.Tensor2D, tf.Scalar>(y, activate(outputActivation, logits), undefined, tf.Reduction.MEAN);
  }
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
 * differentiated by `tf.variableGrads`: tfjs's gradient of `abs` at 0 is −1, while core defines
 * `∂/∂w λ₁|w| = λ₁·sign(w)`, which is 0 at w = 0.
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
