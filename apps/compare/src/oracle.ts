import {
  layersOf,
  type Activation,
  type Batch,
  type LossName,
  type ModelSpec,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import type { SharedCode } from './shared.js';

/**
 * A third implementation of a network's forward and backward pass, in float64, written from the
 * textbook formulas and not from either engine — the expected values of the probes (probes.ts).
 * Activations and their derivatives come from core's table (`ACTIVATION_DEFINITIONS[a].value`,
 * `.derivative`, which at a kink is the derivative from the left); softmax, the losses and the
 * regularization are written out here:
 *
 *   Z_ℓ = H_{ℓ−1}·W_ℓ + b_ℓ,  H_ℓ = σ_ℓ(Z_ℓ),  H_0 = X
 *   BCE   ℓ = −y·log σ(z) − (1−y)·log(1−σ(z)), mean over rows × units; ∂L/∂z = (σ(z) − y)/(rows·units)
 *   CE    ℓ = −Σ_k y_k·log p_k, p = softmax(z), mean over rows;          ∂L/∂z = (p − y)/rows
 *   MSE   ℓ = (σ(z) − y)², mean over rows × units;                       ∂L/∂z = 2(σ(z) − y)·σ'(z)/(rows·units)
 *   penalty λ₁Σ|w| + λ₂·½Σw² over kernels only;                           ∂/∂w = λ₁·sign(w) + λ₂·w, ∂/∂b = 0
 *   ∂L/∂W_ℓ = H_{ℓ−1}ᵀ·∂L/∂Z_ℓ,  ∂L/∂b_ℓ = Σ_rows ∂L/∂Z_ℓ,  ∂L/∂Z_{ℓ−1} = (∂L/∂Z_ℓ·W_ℓᵀ) ⊙ σ'(Z_{ℓ−1})
 */

export interface OracleValues {
  /** Output activations, rows × units, row-major. */
  readonly outputs: Float64Array;
  /** Mean data loss plus regularization. */
  readonly loss: number;
  /** ∂loss/∂θ, float64. */
  readonly gradients: Weights;
}

/** log σ(z) = −log(1 + e^{−z}), without overflow for |z| large. */
function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Forward, loss and gradients of `batch` in float64 from the textbook formulas above. */
export function oracleValues(spec: ModelSpec, weights: Weights, training: TrainingConfig, batch: Batch, shared: SharedCode): OracleValues {
  const layers = layersOf(spec);
  const rows = batch.x.rows;
  const act = (a: Activation): { value: (z: number) => number; derivative: (z: number) => number } => {
    const d = shared.activations[a];
    if (d.value === undefined || d.derivative === undefined) throw new Error(`oracle: ${a} is not element-wise`);
    return { value: d.value, derivative: d.derivative };
  };
  // Forward: keep every Z and H.
  const zs: Float64Array[] = [];
  const hs: Float64Array[] = [Float64Array.from(batch.x.data)];
  let width = spec.inputSize;
  layers.forEach((layer, l) => {
    const w = weights.layers[l]!;
    const out = layer.units;
    const h = hs[l]!;
    const z = new Float64Array(rows * out);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < out; j++) {
        let s = w.bias.data[j]!;
        for (let i = 0; i < width; i++) s += h[r * width + i]! * w.kernel.data[i * out + j]!;
        z[r * out + j] = s;
      }
    }
    zs.push(z);
    const next = new Float64Array(rows * out);
    if (layer.activation === 'softmax') {
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let j = 0; j < out; j++) max = Math.max(max, z[r * out + j]!);
        let sum = 0;
        for (let j = 0; j < out; j++) sum += Math.exp(z[r * out + j]! - max);
        for (let j = 0; j < out; j++) next[r * out + j] = Math.exp(z[r * out + j]! - max) / sum;
      }
    } else {
      const { value } = act(layer.activation);
      for (let i = 0; i < z.length; i++) next[i] = value(z[i]!);
    }
    hs.push(next);
    width = out;
  });
  const last = layers.length - 1;
  const units = spec.output.units;
  const zOut = zs[last]!;
  const hOut = hs[last + 1]!;
  const y = batch.y.data;
  const dz = new Float64Array(rows * units);
  let dataLoss = 0;
  const lossName: LossName = training.loss;
  switch (lossName) {
    case 'binaryCrossEntropy': {
      const n = rows * units;
      for (let i = 0; i < n; i++) {
        const yi = y[i]!;
        // −y·log σ(z) − (1−y)·log(1−σ(z)), with log(1−σ(z)) = log σ(−z)
        dataLoss += -(yi === 0 ? 0 : yi * logSigmoid(zOut[i]!)) - (yi === 1 ? 0 : (1 - yi) * logSigmoid(-zOut[i]!));
        dz[i] = (sigmoid(zOut[i]!) - yi) / n;
      }
      dataLoss /= n;
      break;
    }
    case 'softmaxCrossEntropy': {
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let k = 0; k < units; k++) max = Math.max(max, zOut[r * units + k]!);
        let sum = 0;
        for (let k = 0; k < units; k++) sum += Math.exp(zOut[r * units + k]! - max);
        const logSum = max + Math.log(sum);
        for (let k = 0; k < units; k++) {
          const yk = y[r * units + k]!;
          // log p_k = z_k − log Σ_j e^{z_j}
          if (yk !== 0) dataLoss -= yk * (zOut[r * units + k]! - logSum);
          dz[r * units + k] = (hOut[r * units + k]! - yk) / rows;
        }
      }
      dataLoss /= rows;
      break;
    }
    case 'meanSquaredError': {
      const n = rows * units;
      const { derivative } = act(spec.output.activation);
      for (let i = 0; i < n; i++) {
        const d = hOut[i]! - y[i]!;
        dataLoss += d * d;
        dz[i] = (2 * d * derivative(zOut[i]!)) / n;
      }
      dataLoss /= n;
      break;
    }
    case 'halfSquaredError': {
      // The Playground's ½(ŷ − y)²: gradient (ŷ − y)·σ'(z).
      const n = rows * units;
      const { derivative } = act(spec.output.activation);
      for (let i = 0; i < n; i++) {
        const d = hOut[i]! - y[i]!;
        dataLoss += 0.5 * d * d;
        dz[i] = (d * derivative(zOut[i]!)) / n;
      }
      dataLoss /= n;
      break;
    }
    default: {
      const unknown: never = lossName;
      throw new Error(`the oracle has no formula for the loss ${String(unknown)}`);
    }
  }
  const l1 = training.regularization?.l1 ?? 0;
  const l2 = training.regularization?.l2 ?? 0;
  let penalty = 0;
  for (const layer of weights.layers) for (const w of layer.kernel.data) penalty += l1 * Math.abs(w) + l2 * 0.5 * w * w;
  // Backward.
  const grads: Weights['layers'][number][] = [];
  let dLossDZ = dz;
  for (let l = last; l >= 0; l--) {
    const w = weights.layers[l]!;
    const out = layers[l]!.units;
    const inputs = l === 0 ? spec.inputSize : layers[l - 1]!.units;
    const h = hs[l]!;
    const dW = new Float64Array(inputs * out);
    const db = new Float64Array(out);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < out; j++) {
        const g = dLossDZ[r * out + j]!;
        db[j] = db[j]! + g;
        for (let i = 0; i < inputs; i++) dW[i * out + j] = dW[i * out + j]! + h[r * inputs + i]! * g;
      }
    }
    for (let i = 0; i < dW.length; i++) {
      const wi = w.kernel.data[i]!;
      dW[i] = dW[i]! + l1 * Math.sign(wi) + l2 * wi;
    }
    grads.unshift({ kernel: { shape: [inputs, out], data: dW }, bias: { shape: [out], data: db } });
    if (l > 0) {
      const previous = layers[l - 1]!;
      const { derivative } = act(previous.activation);
      const zPrev = zs[l - 1]!;
      const dPrev = new Float64Array(rows * inputs);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < inputs; i++) {
          let s = 0;
          for (let j = 0; j < out; j++) s += dLossDZ[r * out + j]! * w.kernel.data[i * out + j]!;
          dPrev[r * inputs + i] = s * derivative(zPrev[r * inputs + i]!);
        }
      }
      dLossDZ = dPrev;
    }
  }
  return { outputs: hOut, loss: dataLoss + penalty, gradients: { dtype: 'float64', layers: grads } };
}
