import {
  cloneWeights,
  deriveSeed,
  type TrainEvaluation,
  initializeWeights,
  optimizer,
  Rng,
  type Dataset,
  type DType,
  type EarlyStoppingState,
  type ModelFile,
  type ModelSpec,
  type OptimizerKind,
  type OptimizerState,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import { readModelFile } from '@twinprop/core/node';
import { dataFingerprint, fitToSpec, isGate, loadSource, standardizeByDefault } from '../../data.js';
import { DEFAULT_ENGINE, isRegisteredEngine, type EngineOptions, type EnginePreference } from '../../engine-options.js';
import { UsageError } from '../../errors.js';
import { warn } from '../../io.js';
import { modelFromOptions } from '../../model-spec.js';
import type { DataOptions, ModelOptions } from '../../options.js';
import { fingerprintOf, historyOf, outputsOf, runConfigOf, type HistoryEntry, type RunConfig, type RunOutputs } from '../../run-file.js';
import { SCHEDULE_OPTION_KEYS, type ScheduleOptions } from '../../schedule-options.js';
import { validationRun, type ValidationOptions } from '../../validation.js';

/** Set-up of a training run: a fresh one from the options, or one resumed from a model file. */

export interface TrainOptions extends DataOptions, ModelOptions, EngineOptions, ScheduleOptions, ValidationOptions {
  optimizer: OptimizerKind;
  lr?: number;
  epochs?: number;
  batchSize: number;
  testSplit: number;
  standardize?: boolean;
  out?: string;
  plot?: string;
  checkpointEvery?: number;
  checkpoint?: string;
  resume?: string;
  /** A playground.tensorflow.org URL or hash to reproduce (train/playground.ts). */
  playground?: string;
  json?: boolean;
  quiet?: boolean;
  trainEval: TrainEvaluation;
  /** Threads for the reference engine's large products (undefined: every core). */
  threads?: number;
}

/** Options that define a run; a checkpoint fixes them, so they cannot be given with --resume. */
const RUN_OPTIONS = [
  'dataset',
  'label',
  'task',
  'header',
  'delimiter',
  'encoding',
  'points',
  'noise',
  'seed',
  'hidden',
  'activation',
  'output',
  'loss',
  'l1',
  'l2',
  'optimizer',
  'lr',
  'batchSize',
  'testSplit',
  'standardize',
  ...SCHEDULE_OPTION_KEYS,
  'validationSplit',
  'earlyStopping',
  'monitor',
  'minDelta',
] as const;

/** Updates per run that the default epoch count aims for on small datasets. */
export const DEFAULT_MIN_UPDATES = 2000;
export const DEFAULT_EPOCHS = 100;

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** 100 epochs, or more on small datasets so that training makes at least 2000 updates. */
export function defaultEpochs(trainRows: number, batchSize: number): number {
  const batchesPerEpoch = Math.ceil(trainRows / Math.min(batchSize, trainRows));
  return Math.max(DEFAULT_EPOCHS, Math.ceil(DEFAULT_MIN_UPDATES / batchesPerEpoch));
}

export interface Setup {
  /** `epochs` is 0 when neither --epochs nor the checkpoint says (the default is picked once the split is known). */
  readonly run: RunConfig;
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly data: Dataset;
  /** The weights to continue from; `undefined` for a fresh run (see {@link initialWeights}). */
  readonly weights: Weights | undefined;
  readonly optimizerState: OptimizerState | undefined;
  readonly epochsCompleted: number;
  readonly batchesCompleted: number;
  readonly history: HistoryEntry[];
  /** Early stopping's state at the checkpoint (undefined for a fresh run). */
  readonly earlyStopping: EarlyStoppingState | undefined;
  /** The engine the checkpoint was trained on, where the command line does not choose. */
  readonly enginePreference: EnginePreference;
  readonly resumedFrom: string | undefined;
  /** SHA-256 of the loaded rows, stored in every file the run writes. */
  readonly dataSha256: string;
  /** The fingerprint the resumed file stored (undefined for a fresh run or an older file). */
  readonly storedSha256: string | undefined;
  /** The outputs the resumed run had (empty for a fresh run). */
  readonly storedOutputs: RunOutputs;
}

export async function freshSetup(options: TrainOptions): Promise<Setup> {
  if (options.dataset === undefined) {
    throw new UsageError('train needs --dataset <name|file.csv> (see `twinprop datasets`), or --resume <checkpoint>');
  }
  const source = {
    dataset: options.dataset,
    points: options.points,
    noise: options.noise,
    seed: options.seed,
    label: options.label,
    task: options.task,
    header: options.header === false ? false : undefined,
    delimiter: options.delimiter,
    encoding: options.encoding,
  };
  const loaded = await loadSource(source);
  const { spec, training, data } = modelFromOptions(
    loaded,
    options,
    optimizer(options.optimizer, options.lr === undefined ? {} : { learningRate: options.lr }),
  );
  const standardize = options.standardize ?? standardizeByDefault(options.dataset);
  const held = validationRun(options, options.dataset, data.task, isGate(options.dataset));
  const run: RunConfig = { ...source, testSplit: options.testSplit, standardize, batchSize: options.batchSize, epochs: options.epochs ?? 0, ...held };
  return {
    run,
    spec,
    training,
    data,
    weights: undefined,
    optimizerState: undefined,
    epochsCompleted: 0,
    batchesCompleted: 0,
    history: [],
    earlyStopping: undefined,
    enginePreference: {},
    resumedFrom: undefined,
    dataSha256: dataFingerprint(loaded),
    storedSha256: undefined,
    storedOutputs: {},
  };
}

/** A fresh run's initial weights, seeded by the run's seed, drawn in the precision of the engine that trains them. */
export function initialWeights(spec: ModelSpec, seed: number, dtype: DType): Weights {
  return initializeWeights(spec, new Rng(deriveSeed(seed, 'init')), dtype);
}

/**
 * The engine a model file was trained on, as a preference: its engine by name, its backend (used
 * only if that engine offers a variant of that name), its weights' precision. An engine that is not
 * registered here is reported and left out (the default engine trains instead, unless --engine
 * chooses).
 */
function storedEngine(file: ModelFile, path: string, engineGiven: boolean): EnginePreference {
  const { engine, backend } = file.metadata;
  const dtype = file.weights.dtype;
  if (engine === undefined) return { dtype };
  if (!isRegisteredEngine(engine)) {
    if (!engineGiven) {
      warn(`${path} was trained by the ${engine} engine, which is not registered (load it with --engine-module); resuming on ${DEFAULT_ENGINE}`);
    }
    return { dtype };
  }
  return { engine, variant: backend, dtype };
}

export async function resumeSetup(path: string, options: TrainOptions, given: (key: string) => boolean): Promise<Setup> {
  for (const key of RUN_OPTIONS) {
    if (given(key)) {
      throw new UsageError(
        `--${kebab(key)} cannot be given with --resume: the checkpoint fixes the dataset, the model and the optimizer (only --epochs, the engine and the outputs can change)`,
      );
    }
  }
  const file: ModelFile = await readModelFile(path);
  const run = runConfigOf(file, path);
  refuseFinishedEarly(file, path);
  const loaded = await loadSource(run);
  const data = fitToSpec(loaded, file.spec);
  const epochsCompleted = file.metadata.epochsCompleted ?? 0;
  const batchesCompleted = file.metadata.batchesCompleted ?? 0;
  return {
    run: { ...run, epochs: options.epochs ?? run.epochs },
    spec: file.spec,
    training: file.training,
    data,
    weights: file.weights,
    optimizerState: file.optimizerState,
    epochsCompleted,
    batchesCompleted,
    history: historyOf(file).filter((h) => h.epoch <= epochsCompleted),
    earlyStopping: file.earlyStopping,
    enginePreference: storedEngine(file, path, given('engine')),
    resumedFrom: path,
    dataSha256: dataFingerprint(loaded),
    storedSha256: fingerprintOf(file, path),
    storedOutputs: outputsOf(file, path),
  };
}

/** A model whose training early stopping ended has nothing left to resume: its patience ran out. */
function refuseFinishedEarly(file: ModelFile, path: string): void {
  if (file.metadata.stopReason !== 'earlyStopping') return;
  const patience = runConfigOf(file, path).earlyStopping?.patience;
  throw new UsageError(
    `${path} stopped early at epoch ${file.metadata.epochsCompleted ?? '?'}: ${patience === undefined ? 'its patience ran out' : `${patience} epochs brought no improvement`} and it holds the weights of its best epoch, ${file.metadata.bestEpoch ?? '?'}; ` +
      'there is nothing to resume — start a new run (with a larger --early-stopping patience, or without it)',
  );
}

/** An optimizer state with its slots in `dtype` (a checkpoint may come from an engine of another precision). */
export function convertState(state: OptimizerState, dtype: DType): OptimizerState {
  return { ...state, slots: Object.fromEntries(Object.entries(state.slots).map(([name, w]) => [name, cloneWeights(w, dtype)])) };
}
