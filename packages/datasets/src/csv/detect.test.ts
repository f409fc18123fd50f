import { describe, expect, it } from 'vitest';
import { readCsvFeatures } from './features.js';
import { readCsv } from './read.js';

describe('CSV: headers and delimiters a hostile file brings', () => {
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
});
