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
/** Every core loss, by name. */
export declare const LOSS_FUNCTIONS: {
    readonly [L in LossName]: LossFunction;
};
/** Regularization of the kernels: λ₁ Σ|w| + λ₂ · ½ Σ w². */
export declare function regularizationLoss(kernels: readonly FloatArray[], l1: number, l2: number): number;
/** dLossDKernel += λ₁·sign(w) + λ₂·w (sign(0) = 0): the gradient of {@link regularizationLoss}. */
export declare function addRegularizationGradient(kernel: FloatArray, dLossDKernel: FloatArray, l1: number, l2: number): void;
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
export declare const REGULARIZATION: RegularizationFunction;
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
export declare function prepareClampedStep(kernel: FloatArray, dLossDKernel: FloatArray, dRegularizationDKernel: FloatArray, deadLinks: Uint8Array, l1: number, l2: number): void;
/** Second half of the clamped step; see {@link prepareClampedStep}. */
export declare function finishClampedStep(kernel: FloatArray, dRegularizationDKernel: FloatArray, deadLinks: Uint8Array, learningRate: number): void;
//# sourceMappingURL=losses.d.ts.map