/**
 * The features of a CSV file, to predict with: the feature columns chosen by header name (or by a
 * function of the header), any other column kept as text. Same parser, rules and messages as the
 * dataset reader.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { arrayFor, DataError, type DType, type FloatArray, type Matrix } from '@twinprop/core';
import { checkHeader, delimiterHint, generatedHeader } from './detect.js';
import { columnName, emptyFile, locator, noDataRows, raggedRow, type Where } from './errors.js';
import { cellProblem, GrowingArray } from './numbers.js';
import { parseCsv, type CsvReadOptions } from './parse.js';

/** One data row as text, and the line it ends on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

export interface CsvFeatureOptions extends CsvReadOptions {
  /**
   * The feature columns, in the order the features go into `x`: header names, or a function of the
   * header returning 0-based column indices (it may throw to refuse the header). Default: every
   * column.
   */
  readonly features?: readonly string[] | ((header: readonly string[]) => readonly number[]);
  readonly dtype?: DType;
  /** Names the source in error messages. */
  readonly file?: string;
}

/** The features of a CSV file, and the whole file as text (to pass other columns through). */
export interface CsvFeatures {
  readonly header: readonly string[];
  /** 0-based column of each feature, in the order of `x`'s columns. */
  readonly columns: readonly number[];
  readonly featureNames: readonly string[];
  /** rows × features, in the file's row order. */
  readonly x: Matrix;
  /** Every data row, all of its cells as text (as trimmed and unquoted by the reader). */
  readonly records: readonly CsvRecord[];
}

function resolveFeatureColumns(header: readonly string[], features: CsvFeatureOptions['features'], at: Where, delimiter: string | undefined): number[] {
  if (features === undefined) return header.map((_, i) => i);
  if (typeof features === 'function') {
    const columns = [...features(header)];
    for (const c of columns) {
      if (!Number.isInteger(c) || c < 0 || c >= header.length) {
        throw new RangeError(`features: column ${c} is not a 0-based index into the header's ${header.length} columns`);
      }
    }
    return columns;
  }
  const listed = header.map((h, i) => `${i}: ${h === '' ? '(unnamed)' : h}`).join(', ');
  const missing = features.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    const names = missing.map((m) => JSON.stringify(m)).join(', ');
    throw new DataError(`no feature column${missing.length === 1 ? '' : 's'} named ${names} in the header (${listed})${delimiterHint(header, delimiter)}`, at);
  }
  return features.map((name) => header.indexOf(name));
}

/**
 * Reads the features of a CSV file from a stream or a string, with the same rules and messages as
 * {@link readCsv} but no label: the feature columns must hold numbers, every other column may hold
 * anything and is kept, as text, in `records`. Meant for the points a model predicts; it keeps
 * every row's text, so for training data use {@link readCsv}.
 */
export async function readCsvFeatures(source: Readable | string, options: CsvFeatureOptions = {}): Promise<CsvFeatures> {
  const where = locator(options.file);
  const dtype = options.dtype ?? 'float64';
  // (Assigned by the record callback; `as` keeps the compiler from narrowing them to their initial values.)
  let header = undefined as string[] | undefined;
  let columns = [] as number[];
  let headerLine = 1;
  const records: CsvRecord[] = [];
  const features = new GrowingArray<FloatArray>(arrayFor(dtype, 0), (n) => arrayFor(dtype, n));

  await parseCsv(source, options, (record, line) => {
    if (header === undefined) {
      if (options.header !== false) checkHeader(record, where(line, 1));
      header = options.header === false ? generatedHeader(record.length) : record;
      headerLine = options.header === false ? line - 1 : line;
      columns = resolveFeatureColumns(header, options.features, where(line, 1), options.delimiter);
      if (options.header !== false) return;
    }
    if (record.length !== header.length) throw raggedRow(record.length, header.length, line, where);
    for (const c of columns) {
      const cell = record[c] ?? '';
      const value = Number(cell);
      const problem = cellProblem(cell, value, options.maxMagnitude);
      if (problem !== undefined) throw new DataError(`feature ${columnName(header, c)} ${problem}`, where(line, c + 1));
      features.push(value);
    }
    records.push({ line, cells: record });
  });

  if (header === undefined) throw emptyFile(where);
  if (records.length === 0) throw noDataRows(headerLine, where);
  const names = header;
  return {
    header: names,
    columns,
    featureNames: columns.map((c) => names[c] ?? ''),
    x: { rows: records.length, cols: columns.length, data: features.finish() },
    records,
  };
}

/** Reads the features of a CSV file, streaming (see {@link readCsvFeatures}). */
export async function loadCsvFeatures(file: string, options: Omit<CsvFeatureOptions, 'file'> = {}): Promise<CsvFeatures> {
  return readCsvFeatures(createReadStream(file), { ...options, file });
}
