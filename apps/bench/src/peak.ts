/**
 * How close the reference engine's matrix kernel comes to what this machine can do (run in a child
 * process of its own, `{ kind: 'peak' }`):
 *
 * - `clockGHz`: the core clock while busy, from a latency-bound loop — four chains of
 *   `s = s·x + y`, each step a multiply then an add, 3 + 3 cycles of latency on x86-64 cores of
 *   this generation, so four chains do 4 multiply-adds per 6 cycles whatever the issue width:
 *   clock = multiply-adds per second × 6 / 4.
 * - `scalarGflops`: what JavaScript can reach at all — V8 emits scalar floating-point code (no SIMD,
 *   no fused multiply-add), so twelve independent multiply-add chains held in registers, with no
 *   loads, bound the kernel from above on one thread.
 * - `kernel`: the engine's `X·W` through `predict` of one linear layer (the product, plus a bias add
 *   and copies that are < 3% of it), on one thread and with the helper threads, interleaved.
 *
 * - `vector`: the hardware's own float32 peak per cycle (vector fused multiply-adds), not measurable
 *   from JavaScript: derived from the CPU's flags (`vector-peak.ts`); the report multiplies it by
 *   the measured clock.
 *
 * The clock's 6 cycles hold for the cores this was measured on (Zen 4: multiply 3 + add 3; Golden
 * Cove: 4 + 2); on a core with 4 + 4 (Skylake) it would read 3/4 of the true clock.
 */
import { initializeWeights, mlp, optimizer, Rng } from '@twinprop/core';
import { installThreads, ThreadPool } from '@twinprop/engine-reference/threads';
import { engines, readCpuinfo } from '@twinprop/toolkit';
import { summarize, type Summary } from './stats.js';
import { vectorPeakFromCpuinfo, type VectorPeak } from './vector-peak.js';

export interface KernelMeasurement {
  /** `64×784 · 784×128` */
  readonly product: string;
  readonly threads: number;
  readonly gflops: Summary;
}

export interface PeakResult {
  readonly clockGHz: Summary;
  /** One thread. */
  readonly scalarGflops: Summary;
  readonly threads: number;
  readonly kernel: readonly KernelMeasurement[];
  /** Absent in reports written before it was derived (they assumed two 8-lane FMAs). */
  readonly vector?: VectorPeak;
}


/** Four independent `s = s·x + y` chains, `n` steps each (latency-bound); the sum keeps them from being optimized away. */
function fourChains(n: number, x: number, y: number): number {
  let s0 = 1, s1 = 2, s2 = 3, s3 = 4;
  for (let i = 0; i < n; i++) {
    s0 = s0 * x + y; s1 = s1 * x + y; s2 = s2 * x + y; s3 = s3 * x + y;
  }
  return s0 + s1 + s2 + s3;
}

/** Twelve independent chains: enough to keep the multiply and add units busy (throughput-bound), few enough for the registers. */
function twelveChains(n: number, x: number, y: number): number {
  let s0 = 1, s1 = 2, s2 = 3, s3 = 4, s4 = 5, s5 = 6, s6 = 7, s7 = 8, s8 = 9, s9 = 10, s10 = 11, s11 = 12;
  for (let i = 0; i < n; i++) {
    s0 = s0 * x + y; s1 = s1 * x + y; s2 = s2 * x + y; s3 = s3 * x + y; s4 = s4 * x + y; s5 = s5 * x + y;
    s6 = s6 * x + y; s7 = s7 * x + y; s8 = s8 * x + y; s9 = s9 * x + y; s10 = s10 * x + y; s11 = s11 * x + y;
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11;
}

/** Multiply-adds per second of each of `repetitions` runs of a `chains`-chain loop. */
function chainRate(chains: 4 | 12, steps: number, repetitions: number): number[] {
  const loop = chains === 4 ? fourChains : twelveChains;
  loop(10_000, 0.999, 1e-3);
  const rates: number[] = [];
  let sink = 0;
  for (let r = 0; r < repetitions; r++) {
    const t0 = performance.now();
    sink += loop(steps, 0.999999, 1e-7);
    rates.push((chains * steps) / ((performance.now() - t0) / 1000));
  }
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return rates;
}

const PRODUCTS: ReadonlyArray<readonly [number, number, number]> = [
  [64, 784, 128],
  [128, 784, 512],
  [128, 512, 512],
  [1024, 784, 512],
];

export async function measurePeak(repetitions: number, threads: number | undefined): Promise<PeakResult> {
  const clock = chainRate(4, 20_000_000, repetitions).map((rate) => (rate * 6) / 4 / 1e9);
  const scalar = chainRate(12, 10_000_000, repetitions).map((rate) => (2 * rate) / 1e9);
  const reference = (await engines.resolve('reference/float32')).engine;
  // One pool for the whole measurement, so that the helpers' code is as warm as the caller's.
  const pool = new ThreadPool(threads === undefined ? {} : { threads });
  await pool.ready();
  const allThreads = pool.threads;
  const kernel: KernelMeasurement[] = [];
  for (const [m, k, n] of PRODUCTS) {
    const spec = mlp(k, [], [n, 'linear']);
    const model = reference.createModel(spec, initializeWeights(spec, new Rng(1), 'float32'), { loss: 'meanSquaredError', optimizer: optimizer('sgd') });
    const rng = new Rng(2);
    const x = { rows: m, cols: k, data: Float32Array.from({ length: m * k }, () => rng.uniform(0, 1)) };
    const flops = 2 * m * k * n;
    const calls = Math.max(1, Math.round(2e8 / flops));
    const byThreads = new Map<number, number[]>([
      [1, []],
      [allThreads, []],
    ]);
    // Warm both ways up, then interleave them.
    for (const t of [1, allThreads]) {
      installThreads(t === 1 ? undefined : pool);
      for (let c = 0; c < 3 * calls; c++) model.predict(x);
    }
    for (let r = 0; r < repetitions; r++) {
      for (const t of r % 2 === 0 ? [1, allThreads] : [allThreads, 1]) {
        installThreads(t === 1 ? undefined : pool);
        const t0 = performance.now();
        for (let c = 0; c < calls; c++) model.predict(x);
        byThreads.get(t)?.push((flops * calls) / ((performance.now() - t0) / 1000) / 1e9);
      }
    }
    model.dispose();
    for (const [t, values] of byThreads) kernel.push({ product: `${m}×${k} · ${k}×${n}`, threads: t, gflops: summarize(values) });
  }
  installThreads(undefined);
  await pool.close();
  return { clockGHz: summarize(clock), scalarGflops: summarize(scalar), threads: allThreads, kernel, vector: vectorPeakFromCpuinfo(readCpuinfo()) };
}
