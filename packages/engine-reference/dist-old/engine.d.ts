import { type Activation, type DType, type Engine, type LossName, type ModelSpec, type TrainingConfig, type Weights } from '@twinprop/core';
import { type ActivationFunction } from './activations.js';
import type { LossFunction, RegularizationFunction } from './losses.js';
import { ReferenceModel } from './model.js';
import type { OptimizerUpdates } from './optimizers.js';
export interface ReferenceEngineOptions {
    /** Precision of every buffer and of the arithmetic's results (default `float32`, like TensorFlow.js). */
    readonly dtype?: DType;
    /**
     * Activation records to use instead of the engine's own, by name — for checking that a harness
     * catches a wrong derivative (a planted fault) without touching the shared table. Each record's
     * `name` must match its key.
     */
    readonly activations?: Partial<Record<Activation, ActivationFunction>>;
    /** Loss records to use instead of the engine's own, by name (same purpose; `name` must match the key). */
    readonly losses?: Partial<Record<LossName, LossFunction>>;
    /** Optimizer update rules to use instead of the engine's own, by kind (same purpose). */
    readonly optimizers?: Partial<OptimizerUpdates>;
    /** A regularization record to use instead of the engine's own (same purpose). */
    readonly regularization?: RegularizationFunction;
}
/**
 * The from-scratch engine: hand-written forward and backward passes on typed arrays, no ML
 * dependency. Backend `js`. In float64 it is the engine gradient checks run in.
 */
export declare class ReferenceEngine implements Engine {
    readonly name = "reference";
    readonly backend = "js";
    readonly dtype: DType;
    private readonly activations;
    private readonly tables;
    constructor(options?: ReferenceEngineOptions);
    /** Validates the spec, the training config and the weights' shapes, and copies the weights in. */
    createModel(spec: ModelSpec, weights: Weights, training: TrainingConfig): ReferenceModel;
}
/** `createReferenceEngine({ dtype: 'float64' })`. */
export declare function createReferenceEngine(options?: ReferenceEngineOptions): ReferenceEngine;
//# sourceMappingURL=engine.d.ts.map