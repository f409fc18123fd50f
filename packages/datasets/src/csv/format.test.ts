import { describe, expect, it } from 'vitest';
import { readCsvFeatures } from './features.js';
import { formatCsvRow } from './format.js';

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
