import { InvalidArgumentError } from 'commander';

/** Argument parsers for commander options; each throws InvalidArgumentError with a short reason. */

function number(value: string): number {
  const trimmed = value.trim();
  const n = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a finite number.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a number greater than 0.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = number(value);
  if (!(n >= 0)) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}

export function positiveInteger(value: string): number {
  const n = number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return n;
}

/** A seed: a whole number 0 … 2³²−1. */
export function seed(value: string): number {
  const n = number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected a whole number from 0 to 4294967295.');
  return n;
}

/** A fraction in [0, 1), e.g. the test split. */
export function fraction(value: string): number {
  const n = number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a fraction from 0 (inclusive) to 1 (exclusive), e.g. 0.2.');
  return n;
}

/** Noise in percent, 0 … 50 (the Playground's slider). */
export function noise(value: string): number {
  const n = number(value);
  if (!(n >= 0 && n <= 50)) throw new InvalidArgumentError('expected a percentage from 0 to 50.');
  return n;
}

/** Hidden layer sizes: `8,8`, `4`; empty, `0` or `none` for no hidden layer. */
export function hiddenLayers(value: string): number[] {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === '' || trimmed === '0' || trimmed === 'none') return [];
  return trimmed.split(',').map((part) => {
    const n = Number(part.trim());
    if (part.trim() === '' || !Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError(`expected comma-separated layer sizes such as 8,8 (or none); ${JSON.stringify(part.trim())} is not a whole number ≥ 1.`);
    }
    return n;
  });
}

/** Comma-separated numbers of one input point: `0,1` or `5.1, 3.5, 1.4, 0.2`. */
export function numberList(value: string): number[] {
  const parts = value.split(',');
  return parts.map((part, i) => {
    const n = part.trim() === '' ? Number.NaN : Number(part.trim());
    if (!Number.isFinite(n)) {
      throw new InvalidArgumentError(`expected comma-separated numbers such as 0,1; value ${i + 1} (${JSON.stringify(part.trim())}) is not a finite number.`);
    }
    return n;
  });
}
