import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  describeSchedule,
  learningRateAt,
  LR_SCHEDULES,
  SpecError,
  validateSchedule,
  type EpochLog,
  type LearningRateSchedule,
  type LrScheduleKind,
  type Model,
  type TrainingConfig,
} from '@twinprop/core';
import { nonNegativeNumber, positiveNumber } from '@twinprop/toolkit';
import { UsageError } from './errors.js';

/**
 * `twinprop train --lr-schedule <kind>` and its parameters. The flags count in epochs, the
 * schedule in optimizer updates (core's schedule.ts): an epoch count becomes
 * `round(epochs × batches per epoch)` updates, with this run's batches per epoch
 * `⌈training rows / batch size⌉`. The schedule is stored, in updates, in the model file's
 * training config, so `--resume` continues it (and refuses these flags, like --lr).
 */

export interface ScheduleOptions {
  lrSchedule?: LrScheduleKind;
  /** step: epochs between two decays. */
  lrDecayEvery?: number;
  /** step: what each decay multiplies the rate by. */
  lrDecayFactor?: number;
  /** exponential: the factor the rate falls by over --lr-decay-epochs. */
  lrDecayRate?: number;
  /** exponential: the epochs over which it falls by --lr-decay-rate; cosine: the epochs of the decay. */
  lrDecayEpochs?: number;
  /** cosine: the rate the decay ends at. */
  lrMin?: number;
  /** cosine: epochs of linear warm-up before the decay. */
  lrWarmupEpochs?: number;
}

type ParameterKey = Exclude<keyof ScheduleOptions, 'lrSchedule'>;

/** Every schedule option, the keys commander gives them (for --resume and --playground to refuse). */
export const SCHEDULE_OPTION_KEYS = ['lrSchedule', 'lrDecayEvery', 'lrDecayFactor', 'lrDecayRate', 'lrDecayEpochs', 'lrMin', 'lrWarmupEpochs'] as const;

const PARAMETER_KEYS: readonly ParameterKey[] = SCHEDULE_OPTION_KEYS.filter((key): key is ParameterKey => key !== 'lrSchedule');

const FLAG: { readonly [K in keyof ScheduleOptions]-?: string } = {
  lrSchedule: '--lr-schedule',
  lrDecayEvery: '--lr-decay-every',
  lrDecayFactor: '--lr-decay-factor',
  lrDecayRate: '--lr-decay-rate',
  lrDecayEpochs: '--lr-decay-epochs',
  lrMin: '--lr-min',
  lrWarmupEpochs: '--lr-warmup-epochs',
};

/** The flags each schedule takes (a mapped type over core's kinds: a new schedule needs its entry). */
const FLAGS_OF: { readonly [K in LrScheduleKind]: readonly ParameterKey[] } = {
  constant: [],
  step: ['lrDecayEvery', 'lrDecayFactor'],
  exponential: ['lrDecayRate', 'lrDecayEpochs'],
  cosine: ['lrDecayEpochs', 'lrMin', 'lrWarmupEpochs'],
};

/** Which flag a field of core's schedule comes from, to name it in an error. */
const FLAG_OF_FIELD: Readonly<Record<string, ParameterKey>> = {
  every: 'lrDecayEvery',
  factor: 'lrDecayFactor',
  decayRate: 'lrDecayRate',
  decaySteps: 'lrDecayEpochs',
  minLearningRate: 'lrMin',
  warmupSteps: 'lrWarmupEpochs',
};

/** `--lr-decay-factor`, `--lr-decay-rate`: a factor in (0, 1]. */
export function decayFactor(value: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value.trim());
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('expected a factor in (0, 1], e.g. 0.5: 0 or less would stop or reverse training, more than 1 would grow the rate.');
  return n;
}

export function addScheduleOptions(command: Command): Command {
  return command
    .addOption(new Option('--lr-schedule <kind>', 'learning-rate schedule over the updates (default: constant)').choices(LR_SCHEDULES))
    .option('--lr-decay-every <epochs>', 'step: multiply the rate by --lr-decay-factor every this many epochs', positiveNumber)
    .option('--lr-decay-factor <factor>', 'step: the factor, in (0, 1] (default: 0.5)', decayFactor)
    .option('--lr-decay-rate <factor>', 'exponential: the rate falls by this factor, in (0, 1], every --lr-decay-epochs (smoothly in between)', decayFactor)
    .option('--lr-decay-epochs <epochs>', 'exponential: the period of --lr-decay-rate (default: 1); cosine: the epochs of the decay (default: the run after the warm-up)', positiveNumber)
    .option('--lr-min <rate>', 'cosine: the rate the decay ends at, at most --lr (default: 0)', nonNegativeNumber)
    .option('--lr-warmup-epochs <epochs>', 'cosine: epochs of linear warm-up to --lr before the decay (of its W updates the first runs at --lr/W) (default: 0)', nonNegativeNumber);
}

/** What the epochs-to-updates conversion needs: the run's training rows, batch size and epochs. */
export interface RunSize {
  readonly trainRows: number;
  readonly batchSize: number;
  /** The epoch the run trains up to. */
  readonly epochs: number;
}

/** Updates of one epoch: ⌈rows / batch size⌉ (fit's last partial batch is an update of its own). */
export function batchesPerEpoch(trainRows: number, batchSize: number): number {
  return Math.ceil(trainRows / Math.min(batchSize, trainRows));
}

function flagValue(options: ScheduleOptions, key: ParameterKey): string {
  return `${FLAG[key]} ${String(options[key])}`;
}

/**
 * The schedule the flags describe for this run, in updates, validated by core; undefined without
 * --lr-schedule. UsageError (exit 2) naming the flag for a parameter of another schedule, a missing
 * one, an epoch count shorter than one update, or a value core refuses (a minimum above --lr).
 */
export function scheduleFromOptions(options: ScheduleOptions, learningRate: number, size: RunSize): LearningRateSchedule | undefined {
  const kind = options.lrSchedule;
  const given = PARAMETER_KEYS.filter((key) => options[key] !== undefined);
  if (kind === undefined) {
    if (given.length > 0) {
      const key = given[0]!;
      const owners = LR_SCHEDULES.filter((k) => FLAGS_OF[k].includes(key));
      throw new UsageError(`${FLAG[key]} is a parameter of --lr-schedule ${owners.join(' or ')}; give the schedule too`);
    }
    return undefined;
  }
  for (const key of given) {
    if (!FLAGS_OF[kind].includes(key)) {
      const takes = FLAGS_OF[kind].map((k) => FLAG[k]);
      throw new UsageError(`${FLAG[key]} does not apply to --lr-schedule ${kind} (${takes.length === 0 ? 'it takes no parameters' : `it takes ${takes.join(', ')}`})`);
    }
  }
  const perEpoch = batchesPerEpoch(size.trainRows, size.batchSize);
  const updates = (key: ParameterKey, epochs: number, atLeast: number): number => {
    const n = Math.round(epochs * perEpoch);
    if (n < atLeast) {
      throw new UsageError(`${flagValue(options, key)} is ${n} updates at this run's ${perEpoch} batches per epoch; it must come to at least ${atLeast}`);
    }
    return n;
  };
  const required = (key: ParameterKey): number => {
    const value = options[key];
    if (value === undefined) throw new UsageError(`--lr-schedule ${kind} needs ${FLAG[key]}`);
    return value;
  };
  let schedule: LearningRateSchedule;
  switch (kind) {
    case 'constant':
      schedule = { kind };
      break;
    case 'step':
      schedule = { kind, every: updates('lrDecayEvery', required('lrDecayEvery'), 1), factor: options.lrDecayFactor ?? 0.5 };
      break;
    case 'exponential':
      schedule = { kind, decayRate: required('lrDecayRate'), decaySteps: updates('lrDecayEpochs', options.lrDecayEpochs ?? 1, 1) };
      break;
    case 'cosine': {
      const warmupSteps = options.lrWarmupEpochs === undefined ? 0 : updates('lrWarmupEpochs', options.lrWarmupEpochs, 0);
      let decaySteps: number;
      if (options.lrDecayEpochs !== undefined) decaySteps = updates('lrDecayEpochs', options.lrDecayEpochs, 1);
      else {
        decaySteps = size.epochs * perEpoch - warmupSteps;
        if (decaySteps < 1) {
          throw new UsageError(`${flagValue(options, 'lrWarmupEpochs')} leaves no updates for the decay in a ${size.epochs}-epoch run; give --lr-decay-epochs, or more --epochs`);
        }
      }
      schedule = {
        kind,
        decaySteps,
        ...(options.lrMin === undefined ? {} : { minLearningRate: options.lrMin }),
        ...(warmupSteps === 0 ? {} : { warmupSteps }),
      };
      break;
    }
  }
  try {
    return validateSchedule(schedule, learningRate, 'schedule');
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    const key = FLAG_OF_FIELD[error.field.replace(/^schedule\./, '')];
    const reason = error.message.replace(/^[^:]*: /, '');
    throw new UsageError(`${key === undefined ? `--lr-schedule ${kind}` : flagValue(options, key)}: ${reason}`);
  }
}

/** The run's training config with the flags' schedule (unchanged without --lr-schedule, e.g. when resuming). */
export function scheduledTraining(training: TrainingConfig, options: ScheduleOptions, size: RunSize): TrainingConfig {
  const schedule = scheduleFromOptions(options, training.optimizer.learningRate, size);
  return schedule === undefined ? training : { ...training, schedule };
}

/** The rate of the last update of epoch `epoch` (the epoch's updates are epoch·B − B … epoch·B − 1). */
export function epochLearningRate(training: TrainingConfig, epoch: number, perEpoch: number): number {
  return learningRateAt(training.optimizer, training.schedule, Math.max(0, epoch * perEpoch - 1));
}

/** An epoch's log with `learningRate` (its last update's rate) when the run has a schedule that changes the rate; the log itself otherwise. */
export function withLearningRate(log: EpochLog, training: TrainingConfig, perEpoch: number): EpochLog & { readonly learningRate?: number } {
  if (training.schedule === undefined || training.schedule.kind === 'constant') return log;
  return { ...log, learningRate: epochLearningRate(training, log.epoch, perEpoch) };
}

/** The rate the model's most recent update ran at, from its optimizer's step count (the base rate before any update). */
export function lastLearningRate(model: Model): number {
  const step = model.getOptimizerState().step;
  return learningRateAt(model.training.optimizer, model.training.schedule, Math.max(0, step - 1));
}

/** `--json`: the schedule (in updates) and the rate of the last update, when the run has a schedule. */
export function scheduleJson(model: Model): Record<string, unknown> {
  const schedule = model.training.schedule;
  return schedule === undefined ? {} : { schedule, learningRate: lastLearningRate(model) };
}

/** The summary's `schedule` line, when the run has one. */
export function schedulePairs(model: Model): Array<[string, string]> {
  const schedule = model.training.schedule;
  if (schedule === undefined) return [];
  return [['schedule', `${describeSchedule(schedule)}; last update at lr ${Number(lastLearningRate(model).toPrecision(4))}`]];
}
