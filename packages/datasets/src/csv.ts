/**
 * Users' own data from CSV, streamed: rows are parsed by `csv-parse`'s stream API and written
 * straight into growing typed arrays, so a large file is never held as strings or row objects.
 *
 * Layout: a header row, then one sample per row. The label column is chosen by name or by 0-based
 * index (negative counts from the end; default: the last column); every other column is a numeric
 * feature. Labels:
 * - non-numeric labels are classes; numeric labels are classes when every one is an integer and
 *   there are at most `maxClasses` (default 20) distinct values; otherwise they are regression
 *   targets. `task` forces either reading.
 * - classes are numbered in sorted order (numerically for numeric labels, by code unit for text), and
 *   their labels are kept as `classNames`; two classes → `binary` (one 0/1 column), more → `multiclass`
 *   (one-hot).
 *
 * Every problem is a `DataError` naming the file, the line (1-based, as an editor shows it) and the
 * column (1-based field number).
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import { CsvError, Parser, type Options as ParseOptions } from 'csv-parse';
import { arrayFor, DataError, type Dataset, type DType, type FloatArray, type Task } from '@twinprop/core';

export interface CsvOptions {
  /** Label column: a header name, or a 0-based index (negative from the end). Default: the last column. */
  readonly label?: string | number;
  /** Read the labels as classes or as real-valued targets (default: decided from the labels, see above). */
  readonly task?: 'classification' | 'regression';
  /** With `task` unset, integer labels with at most this many distinct values are classes (default 20). */
  readonly maxClasses?: number;
  /** Field delimiter (default `,`). */
  readonly delimiter?: string;
  readonly dtype?: DType;
  /** The dataset's name (default: the file name without extension, or `csv`). */
  readonly name?: string;
}

/** The most classes a CSV label column may hold; more distinct numeric labels are regression targets. */
export const MAX_CSV_CLASSES = 1000;
const DEFAULT_MAX_CLASSES = 20;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const HAS_DIGIT = /[0-9]/;

/** A parsed row and the line it ends on (1-based). */
interface NumberedRecord {
  readonly record: string[];
  readonly line: number;
}

/**
 * csv-parse's stream, tagging each record with the line it ends on. (Its `info: true` option does
 * the same but copies the whole parser state per record, which more than doubles the parse time.)
 */
class NumberingParser extends Parser {
  constructor(options: ParseOptions) {
    super(options);
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    // Records are pushed synchronously as they end, so `info.lines` is that record's last line.
    const tagged = Array.isArray(chunk) ? ({ record: chunk as string[], line: this.info.lines } satisfies NumberedRecord) : chunk;
    return super.push(tagged, encoding);
  }
}

/** Why a cell is not a usable number, or `undefined` when `value` (= Number(cell)) is fine. */
function cellProblem(cell: string, value: number): string | undefined {
  if (Number.isFinite(value)) {
    if (value !== 0 || HAS_DIGIT.test(cell)) return undefined;
    return 'is empty';
  }
  if (!Number.isNaN(value) || NON_FINITE.test(cell)) return `is ${JSON.stringify(cell)}, not a finite number (NaN and ±Infinity are not allowed)`;
  return `is ${JSON.stringify(cell)}, not a number`;
}

/** A typed array that doubles its capacity as values are appended. */
class GrowingArray<T extends FloatArray | Int32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  /** The filled part: a view when little is wasted, else a tight copy. */
  finish(): T {
    const filled = this.data.subarray(0, this.length) as T;
    return this.data.length - this.length > this.length / 8 ? (filled.slice() as T) : filled;
  }
}

function columnName(header: readonly string[], index: number): string {
  const name = header[index];
  return name !== undefined && name !== '' ? JSON.stringify(name) : `column ${index + 1}`;
}

interface LabelState {
  /** Id of each row's label string (first-appearance order), while classes are tracked. */
  ids: GrowingArray<Int32Array> | undefined;
  /** Label strings by id. */
  readonly distinct: Map<string, number>;
  /** Each row's label as a number, while every label so far is numeric. */
  numeric: GrowingArray<Float64Array> | undefined;
  /** Whether every label so far is a number, and whether every one is an integer. */
  allNumeric: boolean;
  allInteger: boolean;
}

/**
 * Reads a CSV dataset from a stream or a string (see the module comment). `file` names the source
 * in error messages.
 */
export async function readCsv(
  source: Readable | string,
  options: CsvOptions & { readonly file?: string } = {},
): Promise<Dataset> {
  const file = options.file;
  const where = (line: number, column: number): { file?: string; line: number; column: number } =>
    file === undefined ? { line, column } : { file, line, column };
  const dtype = options.dtype ?? 'float64';
  const forced = options.task;
  const maxClasses = Math.min(options.maxClasses ?? DEFAULT_MAX_CLASSES, MAX_CSV_CLASSES);

  const input = typeof source === 'string' ? Readable.from([source]) : source;
  const parser = new NumberingParser({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);

  let header: string[] | undefined;
  let headerLine = 1;
  let labelColumn = -1;
  let featureCount = 0;
  let rows = 0;
  let lastLine = 0;
  const features = new GrowingArray<FloatArray>(arrayFor(dtype, 0), (n) => arrayFor(dtype, n));
  const labels: LabelState = {
    ids: forced === 'regression' ? undefined : new GrowingArray(new Int32Array(0), (n) => new Int32Array(n)),
    distinct: new Map(),
    numeric: forced === 'classification' ? undefined : new GrowingArray(new Float64Array(0), (n) => new Float64Array(n)),
    allNumeric: true,
    allInteger: true,
  };

  try {
    for await (const item of parser as AsyncIterable<NumberedRecord>) {
      const { record, line } = item;
      if (header === undefined) {
        header = record;
        headerLine = line;
        labelColumn = resolveLabelColumn(header, options.label, where(line, 1));
        featureCount = header.length - 1;
        if (featureCount < 1) {
          throw new DataError('the header names only the label column; at least one feature column is needed', where(line, 1));
        }
        continue;
      }
      if (record.length !== header.length) {
        const column = record.length < header.length ? record.length + 1 : header.length + 1;
        throw new DataError(
          `this row has ${record.length} fields but the header has ${header.length} (a ragged row)`,
          where(line, column),
        );
      }
      for (let c = 0; c < record.length; c++) {
        if (c === labelColumn) continue;
        const cell = record[c] ?? '';
        const value = Number(cell);
        const problem = cellProblem(cell, value);
        if (problem !== undefined) throw new DataError(`feature ${columnName(header, c)} ${problem}`, where(line, c + 1));
        features.push(value);
      }
      readLabel(labels, record[labelColumn] ?? '', forced, (message) => new DataError(message, where(line, labelColumn + 1)));
      rows++;
      lastLine = line;
    }
  } catch (error) {
    input.destroy(); // stop reading the rest of the file
    if (error instanceof DataError) throw error;
    if (error instanceof CsvError) {
      const column = (error as CsvError & { column?: unknown }).column;
      const line = (error as CsvError & { lines?: unknown }).lines;
      throw new DataError(`malformed CSV: ${error.message}`, {
        ...(file === undefined ? {} : { file }),
        ...(typeof line === 'number' ? { line } : {}),
        ...(typeof column === 'number' ? { column: column + 1 } : {}),
      });
    }
    if (error instanceof Error && (error as NodeJS.ErrnoException).syscall !== undefined) {
      throw new DataError(`cannot read the file: ${error.message}`, file === undefined ? {} : { file });
    }
    throw error;
  }

  if (header === undefined) throw new DataError('the file is empty; expected a header row, then data rows', where(1, 1));
  if (rows === 0) throw new DataError('the file has a header but no data rows', where(headerLine + 1, 1));

  const featureNames = header.filter((_, c) => c !== labelColumn);
  const name = options.name ?? (file === undefined ? 'csv' : basename(file, extname(file)));
  const x = { rows, cols: featureCount, data: features.finish() };
  const labelWhere = where(lastLine, labelColumn + 1);
  const labelName = columnName(header, labelColumn);

  const regression =
    forced === 'regression' ||
    (forced === undefined &&
      labels.allNumeric &&
      (labels.ids === undefined || !labels.allInteger || labels.distinct.size > maxClasses));
  if (regression) {
    const numeric = labels.numeric;
    if (numeric === undefined) throw new DataError(`label column ${labelName} holds non-numeric values`, labelWhere);
    const y = arrayFor(dtype, rows);
    y.set(numeric.data.subarray(0, rows));
    return { name, task: 'regression', x, y: { rows, cols: 1, data: y }, featureNames };
  }
  return { name, ...classify(labels, rows, dtype, labelName, labelWhere), x, featureNames };
}

function resolveLabelColumn(header: readonly string[], label: string | number | undefined, at: { line: number; column: number }): number {
  const columns = header.map((h, i) => `${i}: ${h === '' ? '(unnamed)' : h}`).join(', ');
  if (label === undefined) return header.length - 1;
  if (typeof label === 'number') {
    const index = label < 0 ? header.length + label : label;
    if (!Number.isInteger(label) || index < 0 || index >= header.length) {
      throw new DataError(`no label column at index ${label}: the header has ${header.length} columns (${columns})`, {
        ...at,
        column: Number.isInteger(index) && index >= 0 ? index + 1 : 1,
      });
    }
    return index;
  }
  const index = header.indexOf(label);
  if (index < 0) throw new DataError(`no label column named ${JSON.stringify(label)} in the header (${columns})`, at);
  return index;
}

function readLabel(
  labels: LabelState,
  cell: string,
  forced: 'classification' | 'regression' | undefined,
  fail: (message: string) => DataError,
): void {
  if (cell === '') throw fail('the label is empty');
  if (NON_FINITE.test(cell)) throw fail(`the label is ${JSON.stringify(cell)}, not a finite value`);
  const value = Number(cell);
  const problem = cellProblem(cell, value);
  if (problem === undefined) {
    labels.numeric?.push(value);
    if (!Number.isInteger(value)) labels.allInteger = false;
  } else if (forced === 'regression' || labels.ids === undefined) {
    const why =
      forced === 'regression'
        ? ''
        : ` (the labels before it had more than ${MAX_CSV_CLASSES} distinct numeric values, so they are read as regression targets)`;
    throw fail(`the label ${problem}${why}`);
  } else {
    labels.allNumeric = false; // not every label is a number: classes
    labels.numeric = undefined;
  }
  const ids = labels.ids;
  if (ids === undefined) return;
  let id = labels.distinct.get(cell);
  if (id === undefined) {
    id = labels.distinct.size;
    if (id >= MAX_CSV_CLASSES) {
      if (forced === undefined && labels.allNumeric) {
        labels.ids = undefined; // too many distinct numbers for classes: regression targets
        labels.distinct.clear();
        return;
      }
      throw fail(`the label column has more than ${MAX_CSV_CLASSES} distinct values; that is too many classes`);
    }
    labels.distinct.set(cell, id);
  }
  ids.push(id);
}

function classify(
  labels: LabelState,
  rows: number,
  dtype: DType,
  labelName: string,
  at: { file?: string; line: number; column: number },
): { task: Task; y: { rows: number; cols: number; data: FloatArray }; classNames: string[] } {
  const ids = labels.ids;
  if (ids === undefined) throw new DataError(`label column ${labelName} has too many distinct values to be classes`, at);
  const strings = [...labels.distinct.keys()];
  // Class index of each label string: numeric labels by value ("1" and "1.0" are one class), text by code unit.
  const numeric = labels.allNumeric;
  const keyOf = (s: string): string => (numeric ? String(Number(s)) : s);
  const keys = [...new Set(strings.map(keyOf))];
  keys.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length < 2) {
    throw new DataError(
      `label column ${labelName} holds a single class (${JSON.stringify(keys[0] ?? '')}) in all ${rows} rows; ` +
        "classification needs at least two (for real-valued targets, read it with task: 'regression')",
      at,
    );
  }
  const classOfId = Int32Array.from(strings, (s) => keys.indexOf(keyOf(s)));
  const k = keys.length;
  const binary = k === 2;
  const cols = binary ? 1 : k;
  const y = arrayFor(dtype, rows * cols);
  for (let r = 0; r < rows; r++) {
    const cls = classOfId[ids.data[r] ?? 0] ?? 0;
    if (binary) y[r] = cls;
    else y[r * k + cls] = 1;
  }
  return { task: binary ? 'binary' : 'multiclass', y: { rows, cols, data: y }, classNames: keys };
}

/** Reads a CSV file as a dataset, streaming (see {@link readCsv}). */
export async function loadCsv(file: string, options: CsvOptions = {}): Promise<Dataset> {
  return readCsv(createReadStream(file), { ...options, file });
}
