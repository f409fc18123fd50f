import { type Batch, type BatchRows, type DType, type Evaluation, type LossAndGradients, type Matrix, type Model, type ModelSpec, type OptimizerState, type PreparedData, type TrainingConfig, type Weights } from '@twinprop/core';
import { type ActivationTable } from './activations.js';
import { LOSS_FUNCTIONS, type LossFunction, type RegularizationFunction } from './losses.js';
import { type OptimizerUpdates } from './optimizers.js';
export declare const ENGINE_NAME = "reference";
/**
 * What a model computes with besides its activations: the loss records, the optimizers' update
 * rules and the regularization — the engine's own unless a test swaps one in (planted faults).
 */
export interface ModelTables {
    readonly losses: {
        readonly [L in keyof typeof LOSS_FUNCTIONS]: LossFunction;
    };
    readonly optimizers: OptimizerUpdates;
    readonly regularization: RegularizationFunction;
}
export declare const MODEL_TABLES: ModelTables;
export declare const BACKEND_NAME = "js";
/**
 * A multilayer perceptron in the reference engine: a list of {@link DenseLayer}s, a loss, an
 * optimizer. Forward walks the layers in order; backward starts from the loss's ∂L/∂Z and walks
 * them in reverse.
 */
export declare class ReferenceModel implements Model {
    readonly dtype: DType;
    readonly engine = "reference";
    readonly backend = "js";
    readonly spec: ModelSpec;
    readonly training: TrainingConfig;
    private readonly layers;
    private readonly lossFunction;
    private readonly optimizer;
    /** Every parameter tensor in core's order: kernel 0, bias 0, kernel 1, … */
    private readonly parameters;
    /** ∂L/∂θ for each entry of `parameters`, same order. */
    private readonly gradients;
    private readonly kernels;
    private readonly biases;
    private readonly regularization;
    private readonly l1;
    private readonly l2;
    /**
     * Under `clampAtZero` (the Playground's L1): per kernel, 1 where a link is dead; and per kernel,
     * dRegularizationDKernel — λ₁·sign(θ) + λ₂·θ at the weights before the current update.
     */
    private readonly clamp;
    private readonly workspaces;
    /** True when any layer is a `step` layer: such models cannot be trained by gradient descent. */
    /** Why gradient descent cannot train this model (a step layer), or undefined. */
    private readonly untrainable;
    private disposed;
    constructor(spec: ModelSpec, weights: Weights, training: TrainingConfig, dtype: DType, 
    /** The activation records to compute with (the engine's own table unless a test swaps one in). */
    activationTable?: ActivationTable, tables?: ModelTables);
    predict(x: Matrix): Matrix;
    loss(batch: Batch): number;
    /** `loss(batch)` and `predict(batch.x)` from one forward pass. */
    evaluate(batch: Batch): Evaluation;
    lossAndGradients(batch: Batch): LossAndGradients;
    prepare(data: Batch): PreparedData;
    /**
     * One update on the rows `order[start … end − 1]`: copy them into this batch size's buffers,
     * forward, loss (if asked), backward, optimizer. Allocates nothing once the batch size is known.
     */
    trainStep(data: PreparedData, rows: BatchRows, returnLoss?: boolean): number | undefined;
    /** {@link trainStep} that also copies the batch's outputs (before the update) into `outputs` [rows × units]. */
    trainStepWithOutputs(data: PreparedData, rows: BatchRows, outputs: Float64Array): number;
    private step;
    getWeights(): Weights;
    setWeights(weights: Weights): void;
    getOptimizerState(): OptimizerState;
    setOptimizerState(state: OptimizerState): void;
    dispose(): void;
    /** H_ℓ = σ_ℓ(H_{ℓ−1}·W_ℓ + b_ℓ) for each layer, with H_0 = X. */
    private forward;
    /**
     * Backpropagation, after {@link forward} on the same workspace:
     * 1. the loss gives ∂L/∂Z of the output layer (fused with its activation);
     * 2. for each layer from the last to the first: ∂L/∂W, ∂L/∂b and ∂L/∂X (the previous layer's
     *    ∂L/∂H) from ∂L/∂Z; then the previous layer turns its ∂L/∂H into its ∂L/∂Z through σ';
     * 3. regularization adds λ₁·sign(W) + λ₂·W to each ∂L/∂W (and nothing to ∂L/∂b) — unless
     *    `regularize` is false (the clamped update applies it as a step of its own).
     */
    private backward;
    /** Mean data loss of the batch in `ws` (after forward) plus regularization, in the model's dtype. */
    private totalLoss;
    private refuseUntrainable;
    private workspace;
    private outputBuffers;
    /** Copies a whole batch into its workspace (converting to the model's dtype). */
    private load;
    /** Copies rows `order[start … end − 1]` of the prepared data into the workspace, without allocating. */
    private gather;
    /** Copies `weights` into the layers, rounding to the model's dtype. */
    private copyIn;
    /** Arrays in parameter order (kernel 0, bias 0, …) as core {@link Weights}; copies unless `copy` is false. */
    private asWeights;
    private assertUsable;
}
//# sourceMappingURL=model.d.ts.map