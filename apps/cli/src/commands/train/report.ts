import { describeSpec, type FitResult, type Model } from '@twinprop/core';
import { formatAccuracy, formatLoss, formatRate, formatSeconds, renderPairs } from '@twinprop/toolkit';
import type { SplitData } from '../../data.js';
import { colorEnabled, out, printJson, stdoutIsTty } from '../../io.js';
import { lossChart } from '../../render/chart.js';
import type { HistoryEntry, RunConfig } from '../../run-file.js';
import { scheduleJson, schedulePairs } from '../../schedule-options.js';
import type { HistoryRecord } from './history.js';

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
  /** The validation part after training (`--validation-split`). */
  readonly validation: Evaluation | undefined;
  readonly history: readonly HistoryEntry[];
  /** The history as exported (`--history`) and in the JSON: one record per epoch. */
  readonly records: readonly HistoryRecord[];
  /** The file and epoch a resumed run started from. */
  readonly resumed: { readonly from: string; readonly atEpoch: number } | undefined;
  readonly out: string | undefined;
  /** The `--history` file written. */
  readonly historyFile: string | undefined;
  readonly plots: readonly string[];
}

/** `early stopping` in the JSON: the settings, the best epoch and its monitored value. */
function earlyStoppingJson(report: TrainReport): Record<string, unknown> {
  const config = report.run.earlyStopping;
  if (config === undefined) return {};
  const best = report.result.bestEpoch ?? 0;
  const entry = report.history.find((h) => h.epoch === best);
  return {
    earlyStopping: { ...config, restoredBest: report.result.stopReason === 'earlyStopping' && best > 0 },
    bestEpoch: best,
    bestValue: entry?.[config.monitor] ?? null,
  };
}

/** Why training ended, in words, for the summary (undefined when it ran all its epochs without early stopping). */
function stopLine(report: TrainReport): string | undefined {
  const config = report.run.earlyStopping;
  if (config === undefined) return undefined;
  const best = report.result.bestEpoch ?? 0;
  const value = report.history.find((h) => h.epoch === best)?.[config.monitor];
  const bestText = best === 0 ? `no epoch had a finite ${config.monitor}` : `best ${config.monitor} ${formatLoss(value)} at epoch ${best}`;
  if (report.result.stopReason === 'earlyStopping') {
    const restored = best === 0 ? 'no weights to restore' : `weights of epoch ${best} restored`;
    return `early at epoch ${report.result.epochsCompleted}: ${config.monitor} did not improve${config.minDelta > 0 ? ` by more than ${config.minDelta}` : ''} for ${config.patience} epochs; ${bestText}, ${restored}`;
  }
  return `after all ${report.result.epochsCompleted} epochs (patience ${config.patience} not used up); ${bestText}, last weights kept`;
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
    ...(split.validation === undefined ? {} : { validationRows: split.validation.x.rows }),
    ...(split.testIsTrain ? { testIsTrainingSet: true } : {}),
    trainLoss: train.loss,
    testLoss: test?.loss ?? null,
    ...(task === 'regression'
      ? { trainMse: train.mse ?? null, testMse: test?.mse ?? null }
      : { trainAccuracy: train.accuracy ?? null, testAccuracy: test?.accuracy ?? null }),
    ...(report.validation === undefined
      ? {}
      : { validationLoss: report.validation.loss, ...(task === 'regression' ? { validationMse: report.validation.mse ?? null } : { validationAccuracy: report.validation.accuracy ?? null }) }),
    stopReason: result.stopReason,
    ...earlyStoppingJson(report),
    seconds: result.seconds,
    samplesPerSecond: result.samplesPerSecond,
    ...(report.resumed === undefined ? {} : { resumedFrom: report.resumed.from, resumedAtEpoch: report.resumed.atEpoch }),
    ...(report.out === undefined ? {} : { out: report.out }),
    ...(report.historyFile === undefined ? {} : { historyFile: report.historyFile }),
    ...(report.plots.length === 0 ? {} : { plots: report.plots }),
    history: report.records,
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
    [
      'dataset',
      `${run.dataset}: ${split.train.x.rows} training rows, ${split.validation === undefined ? '' : `${split.validation.x.rows} validation rows, `}${split.testIsTrain ? 'tested on the whole truth table' : `${split.test?.x.rows ?? 0} test rows`}`,
    ],
    ['epochs', report.resumed === undefined ? String(result.epochsCompleted) : `${result.epochsCompleted} (resumed at ${report.resumed.atEpoch})`],
    ...(stopLine(report) === undefined ? [] : [['stopped', stopLine(report) ?? ''] as [string, string]]),
    ['train', metric(report.train)],
    ...(report.validation === undefined ? [] : [['validation', metric(report.validation)] as [string, string]]),
    ...(report.test === undefined ? [] : [[testLabel, metric(report.test)] as [string, string]]),
    ['time', `${formatSeconds(result.seconds)} (${formatRate(result.samplesPerSecond)} samples/s)`],
    ...(report.out === undefined ? [] : [['saved', report.out] as [string, string]]),
    ...(report.historyFile === undefined ? [] : [['history', report.historyFile] as [string, string]]),
    ...(report.plots.length === 0 ? [] : [['plots', report.plots.join(', ')] as [string, string]]),
  ];
  out(renderPairs(pairs));
  if (stdoutIsTty() && history.length > 1) {
    out('');
    const second = split.validation !== undefined ? history.map((h) => h.validationLoss ?? Number.NaN) : split.test === undefined || split.testIsTrain ? undefined : history.map((h) => h.testLoss ?? Number.NaN);
    out(lossChart(history.map((h) => h.trainLoss), second, colorEnabled(), split.validation === undefined ? 'test loss' : 'validation loss'));
  }
}
