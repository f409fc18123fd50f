import {
  OPTIMIZER_SLOTS,
  optimizerAtStep,
  ShapeError,
  type OptimizerKind,
  SpecError,
  type AdamConfig,
  type DType,
  type FloatArray,
  type LearningRateSchedule,
  type MomentumConfig,
  type OptimizerConfig,
  type SgdConfig,
} from '@twinprop/core';
import { allocateParameter, helperThreads } from './matrix.js';

/**
 * The optimizers, with update rules written exactly as TensorFlow.js's `tf.train.*` applies them
 * (tfjs-core `sgd_optimizer.ts`, `momentum_optimizer.ts`, `adam_optimizer.ts`), so the two engines
 * can be compared step by step. θ is a parameter, g = ∂L/∂θ, η the learning rate.
 *
 * Each rule has two loops. The float64 loop is the formula. The float32 loop is the same formula
 * in tfjs's float32 arithmetic: tfjs rounds the result of every tensor operation to float32 and
 * turns each JS number it is given (−η, μ, β₁, 1 − β₁, ε, …) into a float32 scalar, so we apply
 * `f = Math.fround` after every operation, in tfjs's order. (Two loops rather than one loop with
 * a rounding function: a call through a variable that is sometimes `Math.fround` and sometimes the
 * identity cannot be inlined, and made float32 Adam three times slower.)
 */
const f = Math.fround;

/** Plain gradient descent (`tf.train.sgd`): θ ← θ + c·g with c = −η. */
function sgdUpdate(config: SgdConfig, theta: FloatArray, gradient: FloatArray, start: number, end: number): void {
  if (theta instanceof Float64Array) {
    const c = -config.learningRate;
    for (let i = start; i < end; i++) theta[i] = c * gradient[i]! + theta[i]!;
    return;
  }
  const c = f(-config.learningRate);
  for (let i = start; i < end; i++) theta[i] = f(f(c * gradient[i]!) + theta[i]!);
}

/**
 * Momentum (`tf.train.momentum`): accumulator a ← μ·a + g, then θ ← θ − η·a, or with Nesterov
 * θ ← θ − η·(g + μ·a) using the new a.
 */
function momentumUpdate(config: MomentumConfig, theta: FloatArray, gradient: FloatArray, accumulation: FloatArray, start: number, end: number): void {
  const nesterov = config.nesterov;
  if (theta instanceof Float64Array) {
    const c = -config.learningRate;
    const mu = config.momentum;
    for (let i = start; i < end; i++) {
      const g = gradient[i]!;
      const a = mu * accumulation[i]! + g;
      accumulation[i] = a;
      theta[i] = (nesterov ? c * (g + a * mu) : c * a) + theta[i]!;
    }
    return;
  }
  const c = f(-config.learningRate);
  const mu = f(config.momentum);
  for (let i = start; i < end; i++) {
    const g = gradient[i]!;
    const a = f(f(mu * accumulation[i]!) + g);
    accumulation[i] = a;
    theta[i] = f((nesterov ? f(c * f(g + f(a * mu))) : f(c * a)) + theta[i]!);
  }
}

/**
 * Adam (`tf.train.adam`), step t = 1, 2, …:
 *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 *   m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − η · m̂ / (√v̂ + ε)       (ε added after the square root of the corrected v)
 * β₁ᵗ and β₂ᵗ are tfjs's running products `accBeta1`, `accBeta2` (start at β, multiplied by β after
 * each step), held in the engine's dtype — not recomputed with a power.
 */
function adamUpdate(
  config: AdamConfig,
  theta: FloatArray,
  gradient: FloatArray,
  firstMoment: FloatArray,
  secondMoment: FloatArray,
  accBetas: Float64Array,
  start: number,
  end: number,
): void {
  const accBeta1 = accBetas[0]!;
  const accBeta2 = accBetas[1]!;
  if (theta instanceof Float64Array) {
    const { beta1, beta2, epsilon } = config;
    const c = -config.learningRate;
    for (let i = start; i < end; i++) {
      const g = gradient[i]!;
      const m = firstMoment[i]! * beta1 + g * (1 - beta1);
      const v = secondMoment[i]! * beta2 + g * g * (1 - beta2);
      firstMoment[i] = m;
      secondMoment[i] = v;
      const mHat = m / (1 - accBeta1);
      const vHat = v / (1 - accBeta2);
      theta[i] = (mHat / (Math.sqrt(vHat) + epsilon)) * c + theta[i]!;
    }
    return;
  }
  const beta1 = f(config.beta1);
  const beta2 = f(config.beta2);
  const oneMinusBeta1 = f(1 - config.beta1);
  const oneMinusBeta2 = f(1 - config.beta2);
  const oneMinusAccBeta1 = f(1 - accBeta1);
  const oneMinusAccBeta2 = f(1 - accBeta2);
  const epsilon = f(config.epsilon);
  const c = f(-config.learningRate);
  for (let i = start; i < end; i++) {
    const g = gradient[i]!;
    const m = f(f(firstMoment[i]! * beta1) + f(g * oneMinusBeta1));
    const v = f(f(secondMoment[i]! * beta2) + f(f(g * g) * oneMinusBeta2));
    firstMoment[i] = m;
    secondMoment[i] = v;
    const mHat = f(m / oneMinusAccBeta1);
    const vHat = f(v / oneMinusAccBeta2);
    const direction = f(mHat / f(f(Math.sqrt(vHat)) + epsilon));
    theta[i] = f(f(direction * c) + theta[i]!);
  }
}

/**
 * One optimizer's update of one parameter tensor θ in place from its gradient, given that
 * tensor's slot arrays in core's `OPTIMIZER_SLOTS` order (updated in place) and Adam's running
 * products [β₁ᵗ, β₂ᵗ] for this step.
 */
export type OptimizerUpdate<C extends OptimizerConfig> = (
  config: C,
  theta: FloatArray,
  gradient: FloatArray,
  slots: readonly FloatArray[],
  accBetas: Float64Array,
) => void;

/** An update rule per core optimizer (a mapped type: a new optimizer does not compile without one). */
export type OptimizerUpdates = { readonly [K in OptimizerKind]: OptimizerUpdate<Extract<OptimizerConfig, { kind: K }>> };

/**
 * The engine's update rule for `config.kind` on elements [start, end) of one tensor. Each element
 * is updated from its own values alone, so splitting a tensor into ranges (between threads)
 * changes nothing in the result.
 */
export function updateRange(
  config: OptimizerConfig,
  theta: FloatArray,
  gradient: FloatArray,
  slots: readonly FloatArray[],
  accBetas: Float64Array,
  start: number,
  end: number,
): void {
  switch (config.kind) {
    case 'sgd':
      sgdUpdate(config, theta, gradient, start, end);
      return;
    case 'momentum':
      momentumUpdate(config, theta, gradient, slots[0]!, start, end);
      return;
    case 'adam':
      adamUpdate(config, theta, gradient, slots[0]!, slots[1]!, accBetas, start, end);
      return;
  }
}

/** The engine's update rules, above (each over the whole tensor). */
export const OPTIMIZER_UPDATES: OptimizerUpdates = {
  sgd: (config, theta, gradient) => sgdUpdate(config, theta, gradient, 0, theta.length),
  momentum: (config, theta, gradient, [accumulation]) => momentumUpdate(config, theta, gradient, accumulation!, 0, theta.length),
  adam: (config, theta, gradient, [firstMoment, secondMoment], accBetas) =>
    adamUpdate(config, theta, gradient, firstMoment!, secondMoment!, accBetas, 0, theta.length),
};

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
    return this.dtype === 'float32' ? f(x) : x;
  }

  private slot(name: string): FloatArray[] {
    const arrays = this.slots.get(name);
    if (arrays === undefined) throw new Error(`optimizer slot ${name} was never allocated`);
    return arrays;
  }
}
