import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@twinprop/core';
import { loadCsv } from './csv.js';

export interface SyntheticCsvOptions {
  /** Numeric feature columns (default 4). */
  readonly features?: number;
  /** Classes, written as labels `class0`, `class1`, … in the last column (default 3). */
  readonly classes?: number;
  readonly seed?: number;
}

/**
 * Writes an `rows`-row synthetic classification CSV to `path`: a header `f0,…,label`, then rows
 * whose features are N(class index, 1) with 4 decimals and whose label is `class<k>` (k uniform).
 * Streams, so the file never exists in memory. Returns the bytes written.
 */
export async function writeSyntheticCsv(path: string, rows: number, options: SyntheticCsvOptions = {}): Promise<number> {
  const features = options.features ?? 4;
  const classes = options.classes ?? 3;
  const rng = new Rng(options.seed ?? 1);
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  };
  await write([...Array.from({ length: features }, (_, f) => `f${f}`), 'label'].join(',') + '\n');
  let chunk = '';
  for (let r = 0; r < rows; r++) {
    const k = rng.int(classes);
    for (let f = 0; f < features; f++) chunk += `${rng.normal(k, 1).toFixed(4)},`;
    chunk += `class${k}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return out.bytesWritten;
}

export interface CsvBenchmark {
  readonly rows: number;
  readonly features: number;
  readonly bytes: number;
  readonly writeMs: number;
  readonly loadMs: number;
  readonly rowsPerSecond: number;
  readonly megabytesPerSecond: number;
}

/**
 * Writes a synthetic CSV of `rows` rows (default 10⁶) to a temporary folder, times `loadCsv` on it
 * and removes it.
 */
export async function benchmarkCsv(options: SyntheticCsvOptions & { readonly rows?: number; readonly dir?: string } = {}): Promise<CsvBenchmark> {
  const rows = options.rows ?? 1_000_000;
  const folder = await mkdtemp(join(options.dir ?? tmpdir(), 'twinprop-csv-'));
  const path = join(folder, 'synthetic.csv');
  try {
    const t0 = performance.now();
    await writeSyntheticCsv(path, rows, options);
    const writeMs = performance.now() - t0;
    const { size } = await stat(path);
    const t1 = performance.now();
    const data = await loadCsv(path);
    const loadMs = performance.now() - t1;
    if (data.x.rows !== rows) throw new Error(`benchmark CSV read back ${data.x.rows} rows, wrote ${rows}`);
    return {
      rows,
      features: data.x.cols,
      bytes: size,
      writeMs,
      loadMs,
      rowsPerSecond: rows / (loadMs / 1000),
      megabytesPerSecond: size / 1e6 / (loadMs / 1000),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
