import type { DType, FloatArray, OptimizerConfig } from '@twinprop/core';

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
 * - Before the product, A's rows and B's columns are copied ("packed") into one float64 array of
 *   panels, in exactly the order the tile loop reads them, so that loop walks one array with unit
 *   steps and only ever sees a Float64Array. The copy costs O(m·k + k·n) against the product's
 *   O(m·k·n); copying a float32 into a float64 is exact.
 * - C is computed in 2×5 tiles ({@link multiplyPanels}). Each tile keeps its ten sums in local
 *   variables for the whole reduction, so one pass over k loads 2 values of A and 5 of B for 10
 *   multiply-adds, and C is written once. V8 spends about six instructions on each typed-array
 *   load (index, bounds check, address), so the tile is as large as the x64 registers allow:
 *   2×5 ran 5.5 GFLOP/s where the former 3×4 tile over two panel arrays ran 4.7, 3×4 over one
 *   array 5.2, and 4×4, 4×6 or 6×6 (sums spilled to the stack) 4.3–5.3. Indices are kept in
 *   int32 with `| 0`, which spares V8 an overflow check per load.
 * - The panels are padded with zero rows and columns up to whole tiles, so there is no separate
 *   code for the edges; a tile that sticks out stores only its part inside C.
 * - In float32 the sums are therefore kept in float64 and rounded once when stored into C, which
 *   is at least as accurate as summing in float32.
 * - Small products (at most {@link SMALL_PRODUCT} multiply-adds, e.g. every product of a 2-8-8-1
 *   network on a batch of 10) and products with a small B ({@link SMALL_B} entries, e.g. that
 *   network predicting any number of rows) skip the packing: {@link gemmSmall}.
 * - The first large product of a thread is preceded by a few small ones ({@link primePackedProduct})
 *   so that V8 compiles the kernels from complete type feedback before it, not in the middle.
 * - Large products can be shared with helper threads ({@link setHelperThreads}; Node.js only,
 *   installed by `@twinprop/engine-reference/threads`): each takes whole row panels of C and
 *   computes them with the same {@link multiplyPanels}, so every element is the same sum in the
 *   same order whichever thread computes it, and the result is bit-identical to one thread's.
 */

/** A new zero-filled array of `dtype`. */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** Rows of C per tile (and of A per panel). */
export const TILE_ROWS = 2;
/** Columns of C per tile (and of B per panel). */
export const TILE_COLS = 5;

/**
 * Helper threads that share the engine's large products and parameter updates. The engine itself
 * has no threads (its main entry runs in browsers); Node.js apps install them with
 * `@twinprop/engine-reference/threads`.
 */
export interface HelperThreads {
  /** Products of at least this many multiply-adds (m·n·k) are shared; smaller ones run on the calling thread. */
  readonly minMultiplyAdds: number;
  /** A zero-filled Float64Array of `length` that the helper threads can read (backed by a SharedArrayBuffer). */
  allocatePanels(length: number): Float64Array;
  /**
   * Stores C [m × n] from packed panels (as {@link multiplyPanels} over all row panels would),
   * the calling thread and the helpers each taking whole row panels. Returns when all of C is
   * stored; throws if a helper failed.
   */
  multiply(panels: Float64Array, bOffset: number, m: number, n: number, k: number, c: FloatArray): void;
  /** A zero-filled array of `dtype` the helpers can read and write: parameters, their gradients and optimizer slots live here. */
  allocateShared(dtype: DType, length: number): FloatArray;
  /**
   * Applies the engine's own update rule to one parameter tensor (as `OPTIMIZER_UPDATES[config.kind]`
   * would), its elements shared with the helpers; returns false, having done nothing, when the
   * tensor is too small to share or its arrays are not shared ones.
   */
  update(config: OptimizerConfig, theta: FloatArray, gradient: FloatArray, slots: readonly FloatArray[], accBetas: Float64Array): boolean;
  /**
   * Starts the helpers now if they are not running yet: a model whose products will be large was
   * created, so they boot (tens of milliseconds) while its data is prepared rather than during its
   * first steps. Optional: helpers that are always running need not have it.
   */
  prepare?(): void;
}

let parallel: HelperThreads | undefined;

/** Installs (or, with `undefined`, removes) the helper threads, for every model of this engine in this thread. */
export function setHelperThreads(helpers: HelperThreads | undefined): void {
  parallel = helpers;
  panels = new Float64Array(0);
}

/** The installed helper threads, if any. */
export function helperThreads(): HelperThreads | undefined {
  return parallel;
}

/**
 * A new zero-filled array for a parameter, its gradient or an optimizer slot: shared with the
 * helper threads when they are installed (so that updates can be split), else {@link allocate}'s.
 */
export function allocateParameter(dtype: DType, length: number): FloatArray {
  return parallel === undefined ? allocate(dtype, length) : parallel.allocateShared(dtype, length);
}

/**
 * Grow-only panel buffer, reused by every product, so that training steps allocate nothing: A's
 * row panels from 0, then B's column panels from `bOffset`.
 */
let panels: Float64Array = new Float64Array(0);

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
  const multiplyAdds = m * n * k;
  const shared = parallel !== undefined && multiplyAdds >= parallel.minMultiplyAdds ? parallel : undefined;
  if (multiplyAdds <= SMALL_PRODUCT || (k * n <= SMALL_B && shared === undefined)) {
    gemmSmall(m, n, k, a, aRow, aCol, b, bRow, bCol, c);
    return;
  }
  if (multiplyAdds >= PRIMING_PRODUCT) primePackedProduct(c);
  gemmPacked(m, n, k, a, aRow, aCol, b, bRow, bCol, c, shared);
}

/** {@link gemm} through the packed panels, its products shared with `shared` when given. */
function gemmPacked(
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
  shared: HelperThreads | undefined,
): void {
  // Round m up to whole row panels and n up to whole column panels; the padding is zeros.
  const rowPanels = Math.ceil(m / TILE_ROWS);
  const nPadded = Math.ceil(n / TILE_COLS) * TILE_COLS;
  const bOffset = rowPanels * TILE_ROWS * k;
  const formsOffset = bOffset + nPadded * k;
  const length = formsOffset + rowPanels;
  if (panels.length < length) panels = parallel === undefined ? new Float64Array(length) : parallel.allocatePanels(length);
  const pa = panels;
  // Only when B holds no NaN or ±∞ may a zero of A be skipped (0·∞ is NaN, not 0).
  const mayCompact = packColumnPanels(b, bRow, bCol, k, n, pa, bOffset);
  for (let panel = 0; panel < rowPanels; panel++) {
    const i = panel * TILE_ROWS;
    pa[formsOffset + panel] = packRowPanel(a, i * aRow, i + 1 < m ? (i + 1) * aRow : -1, aCol, k, pa, i * k, mayCompact);
  }
  if (shared !== undefined) shared.multiply(pa, bOffset, m, n, k, c);
  else multiplyAllPanels(pa, bOffset, m, n, k, c);
}

/**
 * Stores all of C from the packed panels on the calling thread, as {@link multiplyPanels} over
 * every row panel would, a few row panels per call: once V8 has compiled the tile loop, the next
 * call runs the compiled code (see {@link primePackedProduct}).
 */
export function multiplyAllPanels(p: Float64Array, bOffset: number, m: number, n: number, k: number, c: FloatArray): void {
  const rowPanels = Math.ceil(m / TILE_ROWS);
  for (let first = 0; first < rowPanels; first += ROW_PANELS_PER_CALL) multiplyPanels(p, bOffset, m, n, k, first, Math.min(rowPanels, first + ROW_PANELS_PER_CALL), c);
}

/** Row panels per call of {@link multiplyPanels} in {@link multiplyAllPanels} (the helper threads take chunks of their own). */
const ROW_PANELS_PER_CALL = 8;

/** Whether {@link primePackedProduct} has run in this thread for C's element type. */
let primedFloat32 = false;
let primedFloat64 = false;

function isPrimed(c: FloatArray): boolean {
  return c instanceof Float32Array ? primedFloat32 : primedFloat64;
}

/**
 * Products of at least this many multiply-adds are preceded by {@link primePackedProduct} (once per
 * element type and thread): at the ~60 ns a multiply-add of the first, interpreted MNIST product,
 * one of this size takes ~4 ms before V8 compiles it — about what the priming costs. Models with a
 * layer of at least this many weights prime when they are created, since any batch then
 * multiplies this much.
 */
export const PRIMING_PRODUCT = 2 ** 16;

/**
 * Runs the packed product a few times on small operands of C's element type (Float32Array or
 * Float64Array), through every branch of its packing and tile loops, once per element type and
 * thread (later calls return at once); the results are thrown away. {@link gemm} calls it before
 * the first product of {@link PRIMING_PRODUCT} multiply-adds or more, models with large layers
 * when they are created, the helper threads when they start.
 *
 * Why: V8 compiles a function after it has run for a while, from the type feedback gathered so
 * far, and compiles a loop that keeps running while it runs ("on-stack replacement", slower to get
 * and started anew for each loop). The first large product of a process ran ~100 ms in V8's
 * interpreter: its loops were compiled mid-product from feedback in which the branches not yet
 * taken (the last, partial column panel, compact or dense row panels, edge tiles) had none, and
 * reaching one threw the compiled code away and started again (`--trace-deopt` counted 9 such
 * deoptimizations in the first 784-128-10 step). Primed, every branch has feedback before the
 * compiler looks, the compiles start at once and finish in the background (on another core)
 * while the model is prepared, and the tile loop, called a few row panels at a time, picks the
 * compiled code up at its next call. Measured on that network, batch 64, float32, one thread, in
 * fresh processes alternating with the previous build: first step 96–113 ms before, 17–21 ms
 * primed; the first 40 steps 363–395 ms against 267–284 ms (the priming, ~7 ms, runs when the
 * model is created); later steps unchanged.
 */
export function primePackedProduct(like: FloatArray): void {
  if (isPrimed(like)) return;
  const Type = like instanceof Float32Array ? Float32Array : Float64Array;
  if (Type === Float32Array) primedFloat32 = true;
  else primedFloat64 = true;
  // m odd (a padding row), n = 23 (a partial column panel, edge tiles); A sparse (compact row panels) and dense in turn.
  const m = 5, k = 40, n = 23;
  const a = new Type(m * k), b = new Type(k * n), c = new Type(m * n);
  for (let i = 0; i < b.length; i++) b[i] = (i % 7) - 3;
  for (let round = 0; round < PRIMING_ROUNDS; round++) {
    for (let i = 0; i < a.length; i++) a[i] = round % 2 === 0 ? (i % 5 === 0 ? 1 : 0) : (i % 3) + 1;
    gemmPacked(m, n, k, a, k, 1, b, n, 1, c, undefined);
    gemmPacked(n, m, k, b, 1, n, a, 1, k, c, undefined); // Bᵀ · Aᵀ: transposed strides
  }
}

/** Rounds of {@link primePackedProduct}: 2 and 4 left the first step at 61–75 ms, 8 brought it to ~20 ms. */
const PRIMING_ROUNDS = 8;

/**
 * Packs B [k × n] into column panels from `offset`: panel j (columns j … j+4) at offset + j·k,
 * B[p][j + r] at offset + j·k + 5p + r, written in order so the writes are sequential; columns past
 * n are zeros. Returns true when every value is finite.
 */
function packColumnPanels(b: FloatArray, bRow: number, bCol: number, k: number, n: number, pa: Float64Array, offset: number): boolean {
  // Stays 0 unless B holds a NaN or ±∞ (0·NaN and 0·∞ are NaN; a sum that overflows counts too, which only costs the skipping).
  let zeroUnlessNonFinite = 0;
  const nFull = n - (n % TILE_COLS);
  for (let j = 0; j < nFull; j += TILE_COLS) {
    let q = offset + j * k;
    const col0 = j * bCol;
    for (let p = 0; p < k; p++, q += TILE_COLS) {
      const at = p * bRow + col0;
      const w0 = b[at]!, w1 = b[at + bCol]!, w2 = b[at + 2 * bCol]!, w3 = b[at + 3 * bCol]!, w4 = b[at + 4 * bCol]!;
      pa[q] = w0;
      pa[q + 1] = w1;
      pa[q + 2] = w2;
      pa[q + 3] = w3;
      pa[q + 4] = w4;
      zeroUnlessNonFinite += (w0 + w1 + w2 + w3 + w4) * 0;
    }
  }
  if (nFull < n) {
    // The last, partial panel: columns past n are padding.
    let q = offset + nFull * k;
    for (let p = 0; p < k; p++, q += TILE_COLS) {
      for (let r = 0; r < TILE_COLS; r++) {
        const w = nFull + r < n ? b[p * bRow + (nFull + r) * bCol]! : 0;
        pa[q + r] = w;
        zeroUnlessNonFinite += w * 0;
      }
    }
  }
  return zeroUnlessNonFinite === 0;
}

/**
 * Packs rows row0 and row1 of A (offsets of A[i][0] and A[i+1][0]; row1 −1 when it is padding)
 * into one row panel at `q`, k deep, and returns its form: {@link DENSE_PANEL} — pairs
 * (A[i][p], A[i+1][p]) for every p, in order (p outer and r inner, so the writes are sequential
 * and so are the reads along a row of A, or, for Aᵀ, pairs of neighbours) — or, when `mayCompact`
 * and at most 2/3 of the pairs hold a non-zero, the number of triples (A[i][p], A[i+1][p], 5p) of
 * those pairs only (see {@link multiplyPanels}). 2/3: the triples then fit the 2k values of a
 * dense panel, and the compact loop runs at most 2/3 of the dense loop's iterations for one more
 * load each (the threshold is not tuned; MNIST's panels are 22–29% non-zero pairs, far below it).
 */
function packRowPanel(a: FloatArray, row0: number, row1: number, aCol: number, k: number, pa: Float64Array, q: number, mayCompact: boolean): number {
  if (mayCompact) {
    let pairs = 0;
    for (let p = 0; p < k; p++) if (a[row0 + p * aCol] !== 0 || (row1 >= 0 && a[row1 + p * aCol] !== 0)) pairs++;
    if (3 * pairs <= 2 * k) {
      for (let p = 0; p < k; p++) {
        const x0 = a[row0 + p * aCol]!;
        const x1 = row1 >= 0 ? a[row1 + p * aCol]! : 0;
        if (x0 === 0 && x1 === 0) continue;
        pa[q] = x0;
        pa[q + 1] = x1;
        pa[q + 2] = TILE_COLS * p;
        q += 3;
      }
      return pairs;
    }
  }
  for (let p = 0; p < k; p++, q += TILE_ROWS) {
    pa[q] = a[row0 + p * aCol]!;
    pa[q + 1] = row1 >= 0 ? a[row1 + p * aCol]! : 0;
  }
  return DENSE_PANEL;
}

/** The sums of a tile that sticks out past C's last row or column, before the part inside is stored. */
const edgeTile = new Float64Array(TILE_ROWS * TILE_COLS);

/** In the forms region of the panels: a row panel stored dense (else the entry is its number of triples). */
const DENSE_PANEL = -1;

/**
 * Stores rows [2·firstPanel, 2·endPanel) ∩ [0, m) of C [m × n] from the packed panels of
 * {@link gemm}: A's row panels from 0, B's column panels from `bOffset`, each k deep, then one
 * entry per row panel saying how it is stored. Every C[i][j] is Σ_p A[i][p]·B[p][j] with p
 * ascending from 0, summed in float64 and rounded once when stored — whichever rows a call is
 * given, so splitting the row panels between threads changes nothing in the result.
 *
 * A row panel is stored dense (pairs A[i][p], A[i+1][p] for every p) or compact: only the pairs
 * with a non-zero, each with its 5p (where row p of the column panel starts). Compact panels come
 * from sparse inputs — MNIST's pixels are 81% zeros, and 70–78% of the pairs of a batch are (0, 0)
 * — and skip the terms 0·B[p][j]. Skipping them changes no bit: gemm compacts only when every
 * B[p][j] is finite, so each skipped term is ±0; a sum that starts at +0 is never −0 (x + y is −0
 * only when both are), and s + (±0) = s for every other s.
 */
export function multiplyPanels(
  p: Float64Array,
  bOffset: number,
  m: number,
  n: number,
  k: number,
  firstPanel: number,
  endPanel: number,
  c: FloatArray,
): void {
  const nPadded = Math.ceil(n / TILE_COLS) * TILE_COLS;
  const formsOffset = bOffset + nPadded * k;
  const iEnd = endPanel * TILE_ROWS;
  for (let i = firstPanel * TILE_ROWS; i < iEnd; i += TILE_ROWS) {
    const form = p[formsOffset + i / TILE_ROWS]!;
    for (let j = 0; j < nPadded; j += TILE_COLS) {
      // The tile C[i … i+1][j … j+4], summed in registers.
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s04 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0;
      let qa = i * k;
      if (form === DENSE_PANEL) {
        let qb = (bOffset + j * k) | 0;
        const qaEnd = qa + 2 * k;
        // Literal 2 and 5 (TILE_ROWS, TILE_COLS) in this loop, so that V8 need not look them up.
        while (qa < qaEnd) {
          const x0 = p[qa]!, x1 = p[(qa + 1) | 0]!;
          const w0 = p[qb]!, w1 = p[(qb + 1) | 0]!, w2 = p[(qb + 2) | 0]!, w3 = p[(qb + 3) | 0]!, w4 = p[(qb + 4) | 0]!;
          s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3; s04 += x0 * w4;
          s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3; s14 += x1 * w4;
          qa = (qa + 2) | 0;
          qb = (qb + 5) | 0;
        }
      } else {
        // Compact: triples (A[i][p], A[i+1][p], 5p); the same sums in the same order, less the ±0 terms.
        const columnPanel = (bOffset + j * k) | 0;
        const qaEnd = qa + 3 * form;
        while (qa < qaEnd) {
          const x0 = p[qa]!, x1 = p[(qa + 1) | 0]!;
          const qb = (columnPanel + p[(qa + 2) | 0]!) | 0;
          const w0 = p[qb]!, w1 = p[(qb + 1) | 0]!, w2 = p[(qb + 2) | 0]!, w3 = p[(qb + 3) | 0]!, w4 = p[(qb + 4) | 0]!;
          s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3; s04 += x0 * w4;
          s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3; s14 += x1 * w4;
          qa = (qa + 3) | 0;
        }
      }
      const c0 = i * n + j;
      if (i + TILE_ROWS <= m && j + TILE_COLS <= n) {
        c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03; c[c0 + 4] = s04;
        c[c0 + n] = s10; c[c0 + n + 1] = s11; c[c0 + n + 2] = s12; c[c0 + n + 3] = s13; c[c0 + n + 4] = s14;
      } else {
        edgeTile[0] = s00; edgeTile[1] = s01; edgeTile[2] = s02; edgeTile[3] = s03; edgeTile[4] = s04;
        edgeTile[5] = s10; edgeTile[6] = s11; edgeTile[7] = s12; edgeTile[8] = s13; edgeTile[9] = s14;
        for (let r = 0; r < TILE_ROWS && i + r < m; r++) {
          for (let col = 0; col < TILE_COLS && j + col < n; col++) c[c0 + r * n + col] = edgeTile[r * TILE_COLS + col]!;
        }
      }
    }
  }
}

/** Products with at most this many multiply-adds (m·n·k) take {@link gemmSmall}. */
const SMALL_PRODUCT = 4096;

/**
 * Products whose B has at most this many entries (k·n) take {@link gemmSmall} too, however many
 * rows A has, unless they are shared with helper threads. With so few columns of B, packing A buys
 * no reuse (each row panel is read by one or two column panels, and n is padded up to a multiple
 * of 5), so the packed path was the slower one: a 2-8-8-1 network predicting 400 rows,
 * 400×8 · 8×8, took 15.2–15.4 µs without packing against 28.5–33.4 µs packed, 400×16 · 16×16
 * 57–62 against 69–73, 400×128 · 128×2 118–124 against 207–217 (float32, medians of 9). From
 * k·n = 512 on they were even or the packed path ahead (400×16 · 16×32: 113–118 against 107–120;
 * 1000×32 · 32×32: 590–612 against 511–530). It also keeps every product of a Playground-size
 * network, training and evaluating, on one kernel, so V8 compiles only that one for it.
 */
const SMALL_B = 256;

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
