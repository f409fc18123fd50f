import { fileURLToPath } from 'node:url';
import { DataError } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { DATASETS, datasetInfo, datasetNames, isCsvName, loadBuiltinDataset, loadDataset } from './registry.js';

describe('registry', () => {
  it('lists the gates, the Playground generators, Iris and MNIST with unique names', () => {
    const names = datasetNames();
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['and', 'or', 'not', 'nand', 'xor', 'circle', 'playground-xor', 'gauss', 'spiral', 'plane', 'multigauss', 'iris', 'mnist']) {
      expect(names).toContain(n);
    }
  });

  it.each(DATASETS.filter((d) => d.name !== 'mnist').map((d) => [d.name, d] as const))(
    '%s loads with the shape and task its entry states',
    (name, info) => {
      const d = loadBuiltinDataset(name);
      expect(d.task).toBe(info.task);
      expect([d.x.rows, d.x.cols, d.y.cols]).toEqual([info.rows, info.features, info.outputs]);
      if (info.classes !== undefined) expect(d.classNames).toHaveLength(info.classes);
      expect(info.description.length).toBeGreaterThan(10);
    },
  );

  it('mnist with points loads that many rows, as its entry says', () => {
    const info = datasetInfo('mnist');
    const d = loadBuiltinDataset('mnist', { points: 30 });
    expect([d.x.rows, d.x.cols, d.y.cols]).toEqual([30, info.features, info.outputs]);
  });

  it('passes points, noise and seed to the generators', async () => {
    const a = await loadDataset('spiral', { points: 50, noise: 10, seed: 4 });
    const b = loadBuiltinDataset('spiral', { points: 50, noise: 10, seed: 4 });
    expect(a.x.rows).toBe(50);
    expect(a.x.data).toEqual(b.x.data);
    expect(loadBuiltinDataset('spiral', { points: 50, noise: 10, seed: 5 }).x.data).not.toEqual(a.x.data);
  });

  it('refuses unknown names listing the valid ones, and options a dataset does not take', async () => {
    await expect(loadDataset('xorr')).rejects.toThrow(DataError);
    await expect(loadDataset('xorr')).rejects.toThrow(/unknown dataset "xorr"; valid names: and, or, not, nand, xor, circle/);
    expect(() => datasetInfo('nope')).toThrow(/valid names/);
    expect(() => loadBuiltinDataset('iris', { noise: 5 })).toThrow(/does not take the option noise/);
    expect(() => loadBuiltinDataset('xor', { points: 5 })).toThrow(DataError);
    expect(loadBuiltinDataset('xor', { seed: 5 }).x.rows).toBe(4);
  });

  it('loads CSV files by path', async () => {
    const path = fileURLToPath(new URL('./__fixtures__/xor-gate.csv', import.meta.url));
    expect(isCsvName(path)).toBe(true);
    expect(isCsvName('iris')).toBe(false);
    const d = await loadDataset(path);
    expect(Array.from(d.y.data)).toEqual([0, 1, 1, 0]);
    const viaPrefix = await loadDataset(`csv:${path}`, { csv: { task: 'regression' } });
    expect(viaPrefix.task).toBe('regression');
  });
});
