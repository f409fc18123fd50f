import type { FloatArray } from '@twinprop/core';
import { type ParallelProducts } from './matrix.js';
/**
 * Node.js only: worker threads that share the reference engine's large matrix products
 * (`@twinprop/engine-reference/threads`). The engine's own entry point has no threads and runs
 * anywhere; a Node.js app that wants both cores calls {@link enableThreads} once.
 *
 * What is shared: the tile loop of every product of at least `minMultiplyAdds` multiply-adds
 * (m·n·k). The calling thread packs A and B into panels in a SharedArrayBuffer as it always does,
 * then it and the helpers take whole row panels of C in chunks (protocol in threads-protocol.ts)
 * and compute them with the same function, so each element of C is the same sum in the same order
 * as on one thread: results are bit-identical for any number of threads. Model methods stay
 * synchronous — the calling thread does its share and then waits (`Atomics.wait`) for the chunks
 * the helpers took; chunks no helper has taken yet it takes itself, so a helper that is slow to be
 * scheduled (a busy machine) delays nothing. Products below the threshold, packing, activations and
 * the optimizer stay on the calling thread.
 *
 * The helpers are `unref`'d: they never keep a process alive. A helper that throws or exits makes
 * the product throw an Error (never a hang), and every product after it, until
 * {@link ThreadPool.close} — the pool does not silently fall back to one thread.
 */
export interface ThreadOptions {
    /** Threads in all, the calling one included (default: the cores Node.js reports, at most 8). 1 means no helpers. */
    readonly threads?: number;
    /** Products of fewer multiply-adds run on the calling thread alone (default {@link DEFAULT_MIN_MULTIPLY_ADDS}). */
    readonly minMultiplyAdds?: number;
    /** The helper script (default: `threads-worker.js` beside this file; for bundlers, or tests running the sources). */
    readonly workerUrl?: URL;
}
/**
 * Default threshold: 2¹⁸ multiply-adds, about 50 µs of one thread's work. Waking a helper and
 * handing back its rows costs a few microseconds when it is idle, so from here on sharing pays;
 * a 784-128-10 batch of 64 shares its two 6.4M-multiply-add products, not its 82k ones.
 */
export declare const DEFAULT_MIN_MULTIPLY_ADDS: number;
/** Why a pool refuses to compute. */
export declare class ThreadPoolError extends Error {
    readonly name = "ThreadPoolError";
}
/** The helper threads, and the {@link ParallelProducts} seam the engine's `gemm` calls. */
export declare class ThreadPool implements ParallelProducts {
    readonly threads: number;
    readonly minMultiplyAdds: number;
    /** Products shared so far (a product below the threshold is not counted). */
    sharedProducts: number;
    /** Chunks the helpers computed so far. */
    helperChunks: number;
    private readonly control;
    private readonly workers;
    private readonly ports;
    /** C as the helpers store their chunks, [m × n] row-major, grow-only. */
    private scratch;
    private panels;
    private generation;
    /** Which chunks of the current product the calling thread took. */
    private mine;
    private failure;
    private closed;
    constructor(options?: ThreadOptions);
    /** Helpers that have started (they start asynchronously; until then the calling thread computes alone). */
    get startedHelpers(): number;
    /** Resolves once every helper has started, so that the next product is shared. */
    ready(): Promise<void>;
    allocatePanels(length: number): Float64Array;
    multiply(panels: Float64Array, bOffset: number, m: number, n: number, k: number, c: FloatArray): void;
    /**
     * A test seam: the next chunk a helper takes throws (`'throw'`) or ends the helper's thread
     * (`'exit'`), so that tests can check the failure surfaces as an error.
     */
    plantFault(kind: 'throw' | 'exit'): void;
    /** Stops the helpers (and uninstalls the pool if {@link enableThreads} installed it). Idempotent. */
    close(): Promise<void>;
    private publishBuffers;
    private throwIfBroken;
}
/**
 * Starts helper threads and installs them for every reference-engine model in this thread
 * (replacing a pool installed before, which is closed). With `threads: 1` nothing is started and
 * products stay on the calling thread. Returns the pool (close it to stop the helpers; they never
 * keep the process alive anyway).
 */
export declare function enableThreads(options?: ThreadOptions): ThreadPool;
/** Closes the installed pool, if any: products run on the calling thread again. */
export declare function disableThreads(): Promise<void>;
//# sourceMappingURL=threads.d.ts.map