import {
  OPTIMIZER_SLOTS,
  ShapeError,
  SpecError,
  type AdamConfig,
  type DType,
  type FloatArray,
  type MomentumConfig,
  type OptimizerConfig,
  type SgdConfig,
} from '@twinprop/core';
import { allocate } from './matrix.js';

/**
 * The optimizers, with update rules written exactly as TensorFlow.js's `tf.train.*` applies them
 * (tfjs-core `sgd_optimizer.ts`, `momentum_optimizer.ts`, `adam_optimizer.ts`), so the two engines
 * can be compared step by step. θ is a parameter, g = ∂L/∂θ, η the learning rate.
 *
 * In float32, tfjs rounds the result of every tensor operation to float32 and turns each JS
 * number it is given (η, μ, β₁, 1 − β₁, ε, …) into a float32 scalar. We do the same by applying
 * `round` (Math.fround) after every operation, in tfjs's order, which costs little because the
 * optimizer touches each parameter once per step. In float64 `round` is the identity.
 */
type Round = (x: number) => number;
const identity: Round = (x) => x;

/** Plain gradient descent (`tf.train.sgd`): θ ← θ + c·g with c = −η. */
function sgdUpdate(config: SgdConfig, round: Round, theta: FloatArray, gradient: FloatArray): void {
  const c = round(-config.learningRate);
  for (let i = 0; i < theta.length; i++) theta[i] = round(round(c * gradient[i]!) + theta[i]!);
}

/**
 * Momentum (`tf.train.momentum`): accumulator a ← μ·a + g, then θ ← θ − η·a, or with Nesterov
 * θ ← θ − η·(g + μ·a) using the new a.
 */
function momentumUpdate(config: MomentumConfig, round: Round, theta: FloatArray, gradient: FloatArray, accumulation: FloatArray): void {
  const c = round(-config.learningRate);
  const mu = round(config.momentum);
  for (let i = 0; i < theta.length; i++) {
    const g = gradient[i]!;
    const a = round(round(mu * accumulation[i]!) + g);
    accumulation[i] = a;
    const step = config.nesterov ? round(c * round(g + round(a * mu))) : round(c * a);
    theta[i] = round(step + theta[i]!);
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
  round: Round,
  theta: FloatArray,
  gradient: FloatArray,
  firstMoment: FloatArray,
  secondMoment: FloatArray,
  accBeta1: number,
  accBeta2: number,
): void {
  const beta1 = round(config.beta1);
  const beta2 = round(config.beta2);
  const oneMinusBeta1 = round(1 - config.beta1);
  const oneMinusBeta2 = round(1 - config.beta2);
  const oneMinusAccBeta1 = round(1 - accBeta1);
  const oneMinusAccBeta2 = round(1 - accBeta2);
  const epsilon = round(config.epsilon);
  const c = round(-config.learningRate);
  for (let i = 0; i < theta.length; i++) {
    const g = gradient[i]!;
    const m = round(round(firstMoment[i]! * beta1) + round(g * oneMinusBeta1));
    const v = round(round(secondMoment[i]! * beta2) + round(round(g * g) * oneMinusBeta2));
    firstMoment[i] = m;
    secondMoment[i] = v;
    const mHat = round(m / oneMinusAccBeta1);
    const vHat = round(v / oneMinusAccBeta2);
    const direction = round(mHat / round(round(Math.sqrt(vHat)) + epsilon));
    theta[i] = round(round(direction * c) + theta[i]!);
  }
}

/**
 * An optimizer over a fixed list of parameter tensors (kernel, bias of each layer, in order). Its
 * slots are arrays of the same shapes, in the same order, allocated once.
 */
export class Optimizer {
  /** Updates applied so far. */
  private step = 0;
  /** Slot name → one array per parameter tensor (`accumulation`, or `firstMoment` and `secondMoment`). */
  private readonly slots: Map<string, FloatArray[]>;
  /** Adam's running products β₁ᵗ and β₂ᵗ for the next step t (start at β₁, β₂). */
  private accBeta1 = 0;
  private accBeta2 = 0;
  private readonly round: Round;

  constructor(
    readonly config: OptimizerConfig,
    readonly dtype: DType,
    private readonly sizes: readonly number[],
  ) {
    this.round = dtype === 'float32' ? Math.fround : identity;
    this.slots = new Map(OPTIMIZER_SLOTS[config.kind].map((name) => [name, sizes.map((n) => allocate(dtype, n))]));
    this.resetAccumulatedBetas(0);
  }

  /** Applies one update to every parameter: params[p] ← update(params[p], gradients[p]). */
  apply(params: readonly FloatArray[], gradients: readonly FloatArray[]): void {
    const config = this.config;
    switch (config.kind) {
      case 'sgd':
        for (let p = 0; p < params.length; p++) sgdUpdate(config, this.round, params[p]!, gradients[p]!);
        break;
      case 'momentum': {
        const accumulation = this.slot('accumulation');
        for (let p = 0; p < params.length; p++) momentumUpdate(config, this.round, params[p]!, gradients[p]!, accumulation[p]!);
        break;
      }
      case 'adam': {
        const m = this.slot('firstMoment');
        const v = this.slot('secondMoment');
        for (let p = 0; p < params.length; p++) {
          adamUpdate(config, this.round, params[p]!, gradients[p]!, m[p]!, v[p]!, this.accBeta1, this.accBeta2);
        }
        this.accBeta1 = this.round(this.accBeta1 * this.round(config.beta1));
        this.accBeta2 = this.round(this.accBeta2 * this.round(config.beta2));
        break;
      }
    }
    this.step++;
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
    this.accBeta1 = beta1;
    this.accBeta2 = beta2;
    for (let t = 0; t < completed; t++) {
      this.accBeta1 = this.round(this.accBeta1 * beta1);
      this.accBeta2 = this.round(this.accBeta2 * beta2);
    }
  }

  private slot(name: string): FloatArray[] {
    const arrays = this.slots.get(name);
    if (arrays === undefined) throw new Error(`optimizer slot ${name} was never allocated`);
    return arrays;
  }
}
