import type { AdamConfig, FloatArray, MomentumConfig, OptimizerConfig, OptimizerKind, SgdConfig } from '@twinprop/core';

/**
 * The optimizers' update rules, written exactly as TensorFlow.js's `tf.train.*` applies them
 * (tfjs-core `sgd_optimizer.ts`, `momentum_optimizer.ts`, `adam_optimizer.ts`), so the two engines
 * can be compared step by step; `optimizers.ts` holds the optimizer that applies them. This module
 * imports nothing from core at run time: the helper threads load it, and core's index would add
 * ~60 ms to a helper's start. θ is a parameter, g = ∂L/∂θ, η the learning rate.
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
