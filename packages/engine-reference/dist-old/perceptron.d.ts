import { type Batch, type DType, type ModelSpec, type Weights } from '@twinprop/core';
/**
 * The perceptron learning rule (Rosenblatt), for a single layer of `step` units — the lecture's
 * perceptron o = σ(⟨w, x⟩ + b) with σ(z) = 1 if z > 0 else 0. For each sample in turn:
 *
 *   ŷ = σ(w·x + b)
 *   w ← w + η (y − ŷ) x
 *   b ← b + η (y − ŷ)
 *
 * A correct prediction (y = ŷ) changes nothing; a wrong one moves the separating line towards the
 * misclassified sample. If the data are linearly separable (AND, OR, NOT) the rule converges in
 * finitely many updates; if not (XOR) it never stops making mistakes — a single neuron draws only
 * one line. Each output column of `y` is an independent perceptron.
 *
 * Gradient descent cannot train step units (σ' = 0 almost everywhere), which is why this rule
 * exists; models refuse `trainStep` on step layers and point here.
 */
export interface PerceptronOptions {
    /** η, default 1. */
    readonly learningRate?: number;
    /** Passes over the data before giving up, default 100. */
    readonly maxEpochs?: number;
    /** Starting weights (a single-layer spec's shapes); default all zeros. */
    readonly initialWeights?: Weights;
    /** When given, samples are visited in a seeded random order each epoch (core's `epochOrder`); default: in order. */
    readonly seed?: number;
    /** dtype of the returned weights (the rule itself runs in float64); default `float64`. */
    readonly dtype?: DType;
}
export interface PerceptronReport {
    /** True when an epoch passed with no mistakes: every sample is then classified correctly. */
    readonly converged: boolean;
    /** Epochs run, counting the final error-free one when converged. */
    readonly epochs: number;
    /** Mistakes (updates) made during each epoch. */
    readonly errorsPerEpoch: readonly number[];
    /** Mistakes of the final weights on the whole data set. */
    readonly finalErrors: number;
    /** `w[unit][input]`: the final weights of each unit (for AND, w[0] = [w₁, w₂]). */
    readonly w: readonly (readonly number[])[];
    /** `b[unit]`: the final bias of each unit. */
    readonly b: readonly number[];
    /** The spec of the trained layer: `inputSize` → `units` step units, no hidden layers. */
    readonly spec: ModelSpec;
    /** The final weights as core {@link Weights}, ready for `engine.createModel(spec, weights, …)`. */
    readonly weights: Weights;
    /** One sentence saying what happened, e.g. why XOR did not converge. */
    readonly message: string;
}
/** Trains a single layer of step units on `data` (targets 0 or 1) with the perceptron rule. Never throws for non-convergence. */
export declare function trainPerceptron(data: Batch, options?: PerceptronOptions): PerceptronReport;
//# sourceMappingURL=perceptron.d.ts.map