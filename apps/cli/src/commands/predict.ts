import { Command } from 'commander';
import { DataError, ShapeError, type Matrix } from '@twinprop/core';
import { writeFileAtomic } from '@twinprop/core/node';
import { FLOAT32_MAX, formatCsvRow, loadCsvFeatures, readCsvFeatures, type CsvFeatureOptions, type CsvFeatures } from '@twinprop/datasets';
import { featureColumnsByName, modelColumns, modelInputsFrom } from '../align.js';
import { csvOptionsFor, scaleWith, STDIN } from '../data.js';
import { checkOutputs } from '../outputs.js';
import { UsageError } from '../errors.js';
import { out, printJson } from '../io.js';
import { openModel, predictedClasses, probabilitiesOf, type OpenModel } from '../model-use.js';
import { addEngineOptions, type EngineOptions } from '../engine-options.js';
import { addCsvReadOptions, configure, type CsvReadFlags } from '../options.js';
import { formatProbability, numberList, renderPairs } from '@twinprop/toolkit';

interface PredictOptions extends EngineOptions, CsvReadFlags {
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
    .option('--csv <file>', 'CSV file (- for stdin) with a header row and one point per row; features matched by name, other columns (such as a label) kept')
    .option('-o, --out <file>', 'with --csv: write the CSV here instead of stdout (- for stdout)');
  addCsvReadOptions(command);
  addEngineOptions(command, 'the model file’s dtype on reference')
    .option('--json', 'print the prediction(s) as JSON')
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
  const outFile = options.out === STDIN ? undefined : options.out;
  if (outFile !== undefined) {
    if (options.csv === undefined) throw new UsageError('--out applies to --csv only');
    checkOutputs([{ flag: '--out', path: outFile }], [
      { flag: '--model', path: options.model },
      ...(options.csv === STDIN ? [] : [{ flag: '--csv', path: options.csv }]),
    ]);
  }
  const opened = await openModel(options.model, command, options);
  try {
    if (options.input !== undefined) predictOne(opened, options.input, options.json === true);
    else await predictCsv(opened, options, outFile);
  } finally {
    opened.model.dispose();
  }
}

function featureList(opened: OpenModel): string {
  const names = modelColumns(opened.file).names;
  return names === undefined ? '' : ` (${names.join(', ')})`;
}

function predictMatrix(opened: OpenModel, x: Matrix): Matrix {
  const inputs = modelInputsFrom(opened.file, x);
  return opened.model.predict(scaleWith({ name: '', task: opened.task, x: inputs, y: inputs }, opened.file.metadata.standardization).x);
}

function predictOne(opened: OpenModel, input: number[], json: boolean): void {
  const inputs = modelColumns(opened.file).count;
  if (input.length !== inputs) {
    throw new ShapeError(`--input has ${input.length} value${input.length === 1 ? '' : 's'}, the model expects ${inputs}${featureList(opened)}`);
  }
  const huge = input.findIndex((v) => Math.abs(v) > FLOAT32_MAX);
  if (huge >= 0) throw new UsageError(`--input value ${huge + 1} (${input[huge]}) is beyond ±${FLOAT32_MAX}, the largest float32 (which the engines compute in)`);
  const outputs = predictMatrix(opened, { rows: 1, cols: inputs, data: Float64Array.from(input) });
  assertFinite(outputs, () => '--input');
  if (opened.task === 'regression' || opened.classNames === undefined) {
    const values = Array.from(outputs.data);
    if (json) printJson({ input, prediction: values.length === 1 ? values[0] : values });
    else out(renderPairs([['input', input.join(', ')], ['prediction', values.map((v) => v.toPrecision(6)).join(', ')]]));
    return;
  }
  const names = opened.classNames;
  const k = predictedClasses(outputs, opened.file)[0] ?? 0;
  const probabilities = probabilitiesOf(outputs, 0, opened.file);
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

/** A prediction that is NaN or infinite is refused (never printed as a confident answer). */
function assertFinite(outputs: Matrix, where: (row: number) => string): void {
  const bad = outputs.data.findIndex((v) => !Number.isFinite(v));
  if (bad < 0) return;
  const row = Math.floor(bad / outputs.cols);
  throw new DataError(`the model's output for ${where(row)} is ${outputs.data[bad]}; the inputs are probably far outside the data it was trained on`);
}

/**
 * Which header columns hold the model's features: by name when the model knows its features'
 * names (a missing or duplicated name is refused; other columns are kept, not used); by position
 * only for a model without names, and then the header must have exactly as many columns.
 */
function featureColumns(opened: OpenModel, header: readonly string[], file: string): number[] {
  const { names, count: inputs } = modelColumns(opened.file);
  if (names !== undefined && names.length === inputs) return featureColumnsByName(names, header, file, true);
  if (header.length !== inputs) {
    throw new ShapeError(`${file} has ${header.length} columns, and the model stores no feature names, so it needs exactly its ${inputs} features in order${featureList(opened)}`);
  }
  return header.map((_, i) => i);
}

async function readPoints(opened: OpenModel, options: PredictOptions): Promise<CsvFeatures> {
  const file = options.csv ?? STDIN;
  const name = file === STDIN ? 'stdin' : file;
  const { maxMagnitude, header, delimiter, encoding } = csvOptionsFor({
    dataset: file === STDIN ? STDIN : file,
    seed: 1,
    header: options.header === false ? false : undefined,
    delimiter: options.delimiter,
    encoding: options.encoding,
  });
  const read: CsvFeatureOptions = {
    features: (columns) => featureColumns(opened, columns, name),
    ...(maxMagnitude === undefined ? {} : { maxMagnitude }),
    ...(header === undefined ? {} : { header }),
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(encoding === undefined ? {} : { encoding }),
  };
  // The same reader and rules as training data (quotes, BOM, blank lines, numbers, error positions).
  return file === STDIN ? readCsvFeatures(process.stdin, { ...read, file: 'stdin' }) : loadCsvFeatures(file, read);
}

async function predictCsv(opened: OpenModel, options: PredictOptions, outFile: string | undefined): Promise<void> {
  const table = await readPoints(opened, options);
  const outputs = predictMatrix(opened, table.x);
  assertFinite(outputs, (row) => `line ${table.records[row]?.line ?? '?'}`);
  const lines: string[] = [];
  const json: Array<Record<string, unknown>> = [];
  if (opened.task === 'regression' || opened.classNames === undefined) {
    const extra = outputs.cols === 1 ? ['prediction'] : Array.from({ length: outputs.cols }, (_, i) => `prediction_${i + 1}`);
    lines.push(formatCsvRow([...table.header, ...extra]));
    table.records.forEach((row, r) => {
      const values = Array.from(outputs.data.subarray(r * outputs.cols, (r + 1) * outputs.cols));
      lines.push(formatCsvRow([...row.cells, ...values.map((v) => String(v))]));
      json.push({ line: row.line, prediction: values.length === 1 ? values[0] : values });
    });
  } else {
    const names = opened.classNames;
    const classes = predictedClasses(outputs, opened.file);
    lines.push(formatCsvRow([...table.header, 'class', ...names.map((n) => `p_${n}`)]));
    table.records.forEach((row, r) => {
      const k = classes[r] ?? 0;
      const probabilities = probabilitiesOf(outputs, r, opened.file);
      lines.push(formatCsvRow([...row.cells, names[k] ?? String(k), ...probabilities.map((p) => formatProbability(p))]));
      json.push({ line: row.line, class: names[k] ?? String(k), classIndex: k, probabilities: Object.fromEntries(names.map((n, i) => [n, probabilities[i] ?? null])) });
    });
  }
  const text = `${lines.join('\n')}\n`;
  if (outFile !== undefined) await writeFileAtomic(outFile, text);
  if (options.json === true) {
    printJson({ model: options.model, csv: options.csv, rows: json.length, ...(outFile === undefined ? { predictions: json } : { out: outFile }) });
    return;
  }
  if (outFile === undefined) out(text);
}
