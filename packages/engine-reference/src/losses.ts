import type { FloatArray, LossName } from '@twinprop/core';
import type { ActivationFunction } from './activations.js';

/**
 * A loss on the output layer, with its gradient right beside it. Both work from the output
 * layer's logits Z [rows × cols] (its pre-activations) and its outputs H = σ(Z), against the
 * targets Y [rows × cols].
 *
 * The loss of a batch is the mean, as in the lecture's `L = 1/|D| Σ ℓ(x, y)`: over rows × units for
 * binary cross-entropy and MSE, over rows for softmax cross-entropy (one ℓ per sample, summed over
 * classes). The gradient is therefore the per-sample gradient divided by that count.
 *
 * Cross-entropies are fused with their activation: ∂L/∂Z comes out directly (`ŷ − y`, `p − y`),
 * which is both simpler and stable where σ saturates.
 */
export interface LossFunction {
  readonly name: LossName;
  /** ℓ and ∂ℓ/∂z, in words. */
  readonly formula: string;
  /** Mean loss of the batch (regularization not included). */
  forward(z: FloatArray, h: FloatArray, y: FloatArray, rows: number, cols: number): number;
  /**
   * dLossDLogits ← ∂L/∂Z [rows × cols] of the batch-mean loss. `output` is the output layer's
   * activation, needed where the loss is not fused with it (MSE).
   */
  backward(z: FloatArray, h: FloatArray, y: FloatArray, dLossDLogits: FloatArray, rows: number, cols: number, output: ActivationFunction): void;
}

/**
 * Binary cross-entropy on a sigmoid output: ℓ = −y log ŷ − (1 − y) log(1 − ŷ), ŷ = σ(z).
 * Written in z so that it never takes the log of 0: ℓ = max(z, 0) − z·y + log(1 + e^−|z|).
 * Gradient (the lecture's derivation): ∂ℓ/∂ŷ · ∂ŷ/∂z = ((1 − y)/(1 − ŷ) − y/ŷ) · ŷ(1 − ŷ) = ŷ − y,
 * so for a weight of the output layer ∂ℓ/∂w₁ = (ŷ − y)·x₁.
 */
const binaryCrossEntropy: LossFunction = {
  name: 'binaryCrossEntropy',
  formula: 'ℓ = max(z, 0) − z·y + log(1 + e^−|z|); ∂ℓ/∂z = σ(z) − y',
  forward(z, _h, y, rows, cols) {
    let sum = 0;
    for (let i = 0; i < rows * cols; i++) {
      const zi = z[i]!;
      sum += Math.max(zi, 0) - zi * y[i]! + Math.log1p(Math.exp(-Math.abs(zi)));
    }
    return sum / (rows * cols);
  },
  backward(_z, h, y, dLossDLogits, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) dLossDLogits[i] = (h[i]! - y[i]!) / n;
  },
};

/**
 * Softmax cross-entropy: ℓ = −Σ_k y_k log p_k with p = softmax(z). Since log p_k = z_k − lse(z),
 * ℓ = (Σ_k y_k)·lse(z) − Σ_k y_k z_k, where lse(z) = m + log Σ_j e^{z_j − m}, m = max_j z_j.
 * Gradient: ∂ℓ/∂z_k = (Σ_j y_j)·p_k − y_k, which is p − y for one-hot targets.
 */
const softmaxCrossEntropy: LossFunction = {
  name: 'softmaxCrossEntropy',
  formula: 'ℓ = logsumexp(z) − Σ_k y_k z_k (one-hot y); ∂ℓ/∂z = p − y',
  forward(z, _h, y, rows, cols) {
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const row = r * cols;
      let max = -Infinity;
      for (let k = 0; k < cols; k++) max = Math.max(max, z[row + k]!);
      let expSum = 0;
      for (let k = 0; k < cols; k++) expSum += Math.exp(z[row + k]! - max);
      const logSumExp = max + Math.log(expSum);
      for (let k = 0; k < cols; k++) sum += y[row + k]! * (logSumExp - z[row + k]!);
    }
    return sum / rows;
  },
  backward(_z, h, y, dLossDLogits, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const row = r * cols;
      let targetSum = 0; // Σ_k y_k, 1 for one-hot targets
      for (let k = 0; k < cols; k++) targetSum += y[row + k]!;
      for (let k = 0; k < cols; k++) dLossDLogits[row + k] = (targetSum * h[row + k]! - y[row + k]!) / rows;
    }
  },
};

/**
 * Mean squared error: ℓ = (ŷ − y)², ŷ = σ(z), averaged over rows × units.
 * Gradient: ∂ℓ/∂ŷ = 2(ŷ − y), then through the output activation: ∂ℓ/∂z = 2(ŷ − y)·σ'(z).
 */
const meanSquaredError: LossFunction = {
  name: 'meanSquaredError',
  formula: "ℓ = (ŷ − y)²; ∂ℓ/∂ŷ = 2(ŷ − y), ∂ℓ/∂z = 2(ŷ − y)·σ'(z)",
  forward(_z, h, y, rows, cols) {
    let sum = 0;
    for (let i = 0; i < rows * cols; i++) {
      const d = h[i]! - y[i]!;
      sum += d * d;
    }
    return sum / (rows * cols);
  },
  backward(z, h, y, dLossDLogits, rows, cols, output) {
    const n = rows * cols;
    // First ∂L/∂H into the output buffer, then the chain rule through σ, in place.
    for (let i = 0; i < n; i++) dLossDLogits[i] = (2 * (h[i]! - y[i]!)) / n;
    output.backward(z, h, dLossDLogits, dLossDLogits, rows, cols);
  },
};

/**
 * The TensorFlow Playground's error: ℓ = ½(ŷ − y)², ŷ = σ(z), averaged over rows × units.
 * Gradient: ∂ℓ/∂ŷ = ŷ − y (the Playground's `Errors.SQUARE.der`), then ∂ℓ/∂z = (ŷ − y)·σ'(z).
 */
const halfSquaredError: LossFunction = {
  name: 'halfSquaredError',
  formula: "ℓ = ½(ŷ − y)²; ∂ℓ/∂ŷ = ŷ − y, ∂ℓ/∂z = (ŷ − y)·σ'(z)",
  forward(_z, h, y, rows, cols) {
    let sum = 0;
    for (let i = 0; i < rows * cols; i++) {
      const d = h[i]! - y[i]!;
      sum += 0.5 * d * d;
    }
    return sum / (rows * cols);
  },
  backward(z, h, y, dLossDLogits, rows, cols, output) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) dLossDLogits[i] = (h[i]! - y[i]!) / n;
    output.backward(z, h, dLossDLogits, dLossDLogits, rows, cols);
  },
};

/** Every core loss, by name. */
export const LOSS_FUNCTIONS: { readonly [L in LossName]: LossFunction } = {
  binaryCrossEntropy,
  softmaxCrossEntropy,
  meanSquaredError,
  halfSquaredError,
};

/** Regularization of the kernels: λ₁ Σ|w| + λ₂ · ½ Σ w². */
export function regularizationLoss(kernels: readonly FloatArray[], l1: number, l2: number): number {
  if (l1 === 0 && l2 === 0) return 0;
  let sumAbs = 0;
  let sumSquares = 0;
  for (const kernel of kernels) {
    for (let i = 0; i < kernel.length; i++) {
      const w = kernel[i]!;
      sumAbs += Math.abs(w);
      sumSquares += w * w;
    }
  }
  return l1 * sumAbs + l2 * 0.5 * sumSquares;
}

/** dLossDKernel += λ₁·sign(w) + λ₂·w (sign(0) = 0): the gradient of {@link regularizationLoss}. */
export function addRegularizationGradient(kernel: FloatArray, dLossDKernel: FloatArray, l1: number, l2: number): void {
  if (l1 === 0 && l2 === 0) return;
  for (let i = 0; i < kernel.length; i++) {
    const w = kernel[i]!;
    dLossDKernel[i] = dLossDKernel[i]! + l1 * Math.sign(w) + l2 * w;
  }
}

/**
 * Regularization as one record, the penalty and its gradient side by side: what the model calls.
 * `part` says which tensor a gradient is for; core regularizes kernels only, never biases.
 */
export interface RegularizationFunction {
  readonly formula: string;
  /** The penalty added to the batch loss, from every kernel and every bias. */
  loss(kernels: readonly FloatArray[], biases: readonly FloatArray[], l1: number, l2: number): number;
  /** dLossDParameter += ∂penalty/∂parameter for one parameter tensor. */
  addGradient(parameter: FloatArray, dLossDParameter: FloatArray, part: 'kernel' | 'bias', l1: number, l2: number): void;
}

/** Core's regularization: λ₁ Σ|w| + λ₂ · ½ Σ w² over the kernels; biases are not regularized. */
export const REGULARIZATION: RegularizationFunction = {
  formula: 'λ₁ Σ|w| + λ₂ · ½ Σ w² over kernels only; ∂/∂w = λ₁·sign(w) + λ₂·w, ∂/∂b = 0',
  loss: (kernels, _biases, l1, l2) => regularizationLoss(kernels, l1, l2),
  addGradient(parameter, dLossDParameter, part, l1, l2) {
    if (part === 'kernel') addRegularizationGradient(parameter, dLossDParameter, l1, l2);
  },
};

/**
 * The TensorFlow Playground's clamped regularization (core's `clampedSgdStep`), split around the
 * optimizer's data step so that the data step stays the optimizer's own:
 *
 * - {@link prepareClampedStep}, before the data step: a dead link's gradient is zeroed (it does not
 *   move) and `dRegularizationDKernel` ← λ₁·sign(θ) + λ₂·θ at the weight **before** the step;
 * - {@link finishClampedStep}, after it (θ₁ in `kernel`): θ₂ = θ₁ − η·dRegularizationDKernel; a link
 *   whose θ₁·θ₂ < 0 becomes 0 and dead (`deadLinks[i] = 1`), never updated again.
 * float32 models round after every operation, as tfjs does.
 */
export function prepareClampedStep(
  kernel: FloatArray,
  dLossDKernel: FloatArray,
  dRegularizationDKernel: FloatArray,
  deadLinks: Uint8Array,
  l1: number,
  l2: number,
): void {
  const round = kernel instanceof Float32Array ? Math.fround : (x: number): number => x;
  for (let i = 0; i < kernel.length; i++) {
    if (deadLinks[i] === 1) {
      dLossDKernel[i] = 0;
      dRegularizationDKernel[i] = 0;
      continue;
    }
    const w = kernel[i]!;
    dRegularizationDKernel[i] = round(round(l1 * Math.sign(w)) + round(l2 * w));
  }
}

/** Second half of the clamped step; see {@link prepareClampedStep}. */
export function finishClampedStep(kernel: FloatArray, dRegularizationDKernel: FloatArray, deadLinks: Uint8Array, learningRate: number): void {
  const round = kernel instanceof Float32Array ? Math.fround : (x: number): number => x;
  const c = round(-learningRate);
  for (let i = 0; i < kernel.length; i++) {
    if (deadLinks[i] === 1) continue;
    const afterData = kernel[i]!;
    const afterRegularization = round(afterData + round(c * dRegularizationDKernel[i]!));
    if (afterData * afterRegularization < 0) {
      kernel[i] = 0;
      deadLinks[i] = 1;
    } else {
      kernel[i] = afterRegularization;
    }
  }
}
