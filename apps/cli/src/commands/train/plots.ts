import { join } from 'node:path';
import type { Model } from '@twinprop/core';
import { writeFileAtomic } from '@twinprop/core/node';
import { scaleWith, type SplitData } from '../../data.js';
import { err } from '../../io.js';
import { decisionBoundaryPng, lossCurvePng } from '../../render/plots.js';
import type { HistoryEntry } from '../../run-file.js';

/**
 * `--plot <dir>`: loss.png (train and test — or validation — loss per epoch) and, for data with two features,
 * decision-boundary.png (the Playground's picture, in the data's own units). Returns the paths written.
 */
export async function writePlots(dir: string, model: Model, split: SplitData, history: readonly HistoryEntry[]): Promise<string[]> {
  const written: string[] = [];
  const lossPath = join(dir, 'loss.png');
  const hasTest = split.test !== undefined && !split.testIsTrain;
  // With a validation set the test set is evaluated only at the end: the curve beside training's is validation's.
  const second = split.validation !== undefined ? 'validation' : hasTest ? 'test' : undefined;
  await writeFileAtomic(
    lossPath,
    lossCurvePng({
      epochs: history.map((h) => h.epoch),
      train: history.map((h) => h.trainLoss),
      test: second === undefined ? undefined : history.map((h) => (second === 'validation' ? h.validationLoss : h.testLoss) ?? Number.NaN),
      testLabel: `${second ?? 'test'} loss`,
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
