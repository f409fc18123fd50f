import {
  arrayFor,
  classesOf,
  DataError,
  Rng,
  ShapeError,
  subsetDataset,
  type Batch,
  type Dataset,
  type DType,
  type Matrix,
  type Standardization,
} from '@twinprop/core';

/** A seed, or a generator to draw from (which then advances). */
export type SeedOrRng = number | Rng;

function rngOf(seed: SeedOrRng): Rng {
  return typeof seed === 'number' ? new Rng(seed) : seed;
}

function dtypeOf(m: Matrix): DType {
  return m.data instanceof Float32Array ? 'float32' : 'float64';
}

export interface SplitOptions {
  /** Fraction of each class that goes to the test part, in [0, 1). */
  readonly testFraction: number;
  readonly seed: SeedOrRng;
}

/** Rows a fraction holds out of `rows`: `round(rows · fraction)`, per class in {@link stratifiedSplit}. */
export function heldOutCount(rows: number, fraction: number): number {
  return Math.round(rows * fraction);
}

/** One class's share of a split: its index (−1 for regression data, split as one group), its rows, and how many go to the held-out part. */
export interface SplitCount {
  readonly classIndex: number;
  readonly rows: number;
  readonly heldOut: number;
}

/**
 * What {@link stratifiedSplit} with `fraction` would hold out of each class, without splitting: so
 * that a caller can refuse a split that leaves a class out of either part, naming the class.
 */
export function stratifiedCounts(data: Dataset, fraction: number): SplitCount[] {
  if (data.task === 'regression') return [{ classIndex: -1, rows: data.x.rows, heldOut: heldOutCount(data.x.rows, fraction) }];
  const sizes = new Map<number, number>();
  for (const k of classesOf(data.y)) sizes.set(k, (sizes.get(k) ?? 0) + 1);
  return [...sizes.keys()].sort((a, b) => a - b).map((k) => ({ classIndex: k, rows: sizes.get(k) ?? 0, heldOut: heldOutCount(sizes.get(k) ?? 0, fraction) }));
}

/**
 * Splits `data` into `train` and `test`, stratified by class: from each class, `round(n_c ·
 * testFraction)` rows chosen at random go to `test` (so both parts keep the class balance), then
 * each part is shuffled. Regression data has no classes and is split by rows at random.
 * `test` is undefined when the fraction is 0.
 */
export function stratifiedSplit<T extends Dataset>(data: T, options: SplitOptions): { train: T; test: T | undefined } {
  const { testFraction } = options;
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new DataError(`test fraction must be in [0, 1) (got ${testFraction})`);
  }
  const rng = rngOf(options.seed);
  const n = data.x.rows;
  if (testFraction === 0) return { train: data, test: undefined };
  let train: number[] = [];
  let test: number[] = [];
  if (data.task === 'regression') {
    const order = Array.from(rng.permutation(n));
    const testCount = heldOutCount(n, testFraction);
    test = order.slice(0, testCount);
    train = order.slice(testCount);
  } else {
    const classes = classesOf(data.y);
    const byClass = new Map<number, number[]>();
    classes.forEach((k, row) => {
      const rows = byClass.get(k);
      if (rows === undefined) byClass.set(k, [row]);
      else rows.push(row);
    });
    for (const k of [...byClass.keys()].sort((a, b) => a - b)) {
      const rows = rng.shuffle(byClass.get(k) ?? []);
      const testCount = heldOutCount(rows.length, testFraction);
      // A loop, not push(...rows): spreading a class of 250k rows overflows the call stack.
      for (let i = 0; i < rows.length; i++) (i < testCount ? test : train).push(rows[i] ?? 0);
    }
    rng.shuffle(train);
    rng.shuffle(test);
  }
  if (train.length === 0) throw new DataError(`a test fraction of ${testFraction} leaves no training rows out of ${n}`);
  if (test.length === 0) return { train: subsetDataset(data, train), test: undefined };
  return { train: subsetDataset(data, train), test: subsetDataset(data, test) };
}

/**
 * Per-column mean and (population) standard deviation of `x` — fit it on the training part only.
 * A constant column gets std 1, so applying it leaves that column centred rather than dividing by 0.
 */
export function fitStandardization(x: Matrix): Standardization {
  if (x.rows === 0) throw new ShapeError('cannot fit a standardization on 0 rows');
  const mean = new Float64Array(x.cols);
  const sumSquares = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) mean[c] = (mean[c] ?? 0) + (x.data[r * x.cols + c] ?? 0);
  }
  for (let c = 0; c < x.cols; c++) mean[c] = (mean[c] ?? 0) / x.rows;
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const d = (x.data[r * x.cols + c] ?? 0) - (mean[c] ?? 0);
      sumSquares[c] = (sumSquares[c] ?? 0) + d * d;
    }
  }
  const std = Array.from(sumSquares, (s) => {
    const sd = Math.sqrt(s / x.rows);
    return sd > 0 && Number.isFinite(sd) ? sd : 1;
  });
  return { mean: Array.from(mean), std };
}

/** `(x − mean) / std` column by column, as a new matrix of the same dtype. */
export function applyStandardization(x: Matrix, standardization: Standardization): Matrix {
  const { mean, std } = standardization;
  if (mean.length !== x.cols || std.length !== x.cols) {
    throw new ShapeError(`standardization has ${mean.length} means and ${std.length} stds, the data has ${x.cols} columns`);
  }
  const out = arrayFor(dtypeOf(x), x.rows * x.cols);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const s = std[c] ?? 1;
      out[r * x.cols + c] = ((x.data[r * x.cols + c] ?? 0) - (mean[c] ?? 0)) / (s === 0 ? 1 : s);
    }
  }
  return { rows: x.rows, cols: x.cols, data: out };
}

/**
 * Fits a standardization on `train`'s features and applies it to `train` and (if given) `test`.
 * Returns the standardized parts and the `{ mean, std }` to store in a model file.
 */
export function standardize<T extends Batch>(
  train: T,
  test?: T,
): { train: T; test: T | undefined; standardization: Standardization } {
  const standardization = fitStandardization(train.x);
  return {
    train: { ...train, x: applyStandardization(train.x, standardization) },
    test: test === undefined ? undefined : { ...test, x: applyStandardization(test.x, standardization) },
    standardization,
  };
}

/** One-hot rows from class indices 0 … classes−1. */
export function oneHot(labels: ArrayLike<number>, classes: number, dtype: DType = 'float64'): Matrix {
  if (!Number.isInteger(classes) || classes < 1) throw new ShapeError(`one-hot needs a positive number of classes (got ${classes})`);
  const out = arrayFor(dtype, labels.length * classes);
  for (let r = 0; r < labels.length; r++) {
    const k = labels[r] ?? -1;
    if (!Number.isInteger(k) || k < 0 || k >= classes) {
      throw new ShapeError(`row ${r} has class ${k}, outside 0…${classes - 1}`);
    }
    out[r * classes + k] = 1;
  }
  return { rows: labels.length, cols: classes, data: out };
}

/** A binary 0/1 target column as a 2-column one-hot (`0 → [1, 0]`, `1 → [0, 1]`). */
export function binaryToOneHot(y: Matrix): Matrix {
  if (y.cols !== 1) throw new ShapeError(`binary targets have one column (got ${y.cols})`);
  for (let r = 0; r < y.rows; r++) {
    const v = y.data[r];
    if (v !== 0 && v !== 1) throw new ShapeError(`binary target at row ${r} is ${v}, not 0 or 1`);
  }
  return oneHot(y.data, 2, dtypeOf(y));
}

/** A 2-column one-hot back to one 0/1 column (the index of the larger column). */
export function oneHotToBinary(y: Matrix): Matrix {
  if (y.cols !== 2) throw new ShapeError(`a two-class one-hot has 2 columns (got ${y.cols})`);
  const classes = classesOf(y);
  const out = arrayFor(dtypeOf(y), y.rows);
  out.set(classes);
  return { rows: y.rows, cols: 1, data: out };
}

/** A binary dataset as a 2-class multiclass one (softmax over two outputs), and back. */
export function binaryToMulticlass<T extends Dataset>(data: T): T {
  if (data.task !== 'binary') throw new DataError(`${data.name} is a ${data.task} dataset, not binary`);
  return { ...data, task: 'multiclass', y: binaryToOneHot(data.y) };
}

export function multiclassToBinary<T extends Dataset>(data: T): T {
  if (data.task !== 'multiclass' || data.y.cols !== 2) {
    throw new DataError(`${data.name} is not a two-class multiclass dataset (${data.task}, ${data.y.cols} target columns)`);
  }
  return { ...data, task: 'binary', y: oneHotToBinary(data.y) };
}
