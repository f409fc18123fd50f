import { SpecError } from './errors.js';
import type { Activation, ModelSpec } from './spec.js';

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
 *
 * Regularization (optional, on kernels only — never on biases — as in the TensorFlow Playground)
 * is part of the loss:
 * - L1: `λ₁ · Σ |w|`, gradient `λ₁ · sign(w)` (0 at w = 0);
 * - L2: `λ₂ · ½ Σ w²`, gradient `λ₂ · w`.
 * The reported loss of a batch is `mean data loss + regularization`.
 */
export const LOSSES = ['binaryCrossEntropy', 'softmaxCrossEntropy', 'meanSquaredError'] as const;
export type LossName = (typeof LOSSES)[number];

export interface Regularization {
  /** λ₁ ≥ 0: adds `λ₁ Σ|w|` over all kernels. */
  readonly l1?: number;
  /** λ₂ ≥ 0: adds `λ₂ · ½ Σ w²` over all kernels. */
  readonly l2?: number;
}

/** The loss that naturally pairs with an output activation. */
export function defaultLossFor(output: Activation): LossName {
  switch (output) {
    case 'sigmoid':
      return 'binaryCrossEntropy';
    case 'softmax':
      return 'softmaxCrossEntropy';
    case 'step':
    case 'linear':
    case 'tanh':
    case 'relu':
    case 'leakyRelu':
      return 'meanSquaredError';
  }
}

/** Throws {@link SpecError} unless `loss` can be computed on `spec`'s output layer. */
export function assertLossMatchesSpec(loss: LossName, spec: ModelSpec, field = 'loss'): void {
  const output = spec.output.activation;
  switch (loss) {
    case 'binaryCrossEntropy':
      if (output !== 'sigmoid') {
        throw new SpecError(field, `binaryCrossEntropy needs a sigmoid output layer (the spec's output is ${output})`);
      }
      return;
    case 'softmaxCrossEntropy':
      if (output !== 'softmax') {
        throw new SpecError(field, `softmaxCrossEntropy needs a softmax output layer (the spec's output is ${output})`);
      }
      return;
    case 'meanSquaredError':
      if (output === 'softmax') {
        throw new SpecError(field, 'meanSquaredError on a softmax output is not supported; use softmaxCrossEntropy');
      }
      return;
  }
}

export function assertRegularization(value: Regularization | undefined, field = 'regularization'): void {
  if (value === undefined) return;
  for (const key of ['l1', 'l2'] as const) {
    const rate = value[key];
    if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0)) {
      throw new SpecError(`${field}.${key}`, `must be a finite number ≥ 0 (got ${String(rate)})`);
    }
  }
}
