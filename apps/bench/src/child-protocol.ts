import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContenderId } from './contenders.js';
import type { MeasureSettings } from './measure.js';
import type { WorkloadId } from './workloads.js';

/** What the parent asks a child process (child.ts) to measure. */
export type ChildTask =
  | { readonly kind: 'memory'; readonly workload: WorkloadId; readonly engine: ContenderId; readonly ms: number }
  | {
      readonly kind: 'alloc';
      readonly workload: WorkloadId;
      readonly engine: ContenderId;
      /** Steps per trial. */
      readonly steps: number;
      readonly trials: number;
      readonly warmup: number;
      readonly returnLoss: boolean;
    }
  | { readonly kind: 'load'; readonly dataset: 'mnist' | 'iris' }
  | { readonly kind: 'csv'; readonly path: string }
  | { readonly kind: 'profile'; readonly workload: WorkloadId; readonly engine: ContenderId; readonly ms: number; readonly top: number }
  | { readonly kind: 'adapter'; readonly workload: WorkloadId; readonly backend: 'wasm' | 'cpu'; readonly repetitions: number; readonly stepsPerRepetition: number }
  | { readonly kind: 'peak'; readonly repetitions: number; readonly threads?: number }
  | {
      /** The kernel path of one workload for these contenders, interleaved, in the child alone (kernel.ts). */
      readonly kind: 'kernel';
      readonly workload: WorkloadId;
      readonly engines: readonly ContenderId[];
      readonly settings: MeasureSettings;
      readonly mnistPredictRows: number;
    };

export interface LoadChildResult {
  readonly rows: number;
  readonly firstMs: number;
  readonly repeatMs: number;
  readonly maxRssBytes: number;
}

export interface CsvChildResult {
  readonly rows: number;
  readonly columns: number;
  readonly parseMs: number;
  readonly baselineRssBytes: number;
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  readonly maxRssBytes: number;
}

export const RESULT_MARKER = '@@twinprop-bench-result ';

/** Runs `task` in a fresh Node process (with `nodeFlags`) and returns its parsed result. */
export function runChild<T>(task: ChildTask, nodeFlags: readonly string[] = [], timeoutMs = 600_000): Promise<T> {
  const script = fileURLToPath(new URL('./child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeFlags, script, JSON.stringify(task)],
      { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
        if (error !== null || line === undefined) {
          const tail = stderr.trim().split('\n').slice(-5).join(' | ');
          reject(new Error(`child ${task.kind} failed: ${error?.message ?? 'no result'}${tail === '' ? '' : ` — ${tail}`}`));
          return;
        }
        resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as T);
      },
    );
  });
}
