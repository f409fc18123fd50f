/**
 * A tiny float64 MLP written only from core's formulas, for tests: forward pass, loss (mean over
 * the batch, plus L1/L2 on kernels) and gradients by central finite differences in float64.
 * Independent of tfjs and of the reference engine on purpose.
 */
import { LEAKY_RELU_ALPHA, layersOf, type Activation, type Batch, type ModelSpec, type Regularization, type LossName, type Weights } from '@twinprop/core';

function act(activation: Activation, z: number): number {
  switch (activation) {
    case 'step':
      return z > 0 ? 1 : 0;
    case 'linear':
      return z;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z));
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(0, z);
    case 'leakyRelu':
      return z > 0 ? z : LEAKY_RELU_ALPHA * z;
    case 'softmax':
      throw new Error('softmax is not element-wise');
  }
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
    if (l < layers.length - 1) h = z.map((v) => act(layer.activation, v));
    width = units;
  });
  return out;
}

export function loss64(spec: ModelSpec, loss: LossName, params: readonly Float64Array[], batch: Batch, regularization?: Regularization): number {
  const zs = preActivations(spec, params, batch.x);
  const z = zs[zs.length - 1]!;
  const k = spec.output.units;
  const rows = batch.x.rows;
  const y = batch.y.data;
  let total = 0;
  switch (loss) {
    case 'binaryCrossEntropy':
      for (let i = 0; i < z.length; i++) total += Math.max(z[i]!, 0) - z[i]! * y[i]! + Math.log1p(Math.exp(-Math.abs(z[i]!)));
      total /= z.length;
      break;
    case 'softmaxCrossEntropy':
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let j = 0; j < k; j++) max = Math.max(max, z[r * k + j]!);
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(z[r * k + j]! - max);
        const lse = max + Math.log(sum);
        for (let j = 0; j < k; j++) total += y[r * k + j]! * (lse - z[r * k + j]!);
      }
      total /= rows;
      break;
    case 'meanSquaredError':
      for (let i = 0; i < z.length; i++) total += (act(spec.output.activation, z[i]!) - y[i]!) ** 2;
      total /= z.length;
      break;
  }
  const l1 = regularization?.l1 ?? 0;
  const l2 = regularization?.l2 ?? 0;
  for (let p = 0; p < params.length; p += 2) {
    for (const w of params[p]!) total += l1 * Math.abs(w) + l2 * 0.5 * w * w;
  }
  return total;
}

/** ∂loss/∂θ by central differences in float64 (h = 1e-6), in core's parameter order, flattened. */
export function gradient64(spec: ModelSpec, loss: LossName, weights: Weights, batch: Batch, regularization?: Regularization, h = 1e-6): number[] {
  const params = flatParams(weights);
  const out: number[] = [];
  for (const p of params) {
    for (let i = 0; i < p.length; i++) {
      const saved = p[i]!;
      p[i] = saved + h;
      const plus = loss64(spec, loss, params, batch, regularization);
      p[i] = saved - h;
      const minus = loss64(spec, loss, params, batch, regularization);
      p[i] = saved;
      out.push((plus - minus) / (2 * h));
    }
  }
  return out;
}
