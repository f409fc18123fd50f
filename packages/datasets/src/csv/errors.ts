/**
 * Where a CSV problem is, and the DataErrors both readers raise for the same problem, so that they
 * word it the same: a column's name, a ragged row, an empty file, a header without data rows.
 */
import { DataError } from '@twinprop/core';

/** Where a DataError points: the file (when named), the line and the column. */
export type Where = { file?: string; line: number; column: number };

/** `{ file, line, column }` for a DataError, without `file` when the source has no name. */
export function locator(file: string | undefined): (line: number, column: number) => Where {
  return (line, column) => (file === undefined ? { line, column } : { file, line, column });
}

/** A column as messages name it: its header name quoted, or `column N` when it has none. */
export function columnName(header: readonly string[], index: number): string {
  const name = header[index];
  return name !== undefined && name !== '' ? JSON.stringify(name) : `column ${index + 1}`;
}

/** The DataError for a data row whose field count differs from the header's. */
export function raggedRow(fields: number, headerFields: number, line: number, where: (line: number, column: number) => Where): DataError {
  const column = fields < headerFields ? fields + 1 : headerFields + 1;
  return new DataError(`this row has ${fields} fields but the header has ${headerFields} (a ragged row)`, where(line, column));
}

/** The DataErrors for a file without a header, or without data rows. */
export function emptyFile(where: (line: number, column: number) => Where): DataError {
  return new DataError('the file is empty; expected a header row, then data rows', where(1, 1));
}
export function noDataRows(headerLine: number, where: (line: number, column: number) => Where): DataError {
  return new DataError('the file has a header but no data rows', where(headerLine + 1, 1));
}
