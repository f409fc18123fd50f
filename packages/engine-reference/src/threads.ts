import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DType, FloatArray, OptimizerConfig } from '@twinprop/core';
import { multiplyAllPanels, multiplyPanels, setHelperThreads, TILE_ROWS, type HelperThreads } from './matrix.js';
import { updateRange } from './update-rules.js';
import {
  ACC_BETA_1,
  ACC_BETA_2,
  BETA_1,
  BETA_2,
  CHUNK_LENGTH,
  EPSILON,
  GRADIENT,
  JOB_UPDATE,
  LEARNING_RATE,
  LENGTH,
  NESTEROV,
  SCALARS_LENGTH,
  SLOT_0,
  SLOT_1,
  THETA,
  UPDATE_ADAM,
  UPDATE_MOMENTUM,
  UPDATE_RULE,
  UPDATE_SGD,
  B_OFFSET,
  BUFFERS,
  CHUNKS,
  CLAIM,
  claimChunk,
  CONTROL_LENGTH,
  DEAD,
  DONE,
  FAILED,
  FAULT,
  FAULT_EXIT,
  FAULT_NONE,
  FAULT_SLOW,
  FAULT_STALLING,
  FAULT_THROW,
  JOB,
  JOB_EXIT,
  JOB_PRODUCT,
  K,
  M,
  MAX_CHUNKS,
  N,
  openClaims,
  PANELS_PER_CHUNK,
  SEQ,
  STARTED,
  tagOf,
} from './threads-protocol.js';

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
  /** Parameter tensors of fewer elements are updated on the calling thread alone (default {@link DEFAULT_MIN_UPDATE_LENGTH}). */
  readonly minUpdateLength?: number;
  /** The helper script (default: `threads-worker.js` beside this file; for bundlers, or tests running the sources). */
  readonly workerUrl?: URL;
}

/**
 * Default threshold: 2¹⁸ multiply-adds, about 50 µs of one thread's work. Waking a helper and
 * handing back its rows costs a few microseconds when it is idle, so from here on sharing pays;
 * a 784-128-10 batch of 64 shares its two 6.4M-multiply-add products, not its 82k ones.
 */
export const DEFAULT_MIN_MULTIPLY_ADDS = 1 << 18;

/**
 * Default threshold for parameter updates: 2¹⁴ elements, about 150 µs of Adam on one thread; a
 * 784-128-10 network shares its first kernel (100,352 elements) and updates the rest alone.
 */
export const DEFAULT_MIN_UPDATE_LENGTH = 1 << 14;

/** Chunks per thread a product is cut into (more balance the load, fewer synchronize less). */
const CHUNKS_PER_THREAD = 4;

/**
 * When sharing a job costs more than it saves. On a busy machine a helper can be descheduled in
 * the middle of a chunk, and the calling thread then waits for it longer than it computed itself.
 * One such job is the noise of a shared machine (a helper preempted once) and costs one wait; two
 * in a row mean the cores are taken (another process, the garbage collector), and then the next
 * jobs run on the calling thread alone — 8, then twice as many each time it happens again, up to
 * 256 — before sharing is tried again; jobs where waiting stayed short bring the pause back down.
 * Results do not depend on it: each element is the same sum whichever thread computes it.
 */
export class StallPolicy {
  /** Pauses so far. */
  pauses = 0;
  /** Jobs still to run alone, the length of the next pause, and shared jobs in a row that waited too long. */
  private skipping = 0;
  private pause = 0;
  private strikes = 0;

  /** After a shared job: the milliseconds the calling thread computed, and those it waited for helpers. */
  judge(ownMs: number, waitedMs: number): void {
    if (waitedMs > ownMs) {
      this.strikes++;
      if (this.strikes < 2) return;
      this.strikes = 0;
      this.pause = Math.min(256, Math.max(8, this.pause * 2));
      this.skipping = this.pause;
      this.pauses++;
    } else {
      this.strikes = 0;
      if (waitedMs < ownMs / 4) this.pause >>= 1;
    }
  }

  /** Before a job that could be shared: whether it runs on the calling thread alone (counting down a pause). */
  runAlone(): boolean {
    if (this.skipping === 0) return false;
    this.skipping--;
    return true;
  }
}

/** Why a pool refuses to compute. */
export class ThreadPoolError extends Error {
  override readonly name = 'ThreadPoolError';
}

/** The helper threads, and the {@link HelperThreads} seam the engine's `gemm` calls. */
export class ThreadPool implements HelperThreads {
  readonly threads: number;
  readonly minMultiplyAdds: number;
  readonly minUpdateLength: number;
  /** Products shared so far (a product below the threshold is not counted). */
  sharedProducts = 0;
  /** Parameter updates shared so far. */
  sharedUpdates = 0;
  /** Milliseconds the calling thread spent waiting for helpers' chunks so far. */
  waitedMs = 0;
  /** When to stop sharing for a while ({@link StallPolicy}). */
  private readonly stalls = new StallPolicy();
  /** Times helpers held the calling thread up longer than it computed, twice in a row, so that the pool paused sharing. */
  get backoffs(): number {
    return this.stalls.pauses;
  }
  /** Chunks of products the helpers computed so far. */
  helperChunks = 0;
  /** Chunks of parameter updates the helpers computed so far. */
  helperUpdateChunks = 0;
  private readonly control: Int32Array;
  /** A parameter update's hyperparameters (threads-protocol.ts LEARNING_RATE …). */
  private readonly scalars: Float64Array;
  /** Ids of the shared arrays the helpers know (θ, gradients, slots), registered on first use. */
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  private nextId = 0;
  /** Arrays to post to the helpers with the next buffers message. */
  private registrations: Array<{ id: number; array: FloatArray }> = [];
  /** Tells the helpers to forget an array once the model that had it is gone (so they keep no memory alive). */
  private readonly releases = new FinalizationRegistry<number>((id) => {
    if (this.closed) return;
    for (const port of this.ports) port.postMessage({ release: id });
  });
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  /** C as the helpers store their chunks, [m × n] row-major, grow-only. */
  private scratch: Float64Array;
  private panels: Float64Array | undefined;
  private generation = 0;
  /** Which chunks of the current product the calling thread took. */
  private mine = new Uint8Array(MAX_CHUNKS);
  private failure: string | undefined;
  private closed = false;
  private started = false;
  private readonly workerUrl: URL;

  constructor(options: ThreadOptions = {}) {
    const threads = options.threads ?? Math.min(8, availableParallelism());
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`threads must be an integer from 1 to 64 (got ${threads})`);
    const min = options.minMultiplyAdds ?? DEFAULT_MIN_MULTIPLY_ADDS;
    if (!(min >= 0)) throw new RangeError(`minMultiplyAdds must be ≥ 0 (got ${min})`);
    this.threads = threads;
    this.minMultiplyAdds = min;
    this.minUpdateLength = options.minUpdateLength ?? DEFAULT_MIN_UPDATE_LENGTH;
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * Int32Array.BYTES_PER_ELEMENT));
    this.scalars = new Float64Array(new SharedArrayBuffer(SCALARS_LENGTH * Float64Array.BYTES_PER_ELEMENT));
    this.scratch = sharedFloat64(0);
    this.workerUrl = options.workerUrl ?? new URL('./threads-worker.js', import.meta.url);
  }

  /**
   * Starts the helpers — when a model with a large layer is created ({@link prepare}), on the first
   * product or update large enough to share, or on {@link ready} — so that a process that trains
   * only small networks never starts them.
   */
  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const url = this.workerUrl;
    for (let w = 1; w < this.threads; w++) {
      const { port1, port2 } = new MessageChannel();
      // No execArgv: the process's own flags (--input-type, --cpu-prof, …) are not the helper's.
      const worker = new Worker(url, {
        workerData: { control: this.control.buffer, scalars: this.scalars.buffer, port: port2 },
        transferList: [port2],
        execArgv: [],
      });
      // A helper that cannot start (or dies before it could say so on the control block) breaks the pool.
      worker.on('error', (error: Error) => {
        this.failure ??= `a helper thread failed: ${error.message}`;
      });
      worker.on('exit', () => {
        if (!this.closed) this.failure ??= 'a helper thread exited';
      });
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
      // What the pool allocated before the helpers existed.
      port1.postMessage({ generation: this.generation, panels: this.panels, scratch: this.scratch, register: [] });
    }
  }

  /** Starts the helpers if they are not running yet, without waiting for them (the engine calls it when a model with a large layer is created). */
  prepare(): void {
    this.start();
  }

  /** Helpers that have started (they start asynchronously; until then the calling thread computes alone). */
  get startedHelpers(): number {
    return Atomics.load(this.control, STARTED);
  }

  /** Starts the helpers if they are not running yet, and resolves once every one has started, so that the next product is shared. */
  async ready(): Promise<void> {
    this.start();
    const deadline = performance.now() + 30_000;
    while (this.startedHelpers < this.workers.length) {
      this.throwIfBroken();
      if (performance.now() > deadline) throw new ThreadPoolError('the helper threads did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  allocatePanels(length: number): Float64Array {
    this.panels = sharedFloat64(length);
    this.publishBuffers();
    return this.panels;
  }

  multiply(panels: Float64Array, bOffset: number, m: number, n: number, k: number, c: FloatArray): void {
    this.throwIfBroken();
    this.start();
    const control = this.control;
    const rowPanels = Math.ceil(m / TILE_ROWS);
    if (this.stalls.runAlone()) {
      multiplyAllPanels(panels, bOffset, m, n, k, c);
      return;
    }
    const started = performance.now();
    const panelsPerChunk = Math.max(1, Math.ceil(rowPanels / Math.min(MAX_CHUNKS, this.threads * CHUNKS_PER_THREAD)));
    const chunks = Math.ceil(rowPanels / panelsPerChunk);
    if (this.scratch.length < m * n) {
      this.scratch = sharedFloat64(m * n);
      this.publishBuffers();
    }
    if (panels !== this.panels) throw new ThreadPoolError('the panels were not allocated by this pool');

    // Publish (SEQ odd while writing, even when done), then wake the helpers.
    const seq = Atomics.add(control, SEQ, 1) + 2;
    Atomics.store(control, JOB, JOB_PRODUCT);
    Atomics.store(control, M, m);
    Atomics.store(control, N, n);
    Atomics.store(control, K, k);
    Atomics.store(control, B_OFFSET, bOffset);
    Atomics.store(control, PANELS_PER_CHUNK, panelsPerChunk);
    Atomics.store(control, CHUNKS, chunks);
    const tag = this.open(seq);

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
    this.stalls.judge(performance.now() - started, this.waitForHelpers(theirs));
    this.throwIfBroken();
    this.sharedProducts++;
    this.helperChunks += theirs;
    if (theirs === 0) return;
    const scratch = this.scratch;
    for (let chunk = 0; chunk < chunks; chunk++) {
      if (mine[chunk] === 1) continue;
      const start = chunk * panelsPerChunk * TILE_ROWS * n;
      const end = Math.min(m, (chunk + 1) * panelsPerChunk * TILE_ROWS) * n;
      for (let q = start; q < end; q++) c[q] = scratch[q]!;
    }
  }

  allocateShared(dtype: DType, length: number): FloatArray {
    return dtype === 'float32'
      ? new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT))
      : new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  }

  update(config: OptimizerConfig, theta: FloatArray, gradient: FloatArray, slots: readonly FloatArray[], accBetas: Float64Array): boolean {
    const length = theta.length;
    if (length < this.minUpdateLength || this.threads === 1 || slots.length > 2) return false;
    this.start();
    if (this.stalls.runAlone()) return false;
    const thetaId = this.idOf(theta);
    const gradientId = this.idOf(gradient);
    const slot0 = slots[0] === undefined ? -1 : this.idOf(slots[0]);
    const slot1 = slots[1] === undefined ? -1 : this.idOf(slots[1]);
    if (thetaId < 0 || gradientId < 0 || (slots[0] !== undefined && slot0 < 0) || (slots[1] !== undefined && slot1 < 0)) return false;
    this.throwIfBroken();
    if (this.registrations.length > 0) this.publishBuffers();
    const control = this.control;
    const chunks = Math.min(MAX_CHUNKS, this.threads * CHUNKS_PER_THREAD);
    const chunkLength = Math.ceil(length / chunks);
    const scalars = this.scalars;
    scalars[LEARNING_RATE] = config.learningRate;
    switch (config.kind) {
      case 'sgd':
        break;
      case 'momentum':
        scalars[BETA_1] = config.momentum;
        scalars[NESTEROV] = config.nesterov ? 1 : 0;
        break;
      case 'adam':
        scalars[BETA_1] = config.beta1;
        scalars[BETA_2] = config.beta2;
        scalars[EPSILON] = config.epsilon;
        scalars[ACC_BETA_1] = accBetas[0]!;
        scalars[ACC_BETA_2] = accBetas[1]!;
        break;
    }
    const seq = Atomics.add(control, SEQ, 1) + 2;
    Atomics.store(control, JOB, JOB_UPDATE);
    Atomics.store(control, UPDATE_RULE, config.kind === 'sgd' ? UPDATE_SGD : config.kind === 'momentum' ? UPDATE_MOMENTUM : UPDATE_ADAM);
    Atomics.store(control, LENGTH, length);
    Atomics.store(control, CHUNK_LENGTH, chunkLength);
    Atomics.store(control, CHUNKS, Math.ceil(length / chunkLength));
    Atomics.store(control, THETA, thetaId);
    Atomics.store(control, GRADIENT, gradientId);
    Atomics.store(control, SLOT_0, slot0);
    Atomics.store(control, SLOT_1, slot1);
    const tag = this.open(seq);

    const total = Math.ceil(length / chunkLength);
    const started = performance.now();
    let taken = 0;
    for (let chunk = claimChunk(control, tag, total); chunk >= 0; chunk = claimChunk(control, tag, total)) {
      const start = chunk * chunkLength;
      updateRange(config, theta, gradient, slots, accBetas, start, Math.min(length, start + chunkLength));
      taken++;
    }
    const theirs = total - taken;
    this.stalls.judge(performance.now() - started, this.waitForHelpers(theirs));
    this.throwIfBroken();
    this.sharedUpdates++;
    this.helperUpdateChunks += theirs;
    return true;
  }

  /**
   * Ends publishing job `seq`, whose parameters are stored: no chunk done yet, every chunk open to
   * claims, SEQ even again — then wakes the helpers. Returns the job's claim tag.
   */
  private open(seq: number): number {
    const control = this.control;
    Atomics.store(control, DONE, 0);
    const tag = tagOf(seq);
    Atomics.store(control, CLAIM, openClaims(tag));
    Atomics.store(control, SEQ, seq);
    Atomics.notify(control, SEQ);
    return tag;
  }

  /** Waits until the helpers have finished `chunks` chunks of the current job (or one has failed); returns the milliseconds waited. */
  private waitForHelpers(chunks: number): number {
    const control = this.control;
    if (Atomics.load(control, DONE) >= chunks) return 0;
    const started = performance.now();
    for (let done = Atomics.load(control, DONE); done < chunks; done = Atomics.load(control, DONE)) {
      this.throwIfBroken();
      Atomics.wait(control, DONE, done, 100);
    }
    const waited = performance.now() - started;
    this.waitedMs += waited;
    return waited;
  }

  /** The helpers' id of a shared array (registering it on first use), or −1 for an array that is not shared. */
  private idOf(array: FloatArray): number {
    const buffer = array.buffer;
    if (!(buffer instanceof SharedArrayBuffer) || array.byteOffset !== 0 || array.byteLength !== buffer.byteLength) return -1;
    const known = this.ids.get(buffer);
    if (known !== undefined) return known;
    const id = this.nextId++;
    this.ids.set(buffer, id);
    this.releases.register(buffer, id);
    this.registrations.push({ id, array });
    return id;
  }

  /**
   * A test seam: the next chunk a helper takes throws (`'throw'`), ends the helper's thread
   * (`'exit'`) or stalls for 100 ms (`'slow'`); `'stalling'` makes every chunk stall 20 ms until
   * `'none'` clears it — so that tests can check a failure surfaces as an error, a single stall
   * costs one wait and stalls in a row pause sharing.
   */
  plantFault(kind: 'throw' | 'exit' | 'slow' | 'stalling' | 'none'): void {
    const codes = { throw: FAULT_THROW, exit: FAULT_EXIT, slow: FAULT_SLOW, stalling: FAULT_STALLING, none: FAULT_NONE } as const;
    Atomics.store(this.control, FAULT, codes[kind]);
  }

  /** Stops the helpers (and uninstalls the pool if {@link enableThreads} installed it). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (installed === this) {
      setHelperThreads(undefined);
      installed = undefined;
    }
    Atomics.add(this.control, SEQ, 1);
    Atomics.store(this.control, JOB, JOB_EXIT);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const port of this.ports) port.close();
  }

  private publishBuffers(): void {
    this.generation++;
    const message = { generation: this.generation, panels: this.panels, scratch: this.scratch, register: this.registrations };
    for (const port of this.ports) port.postMessage(message);
    this.registrations = [];
    Atomics.store(this.control, BUFFERS, this.generation);
  }

  private throwIfBroken(): void {
    if (this.closed) throw new ThreadPoolError('the thread pool is closed');
    if (this.failure === undefined) {
      if (Atomics.load(this.control, FAILED) !== 0) {
        const messages = this.ports.map((port) => receiveMessageOnPort(port)?.message as { error?: string } | undefined);
        this.failure = `a helper thread failed: ${messages.find((m) => m?.error !== undefined)?.error ?? 'no message'}`;
      } else if (Atomics.load(this.control, DEAD) !== 0) {
        this.failure = 'a helper thread exited';
      }
    }
    if (this.failure !== undefined) throw new ThreadPoolError(`${this.failure}; the reference engine's shared products cannot continue (close the pool to compute on one thread)`);
  }
}

function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

let installed: ThreadPool | undefined;

/**
 * Starts helper threads and installs them for every reference-engine model in this thread
 * (replacing a pool installed before, which is closed). With `threads: 1` nothing is started and
 * products stay on the calling thread. Returns the pool (close it to stop the helpers; they never
 * keep the process alive anyway).
 */
export function enableThreads(options: ThreadOptions = {}): ThreadPool {
  const previous = installed;
  installed = undefined;
  if (previous !== undefined) void previous.close();
  const pool = new ThreadPool(options);
  if (pool.threads > 1) {
    installed = pool;
    setHelperThreads(pool);
  } else {
    setHelperThreads(undefined);
  }
  return pool;
}

/**
 * Installs an open `pool` for every reference model of this thread without closing the one
 * installed before (`undefined`: none; products run on the calling thread). For switching between
 * one thread and a warmed-up pool, as a benchmark does.
 */
export function installThreads(pool: ThreadPool | undefined): void {
  installed = pool;
  setHelperThreads(pool !== undefined && pool.threads > 1 ? pool : undefined);
}

/** Closes the installed pool, if any: products run on the calling thread again. */
export async function disableThreads(): Promise<void> {
  const pool = installed;
  installed = undefined;
  setHelperThreads(undefined);
  if (pool !== undefined) await pool.close();
}
