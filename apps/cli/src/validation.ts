import { InvalidArgumentError, type Command } from 'commander';
import {
  deriveSeed,
  EARLY_STOPPING_MONITORS,
  ModelFileError,
  MONITOR_DEFINITIONS,
  type Dataset,
  type EarlyStoppingMonitor,
  type EarlyStoppingState,
  type FitOptions,
  type Task,
} from '@twinprop/core';
import { stratifiedCounts, stratifiedSplit } from '@twinprop/datasets';
import { fraction, nonNegativeNumber } from '@twinprop/toolkit';
import { UsageError } from './errors.js';

/**
 * The validation split and early stopping of `twinprop train`: the flags, what they make of a run,
 * and the split itself — a stratified part of the training rows (after the test split), seeded by
 * the run's seed, that training is watched on every epoch while the test set waits for the end.
 */

export interface ValidationOptions {
  validationSplit?: number;
  /** `--early-stopping <patience>`. */
  earlyStopping?: number;
  monitor?: EarlyStoppingMonitor;
  minDelta?: number;
  /** `--history <file.csv|file.ndjson>` (train/history.ts). */
  history?: string;
}

/** What a run stores of early stopping (the state itself lives in the model file). */
export interface EarlyStoppingConfig {
  readonly patience: number;
  readonly monitor: EarlyStoppingMonitor;
  readonly minDelta: number;
}

/** `--early-stopping`: a whole number of epochs ≥ 1. */
export function patience(value: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value.trim());
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of epochs ≥ 1: how many epochs without improvement end training.');
  }
  return n;
}

/** `--monitor`: one of core's monitors. */
export function monitor(value: string): EarlyStoppingMonitor {
  const name = value.trim();
  if (!(EARLY_STOPPING_MONITORS as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(`unknown metric; expected one of ${EARLY_STOPPING_MONITORS.join(', ')}.`);
  }
  return name as EarlyStoppingMonitor;
}

export function addValidationOptions(command: Command): Command {
  return command
    .option(
      '--validation-split <fraction>',
      'fraction of the training part held out to watch training each epoch (stratified by class); the test set is then evaluated only at the end',
      fraction,
    )
    .option('--early-stopping <patience>', "stop after this many epochs without improvement of the monitored validation metric, and keep the best epoch's weights (needs --validation-split)", patience)
    .option('--monitor <metric>', `what --early-stopping watches: ${EARLY_STOPPING_MONITORS.join(', ')} (default: validationLoss)`, monitor)
    .option('--min-delta <x>', 'the least change of the monitored metric that counts as an improvement (default: 0)', nonNegativeNumber)
    .option('--history <file>', 'write one row per epoch (every metric, the learning rate, seconds) to a .csv or .ndjson file');
}

/** The tasks' names for messages: classification or regression. */
function taskWord(task: Task): string {
  return task === 'regression' ? 'regression' : 'classification';
}

/**
 * The validation split and early stopping of a fresh run, from the flags; UsageError for
 * combinations that cannot work (early stopping without a validation set, --monitor without early
 * stopping, a metric the task lacks, a split of a logic gate's truth table).
 */
export function validationRun(
  options: ValidationOptions,
  dataset: string,
  task: Task,
  isGate: boolean,
): { validationSplit?: number; earlyStopping?: EarlyStoppingConfig } {
  const split = options.validationSplit ?? 0;
  if (split > 0 && isGate) {
    throw new UsageError(
      `--validation-split: ${dataset} is a logic gate's truth table, whose every row is needed for training (and for testing); there is nothing to hold out — use a generated dataset such as playground-xor`,
    );
  }
  if (options.earlyStopping === undefined) {
    for (const [flag, value] of [['--monitor', options.monitor], ['--min-delta', options.minDelta]] as const) {
      if (value !== undefined) throw new UsageError(`${flag} applies to --early-stopping; add --early-stopping <patience>`);
    }
    return split > 0 ? { validationSplit: split } : {};
  }
  const watched = options.monitor ?? 'validationLoss';
  if (split === 0) {
    throw new UsageError(
      `--early-stopping watches ${watched} on a validation set, and there is none: add --validation-split <fraction> (e.g. 0.2), the part of the training rows held out to watch`,
    );
  }
  if (!MONITOR_DEFINITIONS[watched].tasks.includes(task)) {
    const fitting = EARLY_STOPPING_MONITORS.filter((m) => MONITOR_DEFINITIONS[m].tasks.includes(task));
    throw new UsageError(`--monitor ${watched}: ${dataset} is a ${taskWord(task)} dataset, which reports no ${watched}; monitor ${fitting.join(' or ')}`);
  }
  return { validationSplit: split, earlyStopping: { patience: options.earlyStopping, monitor: watched, minDelta: options.minDelta ?? 0 } };
}

/** The smallest fraction that holds out one row of `rows` (round(rows · f) ≥ 1), rounded up for a message. */
function smallestFraction(rows: number): number {
  return Number((Math.ceil((0.5 / rows) * 10_000) / 10_000).toPrecision(3));
}

/**
 * Splits the validation part off the training part, stratified by class and seeded by the run's
 * seed (so that a resumed run gets the same rows). UsageError, before any training, when the split
 * would leave no training rows, or a class without validation rows or without training rows.
 */
export function splitValidation<T extends Dataset>(train: T, validationSplit: number, seed: number): { train: T; validation: T } {
  const flag = `--validation-split ${validationSplit}`;
  const counts = stratifiedCounts(train, validationSplit);
  const kept = counts.reduce((n, c) => n + c.rows - c.heldOut, 0);
  if (kept === 0) {
    throw new UsageError(`${flag} leaves no training rows: all ${train.x.rows} rows of the training part would go to validation — use a smaller fraction`);
  }
  for (const c of counts) {
    const name = c.classIndex < 0 ? undefined : `class ${JSON.stringify(train.classNames?.[c.classIndex] ?? String(c.classIndex))}`;
    if (c.heldOut === 0) {
      const of = name === undefined ? `the ${c.rows} training rows` : `${name} (${c.rows} training row${c.rows === 1 ? '' : 's'})`;
      throw new UsageError(
        `${flag} holds out no validation rows of ${of}: ${c.rows} × ${validationSplit} rounds to 0 — use --validation-split ${smallestFraction(c.rows)} or more${name === undefined ? '' : ', so that every class is watched'}`,
      );
    }
    if (name !== undefined && c.heldOut === c.rows) {
      throw new UsageError(`${flag} leaves ${name} no training rows: all ${c.rows} of them would go to validation — use a smaller fraction`);
    }
  }
  const { train: rest, test: validation } = stratifiedSplit(train, { testFraction: validationSplit, seed: deriveSeed(seed, 'validation') });
  if (validation === undefined) throw new UsageError(`${flag} holds out no validation rows`);
  return { train: rest, validation };
}

/**
 * The part of core's fit options a run's validation split and early stopping make: the validation
 * set, the test set only when there is none (with one, the test set is evaluated once, at the end),
 * and early stopping with the state a checkpoint kept.
 */
export function heldOutFitOptions(
  run: { readonly earlyStopping?: EarlyStoppingConfig | undefined },
  split: { readonly validation?: Dataset | undefined; readonly test: Dataset | undefined },
  initialEarlyStopping: EarlyStoppingState | undefined,
): Pick<FitOptions, 'validation' | 'test' | 'earlyStopping' | 'initialEarlyStopping'> {
  const early = run.earlyStopping;
  return {
    ...(split.validation !== undefined ? { validation: split.validation } : split.test !== undefined ? { test: split.test } : {}),
    ...(early === undefined ? {} : { earlyStopping: { patience: early.patience, monitor: early.monitor, minDelta: early.minDelta, restoreBest: true } }),
    ...(early === undefined || initialEarlyStopping === undefined ? {} : { initialEarlyStopping }),
  };
}

/**
 * Checks, when resuming a run with early stopping, that the file's early-stopping state fits it:
 * present once an epoch has ended, for the run's monitor, and with counters that add up to the
 * epochs completed (best epoch + epochs since). ModelFileError naming the field.
 */
export function checkEarlyStoppingResume(
  path: string,
  run: { readonly earlyStopping?: EarlyStoppingConfig | undefined },
  state: EarlyStoppingState | undefined,
  epochsCompleted: number,
): void {
  const config = run.earlyStopping;
  if (config === undefined || epochsCompleted === 0) return;
  if (state === undefined) {
    throw new ModelFileError('is missing: the run stops early (--early-stopping), and continuing it needs the best epoch so far and its weights', { field: 'earlyStopping', file: path });
  }
  if (state.monitor !== config.monitor) {
    throw new ModelFileError(`is ${state.monitor}, but the run's early stopping watches ${config.monitor}`, { field: 'earlyStopping.monitor', file: path });
  }
  if (state.bestEpoch + state.epochsSinceBest !== epochsCompleted) {
    throw new ModelFileError(
      `is ${state.epochsSinceBest} after best epoch ${state.bestEpoch}, but ${epochsCompleted} epochs are complete; the file's counters disagree`,
      { field: 'earlyStopping.epochsSinceBest', file: path },
    );
  }
}
