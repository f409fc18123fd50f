import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { FloatArray, OptimizerConfig } from '@twinprop/core';
import { multiplyPanels, primePackedProduct, TILE_ROWS } from './matrix.js';
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
  SLOT_0,
  SLOT_1,
  THETA,
  UPDATE_ADAM,
  UPDATE_MOMENTUM,
  UPDATE_RULE,
  B_OFFSET,
  BUFFERS,
  CHUNKS,
  claimChunk,
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
  K,
  M,
  N,
  PANELS_PER_CHUNK,
  SEQ,
  STARTED,
  tagOf,
} from './threads-protocol.js';

/**
 * One helper thread of `threads.ts`: waits for a product on the control block, takes chunks of its
 * row panels while any are left, stores them into the shared scratch C, and waits again. It never
 * returns to its event loop; the pool terminates it.
 */

interface Buffers {
  readonly generation: number;
  readonly panels: Float64Array | undefined;
  readonly scratch: Float64Array;
  /** Shared arrays (θ, gradients, slots) made known with this message, by id. */
  readonly register?: ReadonlyArray<{ readonly id: number; readonly array: FloatArray }>;
}

const { control: controlBuffer, scalars: scalarBuffer, port } = workerData as { control: SharedArrayBuffer; scalars: SharedArrayBuffer; port: MessagePort };
const control = new Int32Array(controlBuffer);
const scalars = new Float64Array(scalarBuffer);
let buffers: Buffers = { generation: 0, panels: undefined, scratch: new Float64Array(0) };
const arrays = new Map<number, FloatArray>();
const accBetas = new Float64Array(2);

process.on('exit', () => {
  Atomics.add(control, DEAD, 1);
  Atomics.notify(control, DONE);
});

/** The newest panels and scratch the pool has posted (they are posted before the product that needs them is published). */
function refreshBuffers(): void {
  const wanted = Atomics.load(control, BUFFERS);
  while (buffers.generation !== wanted) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) throw new Error(`buffers of generation ${wanted} were announced but not posted`);
    const message = received.message as Buffers | { readonly release: number };
    if ('release' in message) {
      arrays.delete(message.release);
      continue;
    }
    buffers = message;
    for (const { id, array } of message.register ?? []) arrays.set(id, array);
  }
}

function registered(id: number): FloatArray {
  const array = arrays.get(id);
  if (array === undefined) throw new Error(`array ${id} was never registered`);
  return array;
}

/** This job's parameter update, rebuilt from the control block and the scalar block. */
function updateJob(): { config: OptimizerConfig; theta: FloatArray; gradient: FloatArray; slots: FloatArray[] } {
  const rule = Atomics.load(control, UPDATE_RULE);
  const learningRate = scalars[LEARNING_RATE]!;
  const config: OptimizerConfig =
    rule === UPDATE_ADAM
      ? { kind: 'adam', learningRate, beta1: scalars[BETA_1]!, beta2: scalars[BETA_2]!, epsilon: scalars[EPSILON]! }
      : rule === UPDATE_MOMENTUM
        ? { kind: 'momentum', learningRate, momentum: scalars[BETA_1]!, nesterov: scalars[NESTEROV] === 1 }
        : { kind: 'sgd', learningRate };
  accBetas[0] = scalars[ACC_BETA_1]!;
  accBetas[1] = scalars[ACC_BETA_2]!;
  const slots = [SLOT_0, SLOT_1].map((slot) => Atomics.load(control, slot)).filter((id) => id >= 0).map(registered);
  return { config, theta: registered(Atomics.load(control, THETA)), gradient: registered(Atomics.load(control, GRADIENT)), slots };
}

function takeUpdateChunks(seq: number): void {
  const length = Atomics.load(control, LENGTH);
  const chunkLength = Atomics.load(control, CHUNK_LENGTH);
  const chunks = Atomics.load(control, CHUNKS);
  if (Atomics.load(control, SEQ) !== seq) return;
  refreshBuffers();
  const tag = tagOf(seq);
  let job: ReturnType<typeof updateJob> | undefined;
  for (let chunk = claimChunk(control, tag, chunks); chunk >= 0; chunk = claimChunk(control, tag, chunks)) {
    try {
      actOnPlantedFault();
      job ??= updateJob();
      const start = chunk * chunkLength;
      updateRange(job.config, job.theta, job.gradient, job.slots, accBetas, start, Math.min(length, start + chunkLength));
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? error.message : String(error) });
      Atomics.store(control, FAILED, 1);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/**
 * The test seam ({@link FAULT}), before each chunk: a planted fault is taken by the chunk that reads
 * it (`FAULT_STALLING` stays until the pool clears it) — exit, throw, or stall as a descheduled
 * thread would.
 */
function actOnPlantedFault(): void {
  const fault = Atomics.load(control, FAULT) === FAULT_STALLING ? FAULT_STALLING : Atomics.exchange(control, FAULT, FAULT_NONE);
  if (fault === FAULT_EXIT) process.exit(1);
  if (fault === FAULT_THROW) throw new Error('a planted fault (ThreadPool.plantFault)');
  if (fault === FAULT_SLOW) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  if (fault === FAULT_STALLING) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}

function takeChunks(seq: number): void {
  const m = Atomics.load(control, M);
  const n = Atomics.load(control, N);
  const k = Atomics.load(control, K);
  const bOffset = Atomics.load(control, B_OFFSET);
  const panelsPerChunk = Atomics.load(control, PANELS_PER_CHUNK);
  const chunks = Atomics.load(control, CHUNKS);
  // Seqlock: the parameters belong to `seq` only if SEQ did not move while they were read.
  if (Atomics.load(control, SEQ) !== seq) return;
  refreshBuffers();
  const { panels, scratch } = buffers;
  const tag = tagOf(seq);
  const rowPanels = Math.ceil(m / TILE_ROWS);
  for (let chunk = claimChunk(control, tag, chunks); chunk >= 0; chunk = claimChunk(control, tag, chunks)) {
    try {
      actOnPlantedFault();
      if (panels === undefined) throw new Error('no panels were posted');
      const first = chunk * panelsPerChunk;
      multiplyPanels(panels, bOffset, m, n, k, first, Math.min(rowPanels, first + panelsPerChunk), scratch);
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? error.message : String(error) });
      Atomics.store(control, FAILED, 1);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

Atomics.add(control, STARTED, 1);
// This thread's products store into float64 scratch; a product published meanwhile is computed by the others until this returns.
primePackedProduct(new Float64Array(0));
for (let seen = -1; ; ) {
  Atomics.wait(control, SEQ, seen);
  const seq = Atomics.load(control, SEQ);
  seen = seq;
  // Odd: the pool is writing a job; wait for it to be published.
  if ((seq & 1) === 1 || seq === 0) continue;
  const job = Atomics.load(control, JOB);
  if (job === JOB_EXIT) break;
  if (job === JOB_UPDATE) takeUpdateChunks(seq);
  else takeChunks(seq);
}
