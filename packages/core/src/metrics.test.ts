import { describe, expect, it } from 'vitest';
import { accuracy, classesOf, classReport, confusionMatrix, countCorrect, meanSquaredError } from './metrics.js';
import { Rng } from './rng.js';
import { matrix, matrixFromRows } from './weights.js';

describe('metrics', () => {
  it('classesOf thresholds one column at 0.5 and takes argmax of several', () => {
    expect(Array.from(classesOf(matrixFromRows([[0.2], [0.7], [0.5]])))).toEqual([0, 1, 0]);
    expect(Array.from(classesOf(matrixFromRows([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])))).toEqual([1, 0]);
  });

  it('accuracy counts matching classes', () => {
    const predicted = matrixFromRows([[0.9], [0.2], [0.6], [0.4]]);
    const targets = matrixFromRows([[1], [0], [0], [0]]);
    expect(accuracy(predicted, targets)).toBe(0.75);
    expect(() => accuracy(predicted, matrixFromRows([[1, 0]]))).toThrow(/predictions are 4×1 but targets are 1×2/);
  });

  it('meanSquaredError averages over every entry', () => {
    expect(meanSquaredError(matrixFromRows([[1, 2], [3, 4]]), matrixFromRows([[0, 2], [3, 2]]))).toBe((1 + 0 + 0 + 4) / 4);
  });

  it('confusion matrix and per-class precision/recall', () => {
    // actual:    0 0 0 1 1 2
    // predicted: 0 0 1 1 2 2
    const cm = confusionMatrix([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 2], 3);
    expect(cm).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const report = classReport(cm);
    expect(report[0]).toEqual({ precision: 1, recall: 2 / 3, f1: (2 * 1 * (2 / 3)) / (1 + 2 / 3), support: 3 });
    expect(report[1]!.precision).toBe(0.5);
    expect(report[1]!.recall).toBe(0.5);
    expect(report[2]!.precision).toBe(0.5);
    expect(report[2]!.recall).toBe(1);
    expect(() => confusionMatrix([3], [0], 3)).toThrow(/out of range/);
  });
});

describe('countCorrect', () => {
  it('counts what accuracy() measures, row by row through an order (one column, several columns, ties)', () => {
    const rng = new Rng(12);
    for (const cols of [1, 2, 4]) {
      const rows = 40;
      const targets = matrix(rows, cols, Array.from({ length: rows * cols }, () => rng.int(3) / 2));
      const order = rng.permutation(rows);
      const start = 5;
      const count = 30;
      // Outputs for rows order[5 … 34], with ties (values on a coarse grid).
      const outputs = Array.from({ length: count * cols }, () => rng.int(5) / 4);
      const picked = matrix(count, cols, Array.from({ length: count * cols }, (_, q) => targets.data[order[start + Math.floor(q / cols)]! * cols + (q % cols)]!));
      const expected = Math.round(accuracy(matrix(count, cols, outputs), picked) * count);
      expect(countCorrect(outputs, targets, order, start, count)).toBe(expected);
    }
  });
});
