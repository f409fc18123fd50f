import { DataError } from '@twinprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnist } from './mnist.js';
import type { Dataset } from '@twinprop/core';

const labelOf = (d: Dataset, r: number): number => Array.from(d.y.data.subarray(10 * r, 10 * r + 10)).indexOf(1);

describe('mnist', () => {
  let all: Dataset;
  beforeAll(() => {
    all = mnist();
  });

  it('loads 10,000 × 784 with one-hot labels 0–9, all present, pixels in [0, 1]', () => {
    expect([all.x.rows, all.x.cols, all.y.rows, all.y.cols]).toEqual([10_000, 784, 10_000, 10]);
    expect(all.task).toBe('multiclass');
    expect(all.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    let min = Infinity;
    let max = -Infinity;
    for (const v of all.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = new Array<number>(10).fill(0);
    for (let r = 0; r < all.y.rows; r++) {
      const row = Array.from(all.y.data.subarray(10 * r, 10 * r + 10));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      counts[labelOf(all, r)]!++;
    }
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('images look like digits: mostly dark background, a bright stroke in the middle', () => {
    let background = 0;
    let centre = 0;
    for (let r = 0; r < 1000; r++) {
      const img = all.x.data.subarray(784 * r, 784 * r + 784);
      background += img[0]! + img[27]! + img[756]! + img[783]!; // corners
      for (let y = 10; y < 18; y++) for (let x = 10; x < 18; x++) centre += img[28 * y + x]!;
    }
    expect(background).toBe(0);
    expect(centre / (1000 * 64)).toBeGreaterThan(0.1);
  });

  it('default order interleaves the digits: the first 20 rows are 0…9 twice', () => {
    expect(Array.from({ length: 20 }, (_, r) => labelOf(all, r))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('count keeps a prefix; by-digit order starts with every 0', () => {
    const small = mnist({ count: 100 });
    expect(small.x.rows).toBe(100);
    expect(small.x.data).toEqual(all.x.data.subarray(0, 100 * 784));
    const byDigit = mnist({ count: 50, order: 'by-digit' });
    expect(Array.from({ length: 50 }, (_, r) => labelOf(byDigit, r)).every((l) => l === 0)).toBe(true);
  });

  it('seed shuffles deterministically; different seeds differ', () => {
    const a = mnist({ count: 200, seed: 1, dtype: 'float32' });
    const b = mnist({ count: 200, seed: 1, dtype: 'float32' });
    const c = mnist({ count: 200, seed: 2, dtype: 'float32' });
    expect(a.x.data).toBeInstanceOf(Float32Array);
    expect(a.x.data).toEqual(b.x.data);
    expect(a.y.data).not.toEqual(c.y.data);
  });

  it('refuses a count outside 1…10,000', () => {
    expect(() => mnist({ count: 0 })).toThrow(DataError);
    expect(() => mnist({ count: 10_001 })).toThrow(/count/);
  });
});
