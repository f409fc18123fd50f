/**
 * Anything that draws uniform floats in [0, 1): core's {@link Rng}, `seedrandom`'s generators
 * (`{ next: seedrandom(seed) }`, the TensorFlow Playground's), or a test's fixed sequence. Every
 * function in twinprop that only needs uniform draws takes one of these.
 */
export interface RandomSource {
  next(): number;
}

/** A uniform draw from [low, high): `low + (high − low) · u`, one `next()`. */
export function uniformFrom(random: RandomSource, low: number, high: number): number {
  return low + (high - low) * random.next();
}

/** A normal draw N(mean, std²) by Box–Muller on two `next()` draws (as {@link Rng.normal}). */
export function normalFrom(random: RandomSource, mean = 0, std = 1): number {
  const u1 = random.next();
  const u2 = random.next();
  return mean + std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A seeded pseudo-random generator whose uniform draws are the same on every engine and platform.
 *
 * Algorithm: **xoshiro128\*\*** (Blackman & Vigna, 2018) on four 32-bit words, seeded by running
 * **SplitMix32** (`z += 0x9e3779b9; z = (z ^ z>>>16)·0x85ebca6b; z = (z ^ z>>>13)·0xc2b2ae35;
 * z ^ z>>>16`) four times from the 32-bit seed. All arithmetic is 32-bit integer arithmetic
 * (`Math.imul`, `>>>`), so results are identical everywhere JavaScript runs.
 *
 * - `nextUint32()` — the raw output.
 * - `next()` — a float in [0, 1) with 53 random bits: `(a>>>5 · 2²⁶ + b>>>6) / 2⁵³` from two outputs.
 * - `normal()` — Box–Muller on two `next()` draws: `√(−2 ln(1 − u₁)) · cos(2π u₂)` (one value per
 *   two draws; nothing is cached, so the stream position depends only on the number of calls).
 *   `Math.log` and `Math.cos` are not required to be correctly rounded, so a JavaScript engine may
 *   give a normal draw (and so `heNormal` weights) that differs in the last bit from another's
 *   (Node 20's and Chromium's `Math.exp` differ on about one call in ten); the uniform draws and
 *   `glorotUniform`/`playground` weights do not.
 */
export class Rng implements RandomSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number (got ${seed})`);
    let z = seed >>> 0;
    const splitmix = (): number => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      return (t ^ (t >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
  }

  /** A generator at an explicit xoshiro128** state (four 32-bit words, not all zero). */
  static fromState(state: readonly [number, number, number, number]): Rng {
    if (state.every((w) => w >>> 0 === 0)) throw new RangeError('xoshiro128** state must not be all zeros');
    const rng = new Rng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((w) => w >>> 0) as [number, number, number, number];
    return rng;
  }

  /** Next raw 32-bit output (xoshiro128**: `rotl(s1·5, 7)·9`). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 bits of randomness. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return uniformFrom(this, low, high);
  }

  /** Standard normal N(0, 1) by Box–Muller, scaled to N(mean, std²). */
  normal(mean = 0, std = 1): number {
    return normalFrom(this, mean, std);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32 (got ${n})`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Shuffles `array` in place (Fisher–Yates, from the end) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0 … n−1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Derives an independent seed from a seed and a label (FNV-1a over the label, combined with the
 * SplitMix32-mixed seed and mixed again),
 * e.g. `deriveSeed(seed, 'shuffle/epoch/3')`. Used so that each epoch's order depends only on the
 * seed and the epoch number — which is what lets training resume bit-identically.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32((h ^ mix32((seed >>> 0) + 0x9e3779b9)) >>> 0);
}

/** The SplitMix32 finalizer: a bijection on 32-bit words that spreads every input bit. */
function mix32(x: number): number {
  let t = x >>> 0;
  t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
  t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
  return (t ^ (t >>> 16)) >>> 0;
}

export function createRng(seed: number): Rng {
  return new Rng(seed);
}
