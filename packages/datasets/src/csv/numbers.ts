/**
 * Numeric cells: a number is what `Number()` reads from the trimmed field (`1e3`, ` 2 `, `-.5`); an
 * empty field, `NaN` and `±Infinity` are not. Values are stored as they are read, in typed arrays
 * that grow, so a large file is never held as strings.
 */
import type { FloatArray } from '@twinprop/core';

/** float32's largest finite value: numbers beyond it become ±Infinity in float32 engines. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Spellings of NaN and ±Infinity (`nan`, `inf`, `-Infinity`, in any case): not finite numbers, whatever `Number()` makes of them. */
export const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const HAS_DIGIT = /[0-9]/;

/** Why a cell is not a usable number, or `undefined` when `value` (= Number(cell)) is fine. */
export function cellProblem(cell: string, value: number, maxMagnitude = Number.POSITIVE_INFINITY): string | undefined {
  if (Number.isFinite(value)) {
    if (Math.abs(value) > maxMagnitude) {
      const why = maxMagnitude === FLOAT32_MAX ? ', the largest float32 (which the engines compute in)' : '';
      return `is ${cell}, beyond ±${maxMagnitude}${why}`;
    }
    if (value !== 0 || HAS_DIGIT.test(cell)) return undefined;
    return 'is empty';
  }
  if (!Number.isNaN(value) || NON_FINITE.test(cell)) return `is ${JSON.stringify(cell)}, not a finite number (NaN and ±Infinity are not allowed)`;
  return `is ${JSON.stringify(cell)}, not a number`;
}

/** A typed array that doubles its capacity as values are appended. */
export class GrowingArray<T extends FloatArray | Int32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  /** The filled part: a view when little is wasted, else a tight copy. */
  finish(): T {
    const filled = this.data.subarray(0, this.length) as T;
    return this.data.length - this.length > this.length / 8 ? (filled.slice() as T) : filled;
  }
}
