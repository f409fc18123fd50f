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
 * Speed (measured in V8; see scripts/timing.mjs):
 * - C is computed in 3×4 tiles. Each tile keeps its twelve sums in local variables (registers)
 *   for the whole reduction, so one pass over k loads 3 values of A and 4 of B for 12
 *   multiply-adds, and C is written once. (3×4 beat 2×4 and 4×4 by about 10%: more sums no longer
 *   fit in the x64 registers.)
 * - Before the tiles run, A's rows and B's columns are copied ("packed") into float64 panels in
 *   exactly the order the tile loop reads them, so that loop walks two arrays with unit steps
 *   (another ~10%) and only ever sees Float64Array. The copy costs O(m·k + k·n) against the
 *   product's O(m·k·n); copying a float32 into a float64 is exact.
 * - The panels are padded with zero rows and columns up to whole tiles, so there is no separate
 *   code for the edges; a tile that sticks out stores only its part inside C.
 * - In float32 the sums are therefore kept in float64 and rounded once when stored into C, which
 *   is at least as accurate as summing in float32.
 * - Small products (at most {@link SMALL_PRODUCT} multiply-adds, e.g. every product of a 2-8-8-1
 *   network on a batch of 10) skip the packing: {@link gemmSmall}.
 */

/** A new zero-filled array of `dtype`. */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** Grow-only panel buffers, reused by every product, so that training steps allocate nothing. */
let panelsOfA: Float64Array = new Float64Array(0);
let panelsOfB: Float64Array = new Float64Array(0);
/** The sums of a tile that sticks out past C's last row or column, before the part inside is stored. */
const edgeTile = new Float64Array(12);

/**
 * C[m × n] = A[m × k] · B[k × n], where A[i][p] = a[i·aRow + p·aCol] and B[p][j] = b[p·bRow + j·bCol];
 * C is row-major and dense. Overwrites C.
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
  if (m * n * k <= SMALL_PRODUCT) {
    gemmSmall(m, n, k, a, aRow, aCol, b, bRow, bCol, c);
    return;
  }
  // Round m up to whole 3-row panels and n up to whole 4-column panels; the padding is zeros.
  const mPadded = Math.ceil(m / 3) * 3;
  const nPadded = Math.ceil(n / 4) * 4;
  if (panelsOfA.length < mPadded * k) panelsOfA = new Float64Array(mPadded * k);
  if (panelsOfB.length < nPadded * k) panelsOfB = new Float64Array(nPadded * k);
  const pa = panelsOfA;
  const pb = panelsOfB;
  // Panel of rows i … i+2 of A: at i·k + 3p + r, A[i + r][p].
  for (let i = 0; i < mPadded; i += 3) {
    for (let r = 0; r < 3; r++) {
      const row = i + r;
      let q = i * k + r;
      if (row < m) {
        for (let p = 0; p < k; p++, q += 3) pa[q] = a[row * aRow + p * aCol]!;
      } else {
        for (let p = 0; p < k; p++, q += 3) pa[q] = 0;
      }
    }
  }
  // Panel of columns j … j+3 of B: at j·k + 4p + r, B[p][j + r].
  for (let j = 0; j < nPadded; j += 4) {
    for (let r = 0; r < 4; r++) {
      const col = j + r;
      let q = j * k + r;
      if (col < n) {
        for (let p = 0; p < k; p++, q += 4) pb[q] = b[p * bRow + col * bCol]!;
      } else {
        for (let p = 0; p < k; p++, q += 4) pb[q] = 0;
      }
    }
  }

  for (let i = 0; i < mPadded; i += 3) {
    for (let j = 0; j < nPadded; j += 4) {
      // The tile C[i … i+2][j … j+3], summed in registers.
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let qa = i * k;
      let qb = j * k;
      for (let p = 0; p < k; p++) {
        const x0 = pa[qa]!, x1 = pa[qa + 1]!, x2 = pa[qa + 2]!;
        const w0 = pb[qb]!, w1 = pb[qb + 1]!, w2 = pb[qb + 2]!, w3 = pb[qb + 3]!;
        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
        s20 += x2 * w0; s21 += x2 * w1; s22 += x2 * w2; s23 += x2 * w3;
        qa += 3;
        qb += 4;
      }
      const c0 = i * n + j;
      if (i + 3 <= m && j + 4 <= n) {
        c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03;
        c[c0 + n] = s10; c[c0 + n + 1] = s11; c[c0 + n + 2] = s12; c[c0 + n + 3] = s13;
        c[c0 + 2 * n] = s20; c[c0 + 2 * n + 1] = s21; c[c0 + 2 * n + 2] = s22; c[c0 + 2 * n + 3] = s23;
      } else {
        edgeTile[0] = s00; edgeTile[1] = s01; edgeTile[2] = s02; edgeTile[3] = s03;
        edgeTile[4] = s10; edgeTile[5] = s11; edgeTile[6] = s12; edgeTile[7] = s13;
        edgeTile[8] = s20; edgeTile[9] = s21; edgeTile[10] = s22; edgeTile[11] = s23;
        for (let r = 0; r < 3 && i + r < m; r++) {
          for (let col = 0; col < 4 && j + col < n; col++) c[c0 + r * n + col] = edgeTile[r * 4 + col]!;
        }
      }
    }
  }
}

/** Products with at most this many multiply-adds (m·n·k) take {@link gemmSmall}. */
const SMALL_PRODUCT = 4096;

/**
 * {@link gemm} for small products, without packing. At these sizes copying A and B into padded
 * panels costs more than the product itself (a 10×8 · 8×1 product packed 128 values and summed 384
 * products, 80 of them real), so C is computed in 2×4 tiles read straight from A and B through
 * their strides (2·4 sums plus 6 operands still fit in registers), the last columns when n is not
 * a multiple of 4 in 2×1 tiles. Each C[i][j] is the same sum as in gemm, Σ_p A[i][p]·B[p][j] with p
 * ascending from 0, kept in float64 and rounded once when stored, so the results are identical.
 */
function gemmSmall(
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
  const nTiled = n - (n % 4);
  for (let i = 0; i < m; i += 2) {
    // Rows i and i + 1; when m is odd the last tile reads row m − 1 twice and stores its sums twice.
    const nextRow = i + 1 < m ? i + 1 : i;
    const c0 = i * n;
    const c1 = nextRow * n;
    for (let j = 0; j < nTiled; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let qa0 = i * aRow;
      let qa1 = nextRow * aRow;
      let qb = j * bCol;
      for (let p = 0; p < k; p++) {
        const x0 = a[qa0]!, x1 = a[qa1]!;
        const w0 = b[qb]!, w1 = b[qb + bCol]!, w2 = b[qb + 2 * bCol]!, w3 = b[qb + 3 * bCol]!;
        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
        qa0 += aCol;
        qa1 += aCol;
        qb += bRow;
      }
      c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
      c[c1 + j] = s10; c[c1 + j + 1] = s11; c[c1 + j + 2] = s12; c[c1 + j + 3] = s13;
    }
    for (let j = nTiled; j < n; j++) {
      let s0 = 0, s1 = 0;
      let qa0 = i * aRow;
      let qa1 = nextRow * aRow;
      let qb = j * bCol;
      for (let p = 0; p < k; p++) {
        const w = b[qb]!;
        s0 += a[qa0]! * w;
        s1 += a[qa1]! * w;
        qa0 += aCol;
        qa1 += aCol;
        qb += bRow;
      }
      c[c0 + j] = s0;
      c[c1 + j] = s1;
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
