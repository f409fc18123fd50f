import type { DType, FloatArray } from '@twinprop/core';

/**
 * The three matrix products backpropagation needs, on row-major typed arrays. For a dense layer
 * with input X [batch × in], kernel W [in × out] and ∂L/∂Z [batch × out]:
 *
 *   forward   Z     = X · W         {@link multiply}            [batch × out]
 *   backward  ∂L/∂W = Xᵀ · ∂L/∂Z    {@link multiplyTransposedA}  [in × out]
 *   backward  ∂L/∂X = ∂L/∂Z · Wᵀ    {@link multiplyTransposedB}  [batch × in]
 *
 * All three are one kernel, {@link gemm}, reading A and B through strides, so a transposed
 * operand costs nothing: Aᵀ is A read with its row and column strides swapped.
 *
 * Speed: the kernel computes C in 2×4 tiles. Each tile keeps its eight sums in local variables
 * (registers) for the whole reduction, so one pass over k loads 2 values of A and 4 of B for 8
 * multiply-adds, and C is written once. In float32 the sums are kept in float64 and rounded
 * when stored, which is at least as accurate as summing in float32.
 */

/** A new zero-filled array of `dtype`. */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/**
 * C[m × n] = A[m × k] · B[k × n], where A[i][p] = a[aOffset + i·aRow + p·aCol] and
 * B[p][j] = b[p·bRow + j·bCol]; C is row-major and dense. Overwrites C.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aRow: number,
  aCol: number,
  b: FloatArray,
  bRow: number,
  bCol: number,
  c: FloatArray,
): void {
  const m2 = m - (m % 2);
  const n4 = n - (n % 4);
  for (let i = 0; i < m2; i += 2) {
    const a0 = i * aRow;
    const a1 = a0 + aRow;
    const c0 = i * n;
    const c1 = c0 + n;
    for (let j = 0; j < n4; j += 4) {
      // The 2×4 tile C[i … i+1][j … j+3], summed in registers.
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let pa = 0;
      let pb = j * bCol;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + pa]!;
        const x1 = a[a1 + pa]!;
        const w0 = b[pb]!;
        const w1 = b[pb + bCol]!;
        const w2 = b[pb + 2 * bCol]!;
        const w3 = b[pb + 3 * bCol]!;
        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
        pa += aCol;
        pb += bRow;
      }
      c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
      c[c1 + j] = s10; c[c1 + j + 1] = s11; c[c1 + j + 2] = s12; c[c1 + j + 3] = s13;
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) {
        const w = b[p * bRow + j * bCol]!;
        s0 += a[a0 + p * aCol]! * w;
        s1 += a[a1 + p * aCol]! * w;
      }
      c[c0 + j] = s0;
      c[c1 + j] = s1;
    }
  }
  // The last row when m is odd.
  for (let i = m2; i < m; i++) {
    const a0 = i * aRow;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p * aCol]! * b[p * bRow + j * bCol]!;
      c[i * n + j] = s;
    }
  }
}

/** C[m × n] = A[m × k] · B[k × n]. */
export function multiply(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  gemm(m, n, k, a, k, 1, b, n, 1, c);
}

/** C[k × n] = Aᵀ · B for A [m × k] and B [m × n] (the reduction runs over the m rows). */
export function multiplyTransposedA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  gemm(k, n, m, a, 1, k, b, n, 1, c);
}

/** C[m × k] = A · Bᵀ for A [m × n] and B [k × n] (the reduction runs over the n columns). */
export function multiplyTransposedB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void {
  gemm(m, k, n, a, n, 1, b, 1, n, c);
}

/** Adds `bias` [n] to every row of `z` [m × n] in place. */
export function addRowVector(z: FloatArray, bias: FloatArray, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) z[row + j] = z[row + j]! + bias[j]!;
  }
}

/**
 * out[j] = Σ_i a[i][j] over the m rows of a [m × n] — the bias gradient Σ_rows ∂L/∂Z. Each sum
 * is kept in float64 and rounded once when stored.
 */
export function sumRows(a: FloatArray, out: FloatArray, m: number, n: number): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[i * n + j]!;
    out[j] = s;
  }
}
