/**
 * The label column of a dataset, read as it streams by:
 * - non-numeric labels are classes; numeric labels are classes when every one is an integer and
 *   there are at most `maxClasses` (default 20) distinct values; otherwise they are regression
 *   targets. `task` forces either reading.
 * - classes are numbered in sorted order (numerically for numeric labels, by code unit for text), and
 *   their labels are kept as `classNames`; two classes → `binary` (one 0/1 column), more → `multiclass`
 *   (one-hot).
 */
import { arrayFor, DataError, type DType, type FloatArray, type Task } from '@twinprop/core';
import { cellProblem, NON_FINITE, type GrowingArray } from './numbers.js';

/** The most classes a CSV label column may hold; more distinct numeric labels are regression targets. */
export const MAX_CSV_CLASSES = 1000;
export const DEFAULT_MAX_CLASSES = 20;

export interface LabelState {
  /** Id of each row's label string (first-appearance order), while classes are tracked. */
  ids: GrowingArray<Int32Array> | undefined;
  /** Label strings by id. */
  readonly distinct: Map<string, number>;
  /** Each row's label as a number, while every label so far is numeric. */
  numeric: GrowingArray<Float64Array> | undefined;
  /** Whether every label so far is a number, and whether every one is an integer. */
  allNumeric: boolean;
  allInteger: boolean;
}

export function readLabel(
  labels: LabelState,
  cell: string,
  forced: 'classification' | 'regression' | undefined,
  fail: (message: string) => DataError,
  maxMagnitude: number | undefined,
): void {
  if (cell === '') throw fail('the label is empty');
  if (NON_FINITE.test(cell)) throw fail(`the label is ${JSON.stringify(cell)}, not a finite value`);
  const value = Number(cell);
  if (Number.isFinite(value) && maxMagnitude !== undefined && Math.abs(value) > maxMagnitude && forced !== 'classification') {
    throw fail(`the label ${cellProblem(cell, value, maxMagnitude) ?? ''}`);
  }
  const problem = cellProblem(cell, value);
  if (problem === undefined) {
    labels.numeric?.push(value);
    if (!Number.isInteger(value)) labels.allInteger = false;
  } else if (forced === 'regression' || labels.ids === undefined) {
    const why =
      forced === 'regression'
        ? ''
        : ` (the labels before it had more than ${MAX_CSV_CLASSES} distinct numeric values, so they are read as regression targets)`;
    throw fail(`the label ${problem}${why}`);
  } else {
    labels.allNumeric = false; // not every label is a number: classes
    labels.numeric = undefined;
  }
  const ids = labels.ids;
  if (ids === undefined) return;
  let id = labels.distinct.get(cell);
  if (id === undefined) {
    id = labels.distinct.size;
    if (id >= MAX_CSV_CLASSES) {
      if (forced === undefined && labels.allNumeric) {
        labels.ids = undefined; // too many distinct numbers for classes: regression targets
        labels.distinct.clear();
        return;
      }
      throw fail(`the label column has more than ${MAX_CSV_CLASSES} distinct values; that is too many classes`);
    }
    labels.distinct.set(cell, id);
  }
  ids.push(id);
}

export function classify(
  labels: LabelState,
  rows: number,
  dtype: DType,
  labelName: string,
  at: { file?: string; line: number; column: number },
): { task: Task; y: { rows: number; cols: number; data: FloatArray }; classNames: string[] } {
  const ids = labels.ids;
  if (ids === undefined) throw new DataError(`label column ${labelName} has too many distinct values to be classes`, at);
  const strings = [...labels.distinct.keys()];
  // Class index of each label string: numeric labels by value ("1" and "1.0" are one class), text by code unit.
  const numeric = labels.allNumeric;
  const keyOf = (s: string): string => (numeric ? String(Number(s)) : s);
  const keys = [...new Set(strings.map(keyOf))];
  keys.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length < 2) {
    throw new DataError(
      `label column ${labelName} holds a single class (${JSON.stringify(keys[0] ?? '')}) in all ${rows} rows; ` +
        "classification needs at least two (for real-valued targets, read it with task: 'regression')",
      at,
    );
  }
  const classOfId = Int32Array.from(strings, (s) => keys.indexOf(keyOf(s)));
  const k = keys.length;
  const binary = k === 2;
  const cols = binary ? 1 : k;
  const y = arrayFor(dtype, rows * cols);
  for (let r = 0; r < rows; r++) {
    const cls = classOfId[ids.data[r] ?? 0] ?? 0;
    if (binary) y[r] = cls;
    else y[r * k + cls] = 1;
  }
  return { task: binary ? 'binary' : 'multiclass', y: { rows, cols, data: y }, classNames: keys };
}
