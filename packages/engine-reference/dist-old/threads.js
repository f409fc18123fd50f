import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { multiplyPanels, setParallelProducts, TILE_ROWS } from './matrix.js';
import { B_OFFSET, BUFFERS, CHUNKS, CLAIM, claimChunk, CONTROL_LENGTH, DEAD, DONE, FAILED, FAULT, FAULT_EXIT, FAULT_THROW, JOB, JOB_EXIT, JOB_PRODUCT, K, M, MAX_CHUNKS, N, openClaims, PANELS_PER_CHUNK, SEQ, STARTED, tagOf, } from './threads-protocol.js';
/**
 * Default threshold: 2¹⁸ multiply-adds, about 50 µs of one thread's work. Waking a helper and
 * handing back its rows costs a few microseconds when it is idle, so from here on sharing pays;
 * a 784-128-10 batch of 64 shares its two 6.4M-multiply-add products, not its 82k ones.
 */
export const DEFAULT_MIN_MULTIPLY_ADDS = 1 << 18;
/** Chunks per thread a product is cut into (more balance the load, fewer synchronize less). */
const CHUNKS_PER_THREAD = 4;
/** Why a pool refuses to compute. */
export class ThreadPoolError extends Error {
    name = 'ThreadPoolError';
}
/** The helper threads, and the {@link ParallelProducts} seam the engine's `gemm` calls. */
export class ThreadPool {
    threads;
    minMultiplyAdds;
    /** Products shared so far (a product below the threshold is not counted). */
    sharedProducts = 0;
    /** Chunks the helpers computed so far. */
    helperChunks = 0;
    control;
    workers = [];
    ports = [];
    /** C as the helpers store their chunks, [m × n] row-major, grow-only. */
    scratch;
    panels;
    generation = 0;
    /** Which chunks of the current product the calling thread took. */
    mine = new Uint8Array(MAX_CHUNKS);
    failure;
    closed = false;
    constructor(options = {}) {
        const threads = options.threads ?? Math.min(8, availableParallelism());
        if (!Number.isInteger(threads) || threads < 1 || threads > 64)
            throw new RangeError(`threads must be an integer from 1 to 64 (got ${threads})`);
        const min = options.minMultiplyAdds ?? DEFAULT_MIN_MULTIPLY_ADDS;
        if (!(min >= 0))
            throw new RangeError(`minMultiplyAdds must be ≥ 0 (got ${min})`);
        this.threads = threads;
        this.minMultiplyAdds = min;
        this.control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * Int32Array.BYTES_PER_ELEMENT));
        this.scratch = sharedFloat64(0);
        const url = options.workerUrl ?? new URL('./threads-worker.js', import.meta.url);
        for (let w = 1; w < threads; w++) {
            const { port1, port2 } = new MessageChannel();
            // No execArgv: the process's own flags (--input-type, --cpu-prof, …) are not the helper's.
            const worker = new Worker(url, { workerData: { control: this.control.buffer, port: port2 }, transferList: [port2], execArgv: [] });
            // A helper that cannot start (or dies before it could say so on the control block) breaks the pool.
            worker.on('error', (error) => {
                this.failure ??= `a helper thread failed: ${error.message}`;
            });
            worker.on('exit', () => {
                if (!this.closed)
                    this.failure ??= 'a helper thread exited';
            });
            worker.unref();
            port1.unref();
            this.workers.push(worker);
            this.ports.push(port1);
        }
    }
    /** Helpers that have started (they start asynchronously; until then the calling thread computes alone). */
    get startedHelpers() {
        return Atomics.load(this.control, STARTED);
    }
    /** Resolves once every helper has started, so that the next product is shared. */
    async ready() {
        const deadline = performance.now() + 30_000;
        while (this.startedHelpers < this.workers.length) {
            this.throwIfBroken();
            if (performance.now() > deadline)
                throw new ThreadPoolError('the helper threads did not start within 30 s');
            await new Promise((resolve) => setTimeout(resolve, 2));
        }
    }
    allocatePanels(length) {
        this.panels = sharedFloat64(length);
        this.publishBuffers();
        return this.panels;
    }
    multiply(panels, bOffset, m, n, k, c) {
        this.throwIfBroken();
        const control = this.control;
        const rowPanels = Math.ceil(m / TILE_ROWS);
        const panelsPerChunk = Math.max(1, Math.ceil(rowPanels / Math.min(MAX_CHUNKS, this.threads * CHUNKS_PER_THREAD)));
        const chunks = Math.ceil(rowPanels / panelsPerChunk);
        if (this.scratch.length < m * n) {
            this.scratch = sharedFloat64(m * n);
            this.publishBuffers();
        }
        if (panels !== this.panels)
            throw new ThreadPoolError('the panels were not allocated by this pool');
        // Publish (SEQ odd while writing, even when done), then wake the helpers.
        const seq = Atomics.add(control, SEQ, 1) + 2;
        Atomics.store(control, JOB, JOB_PRODUCT);
        Atomics.store(control, M, m);
        Atomics.store(control, N, n);
        Atomics.store(control, K, k);
        Atomics.store(control, B_OFFSET, bOffset);
        Atomics.store(control, PANELS_PER_CHUNK, panelsPerChunk);
        Atomics.store(control, CHUNKS, chunks);
        Atomics.store(control, DONE, 0);
        const tag = tagOf(seq);
        Atomics.store(control, CLAIM, openClaims(tag));
        Atomics.store(control, SEQ, seq);
        Atomics.notify(control, SEQ);
        // Our share: every chunk no helper takes first.
        const mine = this.mine;
        mine.fill(0, 0, chunks);
        let taken = 0;
        for (let chunk = claimChunk(control, tag, chunks); chunk >= 0; chunk = claimChunk(control, tag, chunks)) {
            const first = chunk * panelsPerChunk;
            multiplyPanels(panels, bOffset, m, n, k, first, Math.min(rowPanels, first + panelsPerChunk), c);
            mine[chunk] = 1;
            taken++;
        }
        // Wait for the helpers' chunks, then copy their rows of C.
        const theirs = chunks - taken;
        for (let done = Atomics.load(control, DONE); done < theirs; done = Atomics.load(control, DONE)) {
            this.throwIfBroken();
            Atomics.wait(control, DONE, done, 100);
        }
        this.throwIfBroken();
        this.sharedProducts++;
        this.helperChunks += theirs;
        if (theirs === 0)
            return;
        const scratch = this.scratch;
        for (let chunk = 0; chunk < chunks; chunk++) {
            if (mine[chunk] === 1)
                continue;
            const start = chunk * panelsPerChunk * TILE_ROWS * n;
            const end = Math.min(m, (chunk + 1) * panelsPerChunk * TILE_ROWS) * n;
            for (let q = start; q < end; q++)
                c[q] = scratch[q];
        }
    }
    /**
     * A test seam: the next chunk a helper takes throws (`'throw'`) or ends the helper's thread
     * (`'exit'`), so that tests can check the failure surfaces as an error.
     */
    plantFault(kind) {
        Atomics.store(this.control, FAULT, kind === 'throw' ? FAULT_THROW : FAULT_EXIT);
    }
    /** Stops the helpers (and uninstalls the pool if {@link enableThreads} installed it). Idempotent. */
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        if (installed === this) {
            setParallelProducts(undefined);
            installed = undefined;
        }
        Atomics.add(this.control, SEQ, 1);
        Atomics.store(this.control, JOB, JOB_EXIT);
        Atomics.add(this.control, SEQ, 1);
        Atomics.notify(this.control, SEQ);
        await Promise.all(this.workers.map((w) => w.terminate()));
        for (const port of this.ports)
            port.close();
    }
    publishBuffers() {
        this.generation++;
        for (const port of this.ports)
            port.postMessage({ generation: this.generation, panels: this.panels, scratch: this.scratch });
        Atomics.store(this.control, BUFFERS, this.generation);
    }
    throwIfBroken() {
        if (this.closed)
            throw new ThreadPoolError('the thread pool is closed');
        if (this.failure === undefined) {
            if (Atomics.load(this.control, FAILED) !== 0) {
                const messages = this.ports.map((port) => receiveMessageOnPort(port)?.message);
                this.failure = `a helper thread failed: ${messages.find((m) => m?.error !== undefined)?.error ?? 'no message'}`;
            }
            else if (Atomics.load(this.control, DEAD) !== 0) {
                this.failure = 'a helper thread exited';
            }
        }
        if (this.failure !== undefined)
            throw new ThreadPoolError(`${this.failure}; the reference engine's shared products cannot continue (close the pool to compute on one thread)`);
    }
}
function sharedFloat64(length) {
    return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}
let installed;
/**
 * Starts helper threads and installs them for every reference-engine model in this thread
 * (replacing a pool installed before, which is closed). With `threads: 1` nothing is started and
 * products stay on the calling thread. Returns the pool (close it to stop the helpers; they never
 * keep the process alive anyway).
 */
export function enableThreads(options = {}) {
    const previous = installed;
    installed = undefined;
    if (previous !== undefined)
        void previous.close();
    const pool = new ThreadPool(options);
    if (pool.threads > 1) {
        installed = pool;
        setParallelProducts(pool);
    }
    else {
        setParallelProducts(undefined);
    }
    return pool;
}
/** Closes the installed pool, if any: products run on the calling thread again. */
export async function disableThreads() {
    const pool = installed;
    installed = undefined;
    setParallelProducts(undefined);
    if (pool !== undefined)
        await pool.close();
}
//# sourceMappingURL=threads.js.map