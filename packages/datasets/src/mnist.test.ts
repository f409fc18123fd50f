import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataError } from '@twinprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnist, numbersOfDataArray, readDataArrayFile } from './mnist.js';
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

describe("reading the package's JSON", () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('gives exactly what JSON.parse gives, for all 7,840,000 pixels of the ten files', () => {
    const require = createRequire(import.meta.url);
    let compared = 0;
    let differing = 0;
    for (let digit = 0; digit < 10; digit++) {
      const file = require.resolve(`mnist/src/digits/${digit}.json`);
      const text = readFileSync(file);
      const expected = (JSON.parse(text.toString('utf8')) as { data: number[] }).data;
      const actual = numbersOfDataArray(text);
      expect(actual, `digit ${digit} takes the fast reader`).toBeDefined();
      expect(actual!.length).toBe(expected.length);
      for (let i = 0; i < expected.length; i++) if (!Object.is(actual![i], expected[i])) differing++;
      compared += expected.length;
    }
    expect(compared).toBe(10_000 * 784);
    expect(differing).toBe(0);
  });

  it('reads plain decimals to the nearest double, with any JSON whitespace between tokens', () => {
    expect(Array.from(numbersOfDataArray(bytes('{"data":[0,1,0.5,0.992,0.1,0.30000000000000,123456789012345]}'))!)).toEqual([0, 1, 0.5, 0.992, 0.1, 0.3, 123456789012345]);
    expect(Array.from(numbersOfDataArray(bytes(' \n{ "data" :\t[ 0.25 ,\r\n 1 ] }\n'))!)).toEqual([0.25, 1]);
    expect(Array.from(numbersOfDataArray(bytes('{"data":[]}'))!)).toEqual([]);
  });

  it.each([
    ['an exponent', '{"data":[1e-3]}'],
    ['a sign', '{"data":[-0.5]}'],
    ['a leading zero', '{"data":[01]}'],
    ['a point without digits', '{"data":[1.]}'],
    ['more than 15 digits', '{"data":[0.1234567890123456]}'],
    ['another key', '{"labels":[1]}'],
    ['a second key', '{"data":[1],"x":2}'],
    ['text after the object', '{"data":[1]} x'],
    ['a missing comma', '{"data":[1 2]}'],
    ['a trailing comma', '{"data":[1,]}'],
    ['a cut-off file', '{"data":[0.5,0.2'],
  ])('leaves %s to JSON.parse (undefined)', (_, text) => {
    expect(numbersOfDataArray(bytes(text))).toBeUndefined();
  });

  it('a file the fast reader leaves is read by JSON.parse; one that is not JSON is a DataError naming it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'twinprop-mnist-'));
    try {
      const exponents = path.join(dir, 'exponents.json');
      writeFileSync(exponents, '{"data":[1e-3,2.5E1,-0]}');
      expect(Array.from(readDataArrayFile(exponents))).toEqual([0.001, 25, -0]);
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, '{"data":[0.5,');
      expect(() => readDataArrayFile(broken)).toThrow(DataError);
      expect(() => readDataArrayFile(broken)).toThrow(/broken\.json: not JSON/);
      const noArray = path.join(dir, 'no-array.json');
      writeFileSync(noArray, '{"data":"pixels"}');
      expect(() => readDataArrayFile(noArray)).toThrow(/no-array\.json: no "data" array of numbers/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
