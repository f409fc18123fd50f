import { type Activation, type FloatArray } from '@twinprop/core';
/**
 * An activation σ, applied to a layer's pre-activations Z [rows × cols] to give its outputs
 * H = σ(Z), with its derivative right beside it.
 *
 * `forward` caches nothing itself: the layer keeps Z and H, and `backward` receives both, so each
 * derivative is written in whichever is simpler (σ'(z) = σ(z)(1 − σ(z)) = h(1 − h) for sigmoid).
 */
export interface ActivationFunction {
    readonly name: Activation;
    /** σ(z) and σ'(z), in words. */
    readonly formula: string;
    /** H = σ(Z), element-wise (row-wise for softmax). */
    forward(z: FloatArray, h: FloatArray, rows: number, cols: number): void;
    /**
     * The chain rule through σ: ∂L/∂Z = ∂L/∂H ⊙ σ'(Z) (for softmax, the Jacobian-vector product).
     * `dLossDPreActivation` may be the same array as `dLossDOutput`.
     */
    backward(z: FloatArray, h: FloatArray, dLossDOutput: FloatArray, dLossDPreActivation: FloatArray, rows: number, cols: number): void;
}
/** A record for every core activation. */
export type ActivationTable = {
    readonly [A in Activation]: ActivationFunction;
};
/** Every core activation, by name. Adding one to core makes this record fail to compile until it is written here. */
export declare const ACTIVATION_FUNCTIONS: ActivationTable;
//# sourceMappingURL=activations.d.ts.map