/**
 * The one parser both readers share: `csv-parse`'s stream API, each record handed on as it ends
 * with the line it ends on, so a large file is never held as strings or row objects.
 *
 * The rules (RFC 4180 plus what spreadsheets write): a header row, then one sample per row; a
 * leading BOM is dropped; lines end in LF, CRLF or CR; blank and whitespace-only lines are skipped
 * (but counted in line numbers); whitespace around a field is trimmed, whitespace inside quotes is
 * kept; a quoted field may hold the delimiter, `""` for a quote, and line breaks; a quote inside an
 * unquoted field, or text after a closing quote, is malformed. Lines are 1-based, as an editor
 * shows them; columns are 1-based field numbers.
 */
import { Readable } from 'node:stream';
import { CsvError, Parser, type Options as ParseOptions } from 'csv-parse';
import { DataError } from '@twinprop/core';
import { Decoder } from './decode.js';
import { locator } from './errors.js';

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

/** The most characters one row may have (a file without line breaks, such as /dev/zero, is refused). */
export const MAX_CSV_RECORD_CHARS = 64 * 1024 * 1024;

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

/**
 * Parses `source` with the module's rules and hands each record to `onRecord` as it ends (header
 * first). Turns csv-parse's and the file system's errors into DataErrors; whatever `onRecord`
 * throws stops the read (the rest of the file is not read) and is rethrown as is.
 */
export async function parseCsv(
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
