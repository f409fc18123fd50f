import { extname } from 'node:path';
import { writeFileAtomic } from '@twinprop/core/node';
import { UsageError } from '../../errors.js';
import type { HistoryEntry } from '../../run-file.js';

/**
 * `--history <file>`: one row per epoch — every metric the epoch logged, the learning rate and the
 * seconds the epoch took — as CSV (`.csv`) or newline-delimited JSON (`.ndjson`), written
 * atomically. The same records are `train --json`'s `history`.
 */

/** The columns, in this order; a column no epoch has is left out. */
const COLUMNS = [
  'epoch',
  'trainLoss',
  'trainAccuracy',
  'validationLoss',
  'validationAccuracy',
  'validationMse',
  'testLoss',
  'testAccuracy',
  'testMse',
  'learningRate',
  'seconds',
] as const;
type Column = (typeof COLUMNS)[number];

/** One epoch of the history, as exported. */
export type HistoryRecord = Partial<Record<Column, number>> & { readonly epoch: number };

export const HISTORY_FORMATS = { '.csv': 'csv', '.ndjson': 'ndjson' } as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[keyof typeof HISTORY_FORMATS];

/** The format a `--history` path asks for by its extension; UsageError for any other extension. */
export function historyFormat(path: string): HistoryFormat {
  const extension = extname(path).toLowerCase();
  const format = (HISTORY_FORMATS as Readonly<Record<string, HistoryFormat>>)[extension];
  if (format === undefined) {
    throw new UsageError(
      `--history ${path}: the history is written as CSV or as newline-delimited JSON; name the file .csv or .ndjson (got ${extension === '' ? 'no extension' : extension})`,
    );
  }
  return format;
}

/**
 * The exported records: each entry's metrics in {@link COLUMNS} order, with the learning rate the
 * epoch trained at (the entry's own when a schedule logs one, else the optimizer's constant rate).
 */
export function historyRecords(history: readonly HistoryEntry[], learningRate: number): HistoryRecord[] {
  return history.map((entry) => {
    const values: Partial<Record<Column, number>> = { ...entry, learningRate: (entry as { readonly learningRate?: number }).learningRate ?? learningRate };
    const record: Partial<Record<Column, number>> = {};
    for (const column of COLUMNS) {
      const value = values[column];
      if (value !== undefined) record[column] = value;
    }
    return { ...record, epoch: entry.epoch };
  });
}

/** Numbers as JavaScript writes them (shortest round trip), so that a reader gets the logged values back exactly. */
function csvText(records: readonly HistoryRecord[]): string {
  const columns = COLUMNS.filter((column) => records.some((r) => r[column] !== undefined));
  const lines = [columns.join(','), ...records.map((r) => columns.map((column) => (r[column] === undefined ? '' : String(r[column]))).join(','))];
  return `${lines.join('\n')}\n`;
}

function ndjsonText(records: readonly HistoryRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** Writes the records to `path` (atomically), in the format its extension names. */
export async function writeHistory(path: string, records: readonly HistoryRecord[]): Promise<void> {
  const format = historyFormat(path);
  await writeFileAtomic(path, format === 'csv' ? csvText(records) : ndjsonText(records));
}
