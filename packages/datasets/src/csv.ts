/**
 * Users' own data from CSV, streamed: rows are parsed by `csv-parse`'s stream API and written
 * straight into growing typed arrays, so a large file is never held as strings or row objects.
 *
 * Two readers share one parser and one set of rules:
 * - {@link readCsv} / {@link loadCsv}: a dataset — numeric features and a label column;
 * - {@link readCsvFeatures} / {@link loadCsvFeatures}: features only, to predict with — the feature
 *   columns chosen by header name (or by a function of the header), any other column kept as text.
 *
 * The rules (RFC 4180 plus what spreadsheets write): a header row, then one sample per row; a
 * leading BOM is dropped; lines end in LF, CRLF or CR; blank and whitespace-only lines are skipped
 * (but counted in line numbers); whitespace around a field is trimmed, whitespace inside quotes is
 * kept; a quoted field may hold the delimiter, `""` for a quote, and line breaks; a quote inside an
 * unquoted field, or text after a closing quote, is malformed. A number is what `Number()` reads
 * from the trimmed field (`1e3`, ` 2 `, `-.5`); an empty field, `NaN` and `±Infinity` are not.
 *
 * Dataset layout: the label column is chosen by name or by 0-based index (negative counts from the
 * end; default: the last column); every other column is a numeric feature. Labels:
 * - non-numeric labels are classes; numeric labels are classes when every one is an integer and
 *   there are at most `maxClasses` (default 20) distinct values; otherwise they are regression
 *   targets. `task` forces either reading.
 * - classes are numbered in sorted order (numerically for numeric labels, by code unit for text), and
 *   their labels are kept as `classNames`; two classes → `binary` (one 0/1 column), more → `multiclass`
 *   (one-hot).
 *
 * Every problem is a `DataError` naming the file, the line (1-based, as an editor shows it) and the
 * column (1-based field number), worded the same by both readers.
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { CsvError, Parser, type Options as ParseOptions } from 'csv-parse';
import { arrayFor, DataError, type Dataset, type DType, type FloatArray, type Matrix, type Task } from '@twinprop/core';

/** How a file is read, shared by both readers. */
export interface CsvReadOptions {
  /** Field delimiter (default `,`). */
  readonly delimiter?: string;
  /**
   * `false` when the file has no header row: the first row is data and the columns are named
   * `column1`, `column2`, …. With a header (the default), a first row of numbers only is refused
   * (it looks like data, and reading it as names would lose a row).
   */
  readonly header?: boolean;
  /**
   * The text encoding, a WHATWG label such as `utf-8` (the default), `latin1`, `windows-1252` or
   * `utf-16le`. UTF-8 is checked: a byte sequence that is not UTF-8 (a Latin-1 `é`, say) is a
   * DataError naming its line and column, never a silent U+FFFD. A NUL byte is refused in any
   * encoding (the file is binary).
   */
  readonly encoding?: string;
  /** Refuse numbers larger in magnitude than this (e.g. float32's largest, ≈3.4e38). Default: no limit. */
  readonly maxMagnitude?: number;
}

/** float32's largest finite value: numbers beyond it become ±Infinity in float32 engines. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** The most characters one row may have (a file without line breaks, such as /dev/zero, is refused). */
export const MAX_CSV_RECORD_CHARS = 64 * 1024 * 1024;

export interface CsvOptions extends CsvReadOptions {
  /**
   * Label column: a header name, a 0-based index (negative from the end), or a function of the
   * header returning a 0-based index (it may throw to refuse the header). Default: the last column.
   */
  readonly label?: string | number | ((header: readonly string[]) => number);
  /** Read the labels as classes or as real-valued targets (default: decided from the labels, see above). */
  readonly task?: 'classification' | 'regression';
  /** With `task` unset, integer labels with at most this many distinct values are classes (default 20). */
  readonly maxClasses?: number;
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
  /**
   * Line breaks csv-parse counted twice: inside a quoted field it counts the CR and the LF of a
   * CRLF as a line each, where an editor (and csv-parse itself, outside quotes) counts one.
   */
  doubleCounted = 0;
  private lastLine = 0;

  constructor(options: ParseOptions) {
    super(options);
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (!Array.isArray(chunk)) return super.push(chunk, encoding);
    // Records are pushed synchronously as they end, so `info.lines` is that record's last line.
    const record = chunk as string[];
    const lines = this.info.lines;
    // Only a record that spans lines (or follows blank lines) can hold a quoted line break.
    if (lines - this.lastLine > 1) for (const cell of record) this.doubleCounted += cell.split('\r\n').length - 1;
    this.lastLine = lines;
    return super.push({ record, line: lines - this.doubleCounted } satisfies NumberedRecord, encoding);
  }
}

/** Why a cell is not a usable number, or `undefined` when `value` (= Number(cell)) is fine. */
function cellProblem(cell: string, value: number, maxMagnitude = Number.POSITIVE_INFINITY): string | undefined {
  if (Number.isFinite(value)) {
    if (Math.abs(value) > maxMagnitude) {
      const why = maxMagnitude === FLOAT32_MAX ? ', the largest float32 (which the engines compute in)' : '';
      return `is ${cell}, beyond ±${maxMagnitude}${why}`;
    }
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

type Where = { file?: string; line: number; column: number };

/** `{ file, line, column }` for a DataError, without `file` when the source has no name. */
function locator(file: string | undefined): (line: number, column: number) => Where {
  return (line, column) => (file === undefined ? { line, column } : { file, line, column });
}

/** A byte position in the input as a DataError shows it: the line, and the field (column) on it. */
class BytePosition {
  private line = 1;
  /** Bytes of the current line seen so far (kept to count fields when a problem is found). */
  private lineStart: Buffer[] = [];

  constructor(private readonly delimiter: number) {}

  /** Moves past `bytes`. */
  advance(bytes: Buffer): void {
    let from = 0;
    for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a, from)) {
      this.line++;
      from = nl + 1;
      this.lineStart = [];
    }
    if (from < bytes.length) this.lineStart.push(bytes.subarray(from));
  }

  /** The line and field of `bytes[offset]` (bytes follow what was advanced past). */
  at(bytes: Buffer, offset: number): { line: number; column: number } {
    const before = bytes.subarray(0, offset);
    const lastBreak = before.lastIndexOf(0x0a);
    let line = this.line;
    for (let nl = before.indexOf(0x0a); nl >= 0; nl = before.indexOf(0x0a, nl + 1)) line++;
    const prefix = lastBreak >= 0 ? before.subarray(lastBreak + 1) : Buffer.concat([...this.lineStart, before]);
    let column = 1;
    let quoted = false;
    for (const b of prefix) {
      if (b === 0x22) quoted = !quoted;
      else if (b === this.delimiter && !quoted) column++;
    }
    return { line, column };
  }
}

/** Bytes at the end of `bytes` that start a UTF-8 sequence the chunk does not finish. */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** The offset of the first byte that is not valid UTF-8 (the input is known to hold one). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/**
 * Bytes to text for the parser: UTF-8 checked (natively; the slow scan runs only to locate a bad
 * byte), other encodings through TextDecoder. A NUL byte or invalid UTF-8 fails the stream with a
 * DataError at its line and column.
 */
class Decoder extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private readonly position: BytePosition;
  private readonly decoder: TextDecoder | undefined;
  private readonly utf8: boolean;

  constructor(
    encoding: string,
    delimiter: string,
    private readonly where: (line: number, column: number) => Where,
  ) {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
    let label: string;
    try {
      label = new TextDecoder(encoding).encoding;
    } catch {
      throw new DataError(`unknown text encoding ${JSON.stringify(encoding)} (try utf-8, latin1, windows-1252 or utf-16le)`);
    }
    this.utf8 = label === 'utf-8';
    this.decoder = this.utf8 ? undefined : new TextDecoder(label);
    this.position = new BytePosition(delimiter.charCodeAt(0));
  }

  private fail(bytes: Buffer, offset: number, message: string): DataError {
    const { line, column } = this.position.at(bytes, offset);
    return new DataError(message, this.where(line, column));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      if (this.decoder !== undefined) {
        const nul = this.decoder.encoding.startsWith('utf-16') ? -1 : chunk.indexOf(0);
        if (nul >= 0) throw this.fail(chunk, nul, 'the file holds a NUL byte: it is not a text file');
        this.position.advance(chunk);
        done(null, this.decoder.decode(chunk, { stream: true }));
        return;
      }
      const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
      const nul = bytes.indexOf(0);
      const end = bytes.length - incompleteTail(bytes);
      const whole = bytes.subarray(0, nul >= 0 ? nul : end);
      if (!isUtf8(whole)) {
        const bad = firstInvalidUtf8(whole);
        throw this.fail(bytes, bad, invalidUtf8Message(bytes, bad));
      }
      if (nul >= 0) throw this.fail(bytes, nul, 'the file holds a NUL byte: it is not a text file');
      this.carry = Buffer.from(bytes.subarray(end));
      this.position.advance(whole);
      done(null, whole.toString('utf8'));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) {
      done(this.fail(this.carry, 0, invalidUtf8Message(this.carry, 0)));
      return;
    }
    done(null, this.decoder?.decode() ?? '');
  }
}

function invalidUtf8Message(bytes: Buffer, offset: number): string {
  const shown = Array.from(bytes.subarray(offset, offset + 2), (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
  return `byte ${shown} is not UTF-8 (a Latin-1 or Windows-1252 file?); convert the file to UTF-8, or name its encoding (--encoding latin1)`;
}

/**
 * Parses `source` with the module's rules and hands each record to `onRecord` as it ends (header
 * first). Turns csv-parse's and the file system's errors into DataErrors; whatever `onRecord`
 * throws stops the read (the rest of the file is not read) and is rethrown as is.
 */
async function parseCsv(
  source: Readable | string,
  options: CsvReadOptions & { readonly file?: string | undefined },
  onRecord: (record: string[], line: number) => void,
): Promise<void> {
  const file = options.file;
  const delimiter = options.delimiter ?? ',';
  if (delimiter === '' || /["\r\n]/.test(delimiter)) throw new DataError(`the delimiter ${JSON.stringify(delimiter)} cannot separate fields`);
  const raw = typeof source === 'string' ? Readable.from([source]) : source;
  let input: Readable = raw;
  if (typeof source !== 'string') {
    try {
      input = raw.pipe(new Decoder(options.encoding ?? 'utf-8', delimiter, locator(file)));
    } catch (error) {
      raw.destroy();
      throw error;
    }
  }
  if (input !== raw) raw.on('error', (error) => input.destroy(error));
  const parser = new NumberingParser({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_CSV_RECORD_CHARS,
    delimiter,
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<NumberedRecord>) onRecord(item.record, item.line);
  } catch (error) {
    raw.destroy(); // stop reading the rest of the file
    input.destroy();
    if (error instanceof CsvError) {
      const column = (error as CsvError & { column?: unknown }).column;
      const line = (error as CsvError & { lines?: unknown }).lines;
      throw new DataError(`malformed CSV: ${error.message}`, {
        ...(file === undefined ? {} : { file }),
        ...(typeof line === 'number' ? { line: line - parser.doubleCounted } : {}),
        ...(typeof column === 'number' ? { column: column + 1 } : {}),
      });
    }
    if (error instanceof Error && !(error instanceof DataError) && (error as NodeJS.ErrnoException).syscall !== undefined) {
      throw new DataError(fileProblem(error), file === undefined ? {} : { file });
    }
    throw error;
  }
}

/** Why a file could not be read, in words (the path is added by the DataError). */
function fileProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, expected a CSV file';
    case undefined:
    default:
      return `cannot read the file: ${error.message}`;
  }
}

/** Names for the columns of a file without a header row: `column1`, `column2`, …. */
export function generatedHeader(fields: number): string[] {
  return Array.from({ length: fields }, (_, i) => `column${i + 1}`);
}

/**
 * The delimiter a header row seems to use instead of `delimiter`, when it was read as one field
 * holding `;`, a tab or `|` (a European spreadsheet's CSV, a TSV file). `undefined` otherwise.
 */
export function guessDelimiter(header: readonly string[], delimiter = ','): string | undefined {
  if (header.length !== 1) return undefined;
  const field = header[0] ?? '';
  return [';', '\t', '|', ','].find((d) => d !== delimiter && field.includes(d));
}

/** ` — the file looks ;-separated: …` for a one-field header, else ''. */
export function delimiterHint(header: readonly string[], delimiter = ','): string {
  const guess = guessDelimiter(header, delimiter);
  if (guess === undefined) return '';
  const shown = guess === '\t' ? 'tab' : guess;
  return `; the header was read as one column, ${JSON.stringify(header[0] ?? '')}: the file looks ${shown}-separated (pass the delimiter: --delimiter ${guess === '\t' ? 'tab' : `'${guess}'`}, or delimiter: ${JSON.stringify(guess)})`;
}

/**
 * Checks a header row: a row of numbers only is data, not names (the file lacks a header, and
 * reading it as one would lose a row). DataError naming the line.
 */
function checkHeader(record: readonly string[], at: Where): void {
  if (record.length > 0 && record.every((cell) => cell !== '' && cellProblem(cell, Number(cell)) === undefined)) {
    const shown = record.length > 4 ? `${record.slice(0, 4).join(',')},…` : record.join(',');
    throw new DataError(
      `the header row (${shown}) holds only numbers: the file seems to have no header, and its first row would be lost as column names; ` +
        'add a header row, or read it as header-less (--no-header, or header: false)',
      at,
    );
  }
}

/** The DataError for a data row whose field count differs from the header's. */
function raggedRow(fields: number, headerFields: number, line: number, where: (line: number, column: number) => Where): DataError {
  const column = fields < headerFields ? fields + 1 : headerFields + 1;
  return new DataError(`this row has ${fields} fields but the header has ${headerFields} (a ragged row)`, where(line, column));
}

/** The DataErrors for a file without a header, or without data rows. */
function emptyFile(where: (line: number, column: number) => Where): DataError {
  return new DataError('the file is empty; expected a header row, then data rows', where(1, 1));
}
function noDataRows(headerLine: number, where: (line: number, column: number) => Where): DataError {
  return new DataError('the file has a header but no data rows', where(headerLine + 1, 1));
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

function readLabel(
  labels: LabelState,
  cell: string,
  forced: 'classification' | 'regression' | undefined,
  fail: (message: string) => DataError,
  maxMagnitude: number | undefined,
): void {
  if (cell === '') throw fail('the label is empty');
  if (NON_FINITE.test(cell)) throw fail(`the label is ${JSON.stringify(cell)}, not a finite value`);
  const value = Number(cell);
  if (Number.isFinite(value) && maxMagnitude !== undefined && Math.abs(value) > maxMagnitude && forced !== 'classification') {
    throw fail(`the label ${cellProblem(cell, value, maxMagnitude) ?? ''}`);
  }
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

/**
 * One CSV line (no line break) that the readers here read back as exactly `fields`: a field is
 * quoted when it holds the delimiter, a quote, a line break, or whitespace at either end (which
 * would otherwise be trimmed); quotes inside are doubled. Fields are written as given, so a
 * spreadsheet may still read a field such as `=1+1` as a formula.
 */
export function formatCsvRow(fields: readonly string[], delimiter = ','): string {
  // A lone empty field is quoted too: unquoted, it would be a blank line, which readers skip.
  if (fields.length === 1 && fields[0] === '') return '""';
  return fields
    .map((field) =>
      field.includes(delimiter) || /["\r\n]/.test(field) || field.trim() !== field ? `"${field.replace(/"/g, '""')}"` : field,
    )
    .join(delimiter);
}
