/**
 * Export, checked by the runtimes that read the formats: for every activation core has, a model is
 * trained (reference engine), exported to TensorFlow.js and ONNX, loaded by `tf.loadLayersModel`
 * and by ONNX Runtime, and their predictions on raw inputs are held to twinprop's own (on
 * standardized inputs) within 1e-6. The cases derive from core's ACTIVATIONS, so a new activation
 * is either exported and tested here or refused by name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACTIVATION_DEFINITIONS,
  ACTIVATIONS,
  EngineRegistry,
  fit,
  HIDDEN_ACTIVATIONS,
  initializeWeights,
  mlp,
  optimizer,
  OUTPUT_ACTIVATIONS,
  Rng,
  rowOf,
  type Activation,
  type Dataset,
  type DType,
  type LossName,
  type ModelFile,
  type Standardization,
} from '@twinprop/core';
import { applyStandardization, loadDataset, standardize } from '@twinprop/datasets';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError, exportOnnx, exportTfjs, ONNX_ACTIVATIONS, TFJS_ACTIVATIONS, writeTfjsExport } from './index.js';
import { loadLayersModelFromDisk, maxAbsDifference, onnxPredict, runExportedForward, tfjsPredict } from './testing/index.js';

/** The acceptance bound: exported float32 predictions against twinprop's, absolute. */
const PREDICTION_TOLERANCE = 1e-6;

const registry = new EngineRegistry().register(referenceEngineProvider);
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twinprop-interchange-'));
});
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
  console.log(`\nexported predictions vs twinprop's (bound ${PREDICTION_TOLERANCE}):\n${measured.map((m) => `  ${m}`).join('\n')}`);
});
const measured: string[] = [];

const DATASET_FOR_TASK = { binary: 'circle', multiclass: 'iris', regression: 'plane' } as const;

interface Case {
  readonly name: string;
  readonly hidden: Activation;
  readonly output: Activation;
  readonly loss: LossName;
  readonly dtype: DType;
}

/** Every trainable hidden activation (binary task), then every output activation with its natural loss and task, in both dtypes. */
const CASES: Case[] = [
  ...HIDDEN_ACTIVATIONS.map((hidden, i): Case => ({ name: `hidden ${hidden}`, hidden, output: 'sigmoid', loss: 'binaryCrossEntropy', dtype: i % 2 === 0 ? 'float32' : 'float64' })),
  ...OUTPUT_ACTIVATIONS.map((output, i): Case => ({ name: `output ${output}`, hidden: 'tanh', output, loss: ACTIVATION_DEFINITIONS[output].defaultLoss, dtype: i % 2 === 0 ? 'float64' : 'float32' })),
  { name: 'output softmax, relu hidden', hidden: 'relu', output: 'softmax', loss: 'softmaxCrossEntropy', dtype: 'float64' },
  { name: 'output sigmoid, mse', hidden: 'leakyRelu', output: 'sigmoid', loss: 'meanSquaredError', dtype: 'float64' },
];

async function dataFor(output: Activation): Promise<{ data: Dataset; raw: Dataset; standardization: Standardization | undefined }> {
  const task = ACTIVATION_DEFINITIONS[output].task;
  const raw = await loadDataset(DATASET_FOR_TASK[task], task === 'multiclass' ? { seed: 3 } : { points: 120, seed: 3 });
  if (task !== 'multiclass') return { data: raw, raw, standardization: undefined };
  // Iris in centimetres: the model stores its standardization, the export folds it.
  const { train, standardization } = standardize(raw);
  return { data: train, raw, standardization };
}

async function trained(c: Case): Promise<{ file: ModelFile; raw: Dataset; twinprop: number[][] }> {
  const { data, raw, standardization } = await dataFor(c.output);
  const spec = mlp(data.x.cols, [[6, c.hidden]], [data.y.cols, c.output]);
  const engine = await registry.create(`reference/${c.dtype}`);
  const training = { loss: c.loss, optimizer: optimizer('adam', { learningRate: 0.02 }) };
  const model = engine.createModel(spec, initializeWeights(spec, new Rng(7), c.dtype), training);
  await fit(model, data, { epochs: 15, batchSize: 16, seed: 1 });
  const file: ModelFile = { spec, training, weights: model.getWeights(), metadata: standardization === undefined ? {} : { standardization } };
  // What `twinprop predict` computes: the stored standardization applied, then the engine's forward pass.
  const x = standardization === undefined ? raw.x : applyStandardization(raw.x, standardization);
  const outputs = model.predict(x);
  model.dispose();
  return { file, raw, twinprop: Array.from({ length: outputs.rows }, (_, r) => rowOf(outputs, r)) };
}

function rowsOf(data: Dataset): number[][] {
  return Array.from({ length: data.x.rows }, (_, r) => rowOf(data.x, r));
}

describe('every core activation is exported or refused by name', () => {
  for (const activation of ACTIVATIONS) {
    const definition = ACTIVATION_DEFINITIONS[activation];
    const spec = definition.outputOnly ? mlp(2, [], [Math.max(2, definition.minUnits), activation]) : mlp(2, [[3, activation]], [1, 'sigmoid']);
    const file: ModelFile = { spec, training: { loss: 'meanSquaredError', optimizer: optimizer('sgd') }, weights: initializeWeights(spec, new Rng(1), 'float32'), metadata: {} };
    for (const [format, table, exporter] of [['tfjs', TFJS_ACTIVATIONS, exportTfjs], ['onnx', ONNX_ACTIVATIONS, exportOnnx]] as const) {
      it(`${format}: ${activation} ${table[activation] === undefined ? 'is refused, naming the layer' : 'is exported'}`, () => {
        if (table[activation] !== undefined) {
          expect(() => exporter(file)).not.toThrow();
          return;
        }
        const layer = definition.outputOnly ? 'the output layer (dense_0)' : 'hidden layer 0 (dense_0)';
        expect(() => exporter(file)).toThrow(ExportError);
        expect(() => exporter(file)).toThrow(`${layer} uses ${activation} — `);
      });
    }
  }

  it('tfjs refuses step with the reason (no step activation in tfjs-layers); ONNX writes it', () => {
    const spec = mlp(2, [[2, 'step']], [1, 'sigmoid']);
    const file: ModelFile = { spec, training: { loss: 'meanSquaredError', optimizer: optimizer('sgd') }, weights: initializeWeights(spec, new Rng(1), 'float32'), metadata: {} };
    expect(() => exportTfjs(file)).toThrow(/cannot export to TensorFlow\.js: hidden layer 0 \(dense_0\) uses step — tfjs-layers has no step/);
    expect(exportOnnx(file).report.layers[0]?.as).toMatch(/Greater/);
  });
});

describe('exported models predict what twinprop predicts (tf.loadLayersModel and ONNX Runtime)', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.loss}, ${c.dtype}) — within ${PREDICTION_TOLERANCE}`, async () => {
      const { file, raw, twinprop } = await trained(c);
      const rows = rowsOf(raw);
      expect(TFJS_ACTIVATIONS[c.hidden] !== undefined && TFJS_ACTIVATIONS[c.output] !== undefined, 'every trainable activation has a tfjs mapping').toBe(true);
      const tfjsExport = exportTfjs(file);
      const folder = join(dir, c.name.replace(/\W+/g, '-') + c.dtype);
      const paths = await writeTfjsExport(folder, tfjsExport);
      const layersModel = await loadLayersModelFromDisk(paths.modelJson);
      const fromTfjs = await tfjsPredict(layersModel, rows);
      layersModel.dispose();
      const fromOnnx = await onnxPredict(exportOnnx(file).bytes, rows);
      const dTfjs = maxAbsDifference(fromTfjs, twinprop);
      const dOnnx = maxAbsDifference(fromOnnx, twinprop);
      measured.push(`${`${c.name} ${c.loss} ${c.dtype}${file.metadata.standardization === undefined ? '' : ' (standardization folded)'}`.padEnd(72)} tfjs ${dTfjs.toExponential(2)}  onnx ${dOnnx.toExponential(2)}`);
      expect(fromTfjs[0]?.length).toBe(file.spec.output.units);
      expect(dTfjs).toBeLessThanOrEqual(PREDICTION_TOLERANCE);
      expect(dOnnx).toBeLessThanOrEqual(PREDICTION_TOLERANCE);
      // The runtimes computed something that depends on the weights: not all rows alike.
      expect(new Set(twinprop.map((r) => r[0]?.toFixed(6))).size).toBeGreaterThan(1);
    });
  }

  it('step (ONNX only): the lecture’s AND perceptron, w = (1, 1), b = −1.5, gives the truth table in ONNX Runtime', async () => {
    const spec = mlp(2, [], [1, 'step']);
    const file: ModelFile = {
      spec,
      training: { loss: 'meanSquaredError', optimizer: optimizer('sgd') },
      weights: { dtype: 'float64', layers: [{ kernel: { shape: [2, 1], data: Float64Array.from([1, 1]) }, bias: { shape: [1], data: Float64Array.from([-1.5]) } }] },
      metadata: {},
    };
    const fromOnnx = await onnxPredict(exportOnnx(file).bytes, [[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(fromOnnx).toEqual([[0], [0], [0], [1]]);
  });
});

describe('runExportedForward (for cross-checks such as compare)', () => {
  it('runs both runtimes in memory, and leaves out the format that refuses the model', async () => {
    const c: Case = { name: 'forward', hidden: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', dtype: 'float64' };
    const { file, raw, twinprop } = await trained(c);
    const both = await runExportedForward(file, rowsOf(raw));
    expect(maxAbsDifference(both.tfjs ?? [], twinprop)).toBeLessThanOrEqual(PREDICTION_TOLERANCE);
    expect(maxAbsDifference(both.onnx ?? [], twinprop)).toBeLessThanOrEqual(PREDICTION_TOLERANCE);
    const step: ModelFile = { ...file, spec: mlp(2, [[6, 'step']], [1, 'sigmoid']) };
    const onlyOnnx = await runExportedForward(step, [[0.5, -0.5]]);
    expect(onlyOnnx.tfjs).toBeUndefined();
    expect(onlyOnnx.onnx?.[0]).toHaveLength(1);
  });
});
