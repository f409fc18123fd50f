import { describe, expect, it } from 'vitest';
import { Rng } from '@twinprop/core';
import { addRowVector, multiply, multiplyTransposedA, multiplyTransposedB, PRIMING_PRODUCT, primePackedProduct, sumRows } from './matrix.js';

/** The textbook triple loop, C[i][j] = Σ_p A[i][p]·B[p][j], on plain arrays indexed by a function. */
function naive(m: number, k: number, n: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      c.push(s);
    }
  }
  return c;
}

function random(rng: Rng, length: number): Float64Array {
  return Float64Array.from({ length }, () => rng.uniform(-1, 1));
}

function expectAllClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tolerance);
}

// Sizes around the tiles: full tiles, ragged edges, single rows and columns. Products of at most
// 4096 multiply-adds, or whose B has at most 256 entries, take the unpacked 2×4 path (odd m, n not
// a multiple of 4; 401×8 · 8×8 many rows of it), larger ones the packed 2×5 panels (odd m, n not
// a multiple of 5, one row, one column).
const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 5, 1],
  [2, 3, 5],
  [3, 4, 4],
  [4, 7, 9],
  [7, 1, 13],
  [10, 8, 8],
  [9, 5, 7],
  [64, 33, 10],
  [67, 9, 11],
  [67, 20, 13],
  [401, 8, 8],
  [1, 700, 9],
  [33, 300, 1],
  [20, 41, 15],
];

describe('matrix products', () => {
  for (const [m, k, n] of shapes) {
    it(`Z = X·W, ∂L/∂W = Xᵀ·∂L/∂Z and ∂L/∂X = ∂L/∂Z·Wᵀ match the triple loop (${m}×${k}·${k}×${n})`, () => {
      const rng = new Rng(m * 100 + k * 10 + n);
      const x = random(rng, m * k); // [m × k]
      const w = random(rng, k * n); // [k × n]
      const dz = random(rng, m * n); // [m × n]

      const z = new Float64Array(m * n);
      multiply(x, w, z, m, k, n);
      expectAllClose(z, naive(m, k, n, (i, p) => x[i * k + p]!, (p, j) => w[p * n + j]!), 1e-12);

      const dw = new Float64Array(k * n);
      multiplyTransposedA(x, dz, dw, m, k, n);
      expectAllClose(dw, naive(k, m, n, (p, i) => x[i * k + p]!, (i, j) => dz[i * n + j]!), 1e-12);

      const dx = new Float64Array(m * k);
      multiplyTransposedB(dz, w, dx, m, n, k);
      expectAllClose(dx, naive(m, n, k, (i, j) => dz[i * n + j]!, (j, p) => w[p * n + j]!), 1e-12);
    });
  }

  it('float32 products sum in float64 and round once: the result is the float32 nearest the exact sum', () => {
    const rng = new Rng(9);
    const [m, k, n] = [5, 300, 6];
    const x = Float32Array.from(random(rng, m * k));
    const w = Float32Array.from(random(rng, k * n));
    const z = new Float32Array(m * n);
    multiply(x, w, z, m, k, n);
    const exact = naive(m, k, n, (i, p) => x[i * k + p]!, (p, j) => w[p * n + j]!);
    // The float64 sum of 300 products of float32 values is within ~1e-13 of exact, so rounding it gives fround(exact).
    expect(Array.from(z)).toEqual(exact.map((v) => Math.fround(v)));
  });

  it('does not read past the operands when a product is smaller than an earlier one (panels are reused)', () => {
    const rng = new Rng(3);
    const big = new Float64Array(40 * 40);
    multiply(random(rng, 40 * 40), random(rng, 40 * 40), big, 40, 40, 40);
    const x = Float64Array.from([1, 2]); // [1 × 2]
    const w = Float64Array.from([3, 4]); // [2 × 1]
    const z = new Float64Array(1);
    multiply(x, w, z, 1, 2, 1);
    expect(z[0]).toBe(1 * 3 + 2 * 4);
  });

  it('priming the packed kernels (twice, both element types) leaves the next large products exact', () => {
    const rng = new Rng(11);
    const [m, k, n] = [37, 130, 29]; // ≥ PRIMING_PRODUCT multiply-adds, 19 row panels: three calls of the tile loop, the last partial
    expect(m * k * n).toBeGreaterThanOrEqual(PRIMING_PRODUCT);
    for (const Type of [Float32Array, Float64Array]) {
      primePackedProduct(new Type(0));
      primePackedProduct(new Type(0));
      const x = Type.from(random(rng, m * k));
      const w = Type.from(random(rng, k * n));
      const z = new Type(m * n);
      multiply(x, w, z, m, k, n);
      const exact = naive(m, k, n, (i, p) => x[i * k + p]!, (p, j) => w[p * n + j]!);
      // Sums in float64 in ascending p, as the triple loop; float32 rounds that sum once.
      expect(Array.from(z)).toEqual(Type === Float32Array ? exact.map((v) => Math.fround(v)) : exact);
    }
  });

  describe('sparse inputs (the compact row panels): the triple loop’s sums, bit for bit', () => {
    /** MNIST-like: whole zero columns (the border) and 80% zeros elsewhere, some of them −0. */
    function sparse(rng: Rng, rows: number, cols: number): Float64Array {
      return Float64Array.from({ length: rows * cols }, (_, q) => {
        const col = q % cols;
        if (col < cols / 5 || rng.uniform(0, 1) < 0.8) return rng.uniform(0, 1) < 0.1 ? -0 : 0;
        return rng.uniform(-1, 1);
      });
    }
    /** The products of one dense layer whose input X is sparse, and the triple loop's sums beside them (ascending p, in float64). */
    function layerProducts(x: Float64Array, w: Float64Array, dz: Float64Array, m: number, k: number, n: number) {
      const z = new Float64Array(m * n);
      multiply(x, w, z, m, k, n);
      const dw = new Float64Array(k * n);
      multiplyTransposedA(x, dz, dw, m, k, n);
      return {
        actual: [Array.from(z), Array.from(dw)],
        expected: [naive(m, k, n, (i, p) => x[i * k + p]!, (p, j) => w[p * n + j]!), naive(k, m, n, (p, i) => x[i * k + p]!, (i, j) => dz[i * n + j]!)],
      };
    }

    for (const [m, k, n] of [[64, 784, 128], [67, 301, 37], [33, 300, 1], [9, 700, 11]] as const) {
      it(`X·W and Xᵀ·∂L/∂Z with 80% of X zero (${m}×${k}·${k}×${n})`, () => {
        const rng = new Rng(m + k + n);
        const { actual, expected } = layerProducts(sparse(rng, m, k), random(rng, k * n), random(rng, m * n), m, k, n);
        expect(actual).toEqual(expected);
      });
    }

    it('float32: the float32 nearest the float64 sum, as for dense inputs', () => {
      const rng = new Rng(11);
      const [m, k, n] = [64, 300, 20];
      const x = Float32Array.from(sparse(rng, m, k));
      const w = Float32Array.from(random(rng, k * n));
      const z = new Float32Array(m * n);
      multiply(x, w, z, m, k, n);
      expect(Array.from(z)).toEqual(naive(m, k, n, (i, p) => x[i * k + p]!, (p, j) => w[p * n + j]!).map((v) => Math.fround(v)));
    });

    it('an all-zero X gives +0 everywhere (no −0 from −0·w)', () => {
      const [m, k, n] = [40, 300, 12];
      const x = new Float64Array(m * k).fill(-0);
      const w = random(new Rng(2), k * n).map((v) => -Math.abs(v));
      const z = new Float64Array(m * n).fill(7);
      multiply(x, w, z, m, k, n);
      expect(z.every((v) => Object.is(v, 0))).toBe(true);
    });

    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      it(`a ${bad} in W facing only zeros of X still makes its column NaN (0·${bad} is NaN, not skipped)`, () => {
        const rng = new Rng(5);
        const [m, k, n] = [64, 300, 20];
        const x = sparse(rng, m, k); // column 0 of X is all zeros (the border)
        const w = random(rng, k * n);
        w[0 * n + 3] = bad; // W[0][3] meets X[·][0] = 0 only
        const z = new Float64Array(m * n);
        multiply(x, w, z, m, k, n);
        const expected = naive(m, k, n, (i, p) => x[i * k + p]!, (p, j) => w[p * n + j]!);
        expect(Array.from(z)).toEqual(expected);
        expect(Number.isNaN(z[3])).toBe(true);
      });
    }

    it('a NaN in X reaches its row of X·W even among zeros', () => {
      const rng = new Rng(6);
      const [m, k, n] = [64, 300, 20];
      const x = sparse(rng, m, k);
      x[5 * k + 1] = Number.NaN; // row 5, in the all-zero border
      const z = new Float64Array(m * n);
      multiply(x, random(rng, k * n), z, m, k, n);
      for (let i = 0; i < m; i++) expect(z.subarray(i * n, (i + 1) * n).every((v) => Number.isNaN(v))).toBe(i === 5);
    });
  });

  it('adds the bias to every row and sums ∂L/∂Z over rows for ∂L/∂b', () => {
    const z = Float64Array.from([1, 2, 3, 4, 5, 6]); // [2 × 3]
    addRowVector(z, Float64Array.from([10, 20, 30]), 2, 3);
    expect(Array.from(z)).toEqual([11, 22, 33, 14, 25, 36]);
    const out = new Float64Array(3);
    sumRows(z, out, 2, 3);
    expect(Array.from(out)).toEqual([25, 47, 69]);
  });
});
