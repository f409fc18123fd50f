import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { readCsvFeatures } from './features.js';
import { FLOAT32_MAX } from './numbers.js';
import { loadCsv, readCsv, type CsvOptions } from './read.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url));

/** The DataError that loading `name` raises. */
async function failure(name: string, options: CsvOptions = {}): Promise<DataError> {
  try {
    await loadCsv(fixture(name), options);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error(`${name} loaded without an error`);
}

describe('CSV: well-formed files', () => {
  it('string labels become sorted class indices, kept as classNames; label column by name', async () => {
    const d = await loadCsv(fixture('flowers.csv'), { label: 'species' });
    expect(d.name).toBe('flowers');
    expect(d.task).toBe('multiclass');
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.featureNames).toEqual(['sepal length', 'sepal width', 'petal length']);
    expect([d.x.rows, d.x.cols, d.y.cols]).toEqual([4, 3, 3]);
    expect(Array.from(d.x.data)).toEqual([5.1, 3.5, 1.4, 7.0, 3.2, 4.7, 6.3, 3.3, 6.0, 4.9, 3.0, 1.4]);
    expect(Array.from(d.y.data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('label by index (0-based, negative from the end) gives the same data', async () => {
    const byName = await loadCsv(fixture('flowers.csv'), { label: 'species' });
    expect((await loadCsv(fixture('flowers.csv'), { label: 2 })).x.data).toEqual(byName.x.data);
    expect((await loadCsv(fixture('flowers.csv'), { label: -2 })).y.data).toEqual(byName.y.data);
  });

  it('the last column is the default label; 0/1 labels are a binary task with one column', async () => {
    const d = await loadCsv(fixture('xor-gate.csv'));
    expect(d.task).toBe('binary');
    expect(d.classNames).toEqual(['0', '1']);
    expect([d.y.rows, d.y.cols]).toEqual([4, 1]);
    expect(Array.from(d.y.data)).toEqual([0, 1, 1, 0]);
    expect(d.x.data).toBeInstanceOf(Float64Array);
  });

  it('integer labels are classes in numeric order ("1.0" and "1" are one class)', async () => {
    const d = await loadCsv(fixture('numeric-classes.csv'));
    expect(d.task).toBe('multiclass');
    expect(d.classNames).toEqual(['1', '2', '10']);
    expect(Array.from(d.y.data)).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0]);
  });

  it('real labels are regression targets; task and maxClasses override the guess', async () => {
    const d = await loadCsv(fixture('regression.csv'), { dtype: 'float32' });
    expect(d.task).toBe('regression');
    expect(Array.from(d.y.data)).toEqual([0.5, 1.25, 2]);
    expect(d.y.data).toBeInstanceOf(Float32Array);
    expect((await loadCsv(fixture('xor-gate.csv'), { task: 'regression' })).task).toBe('regression');
    expect((await loadCsv(fixture('numeric-classes.csv'), { maxClasses: 2 })).task).toBe('regression');
    const forced = await loadCsv(fixture('regression.csv'), { task: 'classification' });
    expect(forced.classNames).toEqual(['0.5', '1.25', '2']);
  });

  it('reads a string with quotes, spaces, a BOM, blank lines and another delimiter', async () => {
    const d = await readCsv('\uFEFFa; b ;label\n 1 ; "2" ;no\n\n3;4;yes\n', { delimiter: ';' });
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(Array.from(d.x.data)).toEqual([1, 2, 3, 4]);
    expect(d.classNames).toEqual(['no', 'yes']);
  });

  it('more distinct numeric labels than classes allow: regression', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `${i % 7},${i}`).join('\n');
    const d = await readCsv(`f,y\n${rows}\n`);
    expect(d.task).toBe('regression');
    expect(d.y.data[1499]).toBe(1499);
  });
});

describe('CSV: every malformation is a DataError naming file, line and column', () => {
  it('empty file', async () => {
    const e = await failure('empty.csv');
    expect(e.message).toMatch(/empty\.csv, line 1, column 1: the file is empty/);
  });

  it('header only', async () => {
    const e = await failure('header-only.csv');
    expect([e.line, e.column]).toEqual([2, 1]);
    expect(e.message).toMatch(/header-only\.csv, line 2, column 1: .*header but no data rows/);
  });

  it('ragged row (too few fields, then too many)', async () => {
    const e = await failure('ragged.csv');
    expect([e.line, e.column]).toEqual([3, 3]);
    expect(e.message).toMatch(/ragged\.csv, line 3, column 3: this row has 2 fields but the header has 3/);
    await expect(readCsv('a,b\n1,2\n3,4,5\n', { file: 'long.csv' })).rejects.toThrow(/long\.csv, line 3, column 3: this row has 3 fields/);
  });

  it('non-numeric cell', async () => {
    const e = await failure('non-numeric.csv');
    expect([e.line, e.column]).toEqual([3, 2]);
    expect(e.message).toMatch(/line 3, column 2: feature "b" is "abc", not a number/);
  });

  it('missing label column, by name and by index', async () => {
    const e = await failure('missing-label.csv', { label: 'species' });
    expect(e.line).toBe(1);
    expect(e.column).toBeDefined();
    expect(e.message).toMatch(/line 1, column 1: no label column named "species" in the header \(0: height, 1: weight, 2: colour\)/);
    const i = await failure('missing-label.csv', { label: 5 });
    expect([i.line, i.column]).toEqual([1, 6]);
    expect(i.message).toMatch(/no label column at index 5: the header has 3 columns/);
  });

  it('a single class', async () => {
    const e = await failure('single-class.csv');
    expect([e.line, e.column]).toEqual([4, 3]);
    expect(e.message).toMatch(/single class \("cat"\) in all 3 rows/);
  });

  it('NaN and ±Infinity', async () => {
    const nan = await failure('nan.csv');
    expect([nan.line, nan.column]).toEqual([3, 2]);
    expect(nan.message).toMatch(/"NaN", not a finite number/);
    const inf = await failure('inf.csv');
    expect([inf.line, inf.column]).toEqual([3, 1]);
    expect(inf.message).toMatch(/"-Infinity", not a finite number/);
    await expect(readCsv('a,y\n1e999,0\n2,1\n')).rejects.toThrow(/line 2, column 1: .*not a finite number/);
    await expect(readCsv('a,y\n1,inf\n2,1\n')).rejects.toThrow(/line 2, column 2: the label is "inf"/);
  });

  it('an empty cell, an empty label, a broken quote', async () => {
    const e = await failure('empty-cell.csv');
    expect([e.line, e.column]).toEqual([3, 1]);
    expect(e.message).toMatch(/feature "a" is empty/);
    await expect(readCsv('a,y\n1,0\n2,\n')).rejects.toThrow(/line 3, column 2: the label is empty/);
    const q = await failure('unclosed-quote.csv');
    expect(q.message).toMatch(/unclosed-quote\.csv, line \d+.*malformed CSV/);
  });

  it('non-numeric regression targets, when regression is asked for', async () => {
    await expect(loadCsv(fixture('flowers.csv'), { label: 'species', task: 'regression' })).rejects.toThrow(
      /line 2, column 3: the label is "setosa", not a number/,
    );
  });

  it('line numbers count blank lines and multi-line quoted fields as an editor does', async () => {
    await expect(readCsv('a,b,y\n\n"1\n",2,x\n\n3,z,y\n')).rejects.toThrow(/line 6, column 2/);
  });

  it('a file that does not exist', async () => {
    await expect(loadCsv(fixture('nope.csv'))).rejects.toThrow(DataError);
  });

  it('each malformation has its own message', async () => {
    const names = ['empty.csv', 'header-only.csv', 'ragged.csv', 'non-numeric.csv', 'single-class.csv', 'nan.csv', 'inf.csv'];
    const messages = await Promise.all(names.map(async (n) => (await failure(n)).message.replace(/^[^:]*: /, '')));
    messages.push((await failure('missing-label.csv', { label: 'species' })).message.replace(/^[^:]*: /, ''));
    const kinds = messages.map((m) => m.split(/["(]/)[0]);
    // NaN and Infinity share the wording "not a finite number" but not the value
    expect(new Set(messages).size).toBe(messages.length);
    expect(new Set(kinds).size).toBeGreaterThanOrEqual(messages.length - 2);
  });
});

describe('CSV: a generated file in a temp dir', () => {
  it('reads float32 features from a file it wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'twinprop-csv-test-'));
    try {
      const path = join(dir, 'data.csv');
      await writeFile(path, 'u,v,w\n' + Array.from({ length: 3000 }, (_, i) => `${i},${-i},${i % 3 === 0 ? 'a' : 'b'}`).join('\n'));
      const d = await loadCsv(path, { dtype: 'float32' });
      expect(d.x.data).toBeInstanceOf(Float32Array);
      expect(d.x.rows).toBe(3000);
      expect(d.x.data[2 * 2999 + 1]).toBe(-2999);
      expect(Array.from(d.y.data).filter((v) => v === 0).length).toBe(1000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('CSV: limits and label choices a hostile file brings', () => {
  it('maxMagnitude refuses values that would overflow float32 (±1e200), in features and regression targets', async () => {
    await expect(readCsv('a,y\n1,0\n1e200,1\n', { file: 'o.csv', maxMagnitude: FLOAT32_MAX })).rejects.toThrow(
      /o\.csv, line 3, column 1: feature "a" is 1e200, beyond ±3\.4028234663852886e\+38, the largest float32/,
    );
    await expect(readCsv('a,y\n1,0.5\n2,-1e200\n', { file: 'o.csv', maxMagnitude: FLOAT32_MAX })).rejects.toThrow(/o\.csv, line 3, column 2: the label is -1e200, beyond/);
    await expect(readCsvFeatures('a\n-1e39\n', { maxMagnitude: FLOAT32_MAX })).rejects.toThrow(/feature "a" is -1e39, beyond/);
    expect((await readCsv('a,y\n1,0\n1e200,1\n')).x.data[1]).toBe(1e200); // no limit unless asked
  });

  it('the label column may be chosen by a function of the header', async () => {
    const read = await readCsv('y,a,b\n0,1,2\n1,3,4\n', { label: (header) => header.indexOf('y') });
    expect(read.featureNames).toEqual(['a', 'b']);
  });
});
