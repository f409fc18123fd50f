import type { Batch } from './engine.js';
import { ShapeError } from './errors.js';
import { arrayFor, type DType, type Matrix } from './weights.js';

/** What a dataset asks of a model: a class out of 2, a class out of K, or real values. */
export const TASKS = ['binary', 'multiclass', 'regression'] as const;
export type Task = (typeof TASKS)[number];

/**
 * A dataset ready for any engine. `x` holds one sample per row; `y` holds the targets:
 * - `binary`: one column of 0/1 (a sigmoid output);
 * - `multiclass`: one-hot over K columns (a softmax output);
 * - `regression`: the real-valued targets.
 */
export interface Dataset extends Batch {
  readonly name: string;
  readonly task: Task;
  /** Class names by index (`binary`, `multiclass`). */
  readonly classNames?: readonly string[];
  readonly featureNames?: readonly string[];
}

/** The rows `indices` of a matrix, as a new matrix of `dtype` (default: the matrix's own). */
export function selectRows(m: Matrix, indices: ArrayLike<number>, dtype?: DType): Matrix {
  const out = arrayFor(dtype ?? (m.data instanceof Float32Array ? 'float32' : 'float64'), indices.length * m.cols);
  for (let r = 0; r < indices.length; r++) {
    const source = indices[r] ?? -1;
    if (source < 0 || source >= m.rows) throw new ShapeError(`row index ${source} is outside 0…${m.rows - 1}`);
    out.set(m.data.subarray(source * m.cols, (source + 1) * m.cols), r * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data: out };
}

/** The rows `indices` of a dataset (features and targets), keeping its metadata. */
export function subsetDataset<T extends Batch>(data: T, indices: ArrayLike<number>): T {
  return { ...data, x: selectRows(data.x, indices), y: selectRows(data.y, indices) };
}
