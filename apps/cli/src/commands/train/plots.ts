import { join } from 'node:path';
import type { Model } from '@twinprop/core';
import { writeFileAtomic } from '@twinprop/core/node';
import { scaleWith, type SplitData } from '../../data.js';
import { err } from '../../io.js';
import { decisionBoundaryPng, lossCurvePng } from '../../render/plots.js';
import type { HistoryEntry } from '../../run-file.js';

/**
 * `--plot <dir>`: loss.png (train and test loss per epoch) and, for data with two features,
 * decision-boundary.png (the Playground's picture, in the data's own units). Returns the paths written.
 */
export async function writePlots(dir: string, model: Model, split: SplitData, history: readonly HistoryEntry[]): Promise<string[]> {
  const written: string[] = [];
  const lossPath = join(dir, 'loss.png');
  const hasTest = split.test !== undefined && !split.testIsTrain;
  await writeFileAtomic(
    lossPath,
    lossCurvePng({
      epochs: history.map((h) => h.epoch),
      train: history.map((h) => h.trainLoss),
      test: hasTest ? history.map((h) => h.testLoss ?? Number.NaN) : undefined,
    }),
  );
  written.push(lossPath);
  if (model.spec.inputSize === 2) {
    const boundaryPath = join(dir, 'decision-boundary.png');
    await writeFileAtomic(
      boundaryPath,
      decisionBoundaryPng({
        task: split.train.task,
        train: split.rawTrain,
        test: hasTest ? split.rawTest : undefined,
        predict: (x) => model.predict(scaleWith({ ...split.rawTrain, x }, split.standardization).x),
      }),
    );
    written.push(boundaryPath);
  } else {
    err(`twinprop: note: no decision-boundary picture: the data has ${model.spec.inputSize} features, the picture needs 2`);
  }
  return written;
}
