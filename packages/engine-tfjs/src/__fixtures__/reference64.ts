/**
 * A tiny float64 MLP for tests, built only from core's tables: each layer's σ is
 * `ACTIVATION_DEFINITIONS[a].value`, the data loss is core's `batchLoss` (LOSS_DEFINITIONS), and the
 * regularization is core's `λ₁ Σ|w| + λ₂ · ½ Σ w²` over kernels (loss.ts). Gradients by central
 * finite differences in float64. Independent of tfjs and of the reference engine on purpose.
 */
import { ACTIVATION_DEFINITIONS, batchLoss, layersOf, type Activation, type Batch, type ModelSpec, type Regularization, type LossName, type Weights } from '@twinprop/core';

/** Core's element-wise σ for a hidden layer. */
function sigma(activation: Activation): (z: number) => number {
  const value = ACTIVATION_DEFINITIONS[activation].value;
  if (value === undefined) throw new Error(`${activation} is not element-wise, so it cannot be a hidden layer`);
  return value;
}

/** Parameters as plain float64 arrays in core's order: W₀, b₀, W₁, b₁, … */
export function flatParams(weights: Weights): Float64Array[] {
  return weights.layers.flatMap((l) => [Float64Array.from(l.kernel.data), Float64Array.from(l.bias.data)]);
}

/** Pre-activations z of every layer for every row: z[layer][row * units + j]. */
export function preActivations(spec: ModelSpec, params: readonly Float64Array[], x: Batch['x']): Float64Array[] {
  const layers = layersOf(spec);
  const out: Float64Array[] = [];
  let h = Float64Array.from(x.data);
  let width = spec.inputSize;
  layers.forEach((layer, l) => {
    const kernel = params[2 * l]!;
    const bias = params[2 * l + 1]!;
    const units = layer.units;
    const z = new Float64Array(x.rows * units);
    for (let r = 0; r < x.rows; r++) {
      for (let j = 0; j < units; j++) {
        let s = bias[j]!;
        for (let i = 0; i < width; i++) s += h[r * width + i]! * kernel[i * units + j]!;
        z[r * units + j] = s;
      }
    }
    out.push(z);
    if (l < layers.length - 1) {
      const activate = sigma(layer.activation);
      h = z.map((v) => activate(v));
    }
    width = units;
  });
  return out;
}

/** Mean data loss of `batch` (core's `batchLoss`) plus L1/L2 on the kernels, in float64. */
export function loss64(spec: ModelSpec, loss: LossName, params: readonly Float64Array[], batch: Batch, regularization?: Regularization): number {
  const zs = preActivations(spec, params, batch.x);
  let total = batchLoss(loss, spec.output.activation, zs[zs.length - 1]!, batch.y.data, batch.x.rows);
  const l1 = regularization?.l1 ?? 0;
  const l2 = regularization?.l2 ?? 0;
  for (let p = 0; p < params.length; p += 2) {
    for (const w of params[p]!) total += l1 * Math.abs(w) + l2 * 0.5 * w * w;
  }
  return total;
}

/** ∂loss/∂θ by central differences in float64 (h = 1e-6), as float64 weights shaped like `weights`. */
export function gradient64(spec: ModelSpec, loss: LossName, weights: Weights, batch: Batch, regularization?: Regularization, h = 1e-6): Weights {
  const params = flatParams(weights);
  const dLossDParams = params.map((p) =>
    p.map((saved, i) => {
      p[i] = saved + h;
      const plus = loss64(spec, loss, params, batch, regularization);
      p[i] = saved - h;
      const minus = loss64(spec, loss, params, batch, regularization);
      p[i] = saved;
      return (plus - minus) / (2 * h);
    }),
  );
  return {
    dtype: 'float64',
    layers: weights.layers.map((layer, l) => ({
      kernel: { shape: layer.kernel.shape, data: dLossDParams[2 * l]! },
      bias: { shape: layer.bias.shape, data: dLossDParams[2 * l + 1]! },
    })),
  };
}
