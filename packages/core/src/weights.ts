import { ShapeError } from './errors.js';
import { layerShapes, type ModelSpec } from './spec.js';

/** Numeric precision of an engine, its weights and its arithmetic. */
export const DTYPES = ['float32', 'float64'] as const;
export type DType = (typeof DTYPES)[number];
export type FloatArray = Float32Array | Float64Array;

/** A dense tensor: row-major `data` whose length is the product of `shape`. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

/** A 2-D row-major matrix, the unit of data that crosses into an engine (`rows` samples × `cols`). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: FloatArray;
}

/** Parameters of one dense layer: `kernel` W of shape [in, out] and `bias` b of shape [out]. */
export interface LayerWeights {
  readonly kernel: Tensor;
  readonly bias: Tensor;
}

/**
 * All parameters of a model — the currency that crosses between engines. Layer ℓ's parameters are
 * named `dense_ℓ/kernel` and `dense_ℓ/bias` (see {@link namedParameters}). Gradients and optimizer
 * slots use the same shape.
 */
export interface Weights {
  readonly dtype: DType;
  readonly layers: readonly LayerWeights[];
}

export function arrayFor(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** Copies `source` into a new array of `dtype` (rounding to float32 when asked). */
export function convertArray(source: ArrayLike<number>, dtype: DType): FloatArray {
  return dtype === 'float32' ? Float32Array.from(source) : Float64Array.from(source);
}

export function matrix(rows: number, cols: number, data: FloatArray | readonly number[], dtype: DType = 'float64'): Matrix {
  const array = data instanceof Float32Array || data instanceof Float64Array ? data : convertArray(data, dtype);
  if (array.length !== rows * cols) {
    throw new ShapeError(`matrix data has ${array.length} values, expected ${rows}×${cols} = ${rows * cols}`);
  }
  return { rows, cols, data: array };
}

/** Builds a matrix from an array of rows: `matrixFromRows([[0, 1], [1, 0]])`. */
export function matrixFromRows(rows: ReadonlyArray<readonly number[]>, dtype: DType = 'float64'): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = arrayFor(dtype, rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new ShapeError(`row ${r} has ${row.length} values, expected ${cols}`);
    data.set(row, r * cols);
  });
  return { rows: rows.length, cols, data };
}

/** Row `r` of a matrix as a plain array. */
export function rowOf(m: Matrix, r: number): number[] {
  return Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols));
}

export function parameterName(layer: number, part: 'kernel' | 'bias'): string {
  return `dense_${layer}/${part}`;
}

/** Every parameter tensor with its name, in a fixed order (layer by layer, kernel then bias). */
export function namedParameters(weights: Weights): Array<{ name: string; tensor: Tensor }> {
  return weights.layers.flatMap((layer, i) => [
    { name: parameterName(i, 'kernel'), tensor: layer.kernel },
    { name: parameterName(i, 'bias'), tensor: layer.bias },
  ]);
}

/** Weights of the right shapes for `spec`, every value produced by `fill(layer, part, index)` (default 0). */
export function createWeights(
  spec: ModelSpec,
  dtype: DType,
  fill?: (layer: number, part: 'kernel' | 'bias', index: number, shape: { inputs: number; outputs: number }) => number,
): Weights {
  return {
    dtype,
    layers: layerShapes(spec).map((shape, layer) => {
      const kernel = arrayFor(dtype, shape.inputs * shape.outputs);
      const bias = arrayFor(dtype, shape.outputs);
      if (fill !== undefined) {
        for (let i = 0; i < kernel.length; i++) kernel[i] = fill(layer, 'kernel', i, shape);
        for (let i = 0; i < bias.length; i++) bias[i] = fill(layer, 'bias', i, shape);
      }
      return {
        kernel: { shape: [shape.inputs, shape.outputs], data: kernel },
        bias: { shape: [shape.outputs], data: bias },
      };
    }),
  };
}

/** Zero-filled weights shaped like `like` (used for gradients and optimizer slots). */
export function zerosLike(like: Weights, dtype: DType = like.dtype): Weights {
  return mapWeights(like, (t) => arrayFor(dtype, t.data.length), dtype);
}

/** Applies `fn` to every parameter tensor, keeping shapes. */
export function mapWeights(weights: Weights, fn: (tensor: Tensor, name: string) => FloatArray, dtype: DType = weights.dtype): Weights {
  return {
    dtype,
    layers: weights.layers.map((layer, i) => ({
      kernel: { shape: [...layer.kernel.shape], data: fn(layer.kernel, parameterName(i, 'kernel')) },
      bias: { shape: [...layer.bias.shape], data: fn(layer.bias, parameterName(i, 'bias')) },
    })),
  };
}

/** A deep copy, optionally converted to another dtype. */
export function cloneWeights(weights: Weights, dtype: DType = weights.dtype): Weights {
  return mapWeights(weights, (t) => convertArray(t.data, dtype), dtype);
}

/**
 * Throws {@link ShapeError} unless `weights` has exactly the shapes `spec` asks for, naming the
 * first parameter that differs.
 */
export function assertWeightsMatchSpec(spec: ModelSpec, weights: Weights): void {
  const shapes = layerShapes(spec);
  if (weights.layers.length !== shapes.length) {
    throw new ShapeError(`weights have ${weights.layers.length} layers, the spec has ${shapes.length}`);
  }
  shapes.forEach((shape, i) => {
    const layer = weights.layers[i];
    if (layer === undefined) return;
    const expect = (tensor: Tensor, name: string, dims: number[]): void => {
      const same = tensor.shape.length === dims.length && tensor.shape.every((d, k) => d === dims[k]);
      if (!same) {
        throw new ShapeError(`${name} has shape [${tensor.shape.join(', ')}], the spec needs [${dims.join(', ')}]`);
      }
      const size = dims.reduce((a, b) => a * b, 1);
      if (tensor.data.length !== size) {
        throw new ShapeError(`${name} has ${tensor.data.length} values, its shape [${dims.join(', ')}] needs ${size}`);
      }
    };
    expect(layer.kernel, parameterName(i, 'kernel'), [shape.inputs, shape.outputs]);
    expect(layer.bias, parameterName(i, 'bias'), [shape.outputs]);
  });
}

/** All parameters concatenated into one array (layer by layer, kernel then bias). */
export function flattenWeights(weights: Weights): Float64Array {
  const params = namedParameters(weights);
  const out = new Float64Array(params.reduce((n, p) => n + p.tensor.data.length, 0));
  let offset = 0;
  for (const { tensor } of params) {
    out.set(tensor.data, offset);
    offset += tensor.data.length;
  }
  return out;
}
