import type { Tensor, Weights } from '@twinprop/core';

/** Summary statistics of one tensor's values (in float64). */
export interface TensorStats {
  readonly shape: readonly number[];
  readonly count: number;
  readonly mean: number;
  /** Population standard deviation: √(Σ(v − mean)² / count). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Values that are exactly 0 (−0 included): pruned, dead (L1 clamp) or never moved from a zero start. */
  readonly zeros: number;
}

export interface LayerStats {
  /** 1-based, hidden layers first, the output layer last. */
  readonly layer: number;
  readonly kernel: TensorStats;
  readonly bias: TensorStats;
}

export function tensorStats(tensor: Tensor): TensorStats {
  const values = tensor.data;
  const count = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const mean = count === 0 ? Number.NaN : sum / count;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { shape: [...tensor.shape], count, mean, std: count === 0 ? Number.NaN : Math.sqrt(squares / count), min, max, zeros };
}

export function weightStats(weights: Weights): LayerStats[] {
  return weights.layers.map((layer, l) => ({ layer: l + 1, kernel: tensorStats(layer.kernel), bias: tensorStats(layer.bias) }));
}
