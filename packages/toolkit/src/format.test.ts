import { describe, expect, it } from 'vitest';
import { formatBound, formatBytes, formatCount, formatLoss, formatPercent, formatRatio, formatScientific, formatSeconds } from './format.js';

describe('number formatting', () => {
  it('losses: 4 significant digits, exponents only for tiny or huge values', () => {
    expect(formatLoss(0.693147)).toBe('0.6931');
    expect(formatLoss(1.23456e-5)).toBe('1.235e-5');
    expect(formatLoss(Number.NaN)).toBe('—');
    expect(formatLoss(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('errors and bounds as reports print them', () => {
    expect(formatScientific(1.234e-5)).toBe('1.2e-5');
    expect(formatScientific(0)).toBe('0');
    expect(formatScientific(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatScientific(undefined)).toBe('—');
    expect(formatBound(3e-4)).toBe('3e-4');
    expect(formatBound(0.99)).toBe('9.9e-1');
    expect(formatPercent(0.975)).toBe('97.5%');
  });

  it('counts, ratios, bytes and durations', () => {
    expect(formatCount(56_700_000)).toBe('56.7M');
    expect(formatRatio(52.31)).toBe('52.3×');
    expect(formatBytes(12.3 * 1024)).toBe('12.3 KiB');
    expect(formatSeconds(65)).toBe('1 m 05 s');
    expect(formatSeconds(0.42)).toBe('0.42 s');
  });
});
