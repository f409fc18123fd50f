import type { ContenderId } from './contenders.js';
import type { Runner } from './runners.js';

export interface MeasureSettings {
  /** Timed repetitions per contender, after warm-up. */
  readonly repetitions: number;
  /** Warm-up per contender and per phase (train, predict), at least 3 calls. */
  readonly warmupMs: number;
  /** Target duration of one repetition's training chunk (at least one step). */
  readonly trainRepMs: number;
  /** Target duration of one repetition's prediction chunk (at least one call). */
  readonly predictRepMs: number;
}

/** Per contender: throughput of every repetition (samples/s) and the chunk sizes used. */
export interface RawMeasurement {
  readonly engine: ContenderId;
  readonly trainSamplesPerSecond: number[];
  readonly predictSamplesPerSecond: number[];
  readonly stepsPerRepetition: number;
  readonly predictionsPerRepetition: number;
  /** Loss of the last step run (a sanity check: finite). */
  readonly lastLoss: number;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * Runs `call(n)` with n = 1, 2, 4, … until `warmupMs` has passed and at least 3 calls were made;
 * returns the milliseconds per call of the last (largest, warmest) run.
 */
export function warmUp(call: (n: number) => void, warmupMs: number): number {
  let n = 1;
  let calls = 0;
  let total = 0;
  let perCall = Number.POSITIVE_INFINITY;
  while (total < warmupMs || calls < 3) {
    const ms = time(() => call(n));
    total += ms;
    calls += n;
    perCall = ms / n;
    // Never let one warm-up run take more than the remaining warm-up (or 1 s).
    const remaining = Math.max(warmupMs - total, 0);
    n = Math.max(1, Math.min(n * 2, Math.floor(Math.max(remaining, 1) / Math.max(perCall, 1e-6))));
  }
  return perCall;
}

/** How many calls of `perCallMs` fill `targetMs` (at least 1). */
export function callsFor(targetMs: number, perCallMs: number): number {
  if (!(perCallMs > 0)) return 1;
  return Math.max(1, Math.round(targetMs / perCallMs));
}

/** `items` rotated left by `k`: repetition k starts with contender k mod n. */
export function rotate<T>(items: readonly T[], k: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const s = ((k % n) + n) % n;
  return [...items.slice(s), ...items.slice(0, s)];
}

/**
 * Interleaved measurement: every contender warms up, then repetition r runs each contender's
 * training chunk and prediction chunk in turn, starting from contender r (round robin), so that
 * machine noise and the others' garbage collection fall on all contenders alike.
 */
export async function measureInterleaved(
  runners: readonly Runner[],
  batchSize: number,
  predictRows: number,
  settings: MeasureSettings,
  log: (line: string) => void,
): Promise<RawMeasurement[]> {
  const plan = runners.map((runner) => {
    const trainMs = warmUp((n) => runner.train(n), settings.warmupMs);
    const predictMs = warmUp((n) => {
      for (let i = 0; i < n; i++) runner.predict();
    }, settings.warmupMs);
    const steps = callsFor(settings.trainRepMs, trainMs);
    const predictions = callsFor(settings.predictRepMs, predictMs);
    log(`  warm ${runner.engine}: ${trainMs.toFixed(3)} ms/step → ${steps} steps, ${predictMs.toFixed(3)} ms/prediction → ${predictions} per repetition`);
    return { runner, steps, predictions, train: [] as number[], predict: [] as number[], lastLoss: Number.NaN };
  });
  for (let r = 0; r < settings.repetitions; r++) {
    for (const p of rotate(plan, r)) {
      let loss = Number.NaN;
      const trainMs = time(() => {
        loss = p.runner.train(p.steps);
      });
      p.lastLoss = loss;
      const predictMs = time(() => {
        for (let i = 0; i < p.predictions; i++) p.runner.predict();
      });
      p.train.push((p.steps * batchSize) / (trainMs / 1000));
      p.predict.push((p.predictions * predictRows) / (predictMs / 1000));
    }
    // Let timers and I/O run between repetitions.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return plan.map((p) => ({
    engine: p.runner.engine,
    trainSamplesPerSecond: p.train,
    predictSamplesPerSecond: p.predict,
    stepsPerRepetition: p.steps,
    predictionsPerRepetition: p.predictions,
    lastLoss: p.lastLoss,
  }));
}
