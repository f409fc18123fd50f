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

/** A hyperparameter besides the learning rate: its default and the rule it must follow. */
export interface Hyperparameter {
  readonly default: number | boolean;
  /** `fraction`: in [0, 1); `positive`: finite and > 0; `boolean`: true or false. */
  readonly rule: 'fraction' | 'positive' | 'boolean';
}

/**
 * One optimizer as core defines it. {@link OPTIMIZER_DEFINITIONS} is the table everything else
 * derives from: defaults, validation, the model file's slots, and the conformance suite's
 * expected updates.
 */
export interface OptimizerDefinition<C extends OptimizerConfig = OptimizerConfig> {
  /** The update rule, in words. */
  readonly formula: string;
  readonly defaultLearningRate: number;
  /** Every field besides `kind` and `learningRate`. */
  readonly hyperparameters: { readonly [K in Exclude<keyof C, 'kind' | 'learningRate'>]: Hyperparameter };
  /** Names of the slots it keeps between steps (each shaped like the weights). */
  readonly slots: readonly string[];
  /**
   * The update of one parameter θ with gradient g at step t (1, 2, …), in float64, exactly as
   * {@link formula} writes it; `slots` holds this parameter's slot values (in {@link slots}
   * order, starting at 0) and is updated in place. Returns the new θ. This is what the
   * conformance suite checks every engine's optimizer against.
   */
  update(config: C, theta: number, g: number, slots: number[], t: number): number;
}

export const OPTIMIZER_DEFINITIONS: { readonly [K in OptimizerKind]: OptimizerDefinition<Extract<OptimizerConfig, { kind: K }>> } = {
  sgd: {
    formula: 'θ ← θ − η·g',
    defaultLearningRate: 0.1,
    hyperparameters: {},
    slots: [],
    update: (config, theta, g) => theta - config.learningRate * g,
  },
  momentum: {
    formula: 'a ← μ·a + g; θ ← θ − η·a (Nesterov: θ ← θ − η·(g + μ·a))',
    defaultLearningRate: 0.05,
    hyperparameters: { momentum: { default: 0.9, rule: 'fraction' }, nesterov: { default: false, rule: 'boolean' } },
    slots: ['accumulation'],
    update: (config, theta, g, slots) => {
      const a = config.momentum * (slots[0] ?? 0) + g;
      slots[0] = a;
      return config.nesterov ? theta - config.learningRate * (g + config.momentum * a) : theta - config.learningRate * a;
    },
  },
  adam: {
    formula: 'm ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ); θ ← θ − η·m̂/(√v̂ + ε)',
    defaultLearningRate: 0.01,
    hyperparameters: {
      beta1: { default: 0.9, rule: 'fraction' },
      beta2: { default: 0.999, rule: 'fraction' },
      epsilon: { default: 1e-7, rule: 'positive' },
    },
    slots: ['firstMoment', 'secondMoment'],
    update: (config, theta, g, slots, t) => {
      const m = config.beta1 * (slots[0] ?? 0) + (1 - config.beta1) * g;
      const v = config.beta2 * (slots[1] ?? 0) + (1 - config.beta2) * g * g;
      slots[0] = m;
      slots[1] = v;
      const mHat = m / (1 - config.beta1 ** t);
      const vHat = v / (1 - config.beta2 ** t);
      return theta - (config.learningRate * mHat) / (Math.sqrt(vHat) + config.epsilon);
    },
  },
};

/** Any optimizer's definition, for code that handles every optimizer alike. */
export interface AnyOptimizerDefinition {
  readonly formula: string;
  readonly defaultLearningRate: number;
  readonly hyperparameters: Readonly<Record<string, Hyperparameter>>;
  readonly slots: readonly string[];
  update(config: OptimizerConfig, theta: number, g: number, slots: number[], t: number): number;
}

/** The definition of `kind`, typed for any config. */
export function optimizerDefinition(kind: OptimizerKind): AnyOptimizerDefinition {
  // tsc needs the widening (each entry's `update` takes its own config type); the linter's view of
  // the mapped type already sees it as widened.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  return OPTIMIZER_DEFINITIONS[kind] as unknown as AnyOptimizerDefinition;
}

export const DEFAULT_LEARNING_RATE: Readonly<Record<OptimizerKind, number>> = Object.fromEntries(
  OPTIMIZERS.map((kind) => [kind, OPTIMIZER_DEFINITIONS[kind].defaultLearningRate]),
) as Record<OptimizerKind, number>;

/** Fills in defaults: `optimizer('adam', { learningRate: 1e-3 })`. */
export function optimizer(kind: 'sgd', options?: Partial<Omit<SgdConfig, 'kind'>>): SgdConfig;
export function optimizer(kind: 'momentum', options?: Partial<Omit<MomentumConfig, 'kind'>>): MomentumConfig;
export function optimizer(kind: 'adam', options?: Partial<Omit<AdamConfig, 'kind'>>): AdamConfig;
export function optimizer(kind: OptimizerKind, options?: Partial<Record<string, number | boolean>>): OptimizerConfig;
export function optimizer(kind: OptimizerKind, options: Partial<Record<string, number | boolean>> = {}): OptimizerConfig {
  const definition = optimizerDefinition(kind);
  const config: Record<string, unknown> = { kind, learningRate: options.learningRate ?? definition.defaultLearningRate };
  for (const [name, hyper] of Object.entries(definition.hyperparameters)) {
    config[name] = options[name] ?? hyper.default;
  }
  return validateOptimizer(config);
}

function checkNumber(value: unknown, field: string, ok: (n: number) => boolean, rule: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new SpecError(field, `must be ${rule} (got ${String(value)})`);
  }
}

function checkHyperparameter(value: unknown, field: string, rule: Hyperparameter['rule']): void {
  switch (rule) {
    case 'fraction':
      checkNumber(value, field, (n) => n >= 0 && n < 1, 'in [0, 1)');
      return;
    case 'positive':
      checkNumber(value, field, (n) => n > 0, 'a finite number > 0');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw new SpecError(field, 'must be true or false');
      return;
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
  const hyperparameters = optimizerDefinition(kind as OptimizerKind).hyperparameters;
  const allowed = ['kind', 'learningRate', ...Object.keys(hyperparameters)];
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) throw new SpecError(`${field}.${key}`, `unknown field for ${kind}`);
  }
  for (const [name, hyper] of Object.entries(hyperparameters)) checkHyperparameter(config[name], `${field}.${name}`, hyper.rule);
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
export const OPTIMIZER_SLOTS: Readonly<Record<OptimizerKind, readonly string[]>> = Object.fromEntries(
  OPTIMIZERS.map((kind) => [kind, OPTIMIZER_DEFINITIONS[kind].slots]),
) as Record<OptimizerKind, readonly string[]>;
