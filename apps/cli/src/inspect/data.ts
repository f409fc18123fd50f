import { ShapeError, type Dataset, type Matrix, type ModelFile, type Task } from '@twinprop/core';
import { featureColumnsByName, modelColumns, modelInputsFrom } from '../align.js';
import { scaleWith } from '../data.js';
import { loadDataForModel, type ModelDataOptions } from '../model-data.js';

/** The data options `inspect` shares with `evaluate`, and the dataset. */
export interface InspectDataOptions extends ModelDataOptions {
  readonly dataset: string;
}

/** Rows of data as the model sees them, and as they were read. */
export interface InspectData {
  readonly name: string;
  /** The model's columns in the data's own units, in the model's order (rows × modelColumns(file).count). */
  readonly columns: Matrix;
  /** The data's targets as read (for colouring points; never judged). */
  readonly targets: Dataset;
  /** What the first layer receives: derived features computed, the stored standardization applied. */
  readonly inputs: Matrix;
}

/** The model's columns of `data`, by name where both sides have names, else by position (the count checked). */
function columnsOf(data: Dataset, file: ModelFile, where: string): Matrix {
  const { names, count } = modelColumns(file);
  if (names !== undefined && names.length === count && data.featureNames !== undefined) {
    const order = featureColumnsByName(names, data.featureNames, where, false);
    const out = new Float64Array(data.x.rows * count);
    for (let r = 0; r < data.x.rows; r++) {
      for (let i = 0; i < count; i++) out[r * count + i] = data.x.data[r * data.x.cols + (order[i] ?? 0)] ?? 0;
    }
    return { rows: data.x.rows, cols: count, data: out };
  }
  if (data.x.cols !== count) throw new ShapeError(`${where} has ${data.x.cols} feature columns, the model expects ${count}`);
  return { rows: data.x.rows, cols: count, data: Float64Array.from(data.x.data) };
}

/** What the model's first layer receives for rows of its columns: derived features, then the stored standardization. */
export function modelInputs(file: ModelFile, columns: Matrix, task: Task): Matrix {
  const derived = modelInputsFrom(file, columns);
  return scaleWith({ name: '', task, x: derived, y: derived }, file.metadata.standardization).x;
}

/**
 * Loads a dataset for a saved model as `evaluate` does — a built-in name (generated as in training
 * when it is the training dataset) or a CSV file, features matched to the model's by name — and
 * computes what its first layer receives. Only the features are used: the labels are read (a CSV
 * needs its label column told apart) but not checked against the model's classes.
 */
export async function loadForModel(file: ModelFile, modelPath: string, task: Task, options: InspectDataOptions): Promise<InspectData> {
  const name = options.dataset;
  const { loaded, where } = await loadDataForModel(file, modelPath, name, task, options);
  const columns = columnsOf(loaded, file, where);
  return { name, columns, targets: loaded, inputs: modelInputs(file, columns, task) };
}
