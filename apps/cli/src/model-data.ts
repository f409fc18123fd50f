import type { Dataset, ModelFile, Task } from '@twinprop/core';
import { labelColumnFor, modelColumns } from './align.js';
import { isTextData, loadSource, textDataPath, type DataSource } from './data.js';
import { runConfigOf, type RunConfig } from './run-file.js';

/** The data options `evaluate` and `inspect` share: which dataset, and how to read or generate it. */
export interface ModelDataOptions {
  readonly points?: number | undefined;
  readonly noise?: number | undefined;
  readonly seed?: number | undefined;
  readonly label?: string | undefined;
  readonly header?: boolean | undefined;
  readonly delimiter?: string | undefined;
  readonly encoding?: string | undefined;
}

export interface ModelData {
  /** The rows as read, features in the data's own order. */
  readonly loaded: Dataset;
  /** The training run, when `name` is the dataset the model was trained on and the file records it. */
  readonly run: RunConfig | undefined;
  /** Where the rows came from, for messages: the CSV file, `stdin`, or `dataset <name>`. */
  readonly where: string;
}

/**
 * Loads dataset `name` for a saved model: the training dataset is generated or read as in training
 * (its recorded points, noise, seed, label column and CSV settings, each overridable by an
 * option); a CSV's labels are read as the model reads them (classes or values), and without
 * `--label` its label column is the one that is not a model column, else the stored one.
 */
export async function loadDataForModel(file: ModelFile, modelPath: string, name: string, task: Task, options: ModelDataOptions): Promise<ModelData> {
  const sameData = name === file.metadata.dataset;
  const run = sameData && file.metadata.extra?.run !== undefined ? runConfigOf(file, modelPath) : undefined;
  const text = isTextData(name);
  const source: DataSource = {
    dataset: name,
    points: options.points ?? run?.points,
    noise: options.noise ?? run?.noise,
    seed: options.seed ?? run?.seed ?? file.metadata.seed ?? 1,
    label: options.label ?? (sameData ? run?.label : undefined),
    // The labels are read as the model reads them: classes, or real values.
    task: text ? (task === 'regression' ? 'regression' : 'classification') : undefined,
    header: options.header === false ? false : sameData ? run?.header : undefined,
    delimiter: options.delimiter ?? (sameData ? run?.delimiter : undefined),
    encoding: options.encoding ?? (sameData ? run?.encoding : undefined),
  };
  const features = modelColumns(file).names;
  const stored = file.metadata.extra?.run;
  const storedLabel = typeof stored === 'object' && stored !== null && 'label' in stored && typeof stored.label === 'string' ? stored.label : undefined;
  const loaded = await loadSource(
    source,
    source.label === undefined && text ? { label: (header: readonly string[]) => labelColumnFor(header, features, storedLabel) } : {},
  );
  return { loaded, run, where: text ? (textDataPath(name) ?? 'stdin') : `dataset ${name}` };
}
