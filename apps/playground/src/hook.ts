import type { ModelSpec, Weights } from '@twinprop/core';
import type { Agreement } from './engines/twin.js';

/** core's `Weights` with plain arrays (JSON-able). */
export interface PlainWeights {
  readonly dtype: string;
  readonly layers: ReadonlyArray<{ readonly kernel: { shape: number[]; data: number[] }; readonly bias: { shape: number[]; data: number[] } }>;
}

/** A JSON-able snapshot of the page's run, for tests and the console (`window.playground.state()`). */
export interface Snapshot {
  /** Playground epochs every engine has completed. */
  readonly epoch: number;
  readonly playing: boolean;
  /** No run being built and no epoch in progress: every engine stands at `epoch`. */
  readonly settled: boolean;
  /** The epoch the page last drew (heatmaps, numbers, agreement panel); -1 before a run's first complete drawing. */
  readonly drawnEpoch: number;
  /** The URL hash of the run on the page. */
  readonly hash: string;
  readonly data: { readonly name: string; readonly task: string; readonly train: number; readonly test: number };
  readonly spec: ModelSpec | undefined;
  /** The reference engine first. */
  readonly engines: ReadonlyArray<{
    readonly id: string;
    readonly backend: string;
    readonly trainLoss: number;
    readonly testLoss: number;
    /** Playground steps (epochs) per second of this engine's own time. */
    readonly epochsPerSecond: number;
    readonly weights: PlainWeights;
  }>;
  /** The first two engines compared at `epoch` (undefined with one engine). */
  readonly agreement: Agreement | undefined;
  /** Every tfjs backend: whether it loads here, with what it is or why not. */
  readonly backends: ReadonlyArray<{ readonly id: string; readonly available: boolean; readonly detail: string }>;
  readonly notices: readonly string[];
  /** Heatmap redraws in the last second. */
  readonly framesPerSecond: number;
  /** Mean time of the last (up to 60) redraws, in ms. */
  readonly redrawMs: number;
}

/** `window.playground`. */
export interface PlaygroundHook {
  /** Resolves when the first run is on the page. */
  readonly ready: Promise<void>;
  /** Trains `n` Playground epochs in lockstep (pausing first), then redraws. */
  step(n: number): Promise<void>;
  state(): Snapshot;
  play(): void;
  /** Pauses; resolves when every engine has finished the epoch in progress. */
  pause(): Promise<void>;
  /** Starts the run again from its seed. */
  reset(): Promise<void>;
}

export function plainWeights(w: Weights): PlainWeights {
  return {
    dtype: w.dtype,
    layers: w.layers.map((l) => ({
      kernel: { shape: [...l.kernel.shape], data: Array.from(l.kernel.data) },
      bias: { shape: [...l.bias.shape], data: Array.from(l.bias.data) },
    })),
  };
}
