import { fileURLToPath } from 'node:url';
import { DataError } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { loadCsvFeatures, readCsvFeatures } from './features.js';
import { loadCsv, readCsv } from './read.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url));

describe('CSV features only (points to predict): same rules, no label', () => {
  it('features by name in any order; other columns kept as text; BOM, CRLF, blank lines, quotes, 1e3 and " 2 "', async () => {
    const p = await loadCsvFeatures(fixture('points.csv'), { features: ['height', 'width, cm'] });
    expect(p.header).toEqual(['id', 'width, cm', 'height', 'note']);
    expect(p.columns).toEqual([2, 1]);
    expect(p.featureNames).toEqual(['height', 'width, cm']);
    expect([p.x.rows, p.x.cols]).toEqual([3, 2]);
    expect(Array.from(p.x.data)).toEqual([1000, 2, 7, -0.5, 4, 3]);
    expect(p.x.data).toBeInstanceOf(Float64Array);
    // Lines as an editor counts them: the blank line 3 is skipped, the quoted line break ends row c on line 6.
    expect(p.records.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(p.records.map((r) => r.cells[3])).toEqual(['plain', 'says "hi", twice', 'two\r\nlines']);
    expect(p.records[0]?.cells).toEqual(['a', '2', '1e3', 'plain']);
  });

  it('every column by default; a function of the header chooses columns (and may refuse it)', async () => {
    const all = await readCsvFeatures('x1,x2\n0,1\n1,0\n', { dtype: 'float32' });
    expect(all.columns).toEqual([0, 1]);
    expect(all.x.data).toBeInstanceOf(Float32Array);
    expect(Array.from(all.x.data)).toEqual([0, 1, 1, 0]);
    const chosen = await readCsvFeatures('note,x2,x1\nhi,1,0\n', { features: (header) => [header.indexOf('x1'), header.indexOf('x2')] });
    expect(Array.from(chosen.x.data)).toEqual([0, 1]);
    await expect(readCsvFeatures('a,b\n1,2\n', { features: () => [2] })).rejects.toThrow(RangeError);
    await expect(
      readCsvFeatures('a,b\n1,2\n', {
        features: () => {
          throw new TypeError('not this header');
        },
      }),
    ).rejects.toThrow('not this header');
  });

  it('a missing feature column names the file, the header line and what the header has', async () => {
    const e = await readCsvFeatures('a,b\n1,2\n', { features: ['b', 'c', 'd'], file: 'p.csv' }).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(DataError);
    expect([(e as DataError).line, (e as DataError).column]).toEqual([1, 1]);
    expect((e as DataError).message).toBe('p.csv, line 1, column 1: no feature columns named "c", "d" in the header (0: a, 1: b)');
  });

  it('reads exactly what readCsv reads from the same text (values, names, line numbers)', async () => {
    const texts = [
      '\uFEFFa,b,y\r\n1,2,0\r\n3,4,1\r\n',
      'a,b,y\r1,2,0\r3,4,1\r',
      ' a , b ,y\n 1e3 ,  2 ,0\n\n   \n-.5,+4,1\n',
      '"a","b ",y\n"1"," 2 ",0\n"3",4,"1"\n',
      'a,b,y\n"1\n",2,0\n3,4,1\n',
    ];
    for (const text of texts) {
      const dataset = await readCsv(text);
      const features = await readCsvFeatures(text, { features: (header) => [0, 1].filter((c) => c < header.length) });
      expect(features.featureNames).toEqual(dataset.featureNames);
      expect(Array.from(features.x.data)).toEqual(Array.from(dataset.x.data));
    }
  });

  it('a bad file gets the same message, line and column from both readers', async () => {
    const bad = [
      'a,b,y\n1,,0\n', // empty cell
      'a,b,y\n1,NaN,0\n',
      'a,b,y\n1,-Infinity,0\n',
      'a,b,y\n1,x2,0\n',
      'a,b,y\n1,2\n', // ragged
      'a,b,y\n1,2,0,5\n',
      '',
      'a,b,y\n\n',
      'a,b,y\n"1,2,0\n', // unclosed quote
      'a,b,y\n1"5,2,0\n', // a quote inside an unquoted field
      'a,b,y\n"1"5,2,0\n', // text after a closing quote
    ];
    for (const text of bad) {
      const fromDataset = await readCsv(text, { file: 'bad.csv' }).catch((error: unknown) => error);
      const fromFeatures = await readCsvFeatures(text, { file: 'bad.csv', features: ['a', 'b'] }).catch((error: unknown) => error);
      expect(fromDataset, JSON.stringify(text)).toBeInstanceOf(DataError);
      expect(fromFeatures, JSON.stringify(text)).toBeInstanceOf(DataError);
      expect((fromFeatures as DataError).message, JSON.stringify(text)).toBe((fromDataset as DataError).message);
      expect((fromDataset as DataError).message, JSON.stringify(text)).toMatch(/^bad\.csv, line \d+(, column \d+)?: /);
    }
  });

  it('a file that does not exist, or a folder, is a DataError naming it', async () => {
    await expect(loadCsvFeatures(fixture('nope.csv'))).rejects.toThrow(/nope\.csv: no such file or directory$/);
    await expect(loadCsv(fixture(''))).rejects.toThrow(/__fixtures__\/?: is a directory, expected a CSV file$/);
  });
});
