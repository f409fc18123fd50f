/**
 * The data of a run and the model set-up that goes with it: from the Playground's settings (its
 * generators, seeded by the URL's seed, shuffled and split as the page does on load) or from an
 * uploaded CSV. Labels as the Playground has them: ±1 for two classes, real targets for regression;
 * one-hot over K classes for multiclass (twinprop only).
 */
import { initializeWeights, type Batch, type Matrix, type RandomSource } from '@twinprop/core';
import {
  playgroundData,
  playgroundFitOptions,
  playgroundInitializers,
  playgroundRandom,
  playgroundShuffle,
  playgroundSpec,
  playgroundTraining,
} from '@twinprop/datasets/playground';
import type { PlotPoint } from '../view/heatmap.js';
import { activeFeatures, type Settings } from '../state/settings.js';
import type { RunSetup } from '../engines/twin.js';
import type { UploadedPoints } from './csv.js';

export type Task = RunSetup['fit']['task'];

export interface RunData {
  /** What the data are: a Playground dataset's name, or the uploaded file's. */
  readonly name: string;
  readonly task: Task;
  /** Raw (x₁, x₂) and targets. */
  readonly train: Batch;
  readonly test: Batch;
  readonly trainPoints: readonly PlotPoint[];
  readonly testPoints: readonly PlotPoint[];
  readonly classNames: readonly string[];
  /** Continues the seeded stream after the data's draws: the initial weights come from it. */
  readonly random: RandomSource;
}

function matrixOf(rows: number, cols: number, data: Float64Array): Matrix {
  return { rows, cols, data };
}

function plotPoints(x: Matrix, labels: ArrayLike<number>): PlotPoint[] {
  return Array.from({ length: x.rows }, (_, r) => ({ x: x.data[2 * r]!, y: x.data[2 * r + 1]!, label: labels[r]! }));
}

/** The Playground's data for `settings`, as its page makes them on load. */
export function playgroundRunData(settings: Settings): RunData {
  const { train, test, random } = playgroundData(settings);
  return {
    name: train.name,
    task: train.task === 'regression' ? 'regression' : 'binary',
    train,
    test,
    trainPoints: plotPoints(train.x, train.y.data),
    testPoints: plotPoints(test.x, test.y.data),
    classNames: train.classNames ?? [],
    random,
  };
}

/** An uploaded CSV's points, shuffled with the seed and split by `percTrainData` as the Playground splits. */
export function uploadedRunData(upload: UploadedPoints, settings: Settings): RunData {
  const random = playgroundRandom(settings.seed);
  const order = Array.from(playgroundShuffle(Int32Array.from({ length: upload.rows }, (_, i) => i), random));
  const split = Math.max(1, Math.min(upload.rows - 1, Math.floor((upload.rows * settings.percTrainData) / 100)));
  const classes = upload.task === 'multiclass' ? upload.classNames.length : 1;
  const part = (rows: readonly number[]): { batch: Batch; labels: Float64Array } => {
    const x = new Float64Array(rows.length * 2);
    const y = new Float64Array(rows.length * classes);
    const labels = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      x[2 * i] = upload.points[2 * r]!;
      x[2 * i + 1] = upload.points[2 * r + 1]!;
      const label = upload.labels[r]!;
      labels[i] = upload.task === 'binary' ? (label === 1 ? 1 : -1) : label;
      if (upload.task === 'multiclass') y[i * classes + label] = 1;
      else y[i] = labels[i]!;
    });
    return { batch: { x: matrixOf(rows.length, 2, x), y: matrixOf(rows.length, classes, y) }, labels };
  };
  const train = part(order.slice(0, split));
  const test = part(order.slice(split));
  return {
    name: upload.name,
    task: upload.task,
    train: train.batch,
    test: test.batch,
    trainPoints: plotPoints(train.batch.x, train.labels),
    testPoints: plotPoints(test.batch.x, test.labels),
    classNames: upload.classNames,
    random,
  };
}

/**
 * The model, its initial weights and its training for `settings` on `data`, as the Playground
 * builds its network (`@twinprop/datasets/playground`: its spec, its initializers drawn from the
 * seeded stream where the data left it, its training and its epochs). Multiclass (twinprop only):
 * the same network with a softmax output of K units and cross-entropy.
 */
export function runSetup(settings: Settings, data: RunData): RunSetup {
  const state = { ...settings, problem: data.task === 'regression' ? 'regression' : 'classification' } as const;
  const playground = playgroundSpec(state);
  const classes = data.classNames.length;
  const spec = data.task === 'multiclass' ? { ...playground, output: { units: classes, activation: 'softmax' as const } } : playground;
  const weights = initializeWeights(spec, data.random, 'float64', playgroundInitializers(state));
  const { targets: _signed, ...rest } = playgroundTraining(state);
  const training = data.task === 'multiclass' ? { ...rest, loss: 'softmaxCrossEntropy' as const } : playgroundTraining(state);
  const fit = { ...playgroundFitOptions(state), task: data.task };
  return { spec, weights, training, train: data.train, test: data.test, features: activeFeatures(settings), fit };
}
