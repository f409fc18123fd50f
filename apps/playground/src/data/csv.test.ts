import { describe, expect, test } from 'vitest';
import { CsvUploadError, parseUploadedCsv } from './csv.js';

function error(text: string): CsvUploadError {
  try {
    parseUploadedCsv(text);
  } catch (e) {
    if (e instanceof CsvUploadError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('the CSV upload', () => {
  test('two classes with a header: binary, classes in sorted order', () => {
    const points = parseUploadedCsv('a,b,kind\n1,2,blue\n-1,0.5,orange\n3,-4,blue\n');
    expect(points.task).toBe('binary');
    expect(points.header).toEqual(['a', 'b', 'kind']);
    expect(points.classNames).toEqual(['blue', 'orange']);
    expect([...points.labels]).toEqual([0, 1, 0]);
    expect([...points.points]).toEqual([1, 2, -1, 0.5, 3, -4]);
  });

  test('more classes: multiclass; real labels: regression; no header, ; or tab, quotes, blank lines', () => {
    expect(parseUploadedCsv('0,0,0\n1,1,1\n2,2,2\n').task).toBe('multiclass');
    const regression = parseUploadedCsv('0;0;0.5\n\n1;1;-1.25\r\n');
    expect(regression.task).toBe('regression');
    expect([...regression.labels]).toEqual([0.5, -1.25]);
    const tabs = parseUploadedCsv('x\ty\tl\n1\t2\t"a"\n3\t4\t"b ""q"""\n');
    expect(tabs.header).toEqual(['x', 'y', 'l']);
    expect(tabs.classNames).toEqual(['a', 'b "q"']);
  });

  test('the wrong shape names the line', () => {
    const e = error('x1,x2,label\n1,2,a\n3,4\n5,6,b\n');
    expect(e.line).toBe(3);
    expect(e.column).toBeUndefined();
    expect(e.message).toBe('line 3: 2 fields; expected 3 (x1, x2, label)');
  });

  test('a non-numeric cell names the line and the column', () => {
    const e = error('x1,x2,label\n1,2,a\n\n3,four,b\n');
    expect([e.line, e.column]).toEqual([4, 2]);
    expect(e.message).toBe('line 4, column 2: "four" is not a number (column x2)');
    expect(error('1,2,a\n,3,b\n').message).toBe('line 2, column 1: an empty field is not a number (column x1)');
  });

  test('one class, an empty file, an unclosed quote', () => {
    expect(error('1,2,a\n3,4,a\n').message).toContain('two classes or more');
    expect(error('\n\n').message).toContain('empty');
    expect(error('1,2,"a\n').message).toBe('line 1, column 3: a quoted field is not closed');
  });
});
