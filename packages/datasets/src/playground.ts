/**
 * The TensorFlow Playground's datasets (tensorflow/playground, `src/dataset.ts`), with the same
 * formulas, the same order of random draws and the same floating-point operations. Where the
 * Playground calls `Math.random()`, these call `next()` on a {@link RandomSource}, one call for one
 * call: core's seeded {@link Rng} by default, or `seedrandom`'s ARC4 (`playgroundRandom` in
 * `./playground/run.ts`) to get the Playground's very numbers.
 *
 * - `noise` is the Playground's slider, 0–50 (percent); the formulas use `noise / 100`, as the
 *   Playground's `generateData` does.
 * - Classification labels: the Playground's −1 becomes class **0** (`'negative'`, orange in the
 *   Playground), its +1 becomes class **1** (`'positive'`, blue). `y` is one 0/1 column.
 * - Points come out in the order the Playground generates them (class 1 first for circle, gauss
 *   and spiral); `shuffle: true` then applies the Playground's own Fisher–Yates shuffle with the
 *   same generator, as its `generateData` does before splitting.
 * - The two-class generators split `points` as ⌈points/2⌉ class-1 points then ⌊points/2⌋ class-0
 *   points (the Playground's loops `i < numSamples / 2` give ⌈n/2⌉ of each, one extra point for an
 *   odd count; for even counts the two agree draw for draw).
 */
import { arrayFor, DataError, Rng, type Dataset, type DType, type FloatArray, type RandomSource } from '@twinprop/core';

export const PLAYGROUND_CLASSIFICATION = ['circle', 'xor', 'gauss', 'spiral'] as const;
export const PLAYGROUND_REGRESSION = ['plane', 'multigauss'] as const;
export const PLAYGROUND_DATASETS = [...PLAYGROUND_CLASSIFICATION, ...PLAYGROUND_REGRESSION] as const;
export type PlaygroundClassification = (typeof PLAYGROUND_CLASSIFICATION)[number];
export type PlaygroundRegression = (typeof PLAYGROUND_REGRESSION)[number];
export type PlaygroundDataset = (typeof PLAYGROUND_DATASETS)[number];

/** The Playground's sample counts (`NUM_SAMPLES_CLASSIFY`, `NUM_SAMPLES_REGRESS`). */
export const PLAYGROUND_POINTS = { classification: 500, regression: 1200 } as const;
/** The largest noise the Playground's slider offers (percent). */
export const MAX_NOISE = 50;
/** The seed used when none is given. */
export const DEFAULT_SEED = 1;

/** The class names of every Playground classification dataset: index 0 is label −1, index 1 is +1. */
export const PLAYGROUND_CLASS_NAMES = ['negative', 'positive'] as const;

export interface PlaygroundOptions {
  /** Number of points (default 500 for classification, 1200 for regression, as the Playground). */
  readonly points?: number;
  /** Noise in percent, 0–50, as the Playground's slider (default 0). */
  readonly noise?: number;
  /** Seed for core's `Rng` (default {@link DEFAULT_SEED}); ignored when `rng` is given. */
  readonly seed?: number;
  /** A generator to draw from instead of a fresh `new Rng(seed)` (any {@link RandomSource}). */
  readonly rng?: RandomSource;
  /** Apply the Playground's shuffle after generating (default false: generation order). */
  readonly shuffle?: boolean;
  readonly dtype?: DType;
}

/** Where the generators write their points: `x` two columns, `y` one (the Playground's label: ±1 or a value). */
interface PointSink {
  readonly x: FloatArray;
  readonly y: FloatArray;
  count: number;
}

function push(sink: PointSink, x: number, y: number, label: number): void {
  sink.x[sink.count * 2] = x;
  sink.x[sink.count * 2 + 1] = y;
  sink.y[sink.count] = label;
  sink.count++;
}

/** A sample from U[a, b): the Playground's `randUniform`. */
function randUniform(rng: RandomSource, a: number, b: number): number {
  return rng.next() * (b - a) + a;
}

/**
 * A sample from N(mean, variance) by the Marsaglia polar method: the Playground's `normalRandom`
 * (note: its second argument is the variance, not the standard deviation).
 */
function normalRandom(rng: RandomSource, mean: number, variance: number): number {
  let v1: number;
  let v2: number;
  let s: number;
  do {
    v1 = 2 * rng.next() - 1;
    v2 = 2 * rng.next() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s > 1);
  const result = Math.sqrt((-2 * Math.log(s)) / s) * v1;
  return mean + Math.sqrt(variance) * result;
}

/** d3 v3's `scale.linear().domain([d0, d1]).range([r0, r1])`, optionally clamped. */
function linearScale(d0: number, d1: number, r0: number, r1: number, clamp = false): (v: number) => number {
  return (v) => {
    let t = (v - d0) / (d1 - d0);
    if (clamp) t = Math.max(0, Math.min(1, t));
    return r0 * (1 - t) + r1 * t;
  };
}

function dist(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return Math.sqrt(dx * dx + dy * dy);
}

type Generator = (sink: PointSink, points: number, noise: number, rng: RandomSource) => void;

/** Two Gaussians, class 1 around (2, 2) and class 0 around (−2, −2); variance 0.5 + 7·noise. */
const classifyTwoGauss: Generator = (sink, points, noise, rng) => {
  const variance = linearScale(0, 0.5, 0.5, 4)(noise);
  const genGauss = (count: number, cx: number, cy: number, label: number): void => {
    for (let i = 0; i < count; i++) {
      const x = normalRandom(rng, cx, variance);
      const y = normalRandom(rng, cy, variance);
      push(sink, x, y, label);
    }
  };
  genGauss(Math.ceil(points / 2), 2, 2, 1);
  genGauss(Math.floor(points / 2), -2, -2, -1);
};

/** A plane: x, y ∈ U[−6, 6), target (x + y + noise)/10. */
const regressPlane: Generator = (sink, points, noise, rng) => {
  const radius = 6;
  const labelScale = linearScale(-10, 10, -1, 1);
  for (let i = 0; i < points; i++) {
    const x = randUniform(rng, -radius, radius);
    const y = randUniform(rng, -radius, radius);
    const noiseX = randUniform(rng, -radius, radius) * noise;
    const noiseY = randUniform(rng, -radius, radius) * noise;
    // (x + noiseX) + (y + noiseY), in the Playground's order of additions
    push(sink, x, y, labelScale(x + noiseX + (y + noiseY)));
  }
};

/** The six signed bumps of the Playground's "multi gaussian" regression: [cx, cy, sign]. */
export const MULTIGAUSS_CENTRES: ReadonlyArray<readonly [number, number, number]> = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/** Six bumps: target sign·max(0, 1 − d/2) of the bump largest in absolute value. */
const regressGaussian: Generator = (sink, points, noise, rng) => {
  const labelScale = linearScale(0, 2, 1, 0, true);
  const getLabel = (x: number, y: number): number => {
    // Choose the one that is maximum in abs value.
    let label = 0;
    for (const [cx, cy, sign] of MULTIGAUSS_CENTRES) {
      const newLabel = sign * labelScale(dist(x, y, cx, cy));
      if (Math.abs(newLabel) > Math.abs(label)) label = newLabel;
    }
    return label;
  };
  const radius = 6;
  for (let i = 0; i < points; i++) {
    const x = randUniform(rng, -radius, radius);
    const y = randUniform(rng, -radius, radius);
    const noiseX = randUniform(rng, -radius, radius) * noise;
    const noiseY = randUniform(rng, -radius, radius) * noise;
    push(sink, x, y, getLabel(x + noiseX, y + noiseY));
  }
};

/** Two spiral arms: r = 5i/n, t = 1.75·2π·i/n + Δ (Δ = 0 for class 1, π for class 0). */
const classifySpiral: Generator = (sink, points, noise, rng) => {
  const n = points / 2;
  const genSpiral = (count: number, deltaT: number, label: number): void => {
    for (let i = 0; i < count; i++) {
      const r = (i / n) * 5;
      const t = ((1.75 * i) / n) * 2 * Math.PI + deltaT;
      const x = r * Math.sin(t) + randUniform(rng, -1, 1) * noise;
      const y = r * Math.cos(t) + randUniform(rng, -1, 1) * noise;
      push(sink, x, y, label);
    }
  };
  genSpiral(Math.ceil(points / 2), 0, 1);
  genSpiral(Math.floor(points / 2), Math.PI, -1);
};

/**
 * A disc and a ring, radius 5: class 1 drawn with r ∈ U[0, 2.5), class 0 with r ∈ U[3.5, 5); each
 * point's label is whether it lies within 2.5 of the centre after a noise offset of
 * U[−5, 5)·noise per axis (so with noise some labels flip, as in the Playground).
 */
const classifyCircle: Generator = (sink, points, noise, rng) => {
  const radius = 5;
  const getCircleLabel = (px: number, py: number): number => (dist(px, py, 0, 0) < radius * 0.5 ? 1 : -1);
  const genRing = (count: number, rMin: number, rMax: number): void => {
    for (let i = 0; i < count; i++) {
      const r = randUniform(rng, rMin, rMax);
      const angle = randUniform(rng, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const noiseX = randUniform(rng, -radius, radius) * noise;
      const noiseY = randUniform(rng, -radius, radius) * noise;
      push(sink, x, y, getCircleLabel(x + noiseX, y + noiseY));
    }
  };
  genRing(Math.ceil(points / 2), 0, radius * 0.5); // positive points inside the circle
  genRing(Math.floor(points / 2), radius * 0.7, radius); // negative points outside
};

/**
 * The four quadrants: x, y ∈ U[−5, 5) pushed 0.3 away from the axes; class 1 where
 * (x + noiseX)·(y + noiseY) ≥ 0 (first and third quadrants), noise U[−5, 5)·noise per axis.
 */
const classifyXor: Generator = (sink, points, noise, rng) => {
  const getXORLabel = (px: number, py: number): number => (px * py >= 0 ? 1 : -1);
  const padding = 0.3;
  for (let i = 0; i < points; i++) {
    let x = randUniform(rng, -5, 5);
    x += x > 0 ? padding : -padding;
    let y = randUniform(rng, -5, 5);
    y += y > 0 ? padding : -padding;
    const noiseX = randUniform(rng, -5, 5) * noise;
    const noiseY = randUniform(rng, -5, 5) * noise;
    push(sink, x, y, getXORLabel(x + noiseX, y + noiseY));
  }
};

function generatorFor(name: PlaygroundDataset): Generator {
  switch (name) {
    case 'circle':
      return classifyCircle;
    case 'xor':
      return classifyXor;
    case 'gauss':
      return classifyTwoGauss;
    case 'spiral':
      return classifySpiral;
    case 'plane':
      return regressPlane;
    case 'multigauss':
      return regressGaussian;
  }
}

/** Whether a Playground dataset is a regression (`plane`, `multigauss`). */
export function isPlaygroundRegression(name: PlaygroundDataset): name is PlaygroundRegression {
  return (PLAYGROUND_REGRESSION as readonly string[]).includes(name);
}

/**
 * The Playground's `shuffle`: Fisher–Yates from the end, `index = ⌊random·counter⌋` before
 * `counter` is decremented. Shuffles `order` in place.
 */
export function playgroundShuffle(order: Int32Array, rng: RandomSource): Int32Array {
  let counter = order.length;
  while (counter > 0) {
    const index = Math.floor(rng.next() * counter);
    counter--;
    const temp = order[counter] ?? 0;
    order[counter] = order[index] ?? 0;
    order[index] = temp;
  }
  return order;
}

function checkOptions(name: string, points: number, noise: number, maxNoise: number): void {
  if (!Number.isInteger(points) || points < 1) {
    throw new DataError(`${name}: points must be a positive integer (got ${points})`);
  }
  if (!(noise >= 0 && noise <= maxNoise)) {
    throw new DataError(`${name}: noise must be between 0 and ${maxNoise} percent (got ${noise})`);
  }
}

/**
 * The most noise a Playground URL can ask for: the page widens its 0–50 slider for a `noise` of up
 * to 80 and uses it as given (it resets anything larger to 50).
 */
export const MAX_URL_NOISE = 80;

export interface PlaygroundPointsOptions {
  readonly points: number;
  /** Noise in percent, 0–{@link MAX_URL_NOISE}; the formulas use `noise / 100`. */
  readonly noise: number;
  readonly random: RandomSource;
  /** Apply the Playground's shuffle after generating, with the same generator. */
  readonly shuffle: boolean;
  readonly dtype?: DType;
}

/**
 * A Playground dataset in the Playground's own terms: `x` as rows × 2 (x₁, x₂) and `label` one per
 * row — −1 or +1 for classification, the target value for regression — in generation order, or
 * shuffled as the Playground's page does before it splits.
 */
export function playgroundPoints(name: PlaygroundDataset, options: PlaygroundPointsOptions): { x: FloatArray; label: FloatArray } {
  const { points, noise, random } = options;
  checkOptions(name, points, noise, MAX_URL_NOISE);
  const dtype = options.dtype ?? 'float64';
  const sink: PointSink = { x: arrayFor(dtype, points * 2), y: arrayFor(dtype, points), count: 0 };
  generatorFor(name)(sink, points, noise / 100, random);
  if (!options.shuffle) return { x: sink.x, label: sink.y };
  const order = playgroundShuffle(Int32Array.from({ length: points }, (_, i) => i), random);
  const x = arrayFor(dtype, points * 2);
  const label = arrayFor(dtype, points);
  for (let i = 0; i < points; i++) {
    const from = order[i] ?? 0;
    x[i * 2] = sink.x[from * 2] ?? 0;
    x[i * 2 + 1] = sink.x[from * 2 + 1] ?? 0;
    label[i] = sink.y[from] ?? 0;
  }
  return { x, label };
}

/** Generates one of the Playground's datasets (see the module comment for conventions). */
export function playgroundDataset(name: PlaygroundDataset, options: PlaygroundOptions = {}): Dataset {
  const regression = isPlaygroundRegression(name);
  const points = options.points ?? (regression ? PLAYGROUND_POINTS.regression : PLAYGROUND_POINTS.classification);
  const noise = options.noise ?? 0;
  checkOptions(name, points, noise, MAX_NOISE);
  const random = options.rng ?? new Rng(options.seed ?? DEFAULT_SEED);
  const generated = playgroundPoints(name, { points, noise, random, shuffle: options.shuffle === true, dtype: options.dtype ?? 'float64' });
  const y = generated.label;
  // Playground label ±1 → class index 0/1.
  if (!regression) for (let i = 0; i < points; i++) y[i] = (y[i] ?? 0) > 0 ? 1 : 0;
  const base = {
    name,
    x: { rows: points, cols: 2, data: generated.x },
    y: { rows: points, cols: 1, data: y },
    featureNames: ['x1', 'x2'],
  };
  return regression ? { ...base, task: 'regression' } : { ...base, task: 'binary', classNames: [...PLAYGROUND_CLASS_NAMES] };
}

/** Disc (class 1) inside a ring (class 0). */
export function circle(options?: PlaygroundOptions): Dataset {
  return playgroundDataset('circle', options);
}
/** Quadrants: class 1 where x·y ≥ 0. */
export function xor(options?: PlaygroundOptions): Dataset {
  return playgroundDataset('xor', options);
}
/** Two Gaussian blobs: class 1 at (2, 2), class 0 at (−2, −2). */
export function gauss(options?: PlaygroundOptions): Dataset {
  return playgroundDataset('gauss', options);
}
/** Two interleaved spiral arms: class 1 (Δ = 0), class 0 (Δ = π). */
export function spiral(options?: PlaygroundOptions): Dataset {
  return playgroundDataset('spiral', options);
}
/** Regression on a plane: target (x1 + x2)/10 at zero noise. */
export function plane(options?: PlaygroundOptions): Dataset {
  return playgroundDataset('plane', options);
}
/** Regression on six signed Gaussian-like bumps. */
export function multigauss(options?: PlaygroundOptions): Dataset {
  return playgroundDataset('multigauss', options);
}
