import { describe, expect, it } from 'vitest';
import { iris, IRIS_FEATURES } from './iris.js';

describe('iris', () => {
  it('is 150 × 4, three one-hot classes of 50, named', () => {
    const d = iris();
    expect([d.x.rows, d.x.cols, d.y.rows, d.y.cols]).toEqual([150, 4, 150, 3]);
    expect(d.task).toBe('multiclass');
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.featureNames).toEqual([...IRIS_FEATURES]);
    const counts = [0, 0, 0];
    for (let r = 0; r < 150; r++) {
      const row = Array.from(d.y.data.subarray(3 * r, 3 * r + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      counts[row.indexOf(1)]!++;
    }
    expect(counts).toEqual([50, 50, 50]);
  });

  it("first row is Fisher's first setosa: 5.1, 3.5, 1.4, 0.2", () => {
    const d = iris();
    expect(Array.from(d.x.data.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(Array.from(d.y.data.subarray(0, 3))).toEqual([1, 0, 0]);
  });

  it('setosa has the smallest petals: every setosa petal length < every other', () => {
    const d = iris();
    const petal = (r: number): number => d.x.data[4 * r + 2]!;
    const setosa = Array.from({ length: 150 }, (_, r) => r).filter((r) => d.y.data[3 * r] === 1);
    const others = Array.from({ length: 150 }, (_, r) => r).filter((r) => d.y.data[3 * r] !== 1);
    expect(Math.max(...setosa.map(petal))).toBeLessThan(Math.min(...others.map(petal)));
  });

  it('seed shuffles rows (features and labels together), deterministically', () => {
    const plain = iris();
    const a = iris({ seed: 3 });
    expect(a.x.data).toEqual(iris({ seed: 3 }).x.data);
    expect(a.x.data).not.toEqual(plain.x.data);
    const key = (d: typeof plain, r: number): string =>
      `${Array.from(d.x.data.subarray(4 * r, 4 * r + 4)).join()}|${Array.from(d.y.data.subarray(3 * r, 3 * r + 3)).join()}`;
    const rows = (d: typeof plain): string[] => Array.from({ length: 150 }, (_, r) => key(d, r)).sort();
    expect(rows(a)).toEqual(rows(plain));
  });
});
