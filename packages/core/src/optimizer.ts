import { SpecError } from './errors.js';
import type { Weights } from './weights.js';

/**
 * Optimizers. `θ` is a parameter, `g = ∂L/∂θ` its gradient on the current batch (regularization
 * included), `η` the learning rate and `t = 1, 2, …` the step number. The update rules are exactly
 * TensorFlow.js's `tf.train.*` so the two engines can be compared step by step.
 *
 * - `sgd` — the lecture's update `θ ← θ − η·g`. Plain (full-batch) gradient descent is `sgd` with
 *   `batchSize` equal to the training-set size; minibatch SGD is the same rule on a minibatch.
 * - `momentum` (`tf.train.momentum`) — accumulator `a ← μ·a + g`, then
 *   `θ ← θ − η·a`, or with Nesterov `θ ← θ − η·(g + μ·a)`. `a` starts at 0.
 * - `adam` (`tf.train.adam`) — moments `m ← β₁·m + (1−β₁)·g`, `v ← β₂·v + (1−β₂)·g²`;
 *   bias-corrected `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`; update
 *   `θ ← θ − η·m̂ / (√v̂ + ε)`. ε is added **after** the square root of the bias-corrected second
 *   moment. `m`, `v` start at 0. Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-7 (tfjs's float32 epsilon).
 */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerKind = (typeof OPTIMIZERS)[number];

export interface SgdConfig {
  readonly kind: 'sgd';
  readonly learningRate: number;
}
export interface MomentumConfig {
  readonly kind: 'momentum';
  readonly learningRate: number;
  /** μ, default 0.9. */
  readonly momentum: number;
  readonly nesterov: boolean;
}
export interface AdamConfig {
  readonly kind: 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}
export type OptimizerConfig = SgdConfig | MomentumConfig | AdamConfig;

export const DEFAULT_LEARNING_RATE: Record<OptimizerKind, number> = { sgd: 0.1, momentum: 0.05, adam: 0.01 };

/** Fills in defaults: `optimizer('adam', { learningRate: 1e-3 })`. */
export function optimizer(kind: 'sgd', options?: Partial<Omit<SgdConfig, 'kind'>>): SgdConfig;
export function optimizer(kind: 'momentum', options?: Partial<Omit<MomentumConfig, 'kind'>>): MomentumConfig;
export function optimizer(kind: 'adam', options?: Partial<Omit<AdamConfig, 'kind'>>): AdamConfig;
export function optimizer(kind: OptimizerKind, options?: Partial<Record<string, number | boolean>>): OptimizerConfig;
export function optimizer(kind: OptimizerKind, options: Partial<Record<string, number | boolean>> = {}): OptimizerConfig {
  const learningRate = (options.learningRate as number | undefined) ?? DEFAULT_LEARNING_RATE[kind];
  let config: OptimizerConfig;
  switch (kind) {
    case 'sgd':
      config = { kind, learningRate };
      break;
    case 'momentum':
      config = {
        kind,
        learningRate,
        momentum: (options.momentum as number | undefined) ?? 0.9,
        nesterov: (options.nesterov as boolean | undefined) ?? false,
      };
      break;
    case 'adam':
      config = {
        kind,
        learningRate,
        beta1: (options.beta1 as number | undefined) ?? 0.9,
        beta2: (options.beta2 as number | undefined) ?? 0.999,
        epsilon: (options.epsilon as number | undefined) ?? 1e-7,
      };
      break;
  }
  return validateOptimizer(config);
}

function checkNumber(value: unknown, field: string, ok: (n: number) => boolean, rule: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new SpecError(field, `must be ${rule} (got ${String(value)})`);
  }
}

/** Checks an optimizer config (e.g. from a model file), throwing {@link SpecError} naming the field. */
export function validateOptimizer(value: unknown, field = 'optimizer'): OptimizerConfig {
  if (typeof value !== 'object' || value === null) throw new SpecError(field, 'must be an object');
  const config = value as Record<string, unknown>;
  const kind = config.kind;
  if (typeof kind !== 'string' || !(OPTIMIZERS as readonly string[]).includes(kind)) {
    throw new SpecError(`${field}.kind`, `unknown optimizer ${JSON.stringify(kind)}; expected one of ${OPTIMIZERS.join(', ')}`);
  }
  checkNumber(config.learningRate, `${field}.learningRate`, (n) => n > 0, 'a finite number > 0');
  const allowed: Record<OptimizerKind, string[]> = {
    sgd: ['kind', 'learningRate'],
    momentum: ['kind', 'learningRate', 'momentum', 'nesterov'],
    adam: ['kind', 'learningRate', 'beta1', 'beta2', 'epsilon'],
  };
  for (const key of Object.keys(config)) {
    if (!allowed[kind as OptimizerKind].includes(key)) throw new SpecError(`${field}.${key}`, `unknown field for ${kind}`);
  }
  const fraction = (n: number): boolean => n >= 0 && n < 1;
  if (kind === 'momentum') {
    checkNumber(config.momentum, `${field}.momentum`, fraction, 'in [0, 1)');
    if (typeof config.nesterov !== 'boolean') throw new SpecError(`${field}.nesterov`, 'must be true or false');
  }
  if (kind === 'adam') {
    checkNumber(config.beta1, `${field}.beta1`, fraction, 'in [0, 1)');
    checkNumber(config.beta2, `${field}.beta2`, fraction, 'in [0, 1)');
    checkNumber(config.epsilon, `${field}.epsilon`, (n) => n > 0, 'a finite number > 0');
  }
  return config as unknown as OptimizerConfig;
}

/**
 * Everything an optimizer remembers between steps, so training can resume bit-identically.
 * `step` counts updates applied so far (t − 1 before the next update). Slots by kind:
 * `sgd`: none; `momentum`: `accumulation` (a); `adam`: `firstMoment` (m) and `secondMoment` (v).
 */
export interface OptimizerState {
  readonly kind: OptimizerKind;
  readonly step: number;
  readonly slots: Readonly<Record<string, Weights>>;
}

/** Names of the slots each optimizer keeps (same on every engine). */
export const OPTIMIZER_SLOTS: Record<OptimizerKind, readonly string[]> = {
  sgd: [],
  momentum: ['accumulation'],
  adam: ['firstMoment', 'secondMoment'],
};
