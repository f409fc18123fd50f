import type { ContenderId } from './contenders.js';
import type { MeasureSettings } from './measure.js';
import type { UserScenarioId } from './user-path.js';
import { WORKLOAD_IDS, type WorkloadId } from './workloads.js';

/** How long and how often a run measures each part: the full run and `--quick`. */
export interface Plan {
  readonly mode: 'full' | 'quick';
  readonly measure: MeasureSettings;
  /** How long each memory child trains. */
  readonly memoryMs: number;
  /** Workloads whose contenders get a memory child. */
  readonly memoryWorkloads: readonly WorkloadId[];
  /**
   * Workloads whose reference float32 contender is measured a second time, with the tfjs engines
   * but in a child process without a float64 model (as a user's process trains one dtype): on the
   * Playground size the engine's small loops run 25–35% slower when they have seen both array
   * types (measured), while (b) and (c) spend their time in the float64 panel loop either way.
   * The child runs the engine without helper threads (the Playground's products are far below the
   * size they share).
   */
  readonly aloneWorkloads: readonly WorkloadId[];
  /** Fresh-process loads of each dataset. */
  readonly loadRepetitions: number;
  readonly csvRows: number;
  readonly csvRepetitions: number;
  /** Allocation checks: `trials` runs of `steps` steps each after `warmup` steps. */
  readonly allocation: ReadonlyArray<{ workload: WorkloadId; engine: ContenderId; steps: number; trials: number; warmup: number; returnLoss: boolean }>;
  /** Rows predicted per call on the MNIST workloads (the held-out part has 2,000). */
  readonly mnistPredictRows: number;
  readonly profileMs: number;
  /** The user path: whole-process runs, `repetitions` of each contender, on these tfjs backends. */
  readonly userPath: {
    readonly repetitions: number;
    readonly scenarios: ReadonlyArray<{ readonly id: UserScenarioId; readonly epochs: number }>;
    readonly backends: readonly string[];
  };
}

export const FULL: Plan = {
  mode: 'full',
  measure: { repetitions: 9, warmupMs: 1000, trainRepMs: 400, predictRepMs: 150 },
  memoryMs: 1500,
  memoryWorkloads: WORKLOAD_IDS,
  aloneWorkloads: ['playground'],
  loadRepetitions: 3,
  csvRows: 1_000_000,
  csvRepetitions: 3,
  allocation: [
    { workload: 'playground', engine: 'reference/float32', steps: 100_000, trials: 5, warmup: 20_000, returnLoss: false },
    { workload: 'playground', engine: 'reference/float64', steps: 100_000, trials: 5, warmup: 20_000, returnLoss: false },
    { workload: 'playground', engine: 'reference/float32', steps: 100_000, trials: 5, warmup: 20_000, returnLoss: true },
    // Warm-up long enough for V8 to optimize trainStep itself (it runs ~2,000 times before that).
    { workload: 'mnist', engine: 'reference/float32', steps: 2_000, trials: 5, warmup: 2_000, returnLoss: false },
  ],
  mnistPredictRows: 2000,
  profileMs: 5000,
  userPath: {
    repetitions: 3,
    scenarios: [
      { id: 'mnist', epochs: 10 },
      { id: 'mnist-sgd', epochs: 3 },
      { id: 'playground', epochs: 100 },
    ],
    backends: ['wasm', 'cpu'],
  },
};

export const QUICK: Plan = {
  mode: 'quick',
  measure: { repetitions: 3, warmupMs: 150, trainRepMs: 60, predictRepMs: 30 },
  memoryMs: 150,
  memoryWorkloads: ['mnist'],
  aloneWorkloads: ['playground'],
  loadRepetitions: 1,
  csvRows: 100_000,
  csvRepetitions: 1,
  allocation: [
    { workload: 'playground', engine: 'reference/float32', steps: 100_000, trials: 3, warmup: 20_000, returnLoss: false },
  ],
  mnistPredictRows: 500,
  profileMs: 1500,
  userPath: {
    repetitions: 1,
    scenarios: [
      { id: 'mnist', epochs: 2 },
      { id: 'mnist-sgd', epochs: 3 },
      { id: 'playground', epochs: 20 },
    ],
    backends: ['wasm'],
  },
};

export const MEMORY_METHOD =
  'each contender alone in a child process (--expose-gc); process.memoryUsage() sampled after every train step and prediction; baseline = RSS after loading the data and a full GC';
