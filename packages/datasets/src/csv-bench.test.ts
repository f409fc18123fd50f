import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsv } from './csv.js';
import { benchmarkCsv, writeSyntheticCsv } from './csv-bench.js';

describe('synthetic CSV', () => {
  it('writes the rows it says, and they read back as classes class0…', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'twinprop-synth-'));
    try {
      const path = join(dir, 's.csv');
      const bytes = await writeSyntheticCsv(path, 5000, { features: 3, classes: 4, seed: 2 });
      expect(bytes).toBeGreaterThan(5000 * 3 * 6);
      const d = await loadCsv(path);
      expect([d.x.rows, d.x.cols, d.y.cols]).toEqual([5000, 3, 4]);
      expect(d.classNames).toEqual(['class0', 'class1', 'class2', 'class3']);
      // features are N(k, 1) for class k: the class means are ordered
      const means = [0, 1, 2, 3].map((k) => {
        const rows = Array.from({ length: 5000 }, (_, r) => r).filter((r) => d.y.data[4 * r + k] === 1);
        return rows.reduce((s, r) => s + d.x.data[3 * r]!, 0) / rows.length;
      });
      means.forEach((m, k) => expect(Math.abs(m - k)).toBeLessThan(0.15));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a 10⁶-row CSV loads (streamed)', { timeout: 60_000 }, async () => {
    const result = await benchmarkCsv({ rows: 1_000_000 });
    expect(result.rows).toBe(1_000_000);
    expect(result.features).toBe(4);
    expect(result.bytes).toBeGreaterThan(30e6);
    console.log(
      `10⁶-row CSV (${(result.bytes / 1e6).toFixed(1)} MB): written in ${(result.writeMs / 1000).toFixed(2)} s, ` +
        `loaded in ${(result.loadMs / 1000).toFixed(2)} s (${Math.round(result.rowsPerSecond).toLocaleString('en')} rows/s)`,
    );
  });
});
