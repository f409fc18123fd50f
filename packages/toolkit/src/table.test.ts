import { describe, expect, it } from 'vitest';
import { markdownTable, renderPairs, renderTable } from './table.js';

describe('terminal tables', () => {
  it('pads every column to its widest cell, left-aligns the first and right-aligns the rest, with a rule under the header', () => {
    expect(renderTable(['name', 'n'], [['xor', '4'], ['spiral', '200']])).toBe(['name      n', '──────  ───', 'xor       4', 'spiral  200'].join('\n'));
  });

  it('counts characters, not UTF-16 units, so ∂ and × line up', () => {
    const out = renderTable(['∂L/∂w', 'x'], [['𝑥', '1']], { align: ['left', 'left'] }).split('\n');
    expect(out[0]).toBe('∂L/∂w  x');
    expect(out[2]).toBe('𝑥      1');
  });

  it('pairs: keys padded to one width', () => {
    expect(renderPairs([['model', '2-4-1'], ['engine', 'tfjs/wasm']])).toBe('model   2-4-1\nengine  tfjs/wasm');
  });
});

describe('markdown tables', () => {
  it('writes a header, an alignment rule and padded rows', () => {
    expect(markdownTable(['a', 'bb'], [['x', '1'], ['yyyy', '22']])).toBe(
      ['| a    |  bb |', '|:-----|----:|', '| x    |   1 |', '| yyyy |  22 |'].join('\n'),
    );
  });

  it('refuses a row with the wrong number of cells', () => {
    expect(() => markdownTable(['a', 'b'], [['only one']])).toThrow(/1 cells, the table has 2 columns/);
  });
});
