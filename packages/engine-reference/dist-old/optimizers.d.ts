import { type OptimizerKind, type DType, type FloatArray, type LearningRateSchedule, type OptimizerConfig } from '@twinprop/core';
/**
 * One optimizer's update of one parameter tensor θ in place from its gradient, given that
 * tensor's slot arrays in core's `OPTIMIZER_SLOTS` order (updated in place) and Adam's running
 * products [β₁ᵗ, β₂ᵗ] for this step.
 */
export type OptimizerUpdate<C extends OptimizerConfig> = (config: C, theta: FloatArray, gradient: FloatArray, slots: readonly FloatArray[], accBetas: Float64Array) => void;
/** An update rule per core optimizer (a mapped type: a new optimizer does not compile without one). */
export type OptimizerUpdates = {
    readonly [K in OptimizerKind]: OptimizerUpdate<Extract<OptimizerConfig, {
        kind: K;
    }>>;
};
/** The engine's update rules, above. */
export declare const OPTIMIZER_UPDATES: OptimizerUpdates;
/**
 * An optimizer over a fixed list of parameter tensors (kernel, bias of each layer, in order). Its
 * slots are arrays of the same shapes, in the same order, allocated once.
 */
export declare class Optimizer {
    readonly config: OptimizerConfig;
    readonly dtype: DType;
    private readonly sizes;
    /** The update rules to apply (the engine's own unless a test swaps one in). */
    private readonly updates;
    /** The learning-rate schedule (core's schedule.ts); none keeps `config.learningRate`. */
    private readonly schedule?;
    /** Updates applied so far. */
    private step;
    /** Slot name → one array per parameter tensor (`accumulation`, or `firstMoment` and `secondMoment`). */
    private readonly slots;
    /**
     * Adam's running products [β₁ᵗ, β₂ᵗ] for the next step t (start at β₁, β₂). Kept in a typed
     * array rather than two number fields so that updating them allocates nothing.
     */
    private readonly accBetas;
    /** Per parameter tensor, its slot arrays in `OPTIMIZER_SLOTS` order (what an update rule receives). */
    private readonly slotsByParameter;
    constructor(config: OptimizerConfig, dtype: DType, sizes: readonly number[], 
    /** The update rules to apply (the engine's own unless a test swaps one in). */
    updates?: OptimizerUpdates, 
    /** The learning-rate schedule (core's schedule.ts); none keeps `config.learningRate`. */
    schedule?: LearningRateSchedule | undefined);
    /**
     * Applies one update to every parameter: params[p] ← update(params[p], gradients[p]), at the
     * learning rate core's schedule gives this step (a float64 number; the float32 loops round it
     * once, as tfjs does). Returns that rate.
     */
    apply(params: readonly FloatArray[], gradients: readonly FloatArray[]): number;
    /** Step count and copies of the slots, each as arrays in parameter order. */
    getState(): {
        kind: OptimizerConfig['kind'];
        step: number;
        slots: Record<string, FloatArray[]>;
    };
    /** Restores a state taken from {@link getState} (or a core `OptimizerState`'s slots, flattened to arrays in parameter order). */
    setState(kind: string, step: number, slots: Readonly<Record<string, readonly ArrayLike<number>[]>>): void;
    /**
     * β₁ᵗ, β₂ᵗ for the step after `completed` steps, by the same running product training uses, so a
     * restored optimizer continues bit-identically.
     */
    private resetAccumulatedBetas;
    /** Rounds a scalar to the optimizer's dtype (tfjs keeps accBeta1, accBeta2 as float32 tensors). */
    private round;
    private slot;
}
//# sourceMappingURL=optimizers.d.ts.map