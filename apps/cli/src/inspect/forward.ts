import { ACTIVATION_DEFINITIONS, layersOf, type Matrix, type ModelSpec, type Weights } from '@twinprop/core';

/**
 * A plain float64 forward pass over a model file's stored weights that keeps every layer's values,
 * which neither engine's `predict` exposes. Layer ℓ (1-based, hidden layers first, the output last):
 *
 *   z_ℓ = H_{ℓ−1}·W_ℓ + b_ℓ      (H₀ = the model's inputs, W_ℓ of shape [in, out], row-major)
 *   H_ℓ = σ_ℓ(z_ℓ)               (core's float64 σ; softmax over each row)
 *
 * It is what `inspect` judges units by and shades pictures with; it is not a third engine (no
 * gradients, no float32), and it is small enough to check by hand.
 */
export interface LayerValues {
  readonly units: number;
  /** z_ℓ, the pre-activations: rows × units, row-major. */
  readonly preActivation: Float64Array;
  /** H_ℓ = σ_ℓ(z_ℓ), the layer's outputs: rows × units, row-major. */
  readonly output: Float64Array;
}

/** Every layer's pre-activations and outputs for the rows of `inputs` (rows × spec.inputSize, already scaled). */
export function forwardLayers(spec: ModelSpec, weights: Weights, inputs: Matrix): LayerValues[] {
  if (inputs.cols !== spec.inputSize) throw new Error(`the inputs have ${inputs.cols} columns, the model takes ${spec.inputSize}`);
  const rows = inputs.rows;
  let previous: ArrayLike<number> = inputs.data;
  let previousUnits = inputs.cols;
  return layersOf(spec).map((layer, l) => {
    const { kernel, bias } = weights.layers[l] ?? { kernel: undefined, bias: undefined };
    if (kernel === undefined || bias === undefined) throw new Error(`the weights have no layer ${l + 1}`);
    const units = layer.units;
    const z = new Float64Array(rows * units);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < units; j++) {
        let sum = bias.data[j] ?? 0;
        for (let i = 0; i < previousUnits; i++) sum += (previous[r * previousUnits + i] ?? 0) * (kernel.data[i * units + j] ?? 0);
        z[r * units + j] = sum;
      }
    }
    const h = activate(layer.activation, z, rows, units);
    previous = h;
    previousUnits = units;
    return { units, preActivation: z, output: h };
  });
}

function activate(activation: ModelSpec['output']['activation'], z: Float64Array, rows: number, units: number): Float64Array {
  const h = new Float64Array(z.length);
  if (activation === 'softmax') {
    // The one activation that is not element-wise: e^{z_j − max z} / Σ_k e^{z_k − max z}, per row.
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let j = 0; j < units; j++) max = Math.max(max, z[r * units + j] ?? 0);
      let sum = 0;
      for (let j = 0; j < units; j++) {
        const e = Math.exp((z[r * units + j] ?? 0) - max);
        h[r * units + j] = e;
        sum += e;
      }
      for (let j = 0; j < units; j++) h[r * units + j] = (h[r * units + j] ?? 0) / sum;
    }
    return h;
  }
  const value = ACTIVATION_DEFINITIONS[activation].value;
  if (value === undefined) throw new Error(`core defines no element-wise value for ${activation}`);
  for (let i = 0; i < z.length; i++) h[i] = value(z[i] ?? 0);
  return h;
}
