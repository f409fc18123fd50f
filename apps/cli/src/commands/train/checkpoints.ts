import { writeModelFile, type Model } from '@twinprop/core';
import type { SplitData } from '../../data.js';
import { EXIT } from '../../errors.js';
import { modelFileFor, type HistoryEntry, type RunConfig, type RunState } from '../../run-file.js';

/**
 * Checkpoints and Ctrl-C. A checkpoint is a model file whose metadata says how far training got
 * (epochs and batches completed), so `--resume` continues exactly there. Every file is written
 * atomically by core's writeModelFile.
 */

/** `--checkpoint`, else `<out>.checkpoint.json`, else the `--resume` file, else `twinprop-checkpoint.json`. */
export function checkpointPathFor(options: { readonly checkpoint?: string; readonly out?: string; readonly resume?: string }): string {
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
}

export function stateAt(record: RunRecord, epochsCompleted: number, batchesCompleted: number): RunState {
  const { run, split, history } = record;
  return {
    run,
    task: split.train.task,
    classNames: split.train.classNames,
    featureNames: split.train.featureNames,
    standardization: split.standardization,
    history,
    epochsCompleted,
    batchesCompleted,
  };
}

/** Writes `model` and the run's progress to `path`. */
export async function saveRun(path: string, model: Model, record: RunRecord, epochsCompleted: number, batchesCompleted = 0): Promise<void> {
  await writeModelFile(path, modelFileFor(model, stateAt(record, epochsCompleted, batchesCompleted)));
}

/**
 * Ctrl-C while training: the first aborts `signal` (training stops after the current batch and a
 * checkpoint is written), a second exits at once without waiting for the checkpoint. `dispose`
 * puts Node's default handling back.
 */
export function interruptOnCtrlC(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** `the end of epoch 12`, or `epoch 13, after batch 40` when the interrupt came mid-epoch. */
export function describeStop(epochsCompleted: number, batchesCompleted: number): string {
  return batchesCompleted > 0 ? `epoch ${epochsCompleted + 1}, after batch ${batchesCompleted}` : `the end of epoch ${epochsCompleted}`;
}
