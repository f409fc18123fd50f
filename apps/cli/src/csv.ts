import { readFile } from 'node:fs/promises';
import { DataError } from '@twinprop/core';

/** A CSV table as text cells: the header and the data rows with their 1-based line numbers. */
export interface CsvTable {
  readonly header: string[];
  readonly rows: Array<{ readonly line: number; readonly cells: string[] }>;
}

/** Splits one CSV line into fields (RFC 4180 quotes within a line; `""` is a quote). */
function splitLine(line: string, file: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) throw new DataError('a quoted field is not closed', { file, line: lineNumber, column: fields.length + 1 });
  fields.push(field.trim());
  return fields;
}

/** Reads a small CSV file with a header row (blank lines are skipped). */
export async function readCsvTable(file: string): Promise<CsvTable> {
  const text = await readFile(file, 'utf8');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: string[] | undefined;
  const rows: Array<{ line: number; cells: string[] }> = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = splitLine(line, file, i + 1);
    if (header === undefined) {
      header = cells;
      return;
    }
    if (cells.length !== header.length) {
      throw new DataError(`has ${cells.length} fields, the header has ${header.length}`, { file, line: i + 1 });
    }
    rows.push({ line: i + 1, cells });
  });
  if (header === undefined) throw new DataError('the file is empty (expected a header row, then one row per point)', { file });
  if (rows.length === 0) throw new DataError('the file has a header but no rows', { file });
  return { header, rows };
}

/** Quotes a field when it needs it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}
