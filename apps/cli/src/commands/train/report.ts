import { describeSpec, type FitResult, type Model } from '@twinprop/core';
import { formatAccuracy, formatLoss, formatRate, formatSeconds, renderPairs } from '@twinprop/toolkit';
import type { SplitData } from '../../data.js';
import { colorEnabled, out, printJson, stdoutIsTty } from '../../io.js';
import { lossChart } from '../../render/chart.js';
import type { HistoryEntry, RunConfig } from '../../run-file.js';
import { scheduleJson, schedulePairs } from '../../schedule-options.js';

/** What `train` reports when it finishes: one JSON object (--json), or a summary and a loss chart. */

export interface Evaluation {
  readonly loss: number;
  readonly accuracy?: number;
  readonly mse?: number;
}

export interface TrainReport {
  readonly model: Model;
  /** The registry id the engine was resolved to, e.g. `tfjs/wasm`. */
  readonly engineId: string;
  readonly run: RunConfig;
  readonly split: SplitData;
  readonly result: FitResult;
  readonly train: Evaluation;
  readonly test: Evaluation | undefined;
  readonly history: readonly HistoryEntry[];
  /** The file and epoch a resumed run started from. */
  readonly resumed: { readonly from: string; readonly atEpoch: number } | undefined;
  readonly out: string | undefined;
  readonly plots: readonly string[];
}

function parameterCount(model: Model): number {
  return model.getWeights().layers.reduce((n, l) => n + l.kernel.data.length + l.bias.data.length, 0);
}

export function printTrainJson(report: TrainReport): void {
  const { model, run, split, result, train, test } = report;
  const task = split.train.task;
  printJson({
    engine: model.engine,
    engineId: report.engineId,
    backend: model.backend,
    dtype: model.dtype,
    dataset: run.dataset,
    task,
    model: describeSpec(model.spec),
    parameters: parameterCount(model),
    loss: model.training.loss,
    optimizer: model.training.optimizer,
    ...scheduleJson(model),
    batchSize: run.batchSize,
    seed: run.seed,
    epochs: result.epochsCompleted,
    trainRows: split.train.x.rows,
    testRows: split.test?.x.rows ?? 0,
    ...(split.testIsTrain ? { testIsTrainingSet: true } : {}),
    trainLoss: train.loss,
    testLoss: test?.loss ?? null,
    ...(task === 'regression'
      ? { trainMse: train.mse ?? null, testMse: test?.mse ?? null }
      : { trainAccuracy: train.accuracy ?? null, testAccuracy: test?.accuracy ?? null }),
    seconds: result.seconds,
    samplesPerSecond: result.samplesPerSecond,
    ...(report.resumed === undefined ? {} : { resumedFrom: report.resumed.from, resumedAtEpoch: report.resumed.atEpoch }),
    ...(report.out === undefined ? {} : { out: report.out }),
    ...(report.plots.length === 0 ? {} : { plots: report.plots }),
  });
}

/** The summary on stdout, and on a terminal a small chart of the loss per epoch. */
export function printTrainSummary(report: TrainReport): void {
  const { model, run, split, result, history } = report;
  const regression = split.train.task === 'regression';
  const metric = (evaluation: Evaluation): string =>
    regression ? `loss ${formatLoss(evaluation.loss)}  mse ${formatLoss(evaluation.mse)}` : `loss ${formatLoss(evaluation.loss)}  accuracy ${formatAccuracy(evaluation.accuracy)}`;
  const testLabel = split.testIsTrain ? 'test (all rows)' : 'test';
  const pairs: Array<[string, string]> = [
    ['model', `${describeSpec(model.spec)}, ${model.training.loss}, ${model.training.optimizer.kind} lr ${model.training.optimizer.learningRate}`],
    ...schedulePairs(model),
    ['engine', `${model.engine} (${model.backend}, ${model.dtype})`],
    ['dataset', `${run.dataset}: ${split.train.x.rows} training rows, ${split.testIsTrain ? 'tested on the whole truth table' : `${split.test?.x.rows ?? 0} test rows`}`],
    ['epochs', report.resumed === undefined ? String(result.epochsCompleted) : `${result.epochsCompleted} (resumed at ${report.resumed.atEpoch})`],
    ['train', metric(report.train)],
    ...(report.test === undefined ? [] : [[testLabel, metric(report.test)] as [string, string]]),
    ['time', `${formatSeconds(result.seconds)} (${formatRate(result.samplesPerSecond)} samples/s)`],
    ...(report.out === undefined ? [] : [['saved', report.out] as [string, string]]),
    ...(report.plots.length === 0 ? [] : [['plots', report.plots.join(', ')] as [string, string]]),
  ];
  out(renderPairs(pairs));
  if (stdoutIsTty() && history.length > 1) {
    out('');
    out(lossChart(history.map((h) => h.trainLoss), split.test === undefined || split.testIsTrain ? undefined : history.map((h) => h.testLoss ?? Number.NaN), colorEnabled()));
  }
}
