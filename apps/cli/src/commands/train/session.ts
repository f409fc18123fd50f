import { fit, NonFiniteLossError, NonFiniteWeightsError, type EarlyStoppingState, type FitResult, type Model, type TrainEvaluation } from '@twinprop/core';
import type { SplitData } from '../../data.js';
import { stderrIsTty } from '../../io.js';
import { createProgress, type ProgressMode } from '../../render/progress.js';
import { historyEntry, type HistoryEntry, type RunConfig, type RunOutputs } from '../../run-file.js';
import { batchesPerEpoch, withLearningRate } from '../../schedule-options.js';
import { heldOutFitOptions } from '../../validation.js';
import { describeStop, interruptOnSignals, saveRunOrRescue, type RunRecord, type StopSignal } from './checkpoints.js';

/** The training run itself: core's fit, with progress on stderr, periodic checkpoints and Ctrl-C. */

export interface SessionOptions {
  readonly run: RunConfig;
  readonly split: SplitData;
  /** Where training starts: epochs and batches already done (a resumed run). */
  readonly epochsCompleted: number;
  readonly batchesCompleted: number;
  /** The loss curve of the epochs already done. */
  readonly history: readonly HistoryEntry[];
  /** Early stopping's state at the checkpoint resumed from. */
  readonly earlyStopping: EarlyStoppingState | undefined;
  readonly checkpointPath: string;
  readonly dataSha256: string;
  readonly outputs: RunOutputs;
  /** Write a checkpoint every this many epochs (never after the last). */
  readonly checkpointEvery: number | undefined;
  readonly progress: ProgressMode;
  /** How each epoch's train accuracy is computed (`--train-eval`). */
  readonly trainEvaluation: TrainEvaluation;
}

/** How the run ended; `history` is the whole loss curve (the resumed part included). */
export type TrainOutcome =
  | { readonly kind: 'finished'; readonly result: FitResult; readonly history: readonly HistoryEntry[] }
  /** Ctrl-C or SIGTERM: training stopped after a batch and a checkpoint was written to `checkpointPath`. */
  | { readonly kind: 'interrupted'; readonly signal: StopSignal; readonly result: FitResult; readonly history: readonly HistoryEntry[] }
  | { readonly kind: 'diverged'; readonly error: NonFiniteLossError | NonFiniteWeightsError };

/** `quiet` with --quiet; a live bar on a terminal; plain lines when piped, except with --json. */
export function progressMode(options: { readonly quiet?: boolean; readonly json?: boolean }): ProgressMode {
  return options.quiet === true ? 'quiet' : stderrIsTty() ? 'bar' : options.json === true ? 'quiet' : 'lines';
}

export async function trainSession(model: Model, session: SessionOptions): Promise<TrainOutcome> {
  const { run, split } = session;
  const progress = createProgress(session.progress, process.stderr);
  const history: HistoryEntry[] = [...session.history];
  const record: RunRecord = { run, split, history, dataSha256: session.dataSha256, outputs: session.outputs };
  const interrupt = interruptOnSignals();
  progress.start(session.epochsCompleted, run.epochs);
  let earlyStopping = session.earlyStopping;
  let previousSeconds = 0;
  let result: FitResult;
  try {
    result = await fit(model, split.train, {
      epochs: run.epochs,
      batchSize: run.batchSize,
      seed: run.seed,
      task: split.train.task,
      trainEvaluation: session.trainEvaluation,
      ...heldOutFitOptions(run, split, session.earlyStopping),
      initialEpoch: session.epochsCompleted,
      initialBatch: session.batchesCompleted,
      signal: interrupt.signal,
      onEpochEnd: async (epochLog, end) => {
        // With a schedule the log carries the rate of the epoch's last update (progress, history).
        const log = withLearningRate(epochLog, model.training, batchesPerEpoch(split.train.x.rows, run.batchSize));
        history.push(historyEntry(log, previousSeconds));
        previousSeconds = log.seconds;
        earlyStopping = end.earlyStopping;
        progress.epoch(log, end.stopsEarly);
        const every = session.checkpointEvery;
        if (every !== undefined && log.epoch % every === 0 && log.epoch < run.epochs && !end.stopsEarly) {
          await saveRunOrRescue(session.checkpointPath, model, { ...record, earlyStopping }, log.epoch, 0, `the checkpoint at the end of epoch ${log.epoch}`);
        }
      },
    });
  } catch (error) {
    progress.stop();
    if (error instanceof NonFiniteLossError || error instanceof NonFiniteWeightsError) return { kind: 'diverged', error };
    throw error;
  } finally {
    interrupt.dispose();
  }
  progress.stop();
  const signal = interrupt.received();
  if (result.stopped && signal !== undefined) {
    const what = `the checkpoint at ${describeStop(result.epochsCompleted, result.batchesCompleted)}`;
    await saveRunOrRescue(session.checkpointPath, model, { ...record, earlyStopping, stopReason: 'signal' }, result.epochsCompleted, result.batchesCompleted, what);
    return { kind: 'interrupted', signal, result, history };
  }
  return { kind: 'finished', result, history };
}
