import { Command, Option } from 'commander';
import { classesOf, classReport, classThreshold, confusionMatrix, describeSpec, evaluateModel, type Dataset } from '@twinprop/core';
import { alignToModel } from '../align.js';
import { fitToSpec, scaleWith, splitAndScale } from '../data.js';
import { loadDataForModel } from '../model-data.js';
import { UsageError } from '../errors.js';
import { out, printJson } from '../io.js';
import { openModel } from '../model-use.js';
import { addEngineOptions, type EngineOptions } from '../engine-options.js';
import { addCsvReadOptions, configure, points, type CsvReadFlags } from '../options.js';
import { formatAccuracy, formatLoss, noise, renderPairs, renderTable, seed } from '@twinprop/toolkit';

const PARTS = ['all', 'train', 'validation', 'test'] as const;
type Part = (typeof PARTS)[number];

interface EvaluateOptions extends EngineOptions, CsvReadFlags {
  model: string;
  dataset?: string;
  points?: number;
  noise?: number;
  seed?: number;
  label?: string;
  part: Part;
  json?: boolean;
}

export function evaluateCommand(): Command {
  const command = new Command('evaluate')
    .description('loss, accuracy and confusion matrix of a saved model on a dataset, on either engine')
    .requiredOption('-m, --model <file>', 'model file written by `twinprop train --out`')
    .option('-d, --dataset <name>', 'built-in dataset or .csv file (default: the one the model was trained on)')
    .option('--points <n>', 'Playground generators: number of points (default: as in training)', points)
    .option('--noise <percent>', 'Playground generators: noise 0–50 (default: as in training)', noise)
    .option('--seed <n>', 'seed for generated data (default: as in training)', seed)
    .option('--label <column>', 'CSV only: label column, by name or 0-based index (default: the one column that is not a feature)')
    .addOption(
      new Option('--part <part>', 'rows to evaluate: all, or the train/validation/test part of the split used in training (training dataset only)')
        .choices(PARTS)
        .default('all'),
    );
  addCsvReadOptions(command);
  addEngineOptions(command, 'the model file’s dtype on reference')
    .option('--json', 'print the results as one JSON object')
    .addHelpText('after', '\nExamples:\n  twinprop evaluate --model xor.json\n  twinprop evaluate --model iris.json --dataset iris --part test --engine tfjs/cpu')
    .action(async (options: EvaluateOptions, self: Command) => {
      await runEvaluate(options, self);
    });
  return configure(command);
}

async function runEvaluate(options: EvaluateOptions, command: Command): Promise<void> {
  const { file, model, engineId, task, classNames } = await openModel(options.model, command, options);
  try {
    const trainedOn = file.metadata.dataset;
    const name = options.dataset ?? trainedOn;
    if (name === undefined) throw new UsageError(`${options.model} does not say which dataset it was trained on; pass --dataset`);
    const { loaded, run, where } = await loadDataForModel(file, options.model, name, task, options);
    const data = fitToSpec(alignToModel(loaded, file, task, classNames, where), file.spec);
    let rows: Dataset;
    if (options.part === 'all') {
      rows = scaleWith(data, file.metadata.standardization);
    } else {
      if (run === undefined) {
        throw new UsageError(`--part ${options.part} needs the dataset the model was trained on (${trainedOn ?? 'unknown'}), generated as in training`);
      }
      const split = splitAndScale(data, run, run.seed);
      const part = options.part === 'train' ? split.train : options.part === 'validation' ? split.validation : split.test;
      if (part === undefined) {
        throw new UsageError(
          options.part === 'validation'
            ? 'the model was trained without a validation split (--validation-split); use --part all, train or test'
            : 'the model was trained without a test split (--test-split 0); use --part all or train',
        );
      }
      rows = part;
    }
    const result = evaluateModel(model, rows, task);
    const header = {
      model: options.model,
      spec: describeSpec(file.spec),
      trainedBy: file.metadata.engine ?? 'unknown',
      engine: model.engine,
      engineId,
      backend: model.backend,
      dtype: model.dtype,
      dataset: name,
      part: options.part,
      rows: rows.x.rows,
      task,
    };
    if (task === 'regression') {
      if (options.json === true) {
        printJson({ ...header, loss: result.loss, mse: result.mse ?? null });
        return;
      }
      out(renderPairs([...pairsOf(header), ['loss', formatLoss(result.loss)], ['mse', formatLoss(result.mse)]]));
      return;
    }
    const outputs = model.predict(rows.x);
    const threshold = classThreshold(file.training.targets);
    const predicted = classesOf(outputs, threshold);
    const actual = classesOf(rows.y, threshold);
    const names = classNames ?? [];
    const k = names.length;
    const confusion = confusionMatrix(predicted, actual, k);
    const report = classReport(confusion);
    const correct = predicted.reduce((n, p, i) => n + (p === actual[i] ? 1 : 0), 0);
    if (options.json === true) {
      printJson({
        ...header,
        loss: result.loss,
        accuracy: result.accuracy ?? null,
        correct,
        classNames: names,
        confusionMatrix: confusion,
        classes: report.map((r, i) => ({ name: names[i] ?? String(i), ...r })),
      });
      return;
    }
    out(renderPairs([...pairsOf(header), ['loss', formatLoss(result.loss)], ['accuracy', `${formatAccuracy(result.accuracy)} (${correct}/${rows.x.rows})`]]));
    out('\nconfusion matrix (rows: actual class, columns: predicted class)');
    out(renderTable(['actual \\ predicted', ...names], confusion.map((row, i) => [names[i] ?? String(i), ...row.map(String)])));
    out('');
    out(
      renderTable(
        ['class', 'precision', 'recall', 'f1', 'support'],
        report.map((r, i) => [names[i] ?? String(i), r.precision.toFixed(3), r.recall.toFixed(3), r.f1.toFixed(3), String(r.support)]),
      ),
    );
  } finally {
    model.dispose();
  }
}

function pairsOf(header: { model: string; spec: string; trainedBy: string; engine: string; backend: string; dtype: string; dataset: string; part: Part; rows: number }): Array<[string, string]> {
  return [
    ['model', `${header.model} (${header.spec}, trained by ${header.trainedBy})`],
    ['engine', `${header.engine} (${header.backend}, ${header.dtype})`],
    ['dataset', `${header.dataset}, ${header.part === 'all' ? 'all' : `${header.part} part:`} ${header.rows} rows`],
  ];
}
