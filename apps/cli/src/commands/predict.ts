import { createWriteStream } from 'node:fs';
import { Command } from 'commander';
import { ShapeError, type Matrix } from '@twinprop/core';
import { formatCsvRow, loadCsvFeatures } from '@twinprop/datasets';
import { scaleWith } from '../data.js';
import { UsageError } from '../errors.js';
import { out, printJson } from '../io.js';
import { openModel, predictedClasses, probabilitiesOf, type OpenModel } from '../model-use.js';
import { addEngineOptions, type EngineOptions } from '../engine-options.js';
import { configure } from '../options.js';
import { formatProbability, numberList, renderPairs } from '@twinprop/toolkit';

interface PredictOptions extends EngineOptions {
  model: string;
  input?: number[];
  csv?: string;
  out?: string;
  json?: boolean;
}

export function predictCommand(): Command {
  const command = new Command('predict')
    .description('predict with a saved model: one point (--input) or a CSV file of points (--csv)')
    .requiredOption('-m, --model <file>', 'model file written by `twinprop train --out`')
    .option('-i, --input <values>', 'one point, comma-separated feature values in the data’s own units, e.g. 0,1', numberList)
    .option('--csv <file>', 'CSV file with a header row and one point per row (extra columns, such as a label, are kept)')
    .option('-o, --out <file>', 'with --csv: write the CSV here instead of stdout');
  addEngineOptions(command, 'the model file’s dtype on reference')
    .option('--json', 'with --input: print the prediction as JSON')
    .addHelpText('after', '\nExamples:\n  twinprop predict --model xor.json --input 1,0\n  twinprop predict --model iris.json --csv flowers.csv --out predictions.csv')
    .action(async (options: PredictOptions, self: Command) => {
      await runPredict(options, self);
    });
  return configure(command);
}

async function runPredict(options: PredictOptions, command: Command): Promise<void> {
  if ((options.input === undefined) === (options.csv === undefined)) {
    throw new UsageError('predict needs exactly one of --input <values> (one point) or --csv <file> (many)');
  }
  const opened = await openModel(options.model, command, options);
  try {
    if (options.input !== undefined) predictOne(opened, options.input, options.json === true);
    else await predictCsv(opened, options.csv ?? '', options.out);
  } finally {
    opened.model.dispose();
  }
}

function featureList(opened: OpenModel): string {
  const names = opened.file.metadata.featureNames;
  return names === undefined ? '' : ` (${names.join(', ')})`;
}

function predictMatrix(opened: OpenModel, x: Matrix): Matrix {
  return opened.model.predict(scaleWith({ name: '', task: opened.task, x, y: x }, opened.file.metadata.standardization).x);
}

function predictOne(opened: OpenModel, input: number[], json: boolean): void {
  const inputs = opened.file.spec.inputSize;
  if (input.length !== inputs) {
    throw new ShapeError(`--input has ${input.length} value${input.length === 1 ? '' : 's'}, the model expects ${inputs}${featureList(opened)}`);
  }
  const outputs = predictMatrix(opened, { rows: 1, cols: inputs, data: Float64Array.from(input) });
  if (opened.task === 'regression' || opened.classNames === undefined) {
    const values = Array.from(outputs.data);
    if (json) printJson({ input, prediction: values.length === 1 ? values[0] : values });
    else out(renderPairs([['input', input.join(', ')], ['prediction', values.map((v) => v.toPrecision(6)).join(', ')]]));
    return;
  }
  const names = opened.classNames;
  const k = predictedClasses(outputs)[0] ?? 0;
  const probabilities = probabilitiesOf(outputs, 0);
  if (json) {
    printJson({ input, class: names[k] ?? String(k), classIndex: k, probabilities: Object.fromEntries(names.map((n, i) => [n, probabilities[i] ?? null])) });
    return;
  }
  out(
    renderPairs([
      ['input', input.join(', ')],
      ['class', `${names[k] ?? String(k)} (p = ${formatProbability(probabilities[k] ?? Number.NaN)})`],
      ...names.map((n, i): [string, string] => [`p(${n})`, formatProbability(probabilities[i] ?? Number.NaN)]),
    ]),
  );
}

/**
 * Which header columns hold the model's features: by name when the model knows them and the header
 * has them all, else by position when the header has exactly as many columns as the model has
 * inputs. (By position even when the header names other columns: a stricter rule is planned.)
 */
function featureColumns(opened: OpenModel, header: readonly string[], file: string): number[] {
  const inputs = opened.file.spec.inputSize;
  const names = opened.file.metadata.featureNames;
  if (names !== undefined && names.length === inputs) {
    const indices = names.map((n) => header.indexOf(n));
    if (indices.every((i) => i >= 0)) return indices;
    if (header.length !== inputs) {
      const missing = names.filter((_, i) => indices[i] === -1);
      throw new ShapeError(`${file}: the header lacks the model's feature column${missing.length === 1 ? '' : 's'} ${missing.map((m) => JSON.stringify(m)).join(', ')} (it has ${header.join(', ')})`);
    }
  }
  if (header.length !== inputs) {
    throw new ShapeError(`${file} has ${header.length} columns, the model expects ${inputs} features${featureList(opened)}`);
  }
  return header.map((_, i) => i);
}

async function predictCsv(opened: OpenModel, file: string, outFile: string | undefined): Promise<void> {
  // The same reader and rules as training data (quotes, BOM, blank lines, numbers, error positions).
  const table = await loadCsvFeatures(file, { features: (header) => featureColumns(opened, header, file) });
  const outputs = predictMatrix(opened, table.x);
  const lines: string[] = [];
  if (opened.task === 'regression' || opened.classNames === undefined) {
    const extra = outputs.cols === 1 ? ['prediction'] : Array.from({ length: outputs.cols }, (_, i) => `prediction_${i + 1}`);
    lines.push(formatCsvRow([...table.header, ...extra]));
    table.records.forEach((row, r) => {
      lines.push(formatCsvRow([...row.cells, ...Array.from(outputs.data.subarray(r * outputs.cols, (r + 1) * outputs.cols), (v) => String(v))]));
    });
  } else {
    const names = opened.classNames;
    const classes = predictedClasses(outputs);
    lines.push(formatCsvRow([...table.header, 'class', ...names.map((n) => `p_${n}`)]));
    table.records.forEach((row, r) => {
      const k = classes[r] ?? 0;
      lines.push(formatCsvRow([...row.cells, names[k] ?? String(k), ...probabilitiesOf(outputs, r).map((p) => formatProbability(p))]));
    });
  }
  const text = `${lines.join('\n')}\n`;
  if (outFile === undefined) {
    out(text);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createWriteStream(outFile);
    stream.on('error', reject);
    stream.end(text, () => resolve());
  });
}
