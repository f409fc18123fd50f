import type { Command } from 'commander';
import { ACTIVATION_DEFINITIONS, classesOf, classThreshold, cloneWeights, type Matrix, type Model, type ModelFile, type Task } from '@twinprop/core';
import { readModelFile } from '@twinprop/core/node';
import { engines } from '@twinprop/toolkit';
import { classNamesFor } from './data.js';
import { engineRequest, engineSelector, type EngineOptions } from './engine-options.js';

/** A saved model loaded into the engine the user chose (by default the reference engine). */
export interface OpenModel {
  readonly file: ModelFile;
  readonly model: Model;
  /** The registry id of the engine it runs on, e.g. `reference/float64` or `tfjs/wasm`. */
  readonly engineId: string;
  readonly task: Task;
  /** Names of the classes by index (classification only). */
  readonly classNames: string[] | undefined;
}

/** The task a model file was trained for (from its metadata, else what its output layer predicts). */
export function taskOf(file: ModelFile): Task {
  return file.metadata.task ?? ACTIVATION_DEFINITIONS[file.spec.output.activation].task;
}

/**
 * Reads a model file and loads it into an engine: the one `--engine` names, else the reference
 * engine, in the file's precision where the engine offers it. Weights are converted to the
 * engine's dtype (tfjs computes in float32), so a model trained by either engine runs on either.
 */
export async function openModel(path: string, command: Command, options: EngineOptions): Promise<OpenModel> {
  const request = await engineRequest(command, options);
  const file = await readModelFile(path);
  const resolved = await engines.resolve(engineSelector(request, { dtype: file.weights.dtype }));
  const model = resolved.engine.createModel(file.spec, cloneWeights(file.weights, resolved.engine.dtype), file.training);
  const task = taskOf(file);
  return { file, model, engineId: resolved.id, task, classNames: classNamesFor(task, file.spec.output.units, file.metadata.classNames) };
}

/**
 * Class index of every row of a model's outputs: for one unit, above 0.5 (a sigmoid), or above 0
 * for a model trained on signed (±1) targets (a tanh output, its sign); else argmax.
 */
export function predictedClasses(outputs: Matrix, file?: ModelFile): Int32Array {
  return classesOf(outputs, classThreshold(file?.training.targets));
}

/**
 * Per-class scores of one row: [1 − p, p] for a single sigmoid unit; [(1 − o)/2, (1 + o)/2] for a
 * single tanh unit trained on ±1 targets (its output rescaled to [0, 1] — a score, not a calibrated
 * probability); else the outputs.
 */
export function probabilitiesOf(outputs: Matrix, row: number, file?: ModelFile): number[] {
  if (outputs.cols === 1) {
    const v = outputs.data[row] ?? Number.NaN;
    const p = file?.training.targets === 'signed' ? (1 + v) / 2 : v;
    return [1 - p, p];
  }
  return Array.from(outputs.data.subarray(row * outputs.cols, (row + 1) * outputs.cols));
}
