import { layerShapes, type ModelSpec } from '@twinprop/core';

/**
 * Floating-point work of a dense MLP, counting one multiply-add as 2 FLOPs and counting only the
 * matrix products (bias adds, activations, the loss and the optimizer update are O(B·units) and
 * left out). For a batch of B rows and layer ℓ with `in_ℓ` inputs and `out_ℓ` units:
 *
 *   forward    Z = X·W              2·B·in_ℓ·out_ℓ
 *   backward   ∂L/∂W = Xᵀ·∂L/∂Z      2·B·in_ℓ·out_ℓ
 *              ∂L/∂X = ∂L/∂Z·Wᵀ      2·B·in_ℓ·out_ℓ     (backward ≈ 2× forward)
 *
 *   one train step = forward + backward = 6·B·Σ_ℓ in_ℓ·out_ℓ
 *   one prediction = 2·B·Σ_ℓ in_ℓ·out_ℓ
 *
 * Convention: backward is counted as 2× forward for every layer, the first included, although no
 * one needs ∂L/∂X of the input; an engine that skips it does 2·B·in₀·out₀ fewer FLOPs than counted.
 * And the products are counted dense: the reference engine skips the terms of zero inputs (on
 * MNIST three quarters of the first layer's), so its GFLOP/s there are dense-equivalent — the
 * rate at which it gets through the same products — and may exceed the scalar ceiling.
 */

/** Σ_ℓ in_ℓ·out_ℓ: multiply-adds of one sample's forward pass (the kernels' total size). */
export function multiplyAddsPerSample(spec: ModelSpec): number {
  return layerShapes(spec).reduce((sum, { inputs, outputs }) => sum + inputs * outputs, 0);
}

/** FLOPs of the forward pass on `rows` samples: 2·rows·Σ in·out. */
export function forwardFlops(spec: ModelSpec, rows: number): number {
  return 2 * rows * multiplyAddsPerSample(spec);
}

/** FLOPs of one training step on a batch of `batchSize` rows: forward + backward = 3 × forward. */
export function trainStepFlops(spec: ModelSpec, batchSize: number): number {
  return 3 * forwardFlops(spec, batchSize);
}

/** GFLOP/s achieved when `flops` operations take `seconds`. */
export function gigaflopsPerSecond(flops: number, seconds: number): number {
  if (!(seconds > 0)) throw new RangeError(`seconds must be positive (got ${seconds})`);
  return flops / seconds / 1e9;
}

/** The FLOP formula as one line, for reports. */
export const FLOP_FORMULA =
  'train step = 6·B·Σ in·out (forward 2·B·in·out per layer, backward 2× forward: ∂L/∂W and ∂L/∂X); prediction = 2·rows·Σ in·out; products counted dense (the reference engine skips zero inputs: on MNIST its GFLOP/s are dense-equivalent)';
