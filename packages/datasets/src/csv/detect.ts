/**
 * What a header row says about the file: a header of numbers only means there is none (names are
 * then generated), and a header read as one field holding `;`, a tab or `|` means the delimiter
 * is another one.
 */
import { DataError } from '@twinprop/core';
import type { Where } from './errors.js';
import { cellProblem } from './numbers.js';

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
export function checkHeader(record: readonly string[], at: Where): void {
  if (record.length > 0 && record.every((cell) => cell !== '' && cellProblem(cell, Number(cell)) === undefined)) {
    const shown = record.length > 4 ? `${record.slice(0, 4).join(',')},…` : record.join(',');
    throw new DataError(
      `the header row (${shown}) holds only numbers: the file seems to have no header, and its first row would be lost as column names; ` +
        'add a header row, or read it as header-less (--no-header, or header: false)',
      at,
    );
  }
}
