import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import {
  assertBatchMatchesSpec,
  DataError,
  deriveSeed,
  ShapeError,
  type Dataset,
  type ModelSpec,
  type Standardization,
  type Task,
} from '@twinprop/core';
import {
  applyStandardization,
  binaryToMulticlass,
  datasetNames,
  FLOAT32_MAX,
  GATES,
  isCsvName,
  loadBuiltinDataset,
  loadCsv,
  readCsv,
  standardize,
  stratifiedSplit,
  type CsvOptions,
} from '@twinprop/datasets';
import { UsageError } from './errors.js';
import { splitValidation } from './validation.js';

/** How a dataset is produced: a built-in name (with generator options) or a CSV path. */
export interface DataSource {
  readonly dataset: string;
  readonly points?: number | undefined;
  readonly noise?: number | undefined;
  /** Seeds the Playground generators and shuffles Iris and MNIST. */
  readonly seed: number;
  /** CSV only: the label column (name or 0-based index). */
  readonly label?: string | undefined;
  /** CSV only: read the labels as classes or as real values (default: guessed from the labels). */
  readonly task?: 'classification' | 'regression' | undefined;
  /** CSV only: `false` for a file without a header row. */
  readonly header?: boolean | undefined;
  /** CSV only: the field delimiter (default: tab for .tsv files, else a comma). */
  readonly delimiter?: string | undefined;
  /** CSV only: the text encoding (default UTF-8, checked). */
  readonly encoding?: string | undefined;
}

/** The options only a CSV source takes, as flags (for messages). */
export const CSV_ONLY = ['label', 'task', 'header', 'delimiter', 'encoding'] as const;

/** `-`: the data comes from stdin. */
export const STDIN = '-';

/** The most points a Playground generator may be asked for (`--points`, or a model file's stored run). */
export const MAX_POINTS = 1_000_000;

const TEXT_EXTENSIONS = ['.csv', '.tsv', '.txt'];

/** How a dataset is split and scaled for training; stored in the model file so it can be redone. */
export interface SplitConfig {
  readonly testSplit: number;
  readonly standardize: boolean;
  /** Fraction of the training part held out for validation (absent or 0: none). */
  readonly validationSplit?: number | undefined;
}

export function isGate(name: string): boolean {
  return (GATES as readonly string[]).includes(name);
}

/** Whether features should be standardized by default: measured features (Iris, CSV), not the Playground's or pixels. */
export function standardizeByDefault(name: string): boolean {
  return name === 'iris' || isTextData(name);
}

/** Whether `name` is read as a delimited text file: `-` (stdin), `csv:<path>`, or a .csv, .tsv or .txt name. */
export function isTextData(name: string): boolean {
  return name === STDIN || isCsvName(name) || TEXT_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** The file a text dataset name reads (`csv:` dropped), or `undefined` for stdin. */
export function textDataPath(name: string): string | undefined {
  if (name === STDIN) return undefined;
  return name.startsWith('csv:') ? name.slice(4) : name;
}

/** `tab` and `\t` name the tab; anything else must be one character. */
export function parseDelimiter(value: string): string {
  if (value === 'tab' || value === '\\t' || value === '\t') return '\t';
  if (value.length !== 1 || /["\r\n]/.test(value)) throw new UsageError(`--delimiter ${JSON.stringify(value)}: give one character, such as ';' or tab`);
  return value;
}

/** The CSV reader's options for a source (numbers beyond float32's range are refused: the engines would make them ±Infinity). */
export function csvOptionsFor(source: DataSource): CsvOptions {
  const label = source.label === undefined ? undefined : /^-?\d+$/.test(source.label) ? Number(source.label) : source.label;
  const tsv = extname(textDataPath(source.dataset) ?? '').toLowerCase() === '.tsv';
  const delimiter = source.delimiter ?? (tsv ? '\t' : undefined);
  return {
    maxMagnitude: FLOAT32_MAX,
    ...(label === undefined ? {} : { label }),
    ...(source.task === undefined ? {} : { task: source.task }),
    ...(source.header === false ? { header: false } : {}),
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(source.encoding === undefined ? {} : { encoding: source.encoding }),
  };
}

/** Refuses CSV-only options for a built-in dataset. */
function refuseCsvOptions(source: DataSource): void {
  const given = [
    source.label === undefined ? undefined : '--label',
    source.task === undefined ? undefined : '--task',
    source.header === false ? '--no-header' : undefined,
    source.delimiter === undefined ? undefined : '--delimiter',
    source.encoding === undefined ? undefined : '--encoding',
  ].filter((flag): flag is string => flag !== undefined);
  if (given.length > 0) throw new UsageError(`${given.join(', ')} appl${given.length === 1 ? 'ies' : 'y'} to CSV files only; ${source.dataset} is a built-in dataset`);
}

/**
 * Loads a built-in dataset or a delimited text file (`-` reads stdin). DataError for an unknown
 * name or a bad file; a path that exists but is not named .csv, .tsv or .txt is told so.
 */
export async function loadSource(source: DataSource, csv: Partial<CsvOptions> = {}): Promise<Dataset> {
  if (isTextData(source.dataset)) {
    const options = { ...csvOptionsFor(source), ...csv };
    const path = textDataPath(source.dataset);
    if (path === undefined) return readCsv(process.stdin, { ...options, file: 'stdin', name: 'stdin' });
    return loadCsv(path, options);
  }
  if (!datasetNames().includes(source.dataset) && existsSync(source.dataset)) {
    throw new DataError(
      `${source.dataset} is not a built-in dataset, and only files named .csv, .tsv or .txt are read as data (or name it csv:${source.dataset})`,
    );
  }
  refuseCsvOptions(source);
  if (source.points !== undefined && (!Number.isInteger(source.points) || source.points < 1 || source.points > MAX_POINTS)) {
    throw new UsageError(`points must be a whole number from 1 to ${MAX_POINTS} (got ${source.points})`);
  }
  return loadBuiltinDataset(source.dataset, {
    ...(source.points === undefined ? {} : { points: source.points }),
    ...(source.noise === undefined ? {} : { noise: source.noise }),
    seed: source.seed,
  });
}

/**
 * A fingerprint of a dataset's rows (SHA-256 over the shapes, features and targets as float64), so
 * that resuming can tell whether the data changed since the checkpoint.
 */
export function dataFingerprint(data: Dataset): string {
  const hash = createHash('sha256');
  hash.update(`${data.x.rows}x${data.x.cols}/${data.y.rows}x${data.y.cols}/${(data.classNames ?? []).join('\u0000')};`);
  for (const m of [data.x, data.y]) {
    const values = m.data instanceof Float64Array ? m.data : Float64Array.from(m.data);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

/**
 * Reshapes targets to fit the model's output layer: a binary dataset meets a two-unit softmax as
 * a one-hot over two classes. Then checks the shapes (ShapeError names the mismatch).
 */
export function fitToSpec(data: Dataset, spec: ModelSpec): Dataset {
  let fitted = data;
  if (data.task === 'binary' && spec.output.activation === 'softmax' && spec.output.units === 2 && data.y.cols === 1) {
    fitted = binaryToMulticlass(data);
  }
  try {
    assertBatchMatchesSpec(spec, fitted);
  } catch (error) {
    if (error instanceof ShapeError) throw new ShapeError(`dataset ${data.name} does not fit the model: ${error.message}`);
    throw error;
  }
  return fitted;
}

export interface SplitData {
  readonly train: Dataset;
  /** Held-out rows; for a gate's truth table, the whole table (there is nothing to hold out). */
  readonly test: Dataset | undefined;
  /** True when `test` is the training rows themselves (logic gates). */
  readonly testIsTrain: boolean;
  /** Rows held out of the training part to watch training (`--validation-split`). */
  readonly validation?: Dataset | undefined;
  readonly standardization: Standardization | undefined;
  /** `train` and `test` before standardization (for plotting in the data's own units). */
  readonly rawTrain: Dataset;
  readonly rawTest: Dataset | undefined;
}

/**
 * Splits off the test part (stratified, seeded by `seed`), then the validation part of what is left
 * (`validationSplit`, see validation.ts), and when asked standardizes every part with a mean and std
 * fitted on the rows trained on only. A logic gate's truth table is too small to split: the model
 * trains on all of it and is tested on all of it.
 */
export function splitAndScale(data: Dataset, config: SplitConfig & { readonly dataset: string }, seed: number): SplitData {
  let train: Dataset;
  let test: Dataset | undefined;
  let testIsTrain = false;
  if (isGate(config.dataset)) {
    train = data;
    test = data;
    testIsTrain = true;
  } else {
    ({ train, test } = stratifiedSplit(data, { testFraction: config.testSplit, seed: deriveSeed(seed, 'split') }));
  }
  let validation: Dataset | undefined;
  if ((config.validationSplit ?? 0) > 0) ({ train, validation } = splitValidation(train, config.validationSplit ?? 0, seed));
  if (!config.standardize) return { train, test, testIsTrain, validation, standardization: undefined, rawTrain: train, rawTest: test };
  const scaled = standardize(train, testIsTrain ? undefined : test);
  return {
    train: scaled.train,
    test: testIsTrain ? scaled.train : scaled.test,
    testIsTrain,
    validation: scaleWith(validation, scaled.standardization),
    standardization: scaled.standardization,
    rawTrain: train,
    rawTest: test,
  };
}

/** Applies a stored standardization to a dataset's features (no-op without one). */
export function scaleWith<T extends Dataset | undefined>(data: T, standardization: Standardization | undefined): T {
  return data === undefined || standardization === undefined ? data : { ...data, x: applyStandardization(data.x, standardization) };
}

export function classNamesFor(task: Task, outputs: number, names: readonly string[] | undefined): string[] | undefined {
  if (task === 'regression') return undefined;
  const count = outputs === 1 ? 2 : outputs;
  if (names !== undefined && names.length === count) return [...names];
  return Array.from({ length: count }, (_, i) => String(i));
}
