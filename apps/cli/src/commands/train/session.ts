import { fit, NonFiniteLossError, type FitResult, type Model } from '@twinprop/core';
import type { SplitData } from '../../data.js';
import { stderrIsTty } from '../../io.js';
import { createProgress, type ProgressMode } from '../../render/progress.js';
import { historyEntry, type HistoryEntry, type RunConfig } from '../../run-file.js';
import { interruptOnCtrlC, saveRun, type RunRecord } from './checkpoints.js';

/** The training run itself: core's fit, with progress on stderr, periodic checkpoints and Ctrl-C. */

export interface SessionOptions {
  readonly run: RunConfig;
  readonly split: SplitData;
  /** Where training starts: epochs and batches already done (a resumed run). */
  readonly epochsCompleted: number;
  readonly batchesCompleted: number;
  /** The loss curve of the epochs already done. */
  readonly history: readonly HistoryEntry[];
  readonly checkpointPath: string;
  /** Write a checkpoint every this many epochs (never after the last). */
  readonly checkpointEvery: number | undefined;
  readonly progress: ProgressMode;
}

/** How the run ended; `history` is the whole loss curve (the resumed part included). */
export type TrainOutcome =
  | { readonly kind: 'finished'; readonly result: FitResult; readonly history: readonly HistoryEntry[] }
  /** Ctrl-C: training stopped after a batch and a checkpoint was written to `checkpointPath`. */
  | { readonly kind: 'interrupted'; readonly result: FitResult; readonly history: readonly HistoryEntry[] }
  | { readonly kind: 'diverged'; readonly error: NonFiniteLossError };

/** `quiet` with --quiet; a live bar on a terminal; plain lines when piped, except with --json. */
export function progressMode(options: { readonly quiet?: boolean; readonly json?: boolean }): ProgressMode {
  return options.quiet === true ? 'quiet' : stderrIsTty() ? 'bar' : options.json === true ? 'quiet' : 'lines';
}

export async function trainSession(model: Model, session: SessionOptions): Promise<TrainOutcome> {
  const { run, split } = session;
  const progress = createProgress(session.progress, process.stderr);
  const history: HistoryEntry[] = [...session.history];
  const record: RunRecord = { run, split, history };
  const interrupt = interruptOnCtrlC();
  progress.start(session.epochsCompleted, run.epochs);
  let result: FitResult;
  try {
    result = await fit(model, split.train, {
      epochs: run.epochs,
      batchSize: run.batchSize,
      seed: run.seed,
      task: split.train.task,
      ...(split.test === undefined ? {} : { test: split.test }),
      initialEpoch: session.epochsCompleted,
      initialBatch: session.batchesCompleted,
      signal: interrupt.signal,
      onEpochEnd: async (log) => {
        history.push(historyEntry(log));
        progress.epoch(log);
        const every = session.checkpointEvery;
        if (every !== undefined && log.epoch % every === 0 && log.epoch < run.epochs) await saveRun(session.checkpointPath, model, record, log.epoch);
      },
    });
  } catch (error) {
    progress.stop();
    if (error instanceof NonFiniteLossError) return { kind: 'diverged', error };
    throw error;
  } finally {
    interrupt.dispose();
  }
  progress.stop();
  if (result.stopped && interrupt.signal.aborted) {
    await saveRun(session.checkpointPath, model, record, result.epochsCompleted, result.batchesCompleted);
    return { kind: 'interrupted', result, history };
  }
  return { kind: 'finished', result, history };
}
