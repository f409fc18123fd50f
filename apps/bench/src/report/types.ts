/**
 * The benchmark report: what one run measured, exactly as `--json` writes it. Contender ids are
 * engine-registry ids (`reference/float32`, `tfjs/wasm`) or bench's own `raw-tfjs/<backend>`.
 */
import type { Environment } from '@twinprop/toolkit';
import type { ContenderAvailability, ContenderId } from '../contenders.js';
import type { MeasureSettings } from '../measure.js';
import type { PeakResult } from '../peak.js';
import type { Summary } from '../stats.js';
import type { UserScenarioResult } from '../user-path.js';
import type { WorkloadId } from '../workloads.js';

/** `/1` named contenders `reference-float32`, `tfjs-wasm`; `/2` uses the registry's ids. */
export const REPORT_SCHEMA = 'twinprop-bench/2';

/** What the run ran on: `describeEnvironment()` without its package list (that is `versions`). */
export type BenchMachine = Omit<Environment, 'packages'>;

/** Peaks of one contender on one workload, measured alone in a child process. */
export interface MemoryMeasurement {
  /** RSS after the data is loaded and a full GC, before the model exists. */
  readonly baselineRssBytes: number;
  /** Highest `process.memoryUsage()` values sampled after every train step and prediction. */
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  /** `external` (ArrayBuffers and WebAssembly memory live here or in RSS only). */
  readonly peakExternalBytes: number;
  /** The kernel's RSS high-water mark of the whole child (data loading included). */
  readonly maxRssBytes: number;
  readonly samples: number;
}

export interface EngineResult {
  readonly engine: ContenderId;
  readonly train: {
    readonly samplesPerSecond: Summary;
    /** Median step time. */
    readonly msPerStep: number;
    /** At the median throughput, by the FLOP formula. */
    readonly gflops: number;
    readonly stepsPerRepetition: number;
    readonly lastLoss: number;
  };
  readonly predict: {
    readonly samplesPerSecond: Summary;
    readonly gflops: number;
    readonly predictionsPerRepetition: number;
  };
  memory?: MemoryMeasurement | { readonly error: string };
}

export interface WorkloadResult {
  readonly workload: WorkloadId;
  readonly title: string;
  readonly model: string;
  readonly data: string;
  readonly batchSize: number;
  readonly trainRows: number;
  readonly predictRows: number;
  readonly trainFlopsPerStep: number;
  readonly predictFlopsPerSample: number;
  readonly engines: EngineResult[];
  /**
   * Reference float32 and the tfjs engines measured again, interleaved, in a process without a
   * float64 model (`Plan.aloneWorkloads`); target (a) is judged on these.
   */
  alone?: { readonly engines: EngineResult[] };
}

export interface DataLoadResult {
  readonly dataset: 'mnist' | 'iris';
  readonly rows: number;
  /** In a fresh process, importing the package included. */
  readonly firstLoadMs: Summary;
  /** A second load in the same process. */
  readonly repeatLoadMs: Summary;
  readonly maxRssBytes: number;
}

export interface CsvResult {
  readonly rows: number;
  readonly columns: number;
  readonly bytes: number;
  readonly writeMs: number;
  readonly parseMs: Summary;
  readonly rowsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly baselineRssBytes: number;
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  readonly maxRssBytes: number;
}

export interface AllocationResult {
  readonly workload: WorkloadId;
  readonly engine: ContenderId;
  /** Steps per trial. */
  readonly steps: number;
  readonly trials: number;
  /** Whether every step returned its loss (else only the last of each trial). */
  readonly returnLoss: boolean;
  /**
   * Median over trials of the young generation's growth during the steps (V8's new and new
   * large-object space, where every object a step creates is placed; full GC before, none
   * between; the reading's own bytes subtracted) ÷ steps.
   */
  readonly allocatedBytesPerStep: number;
  /** Lowest and highest trial. */
  readonly allocatedBytesPerStepRange: readonly [number, number];
  /**
   * Median over trials of the whole heap's growth (`heapUsed`, the two young-generation readings' bytes subtracted) ÷ steps: the above plus what V8
   * added meanwhile (code compiled late and its metadata, pages still being swept). Not the step's.
   */
  readonly heapGrowthBytesPerStep?: number;
  /** Heap growth over all trials after a final full GC ÷ all steps: what the steps kept alive. */
  readonly retainedBytesPerStep: number;
  /** Garbage collections seen during the steps (0 means the allocated figure is exact). */
  readonly gcsDuringSteps: number;
  /** When it allocates: the largest allocation sites (sampled in a second run). */
  readonly sites: readonly AllocationSite[];
}

export interface AllocationSite {
  /** `function ← caller (file:line)`. */
  readonly site: string;
  readonly bytesPerStep: number;
}

export interface ProfileEntry {
  readonly functionName: string;
  readonly location: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileResult {
  readonly workload: WorkloadId;
  readonly engine: ContenderId;
  readonly steps: number;
  readonly totalMs: number;
  readonly top: ProfileEntry[];
}

/**
 * Where the tfjs adapter's time goes: the tfjs engine and three ways of writing the layers in raw
 * tfjs (see raw-tfjs.ts `layerOps`), interleaved in one child process.
 */
export interface AdapterDiagnosis {
  readonly workload: WorkloadId;
  readonly backend: 'wasm' | 'cpu';
  readonly engineMsPerStep: number;
  /** `fused`: the raw tfjs contender of the main table. */
  readonly rawMsPerStep: number;
  /** `fused-linear`: bias fused, activations separate — the engine's way. */
  readonly rawFusedLinearMsPerStep: number;
  /** `plain`: matMul + add + activation. */
  readonly rawPlainMsPerStep: number;
}

/** `numerator` throughput ÷ `denominator` throughput, both from the same interleaved run. */
export interface Ratio {
  readonly workload: WorkloadId;
  readonly metric: 'train' | 'predict';
  readonly numerator: ContenderId;
  readonly denominator: ContenderId;
  readonly value: number;
}

export type TargetStatus = 'met' | 'missed' | 'n/a';

export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly measured: number | null;
  readonly comparison: '>=' | '<=';
  readonly threshold: number;
  readonly status: TargetStatus;
  readonly note?: string;
}

export interface BenchReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly mode: 'full' | 'quick';
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** The toolkit's environment report, its package versions moved to `versions`. */
  readonly machine: BenchMachine;
  /** `node` and package name → version. */
  readonly versions: Readonly<Record<string, string>>;
  readonly flopFormula: string;
  readonly settings: MeasureSettings & {
    readonly memoryMethod: string;
    /** Threads the reference engine shared its large products with in the interleaved run (1: none). */
    readonly referenceThreads?: number;
  };
  readonly engines: readonly ContenderAvailability[];
  readonly workloads: readonly WorkloadResult[];
  readonly ratios: readonly Ratio[];
  readonly targets: readonly TargetResult[];
  /** The clock, JavaScript's scalar ceiling and the kernel's GFLOP/s on one thread and on all. */
  readonly peak?: PeakResult;
  /** Whole-process training runs: twinprop train, fit, tfjs-layers fit. */
  readonly userPath?: readonly UserScenarioResult[];
  readonly data?: { readonly loads: readonly DataLoadResult[]; readonly csv?: CsvResult | { readonly error: string } };
  readonly allocation?: readonly AllocationResult[];
  readonly profiles?: readonly ProfileResult[];
  readonly adapter?: readonly AdapterDiagnosis[];
}
