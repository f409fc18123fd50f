import { classesOf, DataError, matrixFromRows, type Dataset } from '@twinprop/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gateDataset } from './gates.js';
import { iris } from './iris.js';
import { circle, plane } from './playground.js';
import {
  applyStandardization,
  binaryToMulticlass,
  binaryToOneHot,
  fitStandardization,
  multiclassToBinary,
  oneHot,
  oneHotToBinary,
  standardize,
  stratifiedCounts,
  stratifiedSplit,
} from './split.js';

const rowKey = (d: Dataset, r: number): string =>
  `${Array.from(d.x.data.subarray(r * d.x.cols, (r + 1) * d.x.cols)).join()}|${Array.from(d.y.data.subarray(r * d.y.cols, (r + 1) * d.y.cols)).join()}`;
const rowKeys = (d: Dataset): string[] => Array.from({ length: d.x.rows }, (_, r) => rowKey(d, r));
const countClasses = (d: Dataset): Map<number, number> => {
  const counts = new Map<number, number>();
  for (const k of classesOf(d.y)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
};

describe('stratifiedSplit', () => {
  it('iris 80/20: 40 + 10 of each class, no row lost or repeated', () => {
    const d = iris();
    const { train, test } = stratifiedSplit(d, { testFraction: 0.2, seed: 1 });
    expect(test).toBeDefined();
    expect([...countClasses(train).entries()].sort()).toEqual([
      [0, 40],
      [1, 40],
      [2, 40],
    ]);
    expect([...countClasses(test!).entries()].sort()).toEqual([
      [0, 10],
      [1, 10],
      [2, 10],
    ]);
    expect([...rowKeys(train), ...rowKeys(test!)].sort()).toEqual(rowKeys(d).sort());
    expect(train.classNames).toEqual(d.classNames);
  });

  it('property: each class gives round(n_c · f) rows to test; deterministic by seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 120 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.integer(),
        (labels, fraction, seed) => {
          const data: Dataset = {
            name: 't',
            task: 'multiclass',
            x: matrixFromRows(labels.map((_, i) => [i])),
            y: oneHot(labels, 4),
          };
          const n = labels.length;
          const perClass = [0, 1, 2, 3].map((k) => labels.filter((l) => l === k).length);
          const expectedTest = perClass.map((c) => Math.round(c * fraction));
          if (n - expectedTest.reduce((a, b) => a + b, 0) === 0) return;
          const { train, test } = stratifiedSplit(data, { testFraction: fraction, seed });
          const testCounts = countClasses(test ?? { ...data, y: oneHot([], 4), x: matrixFromRows([]) });
          expect([0, 1, 2, 3].map((k) => testCounts.get(k) ?? 0)).toEqual(expectedTest);
          const ids = [...Array.from(train.x.data), ...Array.from(test?.x.data ?? [])].sort((a, b) => a - b);
          expect(ids).toEqual(labels.map((_, i) => i));
          const again = stratifiedSplit(data, { testFraction: fraction, seed });
          expect(again.train.x.data).toEqual(train.x.data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('splits 300k rows per class without overflowing the call stack', () => {
    const n = 600_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      x[r] = r;
      y[r] = r % 2;
    }
    const data: Dataset = { name: 'big', task: 'binary', x: { rows: n, cols: 1, data: x }, y: { rows: n, cols: 1, data: y } };
    const { train, test } = stratifiedSplit(data, { testFraction: 0.2, seed: 1 });
    expect(train.x.rows).toBe(480_000);
    expect(test?.x.rows).toBe(120_000);
    expect(Array.from(test!.y.data).filter((v) => v === 1)).toHaveLength(60_000);
  });

  it('regression is split at random by rows; fraction 0 gives no test part; bad fractions refused', () => {
    const d = plane({ points: 100, seed: 1 });
    const { train, test } = stratifiedSplit(d, { testFraction: 0.25, seed: 2 });
    expect([train.x.rows, test?.x.rows]).toEqual([75, 25]);
    expect(stratifiedSplit(d, { testFraction: 0, seed: 2 }).test).toBeUndefined();
    expect(() => stratifiedSplit(d, { testFraction: 1, seed: 2 })).toThrow(DataError);
  });
});

describe('stratifiedCounts', () => {
  it('says per class what stratifiedSplit holds out, without splitting', () => {
    const d = gateDataset('and'); // three rows of class 0, one of class 1
    // round(3 · 0.4) = 1 and round(1 · 0.4) = 0: class 1 would give the held-out part nothing.
    expect(stratifiedCounts(d, 0.4)).toEqual([
      { classIndex: 0, rows: 3, heldOut: 1 },
      { classIndex: 1, rows: 1, heldOut: 0 },
    ]);
    const counts = stratifiedCounts(iris(), 0.3);
    const { test } = stratifiedSplit(iris(), { testFraction: 0.3, seed: 4 });
    expect(counts.map((c) => [c.classIndex, c.heldOut])).toEqual([...countClasses(test!).entries()].sort());
    expect(stratifiedCounts(plane({ points: 50, seed: 1 }), 0.25)).toEqual([{ classIndex: -1, rows: 50, heldOut: 13 }]);
  });
});

describe('standardization', () => {
  it('fits mean and population std per column; constant column gets std 1', () => {
    const x = matrixFromRows([
      [1, 10, 5],
      [3, 20, 5],
      [5, 30, 5],
    ]);
    const s = fitStandardization(x);
    expect(s.mean).toEqual([3, 20, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(200 / 3), 12);
    expect(s.std[2]).toBe(1);
    const z = applyStandardization(x, s);
    expect(z.data[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 12);
    expect(z.data[2]).toBe(0);
  });

  it('standardize fits on train only and applies the same numbers to test', () => {
    const d = circle({ points: 200, seed: 3 });
    const { train, test } = stratifiedSplit(d, { testFraction: 0.3, seed: 1 });
    const out = standardize(train, test);
    expect(out.standardization).toEqual(fitStandardization(train.x));
    // train columns have mean 0 and std 1 afterwards; test columns generally do not exactly
    const s = fitStandardization(out.train.x);
    s.mean.forEach((m) => expect(m).toBeCloseTo(0, 10));
    s.std.forEach((v) => expect(v).toBeCloseTo(1, 10));
    const expected = ((test!.x.data[0]! - out.standardization.mean[0]!) / out.standardization.std[0]!);
    expect(out.test!.x.data[0]).toBeCloseTo(expected, 12);
  });

  it('refuses a standardization of the wrong width', () => {
    expect(() => applyStandardization(matrixFromRows([[1, 2]]), { mean: [0], std: [1] })).toThrow(/columns/);
  });
});

describe('one-hot', () => {
  it('binary 0/1 ↔ two columns', () => {
    const y = gateDataset('xor').y; // 0 1 1 0
    const hot = binaryToOneHot(y);
    expect([hot.rows, hot.cols]).toEqual([4, 2]);
    expect(Array.from(hot.data)).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
    expect(Array.from(oneHotToBinary(hot).data)).toEqual([0, 1, 1, 0]);
    const multi = binaryToMulticlass(gateDataset('and'));
    expect(multi.task).toBe('multiclass');
    expect(multiclassToBinary(multi).y.data).toEqual(gateDataset('and').y.data);
  });

  it('oneHot from indices, refusing out-of-range classes', () => {
    expect(Array.from(oneHot([2, 0], 3).data)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow(/class 3/);
    expect(() => binaryToOneHot(matrixFromRows([[0.5]]))).toThrow(/not 0 or 1/);
  });
});
