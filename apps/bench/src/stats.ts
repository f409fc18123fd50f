/** Order statistics over repetitions. Every function throws on an empty list or a non-finite value. */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('no values');
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  return [...values].sort((a, b) => a - b);
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median, extremes and the spread (max − min) relative to the median. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) / median; 0 for one value. */
  readonly spread: number;
  readonly values: readonly number[];
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  const m = median(s);
  const min = s[0]!;
  const max = s[s.length - 1]!;
  return { median: m, min, max, spread: m === 0 ? 0 : (max - min) / m, values: [...values] };
}
