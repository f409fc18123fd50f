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
 *   network on a batch of 10) skip the packing: {@link gemmSmall}.
 * - Large products can be shared with helper threads ({@link setParallelProducts}; Node.js only,
 *   installed by `@twinprop/engine-reference/threads`): each takes whole row panels of C and
 *   computes them with the same {@link multiplyPanels}, so every element is the same sum in the
 *   same order whichever thread computes it, and the result is bit-identical to one thread's.
 */
/** A new zero-filled array of `dtype`. */
export declare function allocate(dtype: DType, length: number): FloatArray;
/** Rows of C per tile (and of A per panel). */
export declare const TILE_ROWS = 2;
/** Columns of C per tile (and of B per panel). */
export declare const TILE_COLS = 5;
/**
 * What shares large products with helper threads. The engine itself has no threads (its main
 * entry runs in browsers); Node.js apps install one with `@twinprop/engine-reference/threads`.
 */
export interface ParallelProducts {
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
}
/** Installs (or, with `undefined`, removes) the helper threads that share large products, for every model of this engine in this thread. */
export declare function setParallelProducts(products: ParallelProducts | undefined): void;
/**
 * C[m × n] = A[m × k] · B[k × n], where A[i][p] = a[i·aRow + p·aCol] and B[p][j] = b[p·bRow + j·bCol];
 * C is row-major and dense. Overwrites C.
 */
export declare function gemm(m: number, n: number, k: number, a: FloatArray, aRow: number, aCol: number, b: FloatArray, bRow: number, bCol: number, c: FloatArray): void;
/**
 * Stores rows [2·firstPanel, 2·endPanel) ∩ [0, m) of C [m × n] from the packed panels of
 * {@link gemm}: A's row panels from 0, B's column panels from `bOffset`, each k deep. Every
 * C[i][j] is Σ_p A[i][p]·B[p][j] with p ascending from 0, summed in float64 and rounded once when
 * stored — whichever rows a call is given, so splitting the row panels between threads changes
 * nothing in the result.
 */
export declare function multiplyPanels(p: Float64Array, bOffset: number, m: number, n: number, k: number, firstPanel: number, endPanel: number, c: FloatArray): void;
/** C[m × n] = A[m × k] · B[k × n]. */
export declare function multiply(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void;
/** C[k × n] = Aᵀ · B for A [m × k] and B [m × n] (the reduction runs over the m rows). */
export declare function multiplyTransposedA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void;
/** C[m × k] = A · Bᵀ for A [m × n] and B [k × n] (the reduction runs over the n columns). */
export declare function multiplyTransposedB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
/** Adds `bias` [n] to every row of `z` [m × n] in place. */
export declare function addRowVector(z: FloatArray, bias: FloatArray, m: number, n: number): void;
/**
 * out[j] = Σ_i a[i][j] over the m rows of a [m × n] — the bias gradient Σ_rows ∂L/∂Z. Each sum
 * is kept in float64 and rounded once when stored.
 */
export declare function sumRows(a: FloatArray, out: FloatArray, m: number, n: number): void;
//# sourceMappingURL=matrix.d.ts.map