import {
  EARLY_STOPPING_MONITORS,
  ModelFileError,
  type EarlyStoppingMonitor,
  type EarlyStoppingState,
  type EpochLog,
  type Model,
  type ModelFile,
  type ModelMetadata,
  type Standardization,
  type StopReason,
  type Task,
} from '@twinprop/core';
import { MAX_POINTS, type DataSource, type SplitConfig } from './data.js';
import type { EarlyStoppingConfig } from './validation.js';

/** Everything besides the spec and training config that a training run needs to be redone or resumed. */
export interface RunConfig extends DataSource, SplitConfig {
  readonly batchSize: number;
  /** The epoch to train up to. */
  readonly epochs: number;
  /** `--early-stopping` (with `--monitor`, `--min-delta`); its progress is the model file's `earlyStopping`. */
  readonly earlyStopping?: EarlyStoppingConfig | undefined;
}

/** Where a run writes (absolute paths), kept in its files so that `--resume` writes there too. */
export interface RunOutputs {
  readonly out?: string | undefined;
  readonly plot?: string | undefined;
  readonly checkpoint?: string | undefined;
  readonly checkpointEvery?: number | undefined;
  /** `--history`: the per-epoch CSV or NDJSON file. */
  readonly history?: string | undefined;
}

/**
 * One epoch of the loss curve, as stored in the model file: core's epoch log, with `seconds` the
 * time this epoch took (training and evaluation) instead of the time since `fit` started.
 */
export type HistoryEntry = Omit<EpochLog, 'seconds'> & { readonly seconds?: number };

/** The entry of `log`; `previousSeconds` is the previous log's `seconds` in the same fit (0 for its first epoch). */
export function historyEntry(log: EpochLog, previousSeconds = 0): HistoryEntry {
  const { seconds, ...entry } = log;
  return { ...entry, seconds: Math.max(0, seconds - previousSeconds) };
}

export interface RunState {
  readonly run: RunConfig;
  readonly task: Task;
  readonly classNames: readonly string[] | undefined;
  readonly featureNames: readonly string[] | undefined;
  readonly standardization: Standardization | undefined;
  readonly history: readonly HistoryEntry[];
  readonly epochsCompleted: number;
  readonly batchesCompleted: number;
  /** SHA-256 of the loaded rows (see dataFingerprint). */
  readonly dataSha256: string;
  readonly outputs: RunOutputs;
  /** Early stopping's state to keep, so that `--resume` continues the patience window. */
  readonly earlyStopping?: EarlyStoppingState | undefined;
  /** Why training ended (files written when it did), and the best epoch under early stopping. */
  readonly stopReason?: StopReason | undefined;
  readonly bestEpoch?: number | undefined;
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A model file (or checkpoint) for `model`: weights, optimizer state, and in the metadata the
 * progress (epochs and batches completed), the standardization, the class names and how to
 * reproduce the data, so `--resume` can continue exactly where it stopped.
 */
export function modelFileFor(model: Model, state: RunState): ModelFile {
  const { run } = state;
  const metadata: ModelMetadata = {
    engine: model.engine,
    backend: model.backend,
    dataset: run.dataset,
    task: state.task,
    seed: run.seed,
    batchSize: run.batchSize,
    epochs: run.epochs,
    epochsCompleted: state.epochsCompleted,
    batchesCompleted: state.batchesCompleted,
    ...(state.classNames === undefined ? {} : { classNames: [...state.classNames] }),
    ...(state.featureNames === undefined ? {} : { featureNames: [...state.featureNames] }),
    ...(state.standardization === undefined ? {} : { standardization: state.standardization }),
    ...defined({ bestEpoch: state.bestEpoch, stopReason: state.stopReason }),
    createdAt: new Date().toISOString(),
    extra: {
      run: {
        testSplit: run.testSplit,
        standardize: run.standardize,
        ...defined({ validationSplit: run.validationSplit, earlyStopping: run.earlyStopping === undefined ? undefined : { ...run.earlyStopping } }),
        ...(run.points === undefined ? {} : { points: run.points }),
        ...(run.noise === undefined ? {} : { noise: run.noise }),
        ...(run.label === undefined ? {} : { label: run.label }),
        ...defined({ task: run.task, header: run.header === false ? false : undefined, delimiter: run.delimiter, encoding: run.encoding }),
        dataSha256: state.dataSha256,
        outputs: defined({ ...state.outputs }),
      },
      history: state.history,
    },
  };
  return {
    spec: model.spec,
    training: model.training,
    weights: model.getWeights(),
    optimizerState: model.getOptimizerState(),
    ...(state.earlyStopping === undefined ? {} : { earlyStopping: state.earlyStopping }),
    metadata,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalNumber(value: unknown, field: string, file: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ModelFileError('must be a finite number', { field, file });
  return value;
}

function optionalString(value: unknown, field: string, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ModelFileError('must be a string', { field, file });
  return value;
}

/** The run's outputs as stored (absolute paths); empty for files from before they were stored. */
export function outputsOf(file: ModelFile, path: string): RunOutputs {
  const run = file.metadata.extra?.run;
  const outputs = isRecord(run) && isRecord(run.outputs) ? run.outputs : {};
  const every = optionalNumber(outputs.checkpointEvery, 'metadata.extra.run.outputs.checkpointEvery', path);
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
    throw new ModelFileError('must be a whole number ≥ 1', { field: 'metadata.extra.run.outputs.checkpointEvery', file: path });
  }
  return {
    out: optionalString(outputs.out, 'metadata.extra.run.outputs.out', path),
    plot: optionalString(outputs.plot, 'metadata.extra.run.outputs.plot', path),
    checkpoint: optionalString(outputs.checkpoint, 'metadata.extra.run.outputs.checkpoint', path),
    checkpointEvery: every,
    history: optionalString(outputs.history, 'metadata.extra.run.outputs.history', path),
  };
}

/** The stored fingerprint of the training data, if the file has one. */
export function fingerprintOf(file: ModelFile, path: string): string | undefined {
  const run = file.metadata.extra?.run;
  return isRecord(run) ? optionalString(run.dataSha256, 'metadata.extra.run.dataSha256', path) : undefined;
}

/** The run a model file came from; ModelFileError when the file lacks what resuming needs. */
export function runConfigOf(file: ModelFile, path: string): RunConfig {
  const m = file.metadata;
  const missing = (field: string): never => {
    throw new ModelFileError('is missing; only files written by `twinprop train` can be resumed', { field: `metadata.${field}`, file: path });
  };
  const run = isRecord(m.extra?.run) ? m.extra.run : missing('extra.run');
  const testSplit = optionalNumber(run.testSplit, 'metadata.extra.run.testSplit', path) ?? missing('extra.run.testSplit');
  if (typeof run.standardize !== 'boolean') missing('extra.run.standardize');
  const label = optionalString(run.label, 'metadata.extra.run.label', path);
  const task = optionalString(run.task, 'metadata.extra.run.task', path);
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    throw new ModelFileError('must be "classification" or "regression"', { field: 'metadata.extra.run.task', file: path });
  }
  if (run.header !== undefined && run.header !== false) throw new ModelFileError('must be false when present', { field: 'metadata.extra.run.header', file: path });
  const points = optionalNumber(run.points, 'metadata.extra.run.points', path);
  if (points !== undefined && (!Number.isInteger(points) || points < 1 || points > MAX_POINTS)) {
    throw new ModelFileError(`must be a whole number from 1 to ${MAX_POINTS}`, { field: 'metadata.extra.run.points', file: path });
  }
  const validationSplit = optionalNumber(run.validationSplit, 'metadata.extra.run.validationSplit', path);
  if (validationSplit !== undefined && !(validationSplit >= 0 && validationSplit < 1)) {
    throw new ModelFileError('must be a fraction in [0, 1)', { field: 'metadata.extra.run.validationSplit', file: path });
  }
  return {
    dataset: m.dataset ?? missing('dataset'),
    seed: m.seed ?? missing('seed'),
    batchSize: m.batchSize ?? missing('batchSize'),
    epochs: m.epochs ?? missing('epochs'),
    testSplit,
    standardize: run.standardize === true,
    points,
    noise: optionalNumber(run.noise, 'metadata.extra.run.noise', path),
    label,
    task,
    header: run.header === false ? false : undefined,
    delimiter: optionalString(run.delimiter, 'metadata.extra.run.delimiter', path),
    encoding: optionalString(run.encoding, 'metadata.extra.run.encoding', path),
    ...(validationSplit === undefined ? {} : { validationSplit }),
    ...(run.earlyStopping === undefined ? {} : { earlyStopping: earlyStoppingConfigOf(run.earlyStopping, path) }),
  };
}

/** `metadata.extra.run.earlyStopping`: patience, monitor and minDelta, checked. */
function earlyStoppingConfigOf(value: unknown, path: string): EarlyStoppingConfig {
  const field = 'metadata.extra.run.earlyStopping';
  if (!isRecord(value)) throw new ModelFileError('must be an object', { field, file: path });
  const patience = optionalNumber(value.patience, `${field}.patience`, path);
  if (patience === undefined || !Number.isInteger(patience) || patience < 1) throw new ModelFileError('must be a whole number ≥ 1', { field: `${field}.patience`, file: path });
  const monitor = value.monitor;
  if (typeof monitor !== 'string' || !(EARLY_STOPPING_MONITORS as readonly string[]).includes(monitor)) {
    throw new ModelFileError(`must be one of ${EARLY_STOPPING_MONITORS.join(', ')}`, { field: `${field}.monitor`, file: path });
  }
  const minDelta = optionalNumber(value.minDelta, `${field}.minDelta`, path) ?? 0;
  if (minDelta < 0) throw new ModelFileError('must be ≥ 0', { field: `${field}.minDelta`, file: path });
  return { patience, monitor: monitor as EarlyStoppingMonitor, minDelta };
}

/** The loss curve stored in a model file (empty when there is none or it is malformed). */
export function historyOf(file: ModelFile): HistoryEntry[] {
  const history = file.metadata.extra?.history;
  if (!Array.isArray(history)) return [];
  return history.filter(
    (entry): entry is HistoryEntry => isRecord(entry) && typeof entry.epoch === 'number' && typeof entry.trainLoss === 'number',
  );
}
