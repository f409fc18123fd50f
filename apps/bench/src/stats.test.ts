import { describe, expect, it } from 'vitest';
import { callsFor, rotate } from './measure.js';
import { median, summarize } from './stats.js';

describe('median', () => {
  it('takes the middle of an odd count, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([9, 2, 7, 4, 100])).toBe(7);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses an empty list and non-finite values', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('gives median, extremes and spread relative to the median', () => {
    const s = summarize([90, 110, 100]);
    expect(s).toMatchObject({ median: 100, min: 90, max: 110 });
    expect(s.spread).toBeCloseTo(0.2, 12);
    expect(s.values).toEqual([90, 110, 100]);
  });
});

describe('interleaving helpers', () => {
  it('rotates the contenders so that repetition k starts with contender k', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(rotate([], 3)).toEqual([]);
  });

  it('sizes a chunk to the target time, at least one call', () => {
    expect(callsFor(400, 2)).toBe(200);
    expect(callsFor(400, 1000)).toBe(1);
    expect(callsFor(400, 0)).toBe(1);
  });
});
