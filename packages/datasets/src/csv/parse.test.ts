import { describe, expect, it } from 'vitest';
import { readCsvFeatures } from './features.js';
import { readCsv } from './read.js';

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
