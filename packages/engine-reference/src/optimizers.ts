import {
  OPTIMIZER_SLOTS,
  optimizerAtStep,
  ShapeError,
  SpecError,
  type DType,
  type FloatArray,
  type LearningRateSchedule,
  type OptimizerConfig,
} from '@twinprop/core';
import { allocateParameter, helperThreads } from './matrix.js';
import { OPTIMIZER_UPDATES, type OptimizerUpdate, type OptimizerUpdates } from './update-rules.js';

/**
 * An optimizer over a fixed list of parameter tensors (kernel, bias of each layer, in order). Its
 * slots are arrays of the same shapes, in the same order, allocated once.
 */
export class Optimizer {
  /** Updates applied so far. */
  private step = 0;
  /** Slot name → one array per parameter tensor (`accumulation`, or `firstMoment` and `secondMoment`). */
  private readonly slots: Map<string, FloatArray[]>;
  /**
   * Adam's running products [β₁ᵗ, β₂ᵗ] for the next step t (start at β₁, β₂). Kept in a typed
   * array rather than two number fields so that updating them allocates nothing.
   */
  private readonly accBetas = new Float64Array(2);
  /** The rate of the last update ({@link lastLearningRate}). */
  private readonly appliedRate = new Float64Array(1);

  /** Per parameter tensor, its slot arrays in `OPTIMIZER_SLOTS` order (what an update rule receives). */
  private readonly slotsByParameter: ReadonlyArray<readonly FloatArray[]>;

  constructor(
    readonly config: OptimizerConfig,
    readonly dtype: DType,
    private readonly sizes: readonly number[],
    /** The update rules to apply (the engine's own unless a test swaps one in). */
    private readonly updates: OptimizerUpdates = OPTIMIZER_UPDATES,
    /** The learning-rate schedule (core's schedule.ts); none keeps `config.learningRate`. */
    private readonly schedule?: LearningRateSchedule,
  ) {
    this.slots = new Map(OPTIMIZER_SLOTS[config.kind].map((name) => [name, sizes.map((n) => allocateParameter(dtype, n))]));
    this.slotsByParameter = sizes.map((_, p) => OPTIMIZER_SLOTS[config.kind].map((name) => this.slot(name)[p]!));
    this.resetAccumulatedBetas(0);
  }

  /**
   * Applies one update to every parameter: params[p] ← update(params[p], gradients[p]), at the
   * learning rate core's schedule gives this step (a float64 number; the float32 loops round it
   * once, as tfjs does); {@link lastLearningRate} tells that rate afterwards.
   */
  apply(params: readonly FloatArray[], gradients: readonly FloatArray[]): void {
    const config = optimizerAtStep(this.config, this.schedule, this.step);
    // Each entry takes its own kind's config; indexing by the union kind needs the widening.
    const update = this.updates[config.kind] as OptimizerUpdate<OptimizerConfig>;
    // The engine's own rules may be shared with helper threads (a swapped-in rule never is).
    const helpers = update === OPTIMIZER_UPDATES[config.kind] ? helperThreads() : undefined;
    for (let p = 0; p < params.length; p++) {
      const slots = this.slotsByParameter[p]!;
      if (helpers?.update(config, params[p]!, gradients[p]!, slots, this.accBetas) !== true) update(config, params[p]!, gradients[p]!, slots, this.accBetas);
    }
    if (config.kind === 'adam') {
      this.accBetas[0] = this.round(this.accBetas[0]! * this.round(config.beta1));
      this.accBetas[1] = this.round(this.accBetas[1]! * this.round(config.beta2));
    }
    this.step++;
    this.appliedRate[0] = config.learningRate;
  }

  /**
   * The learning rate the last {@link apply} used (this step's scheduled rate). Kept in a typed
   * array rather than returned: a returned float is boxed, 16 bytes on every training step.
   */
  get lastLearningRate(): number {
    return this.appliedRate[0]!;
  }

  /** Step count and copies of the slots, each as arrays in parameter order. */
  getState(): { kind: OptimizerConfig['kind']; step: number; slots: Record<string, FloatArray[]> } {
    const slots: Record<string, FloatArray[]> = {};
    for (const [name, arrays] of this.slots) slots[name] = arrays.map((a) => a.slice());
    return { kind: this.config.kind, step: this.step, slots };
  }

  /** Restores a state taken from {@link getState} (or a core `OptimizerState`'s slots, flattened to arrays in parameter order). */
  setState(kind: string, step: number, slots: Readonly<Record<string, readonly ArrayLike<number>[]>>): void {
    if (kind !== this.config.kind) {
      throw new SpecError('optimizerState.kind', `state is for ${kind}, the model trains with ${this.config.kind}`);
    }
    if (!Number.isInteger(step) || step < 0) throw new SpecError('optimizerState.step', `must be an integer ≥ 0 (got ${step})`);
    for (const name of OPTIMIZER_SLOTS[this.config.kind]) {
      const arrays = slots[name];
      if (arrays === undefined) throw new SpecError(`optimizerState.slots.${name}`, `missing; ${kind} needs it`);
      if (arrays.length !== this.sizes.length) {
        throw new ShapeError(`optimizer slot ${name} has ${arrays.length} tensors, the model has ${this.sizes.length}`);
      }
      arrays.forEach((array, p) => {
        if (array.length !== this.sizes[p]) {
          throw new ShapeError(`optimizer slot ${name}[${p}] has ${array.length} values, expected ${this.sizes[p]}`);
        }
      });
    }
    for (const [name, targets] of this.slots) {
      const arrays = slots[name]!;
      targets.forEach((target, p) => target.set(arrays[p]!));
    }
    this.step = step;
    this.resetAccumulatedBetas(step);
  }

  /**
   * β₁ᵗ, β₂ᵗ for the step after `completed` steps, by the same running product training uses, so a
   * restored optimizer continues bit-identically.
   */
  private resetAccumulatedBetas(completed: number): void {
    if (this.config.kind !== 'adam') return;
    const beta1 = this.round(this.config.beta1);
    const beta2 = this.round(this.config.beta2);
    let accBeta1 = beta1;
    let accBeta2 = beta2;
    for (let t = 0; t < completed; t++) {
      accBeta1 = this.round(accBeta1 * beta1);
      accBeta2 = this.round(accBeta2 * beta2);
    }
    this.accBetas[0] = accBeta1;
    this.accBetas[1] = accBeta2;
  }

  /** Rounds a scalar to the optimizer's dtype (tfjs keeps accBeta1, accBeta2 as float32 tensors). */
  private round(x: number): number {
    return this.dtype === 'float32' ? Math.fround(x) : x;
  }

  private slot(name: string): FloatArray[] {
    const arrays = this.slots.get(name);
    if (arrays === undefined) throw new Error(`optimizer slot ${name} was never allocated`);
    return arrays;
  }
}
