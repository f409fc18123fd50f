/**
 * `twinprop export` and `twinprop import`, end to end: models trained by the CLI, exported by the
 * CLI, loaded by the real runtimes (tf.loadLayersModel from the written folder, ONNX Runtime Web
 * from the written file) and held to `twinprop predict` within 1e-6; a model built and saved by
 * TensorFlow.js itself imported and predicted by the CLI; bad files refused with exit 2.
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { initializeWeights, mlp, optimizer, Rng, serializeModelFile } from '@twinprop/core';
import { loadLayersModelFromDisk, maxAbsDifference, onnxPredict, tfjs, tfjsPredict } from '@twinprop/interchange/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { expectFailure, parseCsv, run, runJson, workspace } from './testing/cli.js';

/** Exported float32 predictions against `twinprop predict`, absolute. */
const TOLERANCE = 1e-6;
const work = workspace();
const measured: string[] = [];
afterAll(() => {
  console.log(`\nexported models vs twinprop predict (bound ${TOLERANCE}):\n${measured.map((m) => `  ${m}`).join('\n')}`);
});

interface Trained {
  readonly name: string;
  readonly train: string[];
  readonly points: number[][];
  /** The prediction vector `twinprop predict --input --json` prints, in the runtimes' layout. */
  readonly read: (json: Record<string, unknown>) => number[];
}

const probabilities = (json: Record<string, unknown>): number[] => Object.values(json.probabilities as Record<string, number>);
const CASES: Trained[] = [
  // binary: one sigmoid unit — predict prints [1 − p, p]; the runtimes give p.
  { name: 'circle tanh/sigmoid (bce)', train: ['--dataset', 'circle', '--points', '100', '--hidden', '6', '--epochs', '10'], points: [[0.5, -1.2], [3, 2], [-4.5, 0.1]], read: (j) => [probabilities(j)[1] ?? Number.NaN] },
  // multiclass, standardized (folded into the first layer on export), float64 weights rounded to float32
  { name: 'iris leakyRelu/softmax (softmax CE, float64, standardized)', train: ['--dataset', 'iris', '--hidden', '6', '--activation', 'leakyRelu', '--epochs', '15', '--engine', 'reference/float64'], points: [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [7.7, 3.0, 6.1, 2.3]], read: probabilities },
  // regression
  { name: 'plane relu/linear (mse)', train: ['--dataset', 'plane', '--points', '100', '--hidden', '5', '--activation', 'relu', '--epochs', '10'], points: [[1, 2], [-3.5, 4], [0.25, -5]], read: (j) => [j.prediction as number] },
];

describe('twinprop export: the runtimes predict what twinprop predict does', () => {
  for (const c of CASES) {
    it(`${c.name}: tfjs folder and ONNX file within ${TOLERANCE}`, async () => {
      const model = await work.modelFile(`${c.name.split(' ')[0]!}.json`, c.train);
      const folder = join(work.dir, `${c.name.split(' ')[0]!}-tfjs`);
      const onnxFile = join(work.dir, `${c.name.split(' ')[0]!}.onnx`);
      const tfjsReport = await runJson<{ files: Array<{ path: string; bytes: number }>; rounding: { statement: string } }>(['export', '--model', model, '--format', 'tfjs', '--out', folder, '--json']);
      expect(tfjsReport.files.map((f) => f.path)).toEqual([join(folder, 'model.json'), join(folder, 'weights.bin')]);
      const onnxReport = await runJson<{ files: Array<{ bytes: number }> }>(['export', '--model', model, '--format', 'onnx', '--out', onnxFile, '--json']);
      expect(onnxReport.files[0]?.bytes).toBe((await readFile(onnxFile)).length);

      const expected: number[][] = [];
      for (const point of c.points) expected.push(c.read(await runJson(['predict', '--model', model, '--input', point.join(','), '--json'])));
      const layers = await loadLayersModelFromDisk(join(folder, 'model.json'));
      const fromTfjs = await tfjsPredict(layers, c.points);
      layers.dispose();
      const fromOnnx = await onnxPredict(new Uint8Array(await readFile(onnxFile)), c.points);
      const dTfjs = maxAbsDifference(fromTfjs, expected);
      const dOnnx = maxAbsDifference(fromOnnx, expected);
      measured.push(`${c.name.padEnd(60)} tfjs ${dTfjs.toExponential(2)}  onnx ${dOnnx.toExponential(2)}`);
      expect(dTfjs).toBeLessThanOrEqual(TOLERANCE);
      expect(dOnnx).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('states the float64 → float32 rounding and the folded standardization in its output', async () => {
    const model = await work.modelFile('iris.json', CASES[1]!.train);
    const result = await run(['export', '--model', model, '--format', 'onnx', '--out', join(work.dir, 'iris-text.onnx')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^precision +the standardization was folded into dense_0 in float64, and the weights \(float64 in the model\) were rounded to float32/m);
    expect(result.stdout).toMatch(/^inputs +raw: the stored standardization is folded into dense_0/m);
    expect(result.stdout).toMatch(/^dense_0 +leakyRelu → LeakyRelu$/m);
  });

  it('regression: the exported model matches `twinprop predict --csv` on every row of a CSV', async () => {
    const model = await work.modelFile('plane.json', CASES[2]!.train);
    const rows = Array.from({ length: 25 }, (_, i) => [Math.sin(i) * 5, Math.cos(i * 1.3) * 5]);
    const csv = join(work.dir, 'plane-points.csv');
    await writeFile(csv, `x1,x2\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const predicted = await run(['predict', '--model', model, '--csv', csv]);
    expect(predicted.code).toBe(0);
    const expected = parseCsv(predicted.stdout).rows.map((r) => [Number(r[2])]);
    await runJson(['export', '--model', model, '--format', 'onnx', '--out', join(work.dir, 'plane-csv.onnx'), '--json']);
    const fromOnnx = await onnxPredict(new Uint8Array(await readFile(join(work.dir, 'plane-csv.onnx'))), rows);
    expect(maxAbsDifference(fromOnnx, expected)).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe('twinprop import --from tfjs', () => {
  it('imports a model built and saved by TensorFlow.js and predicts what tfjs predicts, on both engines', async () => {
    const tf = await tfjs();
    const built = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [2], units: 4, activation: 'relu' }), tf.layers.dense({ units: 3 }), tf.layers.leakyReLU({ alpha: 0.01 }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
    });
    const folder = join(work.dir, 'from-tfjs');
    await mkdir(folder, { recursive: true });
    await built.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const data = artifacts.weightData;
        const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
        const modelJson = { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }] };
        await writeFile(join(folder, 'model.json'), JSON.stringify(modelJson));
        await writeFile(join(folder, 'weights.bin'), bytes);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const out = join(work.dir, 'imported.json');
    const summary = await runJson<{ model: string; loss: string }>(['import', '--from', 'tfjs', join(folder, 'model.json'), '--out', out, '--json']);
    expect(summary).toMatchObject({ model: '2-4-3-1 relu/leakyRelu/sigmoid', loss: 'binaryCrossEntropy' });
    const points = [[0.3, -0.8], [1.7, 0.4], [-1.1, -2.2]];
    const expected = await tfjsPredict(built, points);
    for (const engine of ['reference/float64', 'tfjs/cpu']) {
      const ours: number[][] = [];
      for (const p of points) ours.push([probabilities(await runJson(['predict', '--model', out, '--input', p.join(','), '--json', '--engine', engine]))[1]!]);
      expect(maxAbsDifference(ours, expected), engine).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});

describe('bad input is refused with the file and the problem, exit 2', () => {
  async function exportedFolder(name: string): Promise<{ folder: string; json: Record<string, unknown> }> {
    const model = await work.modelFile('circle.json', CASES[0]!.train);
    const folder = join(work.dir, `bad-${name}`);
    await runJson(['export', '--model', model, '--format', 'tfjs', '--out', folder, '--json']);
    return { folder, json: JSON.parse(await readFile(join(folder, 'model.json'), 'utf8')) as Record<string, unknown> };
  }
  const layers = (json: Record<string, unknown>): Array<Record<string, unknown>> => (json.modelTopology as { config: { layers: Array<Record<string, unknown>> } }).config.layers;
  const importing = (folder: string): string[] => ['import', '--from', 'tfjs', join(folder, 'model.json'), '--out', join(folder, 'out.json')];

  it('an unsupported layer (Conv2D)', async () => {
    const { folder, json } = await exportedFolder('conv');
    layers(json).splice(1, 0, { class_name: 'Conv2D', config: { name: 'conv2d_1', filters: 4, kernel_size: [3, 3] } });
    await writeFile(join(folder, 'model.json'), JSON.stringify(json));
    await expectFailure(importing(folder), 2, /bad-conv\/model\.json: layer 1 "conv2d_1" \(Conv2D\): is not supported/);
  });

  it('a Dropout layer', async () => {
    const { folder, json } = await exportedFolder('dropout');
    layers(json).splice(1, 0, { class_name: 'Dropout', config: { name: 'dropout_1', rate: 0.2 } });
    await writeFile(join(folder, 'model.json'), JSON.stringify(json));
    await expectFailure(importing(folder), 2, /model\.json: layer 1 "dropout_1" \(Dropout\): is not supported — twinprop's engines train without dropout/);
  });

  it('a truncated weights.bin, and an oversized one', async () => {
    const { folder } = await exportedFolder('size');
    const bytes = await readFile(join(folder, 'weights.bin'));
    await writeFile(join(folder, 'weights.bin'), bytes.subarray(0, 10));
    await expectFailure(importing(folder), 2, /bad-size\/weights\.bin: holds 10 bytes, but the weights manifest in .*model\.json describes \d+ .*the file is truncated/);
    await writeFile(join(folder, 'weights.bin'), Buffer.concat([bytes, Buffer.alloc(4)]));
    await expectFailure(importing(folder), 2, /bad-size\/weights\.bin: holds \d+ bytes, .*: 4 bytes too many/);
  });

  it('a manifest whose shapes disagree with the topology', async () => {
    const { folder, json } = await exportedFolder('shape');
    (json.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>)[0]!.weights[1]!.shape = [7];
    await writeFile(join(folder, 'model.json'), JSON.stringify(json));
    await expectFailure(importing(folder), 2, /model\.json: weightsManifest: dense_0\/bias has shape \[7\], but the topology needs \[6\]/);
  });

  it('a missing weights file, and a missing model.json', async () => {
    const { folder } = await exportedFolder('missing');
    await rm(join(folder, 'weights.bin'));
    await expectFailure(importing(folder), 2, /bad-missing\/weights\.bin: the weights file named in .*model\.json is missing/);
    await expectFailure(['import', '--from', 'tfjs', join(folder, 'nothing.json'), '--out', join(folder, 'o.json')], 2, /nothing\.json: model\.json is missing/);
  });

  it('export: a step layer to tfjs (refused, naming the layer and why), and an ONNX --out that is a folder', async () => {
    const spec = mlp(2, [[2, 'step']], [1, 'sigmoid']);
    const file = join(work.dir, 'step.json');
    await writeFile(file, serializeModelFile({ spec, training: { loss: 'meanSquaredError', optimizer: optimizer('sgd') }, weights: initializeWeights(spec, new Rng(1), 'float64'), metadata: {} }));
    await expectFailure(['export', '--model', file, '--format', 'tfjs', '--out', join(work.dir, 'step-tfjs')], 2, /cannot export to TensorFlow\.js: hidden layer 0 \(dense_0\) uses step — tfjs-layers has no step/);
    const onnx = await runJson<{ layers: Array<{ as: string }> }>(['export', '--model', file, '--format', 'onnx', '--out', join(work.dir, 'step.onnx'), '--json']);
    expect(onnx.layers[0]?.as).toMatch(/Greater/);
    await expectFailure(['export', '--model', file, '--format', 'onnx', '--out', work.dir], 2, /is a folder; --format onnx writes one file/);
  });
});
