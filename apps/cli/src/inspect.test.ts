/*
 * `twinprop inspect`: model files written here with weights chosen by hand, so that every expected
 * number below — parameter counts, weight statistics, which units are dead or saturated, which
 * colour a picture has where — is worked out in the comments, not taken from the code under test.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readModelFile } from '@twinprop/core/node';
import { modelInputs } from './inspect/data.js';
import { forwardLayers } from './inspect/forward.js';
import { expectFailure, run, runJson, workspace } from './testing/cli.js';

const ws = workspace();

interface Layer {
  readonly kernel: number[][];
  readonly bias: number[];
}

/** A model file in the on-disk format, kernels given as [inputs][units] rows. */
function modelJson(options: {
  inputSize: number;
  hidden: Array<[number, string]>;
  output: [number, string];
  layers: Layer[];
  loss?: string;
  training?: Record<string, unknown>;
  optimizerState?: unknown;
  metadata?: Record<string, unknown>;
}): string {
  return JSON.stringify({
    format: 'twinprop-model',
    version: 1,
    spec: {
      inputSize: options.inputSize,
      hidden: options.hidden.map(([units, activation]) => ({ units, activation })),
      output: { units: options.output[0], activation: options.output[1] },
    },
    training: { loss: options.loss ?? 'binaryCrossEntropy', optimizer: { kind: 'sgd', learningRate: 0.1 }, ...options.training },
    weights: {
      dtype: 'float64',
      layers: options.layers.map((l) => ({
        kernel: { shape: [l.kernel.length, l.kernel[0]!.length], data: l.kernel.flat() },
        bias: { shape: [l.bias.length], data: l.bias },
      })),
    },
    ...(options.optimizerState === undefined ? {} : { optimizerState: options.optimizerState }),
    metadata: options.metadata ?? {},
  });
}

async function write(name: string, text: string): Promise<string> {
  const path = join(ws.dir, name);
  await writeFile(path, text);
  return path;
}

/**
 * 2-3-1 tanh/sigmoid. Hidden kernel (rows: x1, x2; columns: units 1–3):
 *   unit 1: [1, 0.5]  bias 0      z = x1 + 0.5·x2
 *   unit 2: [0, 0]    bias 0.5    z = 0.5 everywhere
 *   unit 3: [−2, 3]   bias −1     z = −2·x1 + 3·x2 − 1
 * Output kernel [2, −1, 0.5], bias 0.25.
 */
const TANH_MODEL: Layer[] = [
  { kernel: [[1, 0, -2], [0.5, 0, 3]], bias: [0, 0.5, -1] },
  { kernel: [[2], [-1], [0.5]], bias: [0.25] },
];

function tanhModel(extra: { training?: Record<string, unknown>; optimizerState?: unknown; metadata?: Record<string, unknown> } = {}): string {
  return modelJson({
    inputSize: 2,
    hidden: [[3, 'tanh']],
    output: [1, 'sigmoid'],
    layers: TANH_MODEL,
    metadata: {
      engine: 'reference',
      backend: 'js',
      dataset: 'xor',
      task: 'binary',
      seed: 7,
      batchSize: 4,
      epochs: 2,
      epochsCompleted: 2,
      classNames: ['0', '1'],
      featureNames: ['x1', 'x2'],
      createdAt: '2025-01-02T03:04:05.000Z',
      extra: { history: [{ epoch: 1, trainLoss: 0.7 }, { epoch: 2, trainLoss: 0.5, trainAccuracy: 0.75, testLoss: 0.625, testAccuracy: 0.5 }] },
    },
    ...extra,
  });
}

interface Stats {
  shape: number[];
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  zeros: number;
}
interface InspectJson {
  spec: string;
  parameters: number;
  input: { outputShape: [null, number] };
  layers: Array<{ layer: number; kind: string; inputs: number; units: number; activation: string; outputShape: [null, number]; parameters: number }>;
  inputs: { size: number; featureNames: string[] | null; derived: { from: string[]; features: Array<{ name: string; label: string }> } | null };
  training: { loss: string; optimizer: Record<string, unknown>; regularization: Record<string, unknown> | null; targets: string };
  metadata: Record<string, unknown>;
  optimizerState: { kind: string; step: number; slots: string[] } | null;
  finalEpoch: Record<string, number> | null;
  deadLinks: { count: number; of: number; perLayer: number[] } | null;
  weights: Array<{ layer: number; kernel: Stats; bias: Stats }>;
  activity: {
    dataset: string;
    rows: number;
    rules: { margin: number; rowFraction: number };
    layers: Array<{ layer: number; activation: string; rule: string; dead: number[]; saturated: number[]; units: Array<{ unit: number; activeFraction?: number; saturatedFraction?: number }> }>;
  } | null;
  plots: { dir: string; size: number; range: { x: [number, number]; y: [number, number] }; files: string[] } | null;
}

describe('twinprop inspect: the summary', () => {
  it('counts the parameters of a 2-3-1 network by hand: 2·3 + 3 = 9, 3·1 + 1 = 4, 13 in all', async () => {
    const path = await write('tanh.json', tanhModel());
    const report = await runJson<InspectJson>(['inspect', path, '--json']);
    expect(report.spec).toBe('2-3-1 tanh/sigmoid');
    expect(report.input.outputShape).toEqual([null, 2]);
    expect(report.layers).toEqual([
      { layer: 1, kind: 'hidden', inputs: 2, units: 3, activation: 'tanh', outputShape: [null, 3], parameters: 9 },
      { layer: 2, kind: 'output', inputs: 3, units: 1, activation: 'sigmoid', outputShape: [null, 1], parameters: 4 },
    ]);
    expect(report.parameters).toBe(13);
    expect(report.inputs).toEqual({ size: 2, featureNames: ['x1', 'x2'], derived: null });
    expect(report.activity).toBeNull();
    expect(report.plots).toBeNull();

    const text = await run(['inspect', path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^input +2 +\(None, 2\) +0$/m);
    expect(text.stdout).toMatch(/^hidden 1 +3 +tanh +\(None, 3\) +9 +2·3 \+ 3$/m);
    expect(text.stdout).toMatch(/^output +1 +sigmoid +\(None, 1\) +4 +3·1 \+ 1$/m);
    expect(text.stdout).toMatch(/^total parameters: 13$/m);
  });

  it('counts a 784-128-10 network: 784·128 + 128 = 100,480 and 128·10 + 10 = 1,290, 101,770 in all', async () => {
    const zeros = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
    const path = await write(
      'mnist-shaped.json',
      modelJson({
        inputSize: 784,
        hidden: [[128, 'relu']],
        output: [10, 'softmax'],
        loss: 'softmaxCrossEntropy',
        layers: [
          { kernel: zeros(784, 128), bias: new Array<number>(128).fill(0) },
          { kernel: zeros(128, 10), bias: new Array<number>(10).fill(0) },
        ],
      }),
    );
    const report = await runJson<InspectJson>(['inspect', path, '--json']);
    expect(report.layers.map((l) => l.parameters)).toEqual([100_480, 1_290]);
    expect(report.parameters).toBe(101_770);
    // All weights are 0: every entry counts as a zero.
    expect(report.weights[0]!.kernel).toMatchObject({ count: 100_352, zeros: 100_352, mean: 0, std: 0 });
    const text = await run(['inspect', path]);
    expect(text.stdout).toMatch(/^hidden 1 +128 +relu +\(None, 128\) +100,480 +784·128 \+ 128$/m);
    expect(text.stdout).toMatch(/^total parameters: 101,770$/m);
    expect(text.stdout).toMatch(/^inputs +784 \(no names stored\)$/m);
  });

  it('shows the training settings, the metadata and the last epoch of the stored history', async () => {
    const path = await write('tanh-meta.json', tanhModel());
    const report = await runJson<InspectJson>(['inspect', '--model', path, '--json']);
    expect(report.training).toEqual({ loss: 'binaryCrossEntropy', optimizer: { kind: 'sgd', learningRate: 0.1 }, regularization: null, targets: 'zeroOne' });
    expect(report.metadata).toMatchObject({
      engine: 'reference',
      backend: 'js',
      dtype: 'float64',
      dataset: 'xor',
      task: 'binary',
      epochs: 2,
      epochsCompleted: 2,
      batchSize: 4,
      seed: 7,
      classNames: ['0', '1'],
      createdAt: '2025-01-02T03:04:05.000Z',
      playground: null,
    });
    expect(report.finalEpoch).toEqual({ epoch: 2, trainLoss: 0.5, trainAccuracy: 0.75, testLoss: 0.625, testAccuracy: 0.5 });
    expect(report.optimizerState).toBeNull();
    expect(report.deadLinks).toBeNull();
    const text = (await run(['inspect', path])).stdout;
    expect(text).toMatch(/^optimizer +sgd: learningRate 0\.1$/m);
    expect(text).toMatch(/^regularization +none$/m);
    expect(text).toMatch(/^dataset +xor, binary: classes 0, 1$/m);
    expect(text).toMatch(/^epochs +2, batch size 4, seed 7$/m);
    expect(text).toMatch(/^final metrics +epoch 2: train loss 0\.5000, train accuracy 0\.750, test loss 0\.6250, test accuracy 0\.500/m);
  });

  it('shows the learning-rate schedule a run was trained with, in updates', async () => {
    const path = join(ws.dir, 'scheduled.json');
    // XOR's 4 rows in batches of 10: one update per epoch, so "every 10 epochs" is every 10 updates.
    const trained = await run(['train', '--dataset', 'xor', '--hidden', '2', '--epochs', '20', '--lr-schedule', 'step', '--lr-decay-every', '10', '--out', path, '--quiet']);
    expect(trained.code).toBe(0);
    const report = await runJson<{ training: { schedule?: unknown } }>(['inspect', path, '--json']);
    expect(report.training.schedule).toEqual({ kind: 'step', every: 10, factor: 0.5 });
    expect((await run(['inspect', path])).stdout).toMatch(/^lr schedule +step: ×0\.5 every 10 steps$/m);
  });

  it('counts the dead links the L1 clamp left in the optimizer state, and tells derived inputs from raw columns', async () => {
    // 3 derived inputs (X₁, X₁², sin X₂) → 1 tanh unit → 1 tanh output; links 1 and 3 of the first kernel are dead.
    const deadLinks = { dtype: 'float64', layers: [{ kernel: { shape: [3, 1], data: [1, 0, 1] }, bias: { shape: [1], data: [0] } }, { kernel: { shape: [1, 1], data: [0] }, bias: { shape: [1], data: [0] } }] };
    const path = await write(
      'clamped.json',
      modelJson({
        inputSize: 3,
        hidden: [[1, 'tanh']],
        output: [1, 'tanh'],
        loss: 'halfSquaredError',
        training: { regularization: { l1: 0.01, clampAtZero: true }, targets: 'signed' },
        layers: [{ kernel: [[0], [0.5], [0]], bias: [0.1] }, { kernel: [[1]], bias: [0] }],
        optimizerState: { kind: 'sgd', step: 12, slots: { deadLinks } },
        metadata: { inputFeatures: { from: ['x1', 'x2'], features: ['x', 'xSquared', 'sinY'] }, featureNames: ['x', 'xSquared', 'sinY'] },
      }),
    );
    const report = await runJson<InspectJson>(['inspect', path, '--json']);
    expect(report.deadLinks).toEqual({ count: 2, of: 4, perLayer: [2, 0] });
    expect(report.optimizerState).toEqual({ kind: 'sgd', step: 12, slots: ['deadLinks'] });
    expect(report.training.regularization).toEqual({ l1: 0.01, clampAtZero: true });
    expect(report.training.targets).toBe('signed');
    expect(report.inputs.derived).toEqual({
      from: ['x1', 'x2'],
      features: [
        { name: 'x', label: 'X₁' },
        { name: 'xSquared', label: 'X₁²' },
        { name: 'sinY', label: 'sin(X₂)' },
      ],
    });
    const text = (await run(['inspect', path])).stdout;
    expect(text).toMatch(/^inputs +3 derived features X₁, X₁², sin\(X₂\), computed from the raw columns x1, x2/m);
    expect(text).toMatch(/^dead links +2 of 4 \(per layer: 2, 0\)$/m);
    expect(text).toMatch(/^regularization +l1 0\.01, clampAtZero/m);
  });
});

describe('twinprop inspect: weight statistics', () => {
  it('gives mean, population std, min, max and zeros of every kernel and bias, as worked out by hand', async () => {
    const path = await write('stats.json', tanhModel());
    const { weights } = await runJson<InspectJson>(['inspect', path, '--json']);
    const [hidden, output] = weights;
    // Hidden kernel 1, 0, −2, 0.5, 0, 3: sum 2.5, mean 5/12; squared deviations ×144: 49 + 25 + 841 + 1 + 25 + 961 = 1902,
    // so the population variance is 1902 / (144·6) = 1902/864.
    expect(hidden!.kernel.shape).toEqual([2, 3]);
    expect(hidden!.kernel.count).toBe(6);
    expect(hidden!.kernel.mean).toBeCloseTo(5 / 12, 14);
    expect(hidden!.kernel.std).toBeCloseTo(Math.sqrt(1902 / 864), 14);
    expect([hidden!.kernel.min, hidden!.kernel.max, hidden!.kernel.zeros]).toEqual([-2, 3, 2]);
    // Hidden bias 0, 0.5, −1: mean −1/6; squared deviations 1/36 + 16/36 + 25/36 = 42/36, variance 42/108 = 7/18.
    expect(hidden!.bias.mean).toBeCloseTo(-1 / 6, 14);
    expect(hidden!.bias.std).toBeCloseTo(Math.sqrt(7 / 18), 14);
    expect([hidden!.bias.min, hidden!.bias.max, hidden!.bias.zeros]).toEqual([-1, 0.5, 1]);
    // Output kernel 2, −1, 0.5: mean 0.5; squared deviations 2.25 + 2.25 + 0, variance 1.5.
    expect(output!.kernel.mean).toBeCloseTo(0.5, 14);
    expect(output!.kernel.std).toBeCloseTo(Math.sqrt(1.5), 14);
    expect(output!.bias).toEqual({ shape: [1], count: 1, mean: 0.25, std: 0, min: 0.25, max: 0.25, zeros: 0 });

    const text = (await run(['inspect', path])).stdout;
    // √(1902/864) = 1.48371…, √(7/18) = 0.62361…
    expect(text).toMatch(/^hidden 1 +kernel +\[2, 3\] +6 +0\.4167 +1\.484 +-2\.000 +3\.000 +2$/m);
    expect(text).toMatch(/^hidden 1 +bias +\[3\] +3 +-0\.1667 +0\.6236 +-1\.000 +0\.5000 +1$/m);
  });
});

/**
 * 2-4-1 relu/sigmoid judged on the XOR truth table, rows (x1, x2) = (0,0), (0,1), (1,0), (1,1):
 *   unit 1: [1, 1]    bias 0     z = 0, 1, 1, 2      > 0 on 3 of 4 rows — alive
 *   unit 2: [−1, −1]  bias −0.5  z = −0.5, …, −2.5   never > 0         — dead
 *   unit 3: [1, −1]   bias 0     z = 0, −1, 1, 0     > 0 on 1 row      — alive
 *   unit 4: [0, 0]    bias 0     z = 0 everywhere    never > 0 (z ≤ 0) — dead
 */
function reluModel(): string {
  return modelJson({
    inputSize: 2,
    hidden: [[4, 'relu']],
    output: [1, 'sigmoid'],
    layers: [
      { kernel: [[1, -1, 1, 0], [1, -1, -1, 0]], bias: [0, -0.5, 0, 0] },
      { kernel: [[1], [1], [1], [1]], bias: [0] },
    ],
    metadata: { featureNames: ['x1', 'x2'], classNames: ['0', '1'], task: 'binary' },
  });
}

describe('twinprop inspect --dataset: dead and saturated units', () => {
  it('finds the relu units whose pre-activation is ≤ 0 on every row', async () => {
    const path = await write('relu.json', reluModel());
    const report = await runJson<InspectJson>(['inspect', path, '--dataset', 'xor', '--json']);
    expect(report.activity).toMatchObject({ dataset: 'xor', rows: 4, rules: { margin: 1e-3, rowFraction: 0.99 } });
    const [layer] = report.activity!.layers;
    expect(layer!.rule).toBe('dead');
    expect(layer!.dead).toEqual([2, 4]);
    expect(layer!.saturated).toEqual([]);
    expect(layer!.units.map((u) => u.activeFraction)).toEqual([0.75, 0, 0.25, 0]);
    const text = await run(['inspect', path, '--dataset', 'xor']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^hidden units on xor \(4 rows/m);
    expect(text.stdout).toMatch(/^hidden 1 +relu +4 +2 \(units 2, 4\) +—$/m);
  });

  it('matches a CSV file’s columns to the model’s features by name, not by position', async () => {
    // Columns x2, x1: rows (x1, x2) = (1, 0), (0, 1), (3, 0). Unit 3 (z = x1 − x2) is > 0 on rows 1 and 3 → 2/3.
    // Taken by position it would see (0, 1), (1, 0), (0, 3) → 1/3.
    const csv = await write('swapped.csv', 'x2,x1,label\n0,1,1\n1,0,1\n0,3,0\n');
    const path = await write('relu-csv.json', reluModel());
    const report = await runJson<InspectJson>(['inspect', path, '--dataset', csv, '--json']);
    const units = report.activity!.layers[0]!.units;
    expect(units[2]!.activeFraction).toBeCloseTo(2 / 3, 14);
    // Unit 1 (z = x1 + x2) is > 0 on all three rows.
    expect(units[0]!.activeFraction).toBe(1);
    expect(report.activity!.layers[0]!.dead).toEqual([2, 4]);
  });

  it('applies the stored standardization before judging the units', async () => {
    // mean 1, std 2 in both columns: the XOR rows become (x − 1)/2 ∈ {−0.5, 0}. The relu unit z = x1′ + x2′ is then
    // −1, −0.5, −0.5, 0 — never > 0, dead — while on the raw rows (z = 0, 1, 1, 2) it would be alive on 3 of 4.
    const path = await write(
      'standardized.json',
      modelJson({
        inputSize: 2,
        hidden: [[1, 'relu']],
        output: [1, 'sigmoid'],
        layers: [{ kernel: [[1], [1]], bias: [0] }, { kernel: [[1]], bias: [0] }],
        metadata: { featureNames: ['x1', 'x2'], standardization: { mean: [1, 1], std: [2, 2] } },
      }),
    );
    const report = await runJson<InspectJson>(['inspect', path, '--dataset', 'xor', '--json']);
    expect(report.activity!.layers[0]!.units[0]!.activeFraction).toBe(0);
    expect(report.activity!.layers[0]!.dead).toEqual([1]);
  });

  it('finds tanh and sigmoid units saturated on ≥ 99% of rows, and not one saturated on 75%', async () => {
    // Hidden 1, tanh, on the XOR rows:
    //   unit 1: [10, 10] bias 5  z = 5, 15, 15, 25   tanh 5 = 0.99991 > 0.999 on 4/4 → saturated
    //   unit 2: [1, 0]   bias 0  z = 0, 0, 1, 1     |tanh| ≤ 0.77          on 0/4
    //   unit 3: [3, 3]   bias 2  z = 2, 5, 5, 8     tanh 2 = 0.964, so     on 3/4 (75% < 99%) → not saturated
    // Hidden 2, sigmoid, on h = (≈1, h₂, h₃):
    //   unit 1: [−10, 0, 0] bias −1  z ≈ −11, σ ≈ 1.7e-5 < 0.001 on 4/4 → saturated
    //   unit 2: [0, 0, 0]   bias 0   σ = 0.5                   on 0/4
    const path = await write(
      'saturated.json',
      modelJson({
        inputSize: 2,
        hidden: [[3, 'tanh'], [2, 'sigmoid']],
        output: [1, 'sigmoid'],
        layers: [
          { kernel: [[10, 1, 3], [10, 0, 3]], bias: [5, 0, 2] },
          { kernel: [[-10, 0], [0, 0], [0, 0]], bias: [-1, 0] },
          { kernel: [[1], [1]], bias: [0] },
        ],
        metadata: { featureNames: ['x1', 'x2'] },
      }),
    );
    const report = await runJson<InspectJson>(['inspect', path, '--dataset', 'xor', '--json']);
    const [tanh, sigmoid] = report.activity!.layers;
    expect(tanh!.rule).toBe('saturated');
    expect(tanh!.units.map((u) => u.saturatedFraction)).toEqual([1, 0, 0.75]);
    expect(tanh!.saturated).toEqual([1]);
    expect(tanh!.dead).toEqual([]);
    expect(sigmoid!.units.map((u) => u.saturatedFraction)).toEqual([1, 0]);
    expect(sigmoid!.saturated).toEqual([1]);
    const text = (await run(['inspect', path, '--dataset', 'xor'])).stdout;
    expect(text).toMatch(/^hidden 1 +tanh +3 +— +1 \(unit 1\)$/m);
    expect(text).toMatch(/^hidden 2 +sigmoid +2 +— +1 \(unit 1\)$/m);
  });
});

describe('the float64 forward pass inspect judges units by', () => {
  it('gives the outputs the engine gives (`predict`), standardization and softmax included', async () => {
    // An Iris model (4 standardized inputs, relu, softmax) trained by the reference engine in float32; its
    // predictions against the float64 pass over the same stored weights: float32 rounding only (bound 1e-5; measured worst 3.4e-8).
    const path = await ws.modelFile('iris-relu.json', ['--dataset', 'iris', '--hidden', '6', '--activation', 'relu', '--epochs', '30']);
    const csv = await write('flowers.csv', 'sepal length,sepal width,petal length,petal width\n5.1,3.5,1.4,0.2\n6.0,2.9,4.5,1.5\n6.9,3.1,5.4,2.1\n');
    const predicted = await runJson<{ predictions: Array<{ probabilities: Record<string, number> }> }>(['predict', '--model', path, '--csv', csv, '--json']);
    const file = await readModelFile(path);
    const columns = { rows: 3, cols: 4, data: Float64Array.from([5.1, 3.5, 1.4, 0.2, 6.0, 2.9, 4.5, 1.5, 6.9, 3.1, 5.4, 2.1]) };
    const layers = forwardLayers(file.spec, file.weights, modelInputs(file, columns, 'multiclass'));
    const output = layers[layers.length - 1]!.output;
    const names = file.metadata.classNames!;
    predicted.predictions.forEach((row, r) => {
      names.forEach((name, k) => expect(Math.abs(output[r * 3 + k]! - row.probabilities[name]!)).toBeLessThan(1e-5));
    });
  });
});

/** The RGB of pixel (x, y) of a PNG file. */
async function pixel(path: string, x: number, y: number): Promise<[number, number, number]> {
  const png = PNG.sync.read(await readFile(path));
  const i = (y * png.width + x) * 4;
  return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('twinprop inspect --plot', () => {
  it('writes one PNG per hidden unit and one for the output, each unit shaded by its own output', async () => {
    const path = await write('plot.json', tanhModel());
    const dir = join(ws.dir, 'neurons');
    const report = await runJson<InspectJson>(['inspect', path, '--dataset', 'xor', '--plot', dir, '--json']);
    const names = ['layer1-unit1.png', 'layer1-unit2.png', 'layer1-unit3.png', 'output.png'];
    expect(report.plots!.files).toEqual(names.map((n) => join(dir, n)));
    // XOR's points span [0, 1] in both columns; the pictures add 8% on each side.
    expect(report.plots!.range.x[0]).toBeCloseTo(-0.08, 12);
    expect(report.plots!.range.y[1]).toBeCloseTo(1.08, 12);
    for (const name of names) {
      const bytes = await readFile(join(dir, name));
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([200, 200]);
    }
    // Unit 3, z = −2·x1 + 3·x2 − 1: near (x1, x2) = (1.08, −0.08) (bottom right) z ≈ −3.4, tanh ≈ −1: orange (red ≫ blue);
    // near (−0.08, 1.08) (top left) z ≈ 2.4, tanh ≈ 0.98: blue (blue ≫ red).
    const bottomRight = await pixel(join(dir, 'layer1-unit3.png'), 195, 195);
    const topLeft = await pixel(join(dir, 'layer1-unit3.png'), 5, 5);
    expect(bottomRight[0]).toBeGreaterThan(bottomRight[2] + 100);
    expect(topLeft[2]).toBeGreaterThan(topLeft[0] + 100);
    // Unit 2 is tanh 0.5 = 0.46 everywhere: the same light blue at both corners.
    expect(await pixel(join(dir, 'layer1-unit2.png'), 5, 5)).toEqual(await pixel(join(dir, 'layer1-unit2.png'), 195, 195));
    const text = await run(['inspect', path, '--dataset', 'xor', '--plot', dir]);
    expect(text.stdout).toMatch(/^pictures +4 \(/m);
  });

  it('draws a model on derived features over the Playground’s [−6, 6]², computing the features', async () => {
    // Inputs (X₁, X₂, X₁²); the hidden unit is tanh(X₁² − 9): −1 at the centre (orange), +1 at x1 = ±6 (blue).
    const path = await write(
      'derived.json',
      modelJson({
        inputSize: 3,
        hidden: [[1, 'tanh']],
        output: [1, 'tanh'],
        loss: 'halfSquaredError',
        training: { targets: 'signed' },
        layers: [{ kernel: [[0], [0], [1]], bias: [-9] }, { kernel: [[1]], bias: [0] }],
        metadata: { inputFeatures: { from: ['x1', 'x2'], features: ['x', 'y', 'xSquared'] } },
      }),
    );
    const dir = join(ws.dir, 'derived');
    const report = await runJson<InspectJson>(['inspect', path, '--plot', dir, '--json']);
    expect(report.plots!.range).toEqual({ x: [-6, 6], y: [-6, 6] });
    expect(report.plots!.files).toEqual([join(dir, 'layer1-unit1.png'), join(dir, 'output.png')]);
    const centre = await pixel(join(dir, 'layer1-unit1.png'), 100, 100);
    const left = await pixel(join(dir, 'layer1-unit1.png'), 2, 100);
    expect(centre[0]).toBeGreaterThan(centre[2] + 100);
    expect(left[2]).toBeGreaterThan(left[0] + 100);
  });
});

describe('twinprop inspect: bad input', () => {
  it('refuses a missing file', async () => {
    await expectFailure(['inspect', join(ws.dir, 'missing.json')], 2, /missing\.json: no such file/);
  });

  it('refuses a JSON file that is not a model', async () => {
    const path = await write('not-a-model.json', '{"hello": "world"}\n');
    await expectFailure(['inspect', path], 2, /not a twinprop model file/);
  });

  it('refuses --plot for a model with 4 inputs, naming them', async () => {
    const path = await write(
      'four.json',
      modelJson({
        inputSize: 4,
        hidden: [],
        output: [1, 'sigmoid'],
        layers: [{ kernel: [[1], [1], [1], [1]], bias: [0] }],
        metadata: { featureNames: ['a', 'b', 'c', 'd'] },
      }),
    );
    const dir = join(ws.dir, 'four-plots');
    await expectFailure(['inspect', path, '--plot', dir], 2, /--plot draws each neuron over the plane of two input columns, and .*four\.json reads 4 \(a, b, c, d\)/);
  });

  it('refuses an unknown dataset, listing the valid ones', async () => {
    const path = await write('unknown-data.json', tanhModel());
    const result = await expectFailure(['inspect', path, '--dataset', 'no-such-data', '--json'], 2, /unknown dataset "no-such-data"; valid names: .*xor/);
    expect((JSON.parse(result.stdout) as { error: { exitCode: number } }).error.exitCode).toBe(2);
  });

  it('refuses data flags without --dataset, a --plot path that is a file, and no model at all', async () => {
    const path = await write('flags.json', tanhModel());
    await expectFailure(['inspect', path, '--points', '50'], 2, /--points applies to the data given with --dataset/);
    await expectFailure(['inspect', path, '--plot', path], 2, /--plot .*flags\.json is a file; give a folder/);
    await expectFailure(['inspect'], 2, /inspect needs a model file/);
  });
});
