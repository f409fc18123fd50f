import { LEAKY_RELU_ALPHA, type Activation, type BatchRows, type Dataset, type LossName, type Matrix, type Model, type PreparedData, type Weights } from '@twinprop/core';
import { CheckBuilder, type RunCheck } from './checks.js';
import type { SharedCode } from './shared.js';

/**
 * Oracles for the code both engines share (shared.ts): an error there moves both engines alike, so
 * no comparison of engines can see it. Each is checked here against what it must do, by
 * statistics or by values worked out by hand:
 *
 * - the shuffle (`epochOrder`): every order a permutation; fixed points at the rate of a uniform
 *   permutation (1 per permutation on average); each item equally likely at each position (χ²);
 *   consecutive epochs independent (the permutation between them also has 1 fixed point on
 *   average); orders that depend on seed and epoch;
 * - the split: class counts `round(n_c · f)`, train and test disjoint and complete, every row
 *   equally likely to be held out (χ²), both parts shuffled, the same seed the same split;
 * - the training loop (`fit`), run on a recording model: each epoch's batches are consecutive
 *   slices of that epoch's order of `batchSize` rows, the last one partial, every row once;
 * - core's loss and activation definitions against values computed by hand from the textbook
 *   formulas (the numbers are in the source, with the sums that give them).
 *
 * The χ² and z bounds sit at p ≈ 1e-5 for a correct implementation; the seeds are fixed, so a run
 * is deterministic and the report prints the measured statistic beside the bound.
 */

/** χ² quantiles at 1 − 1e-5 (scipy.stats.chi2.ppf): 16 degrees of freedom → 52.2, 77 → 141.7. */
const CHI2_16 = 52.2;
const CHI2_77 = 141.7;
/** |z| of a mean against its expectation, in standard errors, at p ≈ 1e-5 (two-sided). */
const Z_BOUND = 4.4;

function isPermutation(order: Int32Array, n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const i of order) {
    if (!(i >= 0 && i < n) || seen[i] === 1) return false;
    seen[i] = 1;
  }
  return true;
}

function fixedPoints(order: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < order.length; i++) if (order[i] === i) k++;
  return k;
}

/** The shuffle: validity, fixed-point rate, position uniformity, independence across epochs and seeds. */
export function shuffleChecks(shared: SharedCode): RunCheck[] {
  const small = 5;
  const seeds = 200;
  const epochs = 5;
  const perms: Int32Array[] = [];
  const large: Int32Array[] = [];
  for (let s = 1; s <= seeds; s++) for (let e = 1; e <= epochs; e++) perms.push(shared.epochOrder(small, s, e));
  for (let s = 1; s <= 40; s++) for (let e = 1; e <= epochs; e++) large.push(shared.epochOrder(150, s, e));
  const checks: RunCheck[] = [];
  checks.push(
    new CheckBuilder('shuffle: every epoch order is a permutation of the rows', 'shuffle', 0).run((c) => {
      const bad = [...perms.map((p) => isPermutation(p, small)), ...large.map((p) => isPermutation(p, 150))].filter((ok) => !ok).length;
      c.measure(bad, `orders that are not permutations (of ${perms.length + large.length})`);
      c.expect(isPermutation(shared.epochOrder(1, 3, 1), 1), 'a one-row order is not [0]');
      const identity = shared.epochOrder(6, 3, 1, false);
      c.expect(identity.every((v, i) => v === i), `without shuffling the order is not 0…n−1 (got ${Array.from(identity).join(',')})`);
    }),
  );
  const fixedPointZ = (orders: readonly ArrayLike<number>[]): number => {
    // A uniform permutation has mean 1 and variance 1 fixed points (n ≥ 2).
    const mean = orders.reduce((s, p) => s + fixedPoints(p), 0) / orders.length;
    return Math.abs(mean - 1) * Math.sqrt(orders.length);
  };
  checks.push(
    new CheckBuilder('shuffle: fixed points per order, |mean − 1| in standard errors', 'shuffle', Z_BOUND).run((c) => {
      c.measure(fixedPointZ(perms), `${small} rows, ${perms.length} orders`);
      c.measure(fixedPointZ(large), `150 rows, ${large.length} orders`);
    }),
  );
  checks.push(
    new CheckBuilder(`shuffle: position uniformity, χ² of item × position counts (${small} rows, 16 df)`, 'shuffle', CHI2_16).run((c) => {
      const counts = new Float64Array(small * small);
      for (const p of perms) p.forEach((item, position) => (counts[item * small + position] = (counts[item * small + position] ?? 0) + 1));
      const expected = perms.length / small;
      let chi2 = 0;
      for (const k of counts) chi2 += (k - expected) ** 2 / expected;
      c.measure(chi2, 'χ²');
    }),
  );
  checks.push(
    new CheckBuilder('shuffle: consecutive epochs independent — fixed points of the permutation between them', 'shuffle', Z_BOUND).run((c) => {
      const between: number[][] = [];
      for (let s = 1; s <= 40; s++) {
        for (let e = 1; e < epochs; e++) {
          const a = large[(s - 1) * epochs + e - 1]!;
          const b = large[(s - 1) * epochs + e]!;
          // position of each item in epoch e, then in epoch e + 1: fixed where an item keeps its place
          const place = new Int32Array(150);
          a.forEach((item, pos) => (place[item] = pos));
          const composed = new Array<number>(150);
          b.forEach((item, pos) => (composed[place[item] ?? 0] = pos));
          between.push(composed);
        }
      }
      c.measure(fixedPointZ(between), `${between.length} pairs of consecutive epochs (150 rows)`);
      const sameSeedDifferentEpoch = large.filter((p, i) => i % epochs !== 0 && sameOrder(p, large[i - 1]!)).length;
      c.measure(sameSeedDifferentEpoch, 'consecutive epochs with the very same order');
      c.expect(!sameOrder(shared.epochOrder(150, 1, 1), shared.epochOrder(150, 2, 1)), 'seeds 1 and 2 give the same order');
      c.expect(sameOrder(shared.epochOrder(150, 9, 4), shared.epochOrder(150, 9, 4)), 'the same seed and epoch give different orders');
    }),
  );
  return checks;
}

function sameOrder(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A dataset whose single feature is the row's id, so a split's rows can be traced. */
function traceableDataset(classSizes: readonly number[]): Dataset {
  const n = classSizes.reduce((s, k) => s + k, 0);
  const k = classSizes.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n * k);
  let row = 0;
  // Classes interleaved, so that a split that ignores classes shows.
  const remaining = [...classSizes];
  while (row < n) {
    for (let c = 0; c < k; c++) {
      if ((remaining[c] ?? 0) > 0) {
        x[row] = row;
        y[row * k + c] = 1;
        remaining[c] = (remaining[c] ?? 0) - 1;
        row++;
      }
    }
  }
  return { name: 'traceable', task: 'multiclass', x: { rows: n, cols: 1, data: x }, y: { rows: n, cols: k, data: y } };
}

function ids(m: Matrix): number[] {
  return Array.from(m.data);
}

function classOf(d: Dataset, row: number): number {
  const k = d.y.cols;
  for (let c = 0; c < k; c++) if (d.y.data[row * k + c] === 1) return c;
  return -1;
}

/** The split: counts per class, disjoint and complete parts, uniform hold-out (χ²), shuffled parts, determinism. */
export function splitChecks(shared: SharedCode): RunCheck[] {
  // n_c·f = 10.5, 5.75, 3.75: rounding, not truncation, decides the test counts (11, 6, 4).
  const sizes = [42, 23, 15];
  const fraction = 0.25;
  const data = traceableDataset(sizes);
  const n = data.x.rows;
  const seeds = 200;
  const heldOut = new Float64Array(n);
  const structure = new CheckBuilder('split: per-class test counts round(n_c·f), parts disjoint and complete, shuffled, seeded', 'split', 0);
  const result = structure.run((c) => {
    let sortedParts = 0;
    for (let s = 1; s <= seeds; s++) {
      const { train, test } = shared.split(data, { testFraction: fraction, seed: s });
      if (test === undefined) {
        c.expect(false, `seed ${s}: no test part`);
        continue;
      }
      const a = ids(train.x);
      const b = ids(test.x);
      const all = new Set([...a, ...b]);
      if (all.size !== n || a.length + b.length !== n) c.expect(false, `seed ${s}: train (${a.length}) and test (${b.length}) are not a partition of the ${n} rows`);
      const perClass = sizes.map(() => 0);
      for (const id of b) perClass[classOf(data, id)] = (perClass[classOf(data, id)] ?? 0) + 1;
      sizes.forEach((size, k) => {
        if (perClass[k] !== Math.round(size * fraction)) c.expect(false, `seed ${s}: class ${k} has ${perClass[k]} test rows, round(${size}·${fraction}) = ${Math.round(size * fraction)}`);
      });
      for (const id of b) heldOut[id] = (heldOut[id] ?? 0) + 1;
      if (a.every((v, i) => i === 0 || v > a[i - 1]!)) sortedParts++;
    }
    c.measure(sortedParts, 'seeds whose training part came out in row order (not shuffled)');
    const again = shared.split(data, { testFraction: fraction, seed: 17 });
    const once = shared.split(data, { testFraction: fraction, seed: 17 });
    c.expect(sameOrder(ids(again.train.x), ids(once.train.x)), 'the same seed gave two different splits');
    const regression: Dataset = { ...data, task: 'regression', y: { rows: n, cols: 1, data: Float64Array.from(data.x.data) } };
    const r = shared.split(regression, { testFraction: 0.2, seed: 3 });
    c.expect(r.test?.x.rows === Math.round(n * 0.2) && r.train.x.rows === n - Math.round(n * 0.2), 'regression split does not hold out round(n·f) rows');
  });
  const uniform = new CheckBuilder(`split: every row equally likely held out, χ² over ${n} rows × ${seeds} seeds (77 df)`, 'split', CHI2_77).run((c) => {
    let chi2 = 0;
    for (let row = 0; row < n; row++) {
      const size = sizes[classOf(data, row)]!;
      const p = Math.round(size * fraction) / size;
      chi2 += (heldOut[row]! - seeds * p) ** 2 / (seeds * p * (1 - p));
    }
    c.measure(chi2, 'χ²');
  });
  return [result, uniform];
}

/** A model that trains nothing and records which rows each step was given. */
class RecordingModel {
  readonly steps: number[][] = [];
  /** What `fit` reads of a model's training config (the target encoding, for accuracy). */
  readonly training = { loss: 'meanSquaredError', optimizer: { kind: 'sgd', learningRate: 0.1 } } as const;
  constructor(private readonly units: number) {}
  prepare(data: { x: Matrix }): PreparedData {
    return { rows: data.x.rows, dispose: () => undefined };
  }
  trainStep(_data: PreparedData, rows: BatchRows): number {
    this.steps.push(Array.from(rows.order.subarray(rows.start, rows.end)));
    return 0.5;
  }
  predict(x: Matrix): Matrix {
    return { rows: x.rows, cols: this.units, data: new Float64Array(x.rows * this.units) };
  }
  getWeights(): Weights {
    return { dtype: 'float64', layers: [] };
  }
  loss(): number {
    return 0.5;
  }
}

/** The training loop: batches are consecutive `batchSize`-row slices of each epoch's order, every row once, the last batch partial (or carried, the Playground's way). */
export async function batchingChecks(shared: SharedCode): Promise<RunCheck[]> {
  const check = new CheckBuilder('batching: fit walks each epoch’s order in slices of batchSize rows, the last one partial — or, under partialBatch carry, opening the next epoch’s first batch — every row once', 'batching', 0);
  const cases = [
    { rows: 10, batchSize: 4 },
    { rows: 7, batchSize: 3 },
    { rows: 6, batchSize: 6 },
    { rows: 5, batchSize: 16 },
  ];
  for (const { rows, batchSize } of cases) {
    try {
      const model = new RecordingModel(1);
      const data = { x: { rows, cols: 1, data: new Float64Array(rows) }, y: { rows, cols: 1, data: new Float64Array(rows) } };
      const epochs = 3;
      const seed = 5;
      await shared.fit(model as unknown as Model, data, { epochs, batchSize, seed, task: 'regression' });
      const perEpoch = Math.ceil(rows / Math.min(batchSize, rows));
      check.expect(model.steps.length === perEpoch * epochs, `${rows} rows, batch ${batchSize}: ${model.steps.length} steps in ${epochs} epochs, expected ${perEpoch * epochs}`);
      for (let e = 1; e <= epochs; e++) {
        const batches = model.steps.slice((e - 1) * perEpoch, e * perEpoch);
        const expected = Array.from({ length: perEpoch }, (_, b) => Math.min(batchSize, rows - b * batchSize));
        const got = batches.map((b) => b.length);
        if (!sameOrder(got, expected)) check.expect(false, `${rows} rows, batch ${batchSize}, epoch ${e}: batch sizes [${got.join(', ')}], expected [${expected.join(', ')}]`);
        const walked = batches.flat();
        if (!isPermutation(Int32Array.from(walked), rows)) check.expect(false, `${rows} rows, batch ${batchSize}, epoch ${e}: the batches do not cover every row once (${walked.join(',')})`);
        const order = shared.epochOrder(rows, seed, e);
        if (!sameOrder(walked, order)) check.expect(false, `${rows} rows, batch ${batchSize}, epoch ${e}: rows in order ${walked.join(',')}, epochOrder gives ${Array.from(order).join(',')}`);
      }
    } catch (error) {
      check.expect(false, `${rows} rows, batch ${batchSize}: threw ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // The Playground's batching (partialBatch 'carry', no shuffle), worked out by hand: 7 rows in
  // batches of 3 update on 0-2 and 3-5; row 6 waits and opens the next epoch's first batch.
  try {
    const model = new RecordingModel(1);
    const data = { x: { rows: 7, cols: 1, data: new Float64Array(7) }, y: { rows: 7, cols: 1, data: new Float64Array(7) } };
    await shared.fit(model as unknown as Model, data, { epochs: 3, batchSize: 3, seed: 5, shuffle: false, partialBatch: 'carry', task: 'regression' });
    const expected = [[0, 1, 2], [3, 4, 5], [6, 0, 1, 2], [3, 4, 5], [6, 0, 1, 2], [3, 4, 5]];
    const got = model.steps.map((b) => `[${b.join(',')}]`).join(' ');
    check.expect(got === expected.map((b) => `[${b.join(',')}]`).join(' '), `partialBatch carry, 7 rows, batch 3: batches ${got}`);
  } catch (error) {
    check.expect(false, `partialBatch carry: threw ${error instanceof Error ? error.message : String(error)}`);
  }
  return [check.result()];
}

/**
 * Core's loss definitions against values worked out by hand:
 * BCE ℓ(z, y) = −y·log σ(z) − (1 − y)·log(1 − σ(z)); CE ℓ = −Σ y_k log p_k; MSE ℓ = (σ(z) − y)².
 */
const LOSS_VALUES: ReadonlyArray<{ loss: LossName; output: Activation; z: number[]; y: number[]; value: number; why: string }> = [
  { loss: 'binaryCrossEntropy', output: 'sigmoid', z: [0], y: [1], value: 0.6931471805599453, why: '−log σ(0) = log 2' },
  { loss: 'binaryCrossEntropy', output: 'sigmoid', z: [2], y: [0], value: 2.1269280110429727, why: '−log(1 − σ(2)) = log(1 + e²)' },
  { loss: 'binaryCrossEntropy', output: 'sigmoid', z: [-3], y: [1], value: 3.048587351573742, why: '−log σ(−3) = log(1 + e³)' },
  { loss: 'binaryCrossEntropy', output: 'sigmoid', z: [40], y: [0], value: 40, why: 'log(1 + e⁴⁰) = 40 + log(1 + e⁻⁴⁰) = 40 to 17 digits' },
  { loss: 'binaryCrossEntropy', output: 'sigmoid', z: [-800], y: [1], value: 800, why: 'log(1 + e⁸⁰⁰) = 800 (e⁸⁰⁰ overflows float64)' },
  { loss: 'binaryCrossEntropy', output: 'sigmoid', z: [0, 2], y: [1, 0], value: 2.820075191602918, why: 'summed over the units: log 2 + log(1 + e²)' },
  { loss: 'softmaxCrossEntropy', output: 'softmax', z: [1, 2, 3], y: [0, 0, 1], value: 0.40760596444438013, why: 'log(e + e² + e³) − 3' },
  { loss: 'softmaxCrossEntropy', output: 'softmax', z: [0, 0], y: [1, 0], value: 0.6931471805599453, why: '−log ½' },
  { loss: 'softmaxCrossEntropy', output: 'softmax', z: [1000, 0, -1000], y: [0, 1, 0], value: 1000, why: 'log Σe^z − 0 = 1000 + log(1 + e⁻¹⁰⁰⁰ + e⁻²⁰⁰⁰)' },
  { loss: 'meanSquaredError', output: 'linear', z: [0.5, -1], y: [1, 1], value: 4.25, why: '(0.5 − 1)² + (−1 − 1)²' },
  { loss: 'meanSquaredError', output: 'sigmoid', z: [0], y: [1], value: 0.25, why: '(σ(0) − 1)² = (½)²' },
  { loss: 'halfSquaredError', output: 'linear', z: [0.5, -1], y: [1, 1], value: 2.125, why: '½(0.5 − 1)² + ½(−1 − 1)²' },
  { loss: 'halfSquaredError', output: 'tanh', z: [0], y: [-1], value: 0.5, why: '½(tanh 0 + 1)², the Playground’s error at a fresh tanh output' },
];

/** What each loss's batch mean is over (the lecture's BCE and MSE: every entry; CE: every row). */
const AVERAGED_OVER = { binaryCrossEntropy: 'entries', softmaxCrossEntropy: 'rows', meanSquaredError: 'entries' } as const;

export function lossDefinitionChecks(shared: SharedCode): RunCheck[] {
  return [
    new CheckBuilder('loss definitions: core’s rowLoss and averaging against values worked by hand', 'loss definitions', 1e-14).run((c) => {
      for (const v of LOSS_VALUES) {
        const got = shared.losses[v.loss].rowLoss(v.z, v.y, v.output);
        const error = Number.isFinite(got) ? Math.abs(got - v.value) / Math.max(1, Math.abs(v.value)) : Number.POSITIVE_INFINITY;
        c.measure(error, `${v.loss}(z = [${v.z.join(', ')}], y = [${v.y.join(', ')}]) = ${got}, by hand ${v.value} (${v.why})`);
      }
      for (const [loss, over] of Object.entries(AVERAGED_OVER)) {
        const got = shared.losses[loss as keyof typeof AVERAGED_OVER].averagedOver;
        c.expect(got === over, `${loss} is averaged over ${got}, the textbook over ${over}`);
      }
    }),
  ];
}

/** Core's activation values and derivatives, at kinks too (the derivative from the left), by hand. */
const ACTIVATION_VALUES: ReadonlyArray<{ a: Activation; z: number; value: number; derivative: number }> = [
  { a: 'relu', z: 0, value: 0, derivative: 0 },
  { a: 'relu', z: 1.5, value: 1.5, derivative: 1 },
  { a: 'relu', z: -2, value: 0, derivative: 0 },
  { a: 'leakyRelu', z: 0, value: 0, derivative: LEAKY_RELU_ALPHA },
  { a: 'leakyRelu', z: -2, value: -2 * LEAKY_RELU_ALPHA, derivative: LEAKY_RELU_ALPHA },
  { a: 'leakyRelu', z: 3, value: 3, derivative: 1 },
  { a: 'sigmoid', z: 0, value: 0.5, derivative: 0.25 },
  { a: 'tanh', z: 0, value: 0, derivative: 1 },
  { a: 'tanh', z: 1, value: 0.7615941559557649, derivative: 0.41997434161402614 },
  { a: 'linear', z: -3, value: -3, derivative: 1 },
];

export function activationDefinitionChecks(shared: SharedCode): RunCheck[] {
  return [
    new CheckBuilder('activation definitions: core’s value and derivative (left derivative at kinks) against values by hand', 'activation definitions', 1e-15).run((c) => {
      for (const v of ACTIVATION_VALUES) {
        const d = shared.activations[v.a];
        const value = d.value?.(v.z) ?? Number.NaN;
        const derivative = d.derivative?.(v.z) ?? Number.NaN;
        c.measure(Math.abs(value - v.value), `${v.a}(${v.z}) = ${value}, by hand ${v.value}`);
        c.measure(Math.abs(derivative - v.derivative), `${v.a}'(${v.z}) = ${derivative}, by hand ${v.derivative}`);
      }
    }),
  ];
}

/** Every oracle of shared code. */
export async function sharedCodeChecks(shared: SharedCode): Promise<RunCheck[]> {
  return [
    ...shuffleChecks(shared),
    ...splitChecks(shared),
    ...(await batchingChecks(shared)),
    ...lossDefinitionChecks(shared),
    ...activationDefinitionChecks(shared),
  ];
}
