import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWriteError, type EarlyStoppingState, type Model, type StopReason } from '@twinprop/core';
import { writeModelFile } from '@twinprop/core/node';
import type { SplitData } from '../../data.js';
import { EXIT } from '../../errors.js';
import { modelFileFor, type HistoryEntry, type RunConfig, type RunOutputs, type RunState } from '../../run-file.js';

/**
 * Checkpoints and Ctrl-C. A checkpoint is a model file whose metadata says how far training got
 * (epochs and batches completed), so `--resume` continues exactly there. Every file is written
 * atomically by core's writeModelFile.
 */

/** `--checkpoint`, else `<out>.checkpoint.json`, else the `--resume` file, else `twinprop-checkpoint.json`. */
export function checkpointPathFor(options: { readonly checkpoint?: string | undefined; readonly out?: string | undefined; readonly resume?: string | undefined }): string {
  if (options.checkpoint !== undefined) return options.checkpoint;
  if (options.out !== undefined) return `${options.out.replace(/\.json$/i, '')}.checkpoint.json`;
  if (options.resume !== undefined) return options.resume;
  return 'twinprop-checkpoint.json';
}

/** What a model file written during this run records besides the model: the run, the data's names and scaling, the loss curve. */
export interface RunRecord {
  readonly run: RunConfig;
  readonly split: SplitData;
  /** The loss curve so far (grows as training goes). */
  readonly history: readonly HistoryEntry[];
  readonly dataSha256: string;
  readonly outputs: RunOutputs;
  /** Early stopping's state as of the last epoch completed (kept so that --resume continues its patience window). */
  readonly earlyStopping?: EarlyStoppingState | undefined;
  /** For the file written when training ended: why, and the best epoch under early stopping. */
  readonly stopReason?: StopReason | undefined;
  readonly bestEpoch?: number | undefined;
}

export function stateAt(record: RunRecord, epochsCompleted: number, batchesCompleted: number): RunState {
  const { run, split, history, dataSha256, outputs, earlyStopping, stopReason } = record;
  return {
    run,
    task: split.train.task,
    classNames: split.train.classNames,
    featureNames: split.train.featureNames,
    standardization: split.standardization,
    history,
    epochsCompleted,
    batchesCompleted,
    dataSha256,
    outputs,
    earlyStopping,
    stopReason,
    bestEpoch: record.bestEpoch ?? earlyStopping?.bestEpoch,
  };
}

/** Writes `model` and the run's progress to `path`. */
async function saveRun(path: string, model: Model, record: RunRecord, epochsCompleted: number, batchesCompleted = 0): Promise<void> {
  await writeModelFile(path, modelFileFor(model, stateAt(record, epochsCompleted, batchesCompleted)));
}

/**
 * {@link saveRun}, and when that fails (a full disk, a folder that went away, …) one more try in
 * the system's temporary folder, so that the trained weights are not lost with the file. Either way
 * a failed write to `path` is an error — never success — but its message then says where the
 * rescued copy is and how to continue from it. `what` names the file for the user.
 */
export async function saveRunOrRescue(
  path: string,
  model: Model,
  record: RunRecord,
  epochsCompleted: number,
  batchesCompleted: number,
  what: string,
): Promise<void> {
  try {
    await saveRun(path, model, record, epochsCompleted, batchesCompleted);
  } catch (error) {
    if (!(error instanceof FileWriteError)) throw error;
    const problem = error.message.slice(error.file.length + 2);
    const rescue = join(tmpdir(), `twinprop-rescue-${process.pid}-${Date.now()}.json`);
    let saved = true;
    try {
      await saveRun(rescue, model, record, epochsCompleted, batchesCompleted);
    } catch {
      saved = false;
    }
    const tail = saved
      ? `${what} was saved to ${rescue} instead — continue with: twinprop train --resume ${rescue}`
      : `${what} could not be saved to ${tmpdir()} either (training since the last checkpoint is lost)`;
    throw new FileWriteError(error.file, `${problem}; ${tail}`, { ...(error.reason === undefined ? {} : { reason: error.reason }), cause: error });
  }
}

/** The signals that stop training with a checkpoint, and the exit status each gives. */
export const STOP_SIGNALS = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Ctrl-C (SIGINT) or SIGTERM while training: the first aborts `signal` (training stops after the
 * current batch and a checkpoint is written), a second exits at once without waiting for the
 * checkpoint. `received` says which signal came; `dispose` puts Node's default handling back.
 */
export function interruptOnSignals(): { readonly signal: AbortSignal; received(): StopSignal | undefined; dispose(): void } {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((name) => {
    const handler = (): void => {
      if (controller.signal.aborted) process.exit(STOP_SIGNALS[name]);
      received = name;
      controller.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** `the end of epoch 12`, or `epoch 13, after batch 40` when the interrupt came mid-epoch. */
export function describeStop(epochsCompleted: number, batchesCompleted: number): string {
  return batchesCompleted > 0 ? `epoch ${epochsCompleted + 1}, after batch ${batchesCompleted}` : `the end of epoch ${epochsCompleted}`;
}
