import { type Batch, type LossName, type Model, type ModelSpec, type Regularization, type Weights } from '@twinprop/core';
/**
 * Gradient checking: compare the analytic gradient (backprop) with central finite differences
 *
 *   ∂L/∂θᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h
 *
 * for every parameter θᵢ (or a seeded sample of them). Works on any core {@link Model}: it
 * perturbs one parameter at a time through `setWeights` and calls `model.loss`, so nothing
 * engine-specific is needed. Run it in float64 — in float32 the differences are mostly rounding
 * noise (use {@link referenceGradientCheck}, or a float64 engine).
 *
 * Errors, per parameter:
 * - absolute: |analytic − numeric|;
 * - relative: core's `relativeError(analytic, numeric, floor·max(1, |L|))` =
 *   |analytic − numeric| / max(|analytic|, |numeric|, floor·max(1, |L|)), 0 when they are equal,
 *   where L is the loss at the unperturbed weights; NaN when either is not finite.
 * The check passes when every checked parameter's relative error is ≤ `tolerance` (default 1e-6).
 *
 * Why a floor: in float64 with h = 1e-6 the difference quotient carries rounding noise of about
 * ε·|L|/h ≈ 2e-10·|L|, whatever the size of the gradient, so a gradient of 1e-8 can never be
 * confirmed to 1e-6 relative. Below |gradient| = floor·max(1, |L|) (default floor 1e-3) the
 * criterion therefore becomes absolute, |analytic − numeric| ≤ 1e-9·max(1, |L|) — for losses
 * up to 1 the bounds of torch.autograd.gradcheck-style `atol + rtol·|numeric|` with rtol 1e-6
 * and atol 1e-9, and scaled with the loss above that, as the noise is.

 * Kinks (ReLU at 0, L1 at w = 0) have no derivative; a difference that straddles one is wrong by
 * construction. Keep inputs away from kinks by more than h times the input scale.
 */
export interface GradientCheckOptions {
    /** h, the perturbation; default 1e-6. */
    readonly step?: number;
    /** Largest relative error that passes; default 1e-6. */
    readonly tolerance?: number;
    /** Smallest denominator of the relative error, times max(1, |L|); default 1e-3 (see above). */
    readonly floor?: number;
    /**
     * Check at most this many parameters (default 5000): a seeded sample spread over the parameter
     * tensors in proportion to their sizes, at least one from each. Every parameter when the model
     * has no more.
     */
    readonly maxParameters?: number;
    /** Seeds the sample; default 0. */
    readonly seed?: number;
}
export interface ParameterCheck {
    /** `dense_ℓ/kernel` or `dense_ℓ/bias`. */
    readonly name: string;
    /** Flat index inside the tensor (row-major: kernel [in, out] → in·out + out). */
    readonly index: number;
    readonly analytic: number;
    readonly numeric: number;
    readonly absoluteError: number;
    readonly relativeError: number;
}
export interface TensorCheck {
    readonly name: string;
    readonly size: number;
    readonly checked: number;
    readonly maxAbsoluteError: number;
    readonly maxRelativeError: number;
    readonly passed: boolean;
}
export interface GradientCheckReport {
    readonly passed: boolean;
    /** The loss at the unperturbed weights. */
    readonly loss: number;
    readonly step: number;
    readonly tolerance: number;
    /** The smallest denominator actually used: floor·max(1, |L|). */
    readonly floor: number;
    /** Parameters checked, out of `total`. */
    readonly checked: number;
    readonly total: number;
    readonly maxAbsoluteError: number;
    readonly maxRelativeError: number;
    /** The parameter with the largest relative error. */
    readonly worst: ParameterCheck | undefined;
    readonly tensors: readonly TensorCheck[];
    readonly parameters: readonly ParameterCheck[];
}
/** Checks `model`'s gradient on `batch` against central finite differences of `model.loss`. Restores the weights afterwards. */
export declare function gradientCheck(model: Model, batch: Batch, options?: GradientCheckOptions): GradientCheckReport;
export interface ReferenceGradientCheckOptions extends GradientCheckOptions {
    /** Default: the loss that pairs with the output activation. */
    readonly loss?: LossName;
    readonly regularization?: Regularization;
}
/** {@link gradientCheck} on a float64 reference-engine model built from `spec` and `weights`. */
export declare function referenceGradientCheck(spec: ModelSpec, weights: Weights, batch: Batch, options?: ReferenceGradientCheckOptions): GradientCheckReport;
//# sourceMappingURL=gradcheck.d.ts.map