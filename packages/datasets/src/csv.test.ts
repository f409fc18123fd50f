import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { FLOAT32_MAX, formatCsvRow, loadCsv, loadCsvFeatures, readCsv, readCsvFeatures, type CsvOptions } from './csv.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

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

/** A byte stream, as a file would give it (strings skip the decoder). */
const bytes = (...parts: ReadonlyArray<string | readonly number[]>): Readable =>
  Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from([...p]))));

describe('CSV: encodings, headers and delimiters a hostile file brings', () => {
  it('refuses invalid UTF-8 (a Latin-1 é) naming line and column, instead of merging classes into U+FFFD', async () => {
    // caf\xe9 and caf\xe8 would both decode to "caf\uFFFD": one class instead of two.
    const latin1 = ['x,y\n1,caf', [0xe9], '\n2,caf', [0xe8], '\n'] as const;
    const error = await readCsv(bytes(...latin1), { file: 'menu.csv' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/^menu\.csv, line 2, column 2: byte 0xE9 .*is not UTF-8.*--encoding latin1/);
    const read = await readCsv(bytes(...latin1), { encoding: 'latin1' });
    expect(read.classNames).toEqual(['cafè', 'café']);
  });

  it('a UTF-8 character split across two chunks is read whole; a file cut inside one is refused', async () => {
    const e = Buffer.from('é', 'utf8');
    const read = await readCsv(bytes('x,y\n1,caf', [e[0]!], [e[1]!, 0x0a], '2,tea\n'));
    expect(read.classNames).toEqual(['café', 'tea']);
    await expect(readCsv(bytes('x,y\n1,a\n2,b', [0xc3]), { file: 'cut.csv' })).rejects.toThrow(/cut\.csv, line 3, column 2: byte 0xC3 is not UTF-8/);
  });

  it('refuses a NUL byte (a binary file, /dev/zero) at once, and an unknown encoding', async () => {
    await expect(readCsv(bytes([0, 0, 0, 0]), { file: 'zero' })).rejects.toThrow(/^zero, line 1, column 1: the file holds a NUL byte/);
    await expect(readCsv(bytes('x,y\n1,2\n'), { encoding: 'klingon' })).rejects.toThrow(/unknown text encoding "klingon"/);
  });

  it('a header of numbers only is refused (its row would be lost); header: false reads it as data with generated names', async () => {
    const text = '1,2,0\n3,4,1\n5,6,0\n';
    await expect(readCsv(text, { file: 'h.csv' })).rejects.toThrow(/h\.csv, line 1, column 1: the header row \(1,2,0\) holds only numbers.*--no-header/);
    const read = await readCsv(text, { header: false });
    expect(read.x.rows).toBe(3);
    expect(read.featureNames).toEqual(['column1', 'column2']);
    const features = await readCsvFeatures('1,2\n3,4\n', { header: false, features: ['column2'] });
    expect(Array.from(features.x.data)).toEqual([2, 4]);
    expect(features.records[0]?.line).toBe(1);
  });

  it('a ;- or tab-separated file read with commas gets a hint naming the delimiter', async () => {
    await expect(readCsv('a;b;y\n1;2;0\n3;4;1\n')).rejects.toThrow(/looks ;-separated \(pass the delimiter: --delimiter ';'/);
    await expect(readCsv('a\tb\ty\n1\t2\t0\n')).rejects.toThrow(/looks tab-separated \(pass the delimiter: --delimiter tab/);
    await expect(readCsvFeatures('a;b\n1;2\n', { features: ['a', 'b'] })).rejects.toThrow(/looks ;-separated/);
    expect((await readCsv('a;b;y\n1;2;0\n3;4;1\n', { delimiter: ';' })).featureNames).toEqual(['a', 'b']);
  });

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

describe('formatCsvRow', () => {
  it('writes fields that read back exactly (delimiter, quotes, line breaks, edge whitespace, empty)', async () => {
    const rows = [
      ['plain', 'with, comma', 'say "hi"', ' lead', 'trail ', 'two\nlines', '', '1e3'],
      ['x', 'y', 'z', 'w', 'v', 'u', 't', 's'],
    ];
    const text = `${rows.map((r) => formatCsvRow(r)).join('\n')}\n${formatCsvRow(rows[1]!)}\n`;
    const read = await readCsvFeatures(text, { features: () => [] });
    expect(read.header).toEqual(rows[0]);
    expect(read.records.map((r) => r.cells)).toEqual([rows[1], rows[1]]);
    expect(formatCsvRow(['a', 'b;c'], ';')).toBe('a;"b;c"');
    expect(formatCsvRow(['a,b'], ';')).toBe('a,b');
    expect(formatCsvRow(['plain', '2'])).toBe('plain,2');
    // One empty field alone would be a blank line, which readers skip.
    expect(formatCsvRow([''])).toBe('""');
    expect((await readCsvFeatures(`a\n${formatCsvRow([''])}\n`, { features: () => [] })).records[0]?.cells).toEqual(['']);
  });
});

describe('CSV line numbers', () => {
  it('a CRLF inside a quoted field is one line, as an editor counts it (csv-parse alone counts two)', async () => {
    const texts = ['a,b\r\n"x\r\ny",1\r\nz,2\r\n', 'a,b\n"x\r\ny",1\nz,2\n', 'a,b\r\n"x\r\n\r\ny",1\r\n\r\nz,2\r\n', 'a,b\r"x\r\ny",1\rz,2\r', 'a,b\n"x\ny",1\nz,2\n'];
    for (const text of texts) {
      // The line a record ends on: line breaks (CRLF, CR or LF alike) before its end, plus one.
      const lastRecordLine = text.trimEnd().split(/\r\n|\r|\n/).length;
      const read = await readCsvFeatures(text, { features: ['b'] });
      expect(read.records.at(-1)?.line, JSON.stringify(text)).toBe(lastRecordLine);
      await expect(readCsv(`${text}w,oops`, { file: 'f.csv', label: 'a' }), JSON.stringify(text)).rejects.toThrow(`f.csv, line ${lastRecordLine + 1}, column 2: `);
    }
  });
});
