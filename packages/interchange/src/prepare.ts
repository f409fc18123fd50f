import { describeSpec, layerShapes, layersOf, type Activation, type DType, type ModelFile } from '@twinprop/core';

/** Name of weight-carrying layer ℓ in every exported format — the prefix of core's `dense_ℓ/kernel`. */
export function denseName(index: number): string {
  return `dense_${index}`;
}

/** "hidden layer 0 (dense_0)" or "the output layer (dense_2)", for messages. */
export function describeLayer(index: number, count: number): string {
  return index === count - 1 ? `the output layer (${denseName(index)})` : `hidden layer ${index} (${denseName(index)})`;
}

/** How the exported float32 weights differ from the model's own (rounding, and folding done in float64). */
export interface RoundingReport {
  /** The model's dtype. */
  readonly from: DType;
  /** Every exported weight is float32 (both formats are read as float32 by their runtimes). */
  readonly to: 'float32';
  /** Parameters written (kernels and biases). */
  readonly parameters: number;
  /** How many of them differ from the exact value (the model's weight, or the folded weight computed in float64). */
  readonly changed: number;
  /** Largest |exported − exact|. */
  readonly maxAbsoluteChange: number;
  /** Largest |exported − exact| / |exact| (float32 round-to-nearest keeps it ≤ 2⁻²⁴ ≈ 6.0e-8). */
  readonly maxRelativeChange: number;
  /** One sentence for people: what was rounded and by how much. */
  readonly statement: string;
}

/** A layer ready to be written: float32 weights with the standardization already folded in. */
export interface PreparedLayer {
  readonly index: number;
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  /** W, row-major [inputs, units], float32. */
  readonly kernel: Float32Array;
  /** b, [units], float32. */
  readonly bias: Float32Array;
}

export interface PreparedModel {
  readonly inputSize: number;
  readonly layers: readonly PreparedLayer[];
  /** `2-4-1 tanh/sigmoid`. */
  readonly description: string;
  /** Whether the model's stored standardization was folded into the first layer. */
  readonly standardizationFolded: boolean;
  readonly rounding: RoundingReport;
}

/**
 * Folds the model's standardization `x' = (x − μ)/σ` into its first layer, in float64:
 * `W′[i][j] = W[i][j] / σᵢ` and `b′[j] = b[j] − Σᵢ (μᵢ/σᵢ)·W[i][j]`, so that `x·W′ + b′ = x'·W + b`
 * and the exported model takes raw inputs. Then rounds every weight to float32 and measures the
 * change. Pure: the model file is not modified.
 */
export function prepareModel(model: ModelFile): PreparedModel {
  const shapes = layerShapes(model.spec);
  const specLayers = layersOf(model.spec);
  const standardization = model.metadata.standardization;
  let changed = 0;
  let maxAbsoluteChange = 0;
  let maxRelativeChange = 0;
  let parameters = 0;
  const round = (exact: Float64Array): Float32Array => {
    const rounded = Float32Array.from(exact);
    for (let i = 0; i < exact.length; i++) {
      const e = exact[i] ?? 0;
      const delta = Math.abs((rounded[i] ?? 0) - e);
      parameters++;
      if (delta === 0) continue;
      changed++;
      maxAbsoluteChange = Math.max(maxAbsoluteChange, delta);
      maxRelativeChange = Math.max(maxRelativeChange, delta / Math.abs(e));
    }
    return rounded;
  };
  const layers = model.weights.layers.map((weights, index): PreparedLayer => {
    const shape = shapes[index] ?? { inputs: 0, outputs: 0 };
    const kernel = Float64Array.from(weights.kernel.data);
    const bias = Float64Array.from(weights.bias.data);
    if (index === 0 && standardization !== undefined) {
      for (let i = 0; i < shape.inputs; i++) {
        const std = standardization.std[i] ?? 1;
        // The same guard as the standardization itself: a constant feature (σ = 0) is divided by 1.
        const sigma = std === 0 ? 1 : std;
        const mu = standardization.mean[i] ?? 0;
        for (let j = 0; j < shape.outputs; j++) {
          const w = kernel[i * shape.outputs + j] ?? 0;
          bias[j] = (bias[j] ?? 0) - (mu / sigma) * w;
          kernel[i * shape.outputs + j] = w / sigma;
        }
      }
    }
    return {
      index,
      name: denseName(index),
      inputs: shape.inputs,
      units: shape.outputs,
      activation: specLayers[index]?.activation ?? 'linear',
      kernel: round(kernel),
      bias: round(bias),
    };
  });
  const folded = standardization !== undefined;
  const from = model.weights.dtype;
  const what = folded ? `the standardization was folded into dense_0 in float64, and the weights (${from} in the model)` : `the ${from} weights`;
  const statement =
    changed === 0
      ? `${what} were written as float32 unchanged, bit for bit (${parameters} parameters)`
      : `${what} were rounded to float32 (round to nearest): ${changed} of ${parameters} parameters changed, ` +
        `by at most ${maxAbsoluteChange.toExponential(2)} (relative ${maxRelativeChange.toExponential(2)}; float32 keeps it ≤ 2^-24 ≈ 6.0e-8)`;
  return {
    inputSize: model.spec.inputSize,
    layers,
    description: describeSpec(model.spec),
    standardizationFolded: folded,
    rounding: { from, to: 'float32', parameters, changed, maxAbsoluteChange, maxRelativeChange, statement },
  };
}

/** Little-endian float32 bytes of the arrays, one after another. */
export function float32Bytes(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(total * 4);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const array of arrays) {
    for (const v of array) {
      view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  return out;
}
