import { ShapeError } from './errors.js';
import type { Matrix } from './weights.js';

/**
 * The class each row stands for: with one column, 1 if the value is > `threshold` else 0 — 0.5
 * for a sigmoid probability or a 0/1 target, 0 for a tanh output or a ±1 target (see
 * {@link classThreshold}); with K columns, the index of the largest value (first on ties).
 */
export function classesOf(m: Matrix, threshold = 0.5): Int32Array {
  const out = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    if (m.cols === 1) {
      out[r] = (m.data[r] ?? 0) > threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[r * m.cols + c] ?? -Infinity;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}

function assertSameShape(a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`predictions are ${a.rows}×${a.cols} but targets are ${b.rows}×${b.cols}`);
  }
}

/**
 * Where a one-column output splits its two classes ({@link classesOf}: class 1 above it): 0.5 for
 * 0/1 targets; for the Playground's ±1 targets (`signed`) the sign, with 0 itself counted as +1 as
 * the Playground's discretized output shows it — so the threshold is the largest number below 0
 * (`−Number.MIN_VALUE`), and `v > threshold` is `v ≥ 0`.
 */
export function classThreshold(targets: 'zeroOne' | 'signed' | undefined): number {
  return targets === 'signed' ? -Number.MIN_VALUE : 0.5;
}

/**
 * Fraction of rows whose predicted class equals the target class ({@link classesOf} with the
 * same `threshold` for both; use {@link classThreshold}).
 */
export function accuracy(outputs: Matrix, targets: Matrix, threshold = 0.5): number {
  assertSameShape(outputs, targets);
  if (outputs.rows === 0) return Number.NaN;
  const predicted = classesOf(outputs, threshold);
  const actual = classesOf(targets, threshold);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
  return correct / predicted.length;
}

/**
 * How many of `rows` output rows (`outputs`, [rows × cols] row-major) have the class of their
 * target: output row r against row `order[start + r]` of `targets`, classes as {@link classesOf}
 * reads them with `threshold`. Allocates nothing (it runs after every training batch).
 */
export function countCorrect(outputs: ArrayLike<number>, targets: Matrix, order: ArrayLike<number>, start: number, rows: number, threshold = 0.5): number {
  const cols = targets.cols;
  const y = targets.data;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const t = (order[start + r] ?? 0) * cols;
    if (cols === 1) {
      if (((outputs[r] ?? 0) > threshold) === ((y[t] ?? 0) > threshold)) correct++;
      continue;
    }
    // Largest value, first on ties; as classesOf.
    let predicted = 0;
    let predictedValue = -Infinity;
    let actual = 0;
    let actualValue = -Infinity;
    for (let c = 0; c < cols; c++) {
      const o = outputs[r * cols + c] ?? -Infinity;
      if (o > predictedValue) {
        predictedValue = o;
        predicted = c;
      }
      const v = y[t + c] ?? -Infinity;
      if (v > actualValue) {
        actualValue = v;
        actual = c;
      }
    }
    if (predicted === actual) correct++;
  }
  return correct;
}

/** Mean of (ŷ − y)² over all entries. */
export function meanSquaredError(outputs: Matrix, targets: Matrix): number {
  assertSameShape(outputs, targets);
  let sum = 0;
  for (let i = 0; i < outputs.data.length; i++) {
    const d = (outputs.data[i] ?? 0) - (targets.data[i] ?? 0);
    sum += d * d;
  }
  return sum / outputs.data.length;
}

/** `matrix[actual][predicted]` counts over `classes` classes. */
export function confusionMatrix(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes: number): number[][] {
  if (predicted.length !== actual.length) {
    throw new ShapeError(`${predicted.length} predictions but ${actual.length} labels`);
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < predicted.length; i++) {
    const row = m[actual[i] ?? -1];
    const p = predicted[i] ?? -1;
    if (row === undefined || p < 0 || p >= classes) throw new ShapeError(`class index out of range 0…${classes - 1} at row ${i}`);
    row[p] = (row[p] ?? 0) + 1;
  }
  return m;
}

export interface ClassReport {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows whose true class is this one. */
  readonly support: number;
}

/**
 * Per-class precision `TP / (TP + FP)`, recall `TP / (TP + FN)` and F1 from a confusion matrix
 * (`[actual][predicted]`). A ratio with a zero denominator is reported as 0.
 */
export function classReport(confusion: readonly (readonly number[])[]): ClassReport[] {
  const k = confusion.length;
  return confusion.map((row, c) => {
    const tp = row[c] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    let predictedAsC = 0;
    for (let r = 0; r < k; r++) predictedAsC += confusion[r]?.[c] ?? 0;
    const precision = predictedAsC === 0 ? 0 : tp / predictedAsC;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}
