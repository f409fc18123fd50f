import * as tf from '@tensorflow/tfjs-core';
import {
  assertWeightsMatchSpec,
  OPTIMIZER_SLOTS,
  optimizerAtStep,
  SpecError,
  type LearningRateSchedule,
  type ModelSpec,
  type OptimizerConfig,
  type OptimizerKind,
  type OptimizerState,
} from '@twinprop/core';
import { tensorsToWeights, weightsToTensors } from './convert.js';

/** β → the latest βᵗ computed, and its t. */
const betaPowers = new Map<number, { t: number; value: number }>();

/**
 * βᵗ as `tf.train.adam` holds it: a float32 variable that starts at β and is multiplied by β after
 * each step, every product rounded to float32. Memoized per β for the latest t (the usual call is
 * t = previous t + 1, which costs one multiplication).
 */
export function accumulatedBeta(beta: number, t: number): number {
  const b = Math.fround(beta);
  let cached = betaPowers.get(beta);
  if (cached === undefined || cached.t > t) cached = { t: 1, value: b };
  let { t: k, value } = cached;
  while (k < t) {
    value = Math.fround(value * b);
    k++;
  }
  betaPowers.set(beta, { t: k, value });
  return value;
}

/**
 * One optimizer's new value of a parameter θ from its gradient g at step t (1, 2, …), as a tensor,
 * given the parameter's slot variables in core's `OPTIMIZER_SLOTS` order (assigned in place).
 * Runs inside the optimizer's tidy.
 */
export type TfjsUpdate<C extends OptimizerConfig> = (config: C, param: tf.Variable, g: tf.Tensor, slots: readonly tf.Variable[], t: number) => tf.Tensor;

/** An update rule per core optimizer (a mapped type: a new optimizer does not compile without one). */
export type TfjsUpdates = { readonly [K in OptimizerKind]: TfjsUpdate<Extract<OptimizerConfig, { kind: K }>> };

function slotOf(slots: readonly tf.Variable[], index: number): tf.Variable {
  const variable = slots[index];
  if (variable === undefined) throw new Error(`optimizer slot ${index} is missing`);
  return variable;
}

/** The engine's update rules, exactly those of `tf.train.sgd/momentum/adam` (and of core's optimizer.ts). */
export const TFJS_UPDATES: TfjsUpdates = {
  // θ ← θ − η·g
  sgd: (config, param, g) => tf.sub(param, tf.mul(g, config.learningRate)),
  // a ← μ·a + g;  θ ← θ − η·a, or with Nesterov θ ← θ − η·(g + μ·a)
  momentum: (config, param, g, slots) => {
    const accumulation = slotOf(slots, 0);
    const newAccumulation = tf.add(tf.mul(accumulation, config.momentum), g);
    accumulation.assign(newAccumulation);
    const direction = config.nesterov ? tf.add(g, tf.mul(newAccumulation, config.momentum)) : newAccumulation;
    return tf.sub(param, tf.mul(direction, config.learningRate));
  },
  // m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
  adam: (config, param, g, slots, t) => {
    const firstMoment = slotOf(slots, 0);
    const secondMoment = slotOf(slots, 1);
    const m = tf.add(tf.mul(firstMoment, config.beta1), tf.mul(g, 1 - config.beta1));
    const v = tf.add(tf.mul(secondMoment, config.beta2), tf.mul(tf.square(g), 1 - config.beta2));
    firstMoment.assign(m);
    secondMoment.assign(v);
    const mHat = tf.div(m, Math.fround(1 - accumulatedBeta(config.beta1, t)));
    const vHat = tf.div(v, Math.fround(1 - accumulatedBeta(config.beta2, t)));
    return tf.sub(param, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), config.epsilon)), config.learningRate));
  },
};

/**
 * sgd, momentum and adam, written with tf ops on slot variables this class owns — not with
 * `tf.train.*`. The update rules are exactly those of `tf.train.sgd/momentum/adam` (and of core's
 * optimizer.ts); owning them buys two things:
 * - `getState`/`setState` in core's {@link OptimizerState} form (`step` plus named slots), so a
 *   restored model continues bit-identically.
 * - Adam's β₁ᵗ and β₂ᵗ are, as in `tf.train.adam` (its `accBeta1`, `accBeta2`), float32 running
 *   products ({@link accumulatedBeta}: start at fround(β), multiplied by fround(β) after every
 *   step, each product rounded to float32), and `1 − βᵗ` is rounded to float32 too — the same
 *   rounding as the reference engine's float32 Adam. They are computed from the step count, so
 *   the step count alone restores them exactly.
 *
 * `apply` must run inside the caller's `tf.tidy`: every temporary it creates is freed there;
 * only the slot variables and the parameters (via `assign`) keep data.
 */
export class TfjsOptimizer {
  readonly config: OptimizerConfig;
  /** Updates applied so far (t − 1 before the next update). */
  private step = 0;
  /** Slot name → one variable per parameter, in the parameters' order. */
  private readonly slots = new Map<string, tf.Variable[]>();

  constructor(
    config: OptimizerConfig,
    params: readonly tf.Variable[],
    /** The update rules to apply (the engine's own unless a test swaps one in). */
    private readonly updates: TfjsUpdates = TFJS_UPDATES,
    /** The learning-rate schedule (core's schedule.ts); none keeps `config.learningRate`. */
    private readonly schedule?: LearningRateSchedule,
  ) {
    this.config = config;
    for (const name of OPTIMIZER_SLOTS[config.kind]) {
      const variables: tf.Variable[] = [];
      // Variables outlive the tidy; the zero tensors they were made from do not.
      tf.tidy(() => {
        for (const p of params) variables.push(tf.variable(tf.zerosLike(p), false));
      });
      this.slots.set(name, variables);
    }
  }

  private slot(name: string, index: number): tf.Variable {
    const variable = this.slots.get(name)?.[index];
    if (variable === undefined) throw new Error(`optimizer slot ${name}[${index}] is missing`);
    return variable;
  }

  /**
   * One update `θ ← θ − η·(…)` of every parameter from its gradient `dLossDParam` (same order), at
   * the learning rate core's schedule gives this step — a JS number that tfjs turns into a float32
   * scalar, as it does the constant rate (no schedule, or a constant one, passes the config itself).
   * Returns that rate.
   */
  apply(params: readonly tf.Variable[], dLossDParams: readonly tf.Tensor[]): number {
    const config = optimizerAtStep(this.config, this.schedule, this.step);
    const t = this.step + 1;
    params.forEach((param, i) => {
      const dLossDParam = dLossDParams[i];
      if (dLossDParam === undefined) throw new Error(`no gradient for parameter ${i}`);
      param.assign(this.updated(config, param, dLossDParam, i, t));
    });
    this.step = t;
    return config.learningRate;
  }

  /** The new value of parameter `i` (θ) from its gradient g = ∂loss/∂θ at step t, updating its slots. */
  private updated(config: OptimizerConfig, param: tf.Variable, g: tf.Tensor, i: number, t: number): tf.Tensor {
    // Each entry takes its own kind's config; indexing by the union kind needs the widening.
    const update = this.updates[config.kind] as TfjsUpdate<OptimizerConfig>;
    return update(config, param, g, OPTIMIZER_SLOTS[config.kind].map((name) => this.slot(name, i)), t);
  }

  getState(): OptimizerState {
    const slots: Record<string, ReturnType<typeof tensorsToWeights>> = {};
    for (const [name, variables] of this.slots) slots[name] = tensorsToWeights(variables);
    return { kind: this.config.kind, step: this.step, slots };
  }

  /** Restores a state from {@link getState} (of this or any engine); validates kind, slots and shapes. */
  setState(state: OptimizerState, spec: ModelSpec): void {
    if (state.kind !== this.config.kind) {
      throw new SpecError('optimizerState.kind', `the state is for ${state.kind} but the model trains with ${this.config.kind}`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new SpecError('optimizerState.step', `must be an integer ≥ 0 (got ${String(state.step)})`);
    }
    const expected = OPTIMIZER_SLOTS[this.config.kind];
    const given = Object.keys(state.slots);
    const missing = expected.filter((name) => !given.includes(name));
    const extra = given.filter((name) => !expected.includes(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new SpecError(
        'optimizerState.slots',
        `${this.config.kind} keeps slots [${expected.join(', ')}]` +
          (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
          (extra.length > 0 ? `; unexpected ${extra.join(', ')}` : ''),
      );
    }
    for (const name of expected) {
      const weights = state.slots[name];
      if (weights !== undefined) assertWeightsMatchSpec(spec, weights);
    }
    tf.tidy(() => {
      for (const name of expected) {
        const weights = state.slots[name];
        if (weights === undefined) continue;
        weightsToTensors(weights).forEach((value, i) => this.slot(name, i).assign(value));
      }
    });
    this.step = state.step;
  }

  dispose(): void {
    for (const variables of this.slots.values()) for (const v of variables) v.dispose();
    this.slots.clear();
  }
}
