/**
 * How the calling thread and the helper threads of `threads.ts` share one product, through an
 * Int32Array over a SharedArrayBuffer (the control block). No messages are exchanged per product:
 *
 * 1. The caller publishes a product like a seqlock: SEQ becomes odd, it writes the parameters
 *    (m, n, k, bOffset, chunking), resets DONE and opens the chunk counter CLAIM for this
 *    product's tag; SEQ becomes even again, and it wakes the helpers (`Atomics.notify` on SEQ).
 * 2. Every thread, the caller included, takes chunks (runs of whole row panels of C) with a
 *    compare-and-swap on CLAIM until none is left. CLAIM carries the product's tag beside the next
 *    chunk, so a helper that wakes late, holding an older product's parameters, cannot take a
 *    chunk of a newer one. A helper stores its chunks into the shared scratch C and counts them in
 *    DONE; the caller stores its own straight into the caller's C.
 * 3. The caller waits (`Atomics.wait` on DONE) until the helpers have finished the chunks they took,
 *    then copies those rows from the scratch into C. If no helper woke up in time, the caller has
 *    simply taken every chunk itself.
 *
 * A parameter update (JOB_UPDATE) is shared the same way, in chunks of elements, each thread
 * updating its chunks in place: θ, the gradient and the optimizer's slots are themselves in
 * SharedArrayBuffers (registered with the helpers once, by id, through their ports).
 *
 * A helper that throws sets FAILED (its message follows on its port) and still counts its chunk;
 * a helper that exits increments DEAD. Either wakes the caller, which throws instead of waiting.
 */

/** Even when a product is published, odd while the caller writes one. Helpers wait on it. */
export const SEQ = 0;
/** `tag << CHUNK_BITS | next chunk` of the current product. */
export const CLAIM = 1;
/** Chunks of the current product finished by helpers. */
export const DONE = 2;
/** 1 once a helper has thrown. */
export const FAILED = 3;
/** Helpers that have exited. */
export const DEAD = 4;
/** Generation of the shared panels and scratch; a helper whose copy is older reads the new ones from its port. */
export const BUFFERS = 5;
/** What the published job is: {@link JOB_PRODUCT} or {@link JOB_EXIT}. */
export const JOB = 6;
export const M = 7;
export const N = 8;
export const K = 9;
/** Where B's column panels start in the panel array. */
export const B_OFFSET = 10;
/** Row panels per chunk (the last chunk may have fewer). */
export const PANELS_PER_CHUNK = 11;
export const CHUNKS = 12;
/** A test seam: a helper that reads {@link FAULT_THROW} or {@link FAULT_EXIT} here fails on its next chunk ({@link FAULT_SLOW}: stalls in it; {@link FAULT_STALLING}: in every chunk until cleared). */
export const FAULT = 13;
/** Helpers that have started (read their first job). */
export const STARTED = 14;
/** A parameter update (JOB_UPDATE): the rule (UPDATE_SGD, …), the tensor's length and the elements per chunk. */
export const UPDATE_RULE = 15;
export const LENGTH = 16;
export const CHUNK_LENGTH = 17;
/** Registered ids of θ, its gradient and up to two slots (−1: none). */
export const THETA = 18;
export const GRADIENT = 19;
export const SLOT_0 = 20;
export const SLOT_1 = 21;
/** Int32 slots in the control block. */
export const CONTROL_LENGTH = 24;

/** Float64 slots of the scalar block: a parameter update's hyperparameters, this step's. */
export const LEARNING_RATE = 0;
/** β₁ for adam, μ for momentum. */
export const BETA_1 = 1;
export const BETA_2 = 2;
export const EPSILON = 3;
export const ACC_BETA_1 = 4;
export const ACC_BETA_2 = 5;
/** 1 for Nesterov momentum. */
export const NESTEROV = 6;
export const SCALARS_LENGTH = 8;

export const JOB_PRODUCT = 0;
export const JOB_EXIT = 1;
export const JOB_UPDATE = 2;

export const UPDATE_SGD = 0;
export const UPDATE_MOMENTUM = 1;
export const UPDATE_ADAM = 2;
export const FAULT_NONE = 0;
export const FAULT_THROW = 1;
export const FAULT_EXIT = 2;
/** The helper sleeps 100 ms in its next chunk, as a descheduled thread would stall. */
export const FAULT_SLOW = 3;
/** Every helper sleeps 20 ms in every chunk until the fault is cleared, as on a machine whose cores are taken. */
export const FAULT_STALLING = 4;

/** Bits of CLAIM that count chunks: at most 2047 chunks per product, and 2²⁰ tags before one repeats. */
export const CHUNK_BITS = 11;
export const MAX_CHUNKS = (1 << CHUNK_BITS) - 1;
const TAG_MASK = (1 << 20) - 1;

/** The tag of the product published with an (even) SEQ value. */
export function tagOf(seq: number): number {
  return (seq >>> 1) & TAG_MASK;
}

/**
 * Takes the next chunk of the product tagged `tag` (of `chunks`), or returns −1 when none is left
 * or another product has been published since.
 */
export function claimChunk(control: Int32Array, tag: number, chunks: number): number {
  for (;;) {
    const word = Atomics.load(control, CLAIM);
    if (word >>> CHUNK_BITS !== tag) return -1;
    const chunk = word & MAX_CHUNKS;
    if (chunk >= chunks) return -1;
    if (Atomics.compareExchange(control, CLAIM, word, word + 1) === word) return chunk;
  }
}

/** The first tag word of a product: its tag, chunk 0. */
export function openClaims(tag: number): number {
  return tag << CHUNK_BITS;
}
