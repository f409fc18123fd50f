import { SpecError } from './errors.js';
import { ACTIVATION_DEFINITIONS, type Activation } from './activations.js';
import type { Task } from './data.js';
import type { ModelSpec } from './spec.js';

/**
 * Losses. The loss of a batch is the **mean** over the batch, as in the lecture's
 * `L = 1/|D| Σ_{(x,y)∈D} ℓ(x, y)`. Every engine computes them from the output layer's
 * pre-activation `z` (the logits), never from probabilities, so they stay finite for |z| = 1000.
 *
 * - `binaryCrossEntropy` — output `sigmoid`, targets y ∈ {0, 1} (one column per sigmoid unit):
 *   `ℓ = −y·log ŷ − (1−y)·log(1−ŷ)` with `ŷ = σ(z)`, computed stably as
 *   `max(z, 0) − z·y + log(1 + e^{−|z|})`. Averaged over all batch × unit entries.
 *   Gradient: `∂ℓ/∂z = ŷ − y` — so for a weight, `∂ℓ/∂w₁ = (ŷ − y)·x₁` (the lecture's derivation).
 * - `softmaxCrossEntropy` — output `softmax`, one-hot targets over K classes:
 *   `ℓ = −Σ_k y_k log p_k` with `p = softmax(z)`, computed as `logsumexp(z) − Σ_k y_k z_k` with the
 *   max subtracted inside the log-sum-exp. Averaged over the batch. Gradient: `∂ℓ/∂z = p − y`.
 * - `meanSquaredError` — any output but `softmax`/`step`: `ℓ = (ŷ − y)²`, averaged over all
 *   batch × unit entries (as `tf.losses.meanSquaredError`). Gradient: `∂ℓ/∂ŷ = 2(ŷ − y)`.
 * - `halfSquaredError` — the TensorFlow Playground's error (`nn.ts`, `Errors.SQUARE`): `ℓ = ½(ŷ − y)²`,
 *   averaged like `meanSquaredError` (so it is exactly half of it). Gradient: `∂ℓ/∂ŷ = ŷ − y`, which
 *   is why the Playground's learning and regularization rates mean what they say: with this loss,
 *   twinprop's `sgd` at rate η takes the Playground's step at rate η.
 *
 * Regularization (optional, on kernels only — never on biases — as in the TensorFlow Playground)
 * is part of the loss:
 * - L1: `λ₁ · Σ |w|`, gradient `λ₁ · sign(w)` (0 at w = 0);
 * - L2: `λ₂ · ½ Σ w²`, gradient `λ₂ · w`.
 * The reported loss of a batch is `mean data loss + regularization`. With `clampAtZero` the update
 * follows the Playground's L1 (see {@link clampedSgdStep}).
 */
export const LOSSES = ['binaryCrossEntropy', 'softmaxCrossEntropy', 'meanSquaredError', 'halfSquaredError'] as const;
export type LossName = (typeof LOSSES)[number];

export interface Regularization {
  /** λ₁ ≥ 0: adds `λ₁ Σ|w|` over all kernels. */
  readonly l1?: number;
  /** λ₂ ≥ 0: adds `λ₂ · ½ Σ w²` over all kernels. */
  readonly l2?: number;
  /**
   * The TensorFlow Playground's L1 (`nn.ts`, `updateWeights`): a kernel weight that the
   * regularization step would carry across zero is set to 0 and becomes a **dead link**, never
   * updated again. Needs the `sgd` optimizer (the Playground's); see {@link clampedSgdStep} for the
   * exact update. The dead links are part of the optimizer state (slot `deadLinks`, 1 = dead), so a
   * resumed run keeps them.
   */
  readonly clampAtZero?: boolean;
}

/** The name of the optimizer-state slot that marks dead links (1) under `clampAtZero`. */
export const DEAD_LINKS_SLOT = 'deadLinks';

/**
 * One kernel weight's SGD update with the Playground's clamped regularization, in float64 — the
 * formula every engine is held to when `clampAtZero` is set:
 *
 * 1. a dead link does not move: `θ' = θ` (it is 0), still dead;
 * 2. the data step: `θ₁ = θ − η·g`, with `g` the gradient of the **data** loss only;
 * 3. the regularization step, with the derivative taken at the weight *before* step 2:
 *    `θ₂ = θ₁ − η·(λ₁·sign(θ) + λ₂·θ)`;
 * 4. if `θ₁·θ₂ < 0` (step 3 crossed zero) then `θ' = 0` and the link is dead; else `θ' = θ₂`.
 *
 * Biases are never regularized, so they take the plain step `b − η·g`.
 */
export function clampedSgdStep(
  theta: number,
  g: number,
  dead: boolean,
  learningRate: number,
  regularization: Regularization,
): { theta: number; dead: boolean } {
  if (dead) return { theta, dead: true };
  const afterData = theta - learningRate * g;
  const derivative = (regularization.l1 ?? 0) * Math.sign(theta) + (regularization.l2 ?? 0) * theta;
  const afterRegularization = afterData - learningRate * derivative;
  if (afterData * afterRegularization < 0) return { theta: 0, dead: true };
  return { theta: afterRegularization, dead: false };
}

/** One loss as core defines it: which outputs it fits, how it averages, and its formula in float64. */
export interface LossDefinition {
  /** ℓ for one row, in words. */
  readonly formula: string;
  /** Whether the loss can be computed on an output layer of this activation. */
  fits(output: Activation): boolean;
  /** Why it cannot, for an output it does not fit. */
  mismatch(output: Activation): string;
  /**
   * What the batch loss is the mean over: `entries` — every (row, unit) pair, rows × units values
   * (BCE and MSE, as tf.losses); `rows` — one value per row (softmax CE sums over its classes).
   */
  readonly averagedOver: 'entries' | 'rows';
  /**
   * The loss of one row summed over its units, from the output layer's pre-activations `z` and the
   * targets `y`, in float64 — the textbook formula every engine is held to.
   */
  rowLoss(z: readonly number[], y: readonly number[], output: Activation): number;
  /** The targets it expects. */
  readonly task: Task;
}

/** log(1 + e^{−|z|}) + max(z, 0) − z·y: −y·log σ(z) − (1−y)·log(1−σ(z)) without overflow. */
function bceOfLogit(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}

export const LOSS_DEFINITIONS: { readonly [L in LossName]: LossDefinition } = {
  binaryCrossEntropy: {
    formula: 'ℓ = −y·log ŷ − (1−y)·log(1−ŷ), ŷ = σ(z); mean over rows × units',
    fits: (output) => output === 'sigmoid',
    mismatch: (output) => `binaryCrossEntropy needs a sigmoid output layer (the spec's output is ${output})`,
    averagedOver: 'entries',
    rowLoss: (z, y) => z.reduce((s, zk, k) => s + bceOfLogit(zk, y[k] ?? Number.NaN), 0),
    task: 'binary',
  },
  softmaxCrossEntropy: {
    formula: 'ℓ = −Σ_k y_k log p_k, p = softmax(z); mean over rows',
    fits: (output) => output === 'softmax',
    mismatch: (output) => `softmaxCrossEntropy needs a softmax output layer (the spec's output is ${output})`,
    averagedOver: 'rows',
    // −Σ_k y_k log p_k with log p_k = z_k − logsumexp(z), the max subtracted inside the sum.
    rowLoss: (z, y) => {
      const max = Math.max(...z);
      const logSumExp = max + Math.log(z.reduce((s, zk) => s + Math.exp(zk - max), 0));
      return z.reduce((s, zk, k) => s + (y[k] ?? Number.NaN) * (logSumExp - zk), 0);
    },
    task: 'multiclass',
  },
  meanSquaredError: {
    formula: 'ℓ = (ŷ − y)², ŷ = σ(z); mean over rows × units',
    fits: (output) => output !== 'softmax',
    mismatch: () => 'meanSquaredError on a softmax output is not supported; use softmaxCrossEntropy',
    averagedOver: 'entries',
    rowLoss: (z, y, output) => {
      const sigma = ACTIVATION_DEFINITIONS[output].value;
      if (sigma === undefined) throw new TypeError(`meanSquaredError: ${output} is not element-wise`);
      return z.reduce((s, zk, k) => s + (sigma(zk) - (y[k] ?? Number.NaN)) ** 2, 0);
    },
    task: 'regression',
  },
  halfSquaredError: {
    formula: 'ℓ = ½(ŷ − y)², ŷ = σ(z); mean over rows × units (the TensorFlow Playground\'s error)',
    fits: (output) => output !== 'softmax',
    mismatch: () => 'halfSquaredError on a softmax output is not supported; use softmaxCrossEntropy',
    averagedOver: 'entries',
    rowLoss: (z, y, output) => {
      const sigma = ACTIVATION_DEFINITIONS[output].value;
      if (sigma === undefined) throw new TypeError(`halfSquaredError: ${output} is not element-wise`);
      return z.reduce((s, zk, k) => s + 0.5 * (sigma(zk) - (y[k] ?? Number.NaN)) ** 2, 0);
    },
    task: 'regression',
  },
};

/**
 * The mean data loss of a batch from core's formulas, in float64: `logits` and `targets` are
 * rows × units, row-major. No regularization.
 */
export function batchLoss(loss: LossName, output: Activation, logits: ArrayLike<number>, targets: ArrayLike<number>, rows: number): number {
  const units = logits.length / rows;
  const definition = LOSS_DEFINITIONS[loss];
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: units }, (_, k) => logits[r * units + k] ?? Number.NaN);
    const y = Array.from({ length: units }, (_, k) => targets[r * units + k] ?? Number.NaN);
    total += definition.rowLoss(z, y, output);
  }
  return total / (definition.averagedOver === 'entries' ? rows * units : rows);
}

/** The loss that naturally pairs with an output activation. */
export function defaultLossFor(output: Activation): LossName {
  return ACTIVATION_DEFINITIONS[output].defaultLoss;
}

/** Throws {@link SpecError} unless `loss` can be computed on `spec`'s output layer. */
export function assertLossMatchesSpec(loss: LossName, spec: ModelSpec, field = 'loss'): void {
  const definition = LOSS_DEFINITIONS[loss];
  if (!definition.fits(spec.output.activation)) throw new SpecError(field, definition.mismatch(spec.output.activation));
}

export function assertRegularization(value: Regularization | undefined, field = 'regularization'): void {
  if (value === undefined) return;
  for (const key of ['l1', 'l2'] as const) {
    const rate = value[key];
    if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0)) {
      throw new SpecError(`${field}.${key}`, `must be a finite number ≥ 0 (got ${String(rate)})`);
    }
  }
  if (value.clampAtZero !== undefined && typeof value.clampAtZero !== 'boolean') {
    throw new SpecError(`${field}.clampAtZero`, `must be true or false (got ${String(value.clampAtZero)})`);
  }
}
