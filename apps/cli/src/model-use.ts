import type { Command } from 'commander';
import { classesOf, cloneWeights, readModelFile, type Matrix, type Model, type ModelFile, type Task } from '@twinprop/core';
import { createEngine, type EngineRequest } from './engines.js';
import { engineRequest, type EngineOptions } from './options.js';
import { classNamesFor } from './data.js';

/** A saved model loaded into the engine the user chose (by default the reference engine). */
export interface OpenModel {
  readonly file: ModelFile;
  readonly model: Model;
  readonly task: Task;
  /** Names of the classes by index (classification only). */
  readonly classNames: string[] | undefined;
}

/** The task a model file was trained for (from its metadata, else from its output layer). */
export function taskOf(file: ModelFile): Task {
  if (file.metadata.task !== undefined) return file.metadata.task;
  switch (file.spec.output.activation) {
    case 'softmax':
      return 'multiclass';
    case 'sigmoid':
    case 'step':
      return 'binary';
    case 'linear':
    case 'tanh':
    case 'relu':
    case 'leakyRelu':
      return 'regression';
  }
}

/**
 * Reads a model file and loads it into an engine. Weights are converted to the engine's dtype
 * (tfjs computes in float32), so a model trained by either engine runs on either.
 */
export async function openModel(path: string, command: Command, options: EngineOptions): Promise<OpenModel> {
  const file = await readModelFile(path);
  const chosen = command.getOptionValueSource('engine') === 'cli' ? options.engine : 'reference';
  const fallback: Partial<EngineRequest> = chosen === 'reference' ? { dtype: file.weights.dtype } : {};
  const request = engineRequest(command, options, fallback);
  const engine = await createEngine(request);
  const model = engine.createModel(file.spec, cloneWeights(file.weights, engine.dtype), file.training);
  const task = taskOf(file);
  return { file, model, task, classNames: classNamesFor(task, file.spec.output.units, file.metadata.classNames) };
}


/** Class index of every row of a model's outputs (threshold 0.5 for one unit, else argmax). */
export function predictedClasses(outputs: Matrix): Int32Array {
  return classesOf(outputs);
}

/** Per-class probabilities of one row: [1 − p, p] for a single sigmoid unit, else the outputs. */
export function probabilitiesOf(outputs: Matrix, row: number): number[] {
  if (outputs.cols === 1) {
    const p = outputs.data[row] ?? Number.NaN;
    return [1 - p, p];
  }
  return Array.from(outputs.data.subarray(row * outputs.cols, (row + 1) * outputs.cols));
}
