/**
 * A CSV dataset: numeric features and a label column, streamed into typed arrays (the rules of the
 * file are in `parse.ts`, how labels become classes or targets in `labels.ts`).
 *
 * Layout: the label column is chosen by name or by 0-based index (negative counts from the end;
 * default: the last column); every other column is a numeric feature.
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Readable } from 'node:stream';
import { arrayFor, DataError, type Dataset, type DType, type FloatArray } from '@twinprop/core';
import { checkHeader, delimiterHint, generatedHeader } from './detect.js';
import { columnName, emptyFile, locator, noDataRows, raggedRow } from './errors.js';
import { classify, DEFAULT_MAX_CLASSES, MAX_CSV_CLASSES, readLabel, type LabelState } from './labels.js';
import { cellProblem, GrowingArray } from './numbers.js';
import { parseCsv, type CsvReadOptions } from './parse.js';

export interface CsvOptions extends CsvReadOptions {
  /**
   * Label column: a header name, a 0-based index (negative from the end), or a function of the
   * header returning a 0-based index (it may throw to refuse the header). Default: the last column.
   */
  readonly label?: string | number | ((header: readonly string[]) => number);
  /** Read the labels as classes or as real-valued targets (default: decided from the labels — classes when they are text, or integers with at most `maxClasses` distinct values; else regression targets). */
  readonly task?: 'classification' | 'regression';
  /** With `task` unset, integer labels with at most this many distinct values are classes (default 20). */
  readonly maxClasses?: number;
  readonly dtype?: DType;
  /** The dataset's name (default: the file name without extension, or `csv`). */
  readonly name?: string;
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
  const where = locator(file);
  const dtype = options.dtype ?? 'float64';
  const forced = options.task;
  const maxClasses = Math.min(options.maxClasses ?? DEFAULT_MAX_CLASSES, MAX_CSV_CLASSES);

  // (Assigned by the record callback; `as` keeps the compiler from narrowing it to `undefined`.)
  let header = undefined as string[] | undefined;
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

  const maxMagnitude = options.maxMagnitude;
  await parseCsv(source, options, (record, line) => {
    if (header === undefined) {
      if (options.header !== false) checkHeader(record, where(line, 1));
      header = options.header === false ? generatedHeader(record.length) : record;
      headerLine = options.header === false ? line - 1 : line;
      if (header.length < 2) {
        throw new DataError(
          `the header names only the label column; at least one feature column is needed${delimiterHint(header, options.delimiter)}`,
          where(line, 1),
        );
      }
      labelColumn = resolveLabelColumn(header, options.label, where(line, 1));
      featureCount = header.length - 1;
      if (options.header !== false) return;
    }
    if (record.length !== header.length) throw raggedRow(record.length, header.length, line, where);
    for (let c = 0; c < record.length; c++) {
      if (c === labelColumn) continue;
      const cell = record[c] ?? '';
      const value = Number(cell);
      const problem = cellProblem(cell, value, maxMagnitude);
      if (problem !== undefined) throw new DataError(`feature ${columnName(header, c)} ${problem}`, where(line, c + 1));
      features.push(value);
    }
    readLabel(labels, record[labelColumn] ?? '', forced, (message) => new DataError(message, where(line, labelColumn + 1)), maxMagnitude);
    rows++;
    lastLine = line;
  });

  if (header === undefined) throw emptyFile(where);
  if (rows === 0) throw noDataRows(headerLine, where);

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

function resolveLabelColumn(header: readonly string[], label: CsvOptions['label'], at: { line: number; column: number }): number {
  const columns = header.map((h, i) => `${i}: ${h === '' ? '(unnamed)' : h}`).join(', ');
  if (label === undefined) return header.length - 1;
  if (typeof label === 'function') {
    const index = label(header);
    if (!Number.isInteger(index) || index < 0 || index >= header.length) {
      throw new RangeError(`label: column ${index} is not a 0-based index into the header's ${header.length} columns`);
    }
    return index;
  }
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

/** Reads a CSV file as a dataset, streaming (see {@link readCsv}). */
export async function loadCsv(file: string, options: CsvOptions = {}): Promise<Dataset> {
  return readCsv(createReadStream(file), { ...options, file });
}
