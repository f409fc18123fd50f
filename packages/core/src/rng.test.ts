import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from './rng.js';

describe('Rng (xoshiro128** seeded by SplitMix32)', () => {
  it('matches the reference xoshiro128** outputs for state (1, 2, 3, 4)', () => {
    // First outputs of the authors' C reference implementation from s = {1, 2, 3, 4}.
    const rng = Rng.fromState([1, 2, 3, 4]);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('gives the documented first values for seeds 0 and 42', () => {
    // Computed by an independent implementation of SplitMix32 + xoshiro128** (arbitrary-precision integers masked to 32 bits).
    const zero = new Rng(0);
    expect(Array.from({ length: 5 }, () => zero.nextUint32())).toEqual([3809008728, 1133695204, 53579671, 2891528803, 139681546]);
    const answer = new Rng(42);
    expect(Array.from({ length: 5 }, () => answer.nextUint32())).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180]);
    // next() combines two outputs: (2837322924 >>> 5) · 2^26 + (544945897 >>> 6), over 2^53.
    expect(new Rng(42).next()).toBe(((2837322924 >>> 5) * 2 ** 26 + (544945897 >>> 6)) / 2 ** 53);
  });

  it('is deterministic: same seed, same stream; different seed, different stream', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const sa = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(sa);
  });

  it('next() is uniform on [0, 1): mean 1/2, variance 1/12 over 10^5 draws', () => {
    const rng = new Rng(7);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      sq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // σ of the mean ≈ 0.29/√n ≈ 0.0009
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  it('normal() has mean 0 and variance 1 over 10^5 draws', () => {
    const rng = new Rng(9);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
  });

  it('int(n) covers 0…n−1 evenly and permutation() is a permutation', () => {
    const rng = new Rng(5);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const p = Array.from(new Rng(1).permutation(50));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('deriveSeed separates labels and seeds', () => {
    const seeds = new Set([deriveSeed(1, 'a'), deriveSeed(1, 'b'), deriveSeed(2, 'a'), deriveSeed(1, 'shuffle/epoch/1')]);
    expect(seeds.size).toBe(4);
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
  });

  it('refuses an all-zero state and a non-finite seed', () => {
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(RangeError);
    expect(() => new Rng(Number.NaN)).toThrow(RangeError);
  });
});
