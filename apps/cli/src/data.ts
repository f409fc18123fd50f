import {
  assertBatchMatchesSpec,
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
  GATES,
  isCsvName,
  loadDataset,
  standardize,
  stratifiedSplit,
} from '@twinprop/datasets';

/** How a dataset is produced: a built-in name (with generator options) or a CSV path. */
export interface DataSource {
  readonly dataset: string;
  readonly points?: number | undefined;
  readonly noise?: number | undefined;
  /** Seeds the Playground generators and shuffles Iris and MNIST. */
  readonly seed: number;
  /** CSV only: the label column (name or 0-based index). */
  readonly label?: string | undefined;
}

/** How a dataset is split and scaled for training; stored in the model file so it can be redone. */
export interface SplitConfig {
  readonly testSplit: number;
  readonly standardize: boolean;
}

export function isGate(name: string): boolean {
  return (GATES as readonly string[]).includes(name);
}

/** Whether features should be standardized by default: measured features (Iris, CSV), not the Playground's or pixels. */
export function standardizeByDefault(name: string): boolean {
  return name === 'iris' || isCsvName(name);
}

/** Loads a built-in dataset or a CSV file (DataError for an unknown name or a bad file). */
export async function loadSource(source: DataSource): Promise<Dataset> {
  const csv = isCsvName(source.dataset);
  const label = source.label === undefined ? undefined : /^-?\d+$/.test(source.label) ? Number(source.label) : source.label;
  return loadDataset(source.dataset, {
    ...(source.points === undefined ? {} : { points: source.points }),
    ...(source.noise === undefined ? {} : { noise: source.noise }),
    ...(csv ? {} : { seed: source.seed }),
    ...(csv && label !== undefined ? { csv: { label } } : {}),
  });
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
  readonly standardization: Standardization | undefined;
  /** `train` and `test` before standardization (for plotting in the data's own units). */
  readonly rawTrain: Dataset;
  readonly rawTest: Dataset | undefined;
}

/**
 * Splits off the test part (stratified, seeded by `seed`) and, when asked, standardizes both parts
 * with a mean and std fitted on the training part only. A logic gate's truth table is too small to
 * split: the model trains on all of it and is tested on all of it.
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
  if (!config.standardize) return { train, test, testIsTrain, standardization: undefined, rawTrain: train, rawTest: test };
  const scaled = standardize(train, testIsTrain ? undefined : test);
  return {
    train: scaled.train,
    test: testIsTrain ? scaled.train : scaled.test,
    testIsTrain,
    standardization: scaled.standardization,
    rawTrain: train,
    rawTest: test,
  };
}

/** Applies a stored standardization to a dataset's features (no-op without one). */
export function scaleWith<T extends Dataset>(data: T, standardization: Standardization | undefined): T {
  return standardization === undefined ? data : { ...data, x: applyStandardization(data.x, standardization) };
}

export function classNamesFor(task: Task, outputs: number, names: readonly string[] | undefined): string[] | undefined {
  if (task === 'regression') return undefined;
  const count = outputs === 1 ? 2 : outputs;
  if (names !== undefined && names.length === count) return [...names];
  return Array.from({ length: count }, (_, i) => String(i));
}
