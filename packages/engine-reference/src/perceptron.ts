import {
  arrayFor,
  assertWeightsMatchSpec,
  DataError,
  epochOrder,
  ShapeError,
  SpecError,
  type Batch,
  type DType,
  type ModelSpec,
  type Weights,
} from '@twinprop/core';

/**
 * The perceptron learning rule (Rosenblatt), for a single layer of `step` units — the lecture's
 * perceptron o = σ(⟨w, x⟩ + b) with σ(z) = 1 if z > 0 else 0. For each sample in turn:
 *
 *   ŷ = σ(w·x + b)
 *   w ← w + η (y − ŷ) x
 *   b ← b + η (y − ŷ)
 *
 * A correct prediction (y = ŷ) changes nothing; a wrong one moves the separating line towards the
 * misclassified sample. If the data are linearly separable (AND, OR, NOT) the rule converges in
 * finitely many updates; if not (XOR) it never stops making mistakes — a single neuron draws only
 * one line. Each output column of `y` is an independent perceptron.
 *
 * Gradient descent cannot train step units (σ' = 0 almost everywhere), which is why this rule
 * exists; models refuse `trainStep` on step layers and point here.
 */
export interface PerceptronOptions {
  /** η, default 1. */
  readonly learningRate?: number;
  /** Passes over the data before giving up, default 100. */
  readonly maxEpochs?: number;
  /** Starting weights (a single-layer spec's shapes); default all zeros. */
  readonly initialWeights?: Weights;
  /** When given, samples are visited in a seeded random order each epoch (core's `epochOrder`); default: in order. */
  readonly seed?: number;
  /** dtype of the returned weights (the rule itself runs in float64); default `float64`. */
  readonly dtype?: DType;
}

export interface PerceptronReport {
  /** True when an epoch passed with no mistakes: every sample is then classified correctly. */
  readonly converged: boolean;
  /** Epochs run, counting the final error-free one when converged. */
  readonly epochs: number;
  /** Mistakes (updates) made during each epoch. */
  readonly errorsPerEpoch: readonly number[];
  /** Mistakes of the final weights on the whole data set. */
  readonly finalErrors: number;
  /** `w[unit][input]`: the final weights of each unit (for AND, w[0] = [w₁, w₂]). */
  readonly w: readonly (readonly number[])[];
  /** `b[unit]`: the final bias of each unit. */
  readonly b: readonly number[];
  /** The spec of the trained layer: `inputSize` → `units` step units, no hidden layers. */
  readonly spec: ModelSpec;
  /** The final weights as core {@link Weights}, ready for `engine.createModel(spec, weights, …)`. */
  readonly weights: Weights;
  /** One sentence saying what happened, e.g. why XOR did not converge. */
  readonly message: string;
}

/** Trains a single layer of step units on `data` (targets 0 or 1) with the perceptron rule. Never throws for non-convergence. */
export function trainPerceptron(data: Batch, options: PerceptronOptions = {}): PerceptronReport {
  const { x, y } = data;
  const inputs = x.cols;
  const units = y.cols;
  const rows = x.rows;
  if (rows === 0) throw new ShapeError('the perceptron needs at least one sample');
  if (y.rows !== rows) throw new ShapeError(`features have ${rows} rows but targets have ${y.rows}`);
  if (inputs < 1 || units < 1) throw new ShapeError('the perceptron needs at least one input and one target column');
  for (let i = 0; i < y.data.length; i++) {
    const t = y.data[i];
    if (t !== 0 && t !== 1) {
      throw new DataError(`perceptron targets must be 0 or 1; row ${Math.floor(i / units)}, column ${i % units} is ${String(t)}`);
    }
  }
  const learningRate = options.learningRate ?? 1;
  const maxEpochs = options.maxEpochs ?? 100;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new SpecError('learningRate', `must be a finite number > 0 (got ${learningRate})`);
  if (!(Number.isInteger(maxEpochs) && maxEpochs >= 1)) throw new SpecError('maxEpochs', `must be an integer ≥ 1 (got ${maxEpochs})`);
  const spec: ModelSpec = { inputSize: inputs, hidden: [], output: { units, activation: 'step' } };

  // W [inputs × units] as in a dense layer's kernel, b [units]; the rule runs in float64.
  const kernel = new Float64Array(inputs * units);
  const bias = new Float64Array(units);
  if (options.initialWeights !== undefined) {
    assertWeightsMatchSpec(spec, options.initialWeights);
    const layer = options.initialWeights.layers[0]!;
    kernel.set(layer.kernel.data);
    bias.set(layer.bias.data);
  }

  /** ŷ = step(w·x + b) for sample `row` and unit `unit`. */
  const predict = (row: number, unit: number): number => {
    let z = bias[unit]!;
    for (let i = 0; i < inputs; i++) z += x.data[row * inputs + i]! * kernel[i * units + unit]!;
    return z > 0 ? 1 : 0;
  };

  const errorsPerEpoch: number[] = [];
  let converged = false;
  for (let epoch = 1; epoch <= maxEpochs && !converged; epoch++) {
    const order = epochOrder(rows, options.seed ?? 0, epoch, options.seed !== undefined);
    let errors = 0;
    for (const row of order) {
      for (let unit = 0; unit < units; unit++) {
        const error = y.data[row * units + unit]! - predict(row, unit); // y − ŷ ∈ {−1, 0, 1}
        if (error === 0) continue;
        errors++;
        for (let i = 0; i < inputs; i++) kernel[i * units + unit] = kernel[i * units + unit]! + learningRate * error * x.data[row * inputs + i]!;
        bias[unit] = bias[unit]! + learningRate * error;
      }
    }
    errorsPerEpoch.push(errors);
    converged = errors === 0;
  }

  let finalErrors = 0;
  for (let row = 0; row < rows; row++) {
    for (let unit = 0; unit < units; unit++) if (predict(row, unit) !== y.data[row * units + unit]) finalErrors++;
  }
  const epochs = errorsPerEpoch.length;
  const dtype = options.dtype ?? 'float64';
  const kernelOut = arrayFor(dtype, kernel.length);
  kernelOut.set(kernel);
  const biasOut = arrayFor(dtype, bias.length);
  biasOut.set(bias);
  const w = Array.from({ length: units }, (_, unit) => Array.from({ length: inputs }, (_, i) => kernel[i * units + unit]!));
  const message = converged
    ? `converged after ${epochs} epoch${epochs === 1 ? '' : 's'}: every sample is classified correctly`
    : `did not converge after ${epochs} epochs: ${finalErrors} of ${rows * units} outputs are still wrong ` +
      `(${errorsPerEpoch[epochs - 1]} mistakes in the last epoch). The data are probably not linearly ` +
      'separable — one perceptron draws a single line, and no line separates, e.g., XOR; use a hidden layer.';
  return {
    converged,
    epochs,
    errorsPerEpoch,
    finalErrors,
    w,
    b: Array.from(bias),
    spec,
    weights: { dtype, layers: [{ kernel: { shape: [inputs, units], data: kernelOut }, bias: { shape: [units], data: biasOut } }] },
    message,
  };
}
