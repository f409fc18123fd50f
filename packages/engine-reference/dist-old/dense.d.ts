import type { DType, FloatArray } from '@twinprop/core';
import type { ActivationFunction } from './activations.js';
/**
 * What one dense layer keeps for one batch size: the values forward computes and backward reads,
 * and the gradients backward writes. Allocated once per batch size and reused on every step.
 */
export interface LayerBuffers {
    /** Z = X·W + b, the pre-activations, [rows × out]. */
    readonly preActivation: FloatArray;
    /** H = σ(Z), the layer's outputs (the next layer's X), [rows × out]. */
    readonly output: FloatArray;
    /** ∂L/∂H, derivative of the loss w.r.t. this layer's outputs, [rows × out] (written by the next layer). */
    readonly dLossDOutput: FloatArray;
    /** ∂L/∂Z, derivative of the loss w.r.t. this layer's pre-activations, [rows × out]. */
    readonly dLossDPreActivation: FloatArray;
}
/**
 * A fully connected layer H = σ(X·W + b) on a batch: X [rows × in], W [in × out], b [out].
 *
 * Forward:   Z = X·W + b           H = σ(Z)
 * Backward:  ∂L/∂Z = ∂L/∂H ⊙ σ'(Z)  (the output layer gets ∂L/∂Z from the loss instead)
 *            ∂L/∂W = Xᵀ · ∂L/∂Z     ∂L/∂b = Σ_rows ∂L/∂Z     ∂L/∂X = ∂L/∂Z · Wᵀ
 *
 * Each row of the batch is one sample; summing over rows in ∂L/∂W and ∂L/∂b is the Σ over the
 * minibatch of the lecture's SGD (the 1/|batch| of the mean is already inside ∂L/∂Z).
 */
export declare class DenseLayer {
    readonly inputs: number;
    readonly outputs: number;
    readonly activation: ActivationFunction;
    readonly dtype: DType;
    /** W, [in × out] row-major: W[i][j] connects input i to unit j. */
    readonly kernel: FloatArray;
    /** b, [out]. */
    readonly bias: FloatArray;
    /** ∂L/∂W, derivative of the loss w.r.t. the kernel, [in × out]. */
    readonly dLossDKernel: FloatArray;
    /** ∂L/∂b, derivative of the loss w.r.t. the bias, [out]. */
    readonly dLossDBias: FloatArray;
    constructor(inputs: number, outputs: number, activation: ActivationFunction, dtype: DType);
    /** Buffers for a batch of `rows` samples. */
    createBuffers(rows: number): LayerBuffers;
    /** Z = X·W + b, then H = σ(Z). `input` is X [rows × in]. */
    forward(input: FloatArray, buffers: LayerBuffers, rows: number): void;
    /**
     * ∂L/∂Z = ∂L/∂H ⊙ σ'(Z), from `buffers.dLossDOutput` into `buffers.dLossDPreActivation`.
     * Skipped for the output layer, whose ∂L/∂Z the loss writes directly.
     */
    backwardActivation(buffers: LayerBuffers, rows: number): void;
    /**
     * From ∂L/∂Z (in `buffers.dLossDPreActivation`): ∂L/∂W = Xᵀ·∂L/∂Z and ∂L/∂b = Σ_rows ∂L/∂Z into
     * this layer's gradient buffers, and, when `dLossDInput` is given, ∂L/∂X = ∂L/∂Z·Wᵀ [rows × in]
     * into it (the previous layer's ∂L/∂H). The first layer skips ∂L/∂X: nothing needs it.
     */
    backward(input: FloatArray, buffers: LayerBuffers, rows: number, dLossDInput: FloatArray | undefined): void;
}
//# sourceMappingURL=dense.d.ts.map