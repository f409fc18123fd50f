/**
 * Import of models that TensorFlow.js built and saved itself (not our exporter): the same
 * predictions as tfjs-layers and the same gradients as `tf.variableGrads` on both engines; the
 * round trip twinprop → tfjs → twinprop keeps the weights bit for bit; bad files are refused naming
 * the file and the problem.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineRegistry, initializeWeights, matrixFromRows, mlp, ModelFileError, optimizer, Rng, rowOf, type ModelFile } from '@twinprop/core';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { tfjsEngineProvider } from '@twinprop/engine-tfjs/provider';
import type { LayersModel, Tensor2D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTfjs, readTfjsModel, writeTfjsExport } from './index.js';
import { maxAbsDifference, tfjs, tfjsPredict } from './testing/index.js';

/** Forward: float32 runtimes on both sides, absolute. */
const PREDICTION_TOLERANCE = 1e-6;
/** Gradients: float32 (tfjs) against float32 and float64 engines, |a − b| ≤ atol + rtol·|b|. */
const GRADIENT_ATOL = 1e-6;
const GRADIENT_RTOL = 1e-4;

const registry = new EngineRegistry().register(referenceEngineProvider).register(tfjsEngineProvider);
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twinprop-import-'));
});
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** Saves a tfjs model the way tfjs's own file handlers do: model.json (getModelJSONForModelArtifacts) and weights.bin. */
async function saveWithTfjs(model: LayersModel, folder: string): Promise<string> {
  const tf = await tfjs();
  await mkdir(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      // The fields tfjs's file and download handlers write (its getModelJSONForModelArtifacts, which tf.io does not export).
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: manifest,
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
      };
      await writeFile(join(folder, 'model.json'), JSON.stringify(modelJson));
      await writeFile(join(folder, 'weights.bin'), bytes);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(folder, 'model.json');
}

const X = [
  [0.3, -1.2, 0.8],
  [1.5, 0.4, -0.6],
  [-0.9, 0.1, 0.2],
  [0.05, 2.0, -1.1],
  [-1.4, -0.7, 1.3],
];

describe('a model built and saved by TensorFlow.js imports with its predictions and gradients', () => {
  it('Dense(tanh) → Dense + LeakyReLU(0.01) → Dense + Softmax layer: predictions, and softmax cross-entropy gradients on reference/float64, reference/float32 and tfjs/cpu', async () => {
    const tf = await tfjs();
    const built = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 5, activation: 'tanh', name: 'hidden_a' }),
        tf.layers.dense({ units: 4, name: 'hidden_b' }),
        tf.layers.leakyReLU({ alpha: 0.01 }),
        tf.layers.dense({ units: 3, name: 'logits' }),
        tf.layers.softmax(),
      ],
    });
    built.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
    const path = await saveWithTfjs(built, join(dir, 'softmax'));
    const { modelFile } = await readTfjsModel(path);
    expect(modelFile.spec).toEqual(mlp(3, [[5, 'tanh'], [4, 'leakyRelu']], [3, 'softmax']));
    expect(modelFile.training.loss).toBe('softmaxCrossEntropy');

    const Y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]];
    const expected = await tfjsPredict(built, X);
    // tfjs's own gradients of the mean categorical cross-entropy, by variable name.
    const xs = tf.tensor2d(X);
    const ys = tf.tensor2d(Y);
    const { grads } = tf.variableGrads(() => tf.mean(tf.losses.softmaxCrossEntropy(ys, tf.log(built.predict(xs) as Tensor2D))));
    const tfGrads = Object.fromEntries(await Promise.all(Object.entries(grads).map(async ([name, g]) => [name, Array.from(await g.data())] as const)));
    await compareOnEngines(modelFile, ['hidden_a', 'hidden_b', 'logits'], expected, tfGrads, Y);
  });

  it('Dense → Activation(relu) → Dense(sigmoid), a binary model with mean squared error gradients', async () => {
    const tf = await tfjs();
    const built = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 4, name: 'first' }), tf.layers.activation({ activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' })],
    });
    const path = await saveWithTfjs(built, join(dir, 'relu'));
    const { modelFile } = await readTfjsModel(path, { loss: 'meanSquaredError' });
    expect(modelFile.spec).toEqual(mlp(3, [[4, 'relu']], [1, 'sigmoid']));
    const Y = [[1], [0], [1], [1], [0]];
    const expected = await tfjsPredict(built, X);
    const xs = tf.tensor2d(X);
    const ys = tf.tensor2d(Y);
    const { grads } = tf.variableGrads(() => tf.mean(tf.losses.meanSquaredError(ys, built.predict(xs) as Tensor2D)));
    const tfGrads = Object.fromEntries(await Promise.all(Object.entries(grads).map(async ([name, g]) => [name, Array.from(await g.data())] as const)));
    await compareOnEngines(modelFile, ['first', 'out'], expected, tfGrads, Y);
  });
});

async function compareOnEngines(file: ModelFile, layerNames: string[], expected: number[][], tfGrads: Record<string, number[]>, y: number[][]): Promise<void> {
  for (const id of ['reference/float64', 'reference/float32', 'tfjs/cpu']) {
    const engine = await registry.create(id);
    const model = engine.createModel(file.spec, file.weights.dtype === engine.dtype ? file.weights : { ...file.weights, dtype: engine.dtype, layers: file.weights.layers.map((l) => ({ kernel: { shape: l.kernel.shape, data: engine.dtype === 'float64' ? Float64Array.from(l.kernel.data) : Float32Array.from(l.kernel.data) }, bias: { shape: l.bias.shape, data: engine.dtype === 'float64' ? Float64Array.from(l.bias.data) : Float32Array.from(l.bias.data) } })) }, file.training);
    const out = model.predict(matrixFromRows(X, engine.dtype));
    const predictions = Array.from({ length: out.rows }, (_, r) => rowOf(out, r));
    expect(maxAbsDifference(predictions, expected), `${id} predictions vs tfjs-layers`).toBeLessThanOrEqual(PREDICTION_TOLERANCE);
    const { gradients } = model.lossAndGradients({ x: matrixFromRows(X, engine.dtype), y: matrixFromRows(y, engine.dtype) });
    layerNames.forEach((name, i) => {
      for (const part of ['kernel', 'bias'] as const) {
        const theirs = tfGrads[Object.keys(tfGrads).find((k) => k.endsWith(`${name}/${part}`)) ?? ''];
        expect(theirs, `tfjs gradient of ${name}/${part}`).toBeDefined();
        const ours = Array.from(gradients.layers[i]![part].data);
        expect(ours).toHaveLength(theirs!.length);
        ours.forEach((g, k) => expect(Math.abs(g - theirs![k]!), `${id} ${name}/${part}[${k}]: ${g} vs tfjs ${theirs![k]}`).toBeLessThanOrEqual(GRADIENT_ATOL + GRADIENT_RTOL * Math.abs(theirs![k]!)));
      }
    });
    model.dispose();
  }
}

function modelOf(dtype: 'float32' | 'float64', standardization?: { mean: number[]; std: number[] }): ModelFile {
  const spec = mlp(3, [[4, 'relu'], [3, 'leakyRelu']], [2, 'softmax']);
  return {
    spec,
    training: { loss: 'softmaxCrossEntropy', optimizer: optimizer('adam') },
    weights: initializeWeights(spec, new Rng(11), dtype),
    metadata: { classNames: ['no', 'yes'], ...(standardization === undefined ? {} : { standardization }) },
  };
}

function bits(data: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(data).buffer));
}

describe('round trip twinprop → tfjs → twinprop', () => {
  it('keeps float32 weights bit for bit, and the spec, loss and class names', async () => {
    const original = modelOf('float32');
    const paths = await writeTfjsExport(join(dir, 'trip32'), exportTfjs(original));
    const { modelFile } = await readTfjsModel(paths.modelJson, { loss: 'softmaxCrossEntropy' });
    expect(modelFile.spec).toEqual(original.spec);
    expect(modelFile.metadata.classNames).toEqual(['no', 'yes']);
    original.weights.layers.forEach((layer, i) => {
      const back = modelFile.weights.layers[i]!;
      expect(back.kernel.data).toBeInstanceOf(Float32Array);
      expect(new Uint32Array((back.kernel.data as Float32Array).buffer)).toEqual(new Uint32Array((layer.kernel.data as Float32Array).slice().buffer));
      expect(new Uint32Array((back.bias.data as Float32Array).buffer)).toEqual(new Uint32Array((layer.bias.data as Float32Array).slice().buffer));
    });
  });

  it('brings float64 weights back as their float32 rounding, bit for bit, and says so', async () => {
    const original = modelOf('float64');
    const exported = exportTfjs(original);
    expect(exported.report.rounding.from).toBe('float64');
    expect(exported.report.rounding.changed).toBeGreaterThan(0);
    expect(exported.report.rounding.maxRelativeChange).toBeLessThanOrEqual(2 ** -24);
    expect(exported.modelJson.userDefinedMetadata.twinprop.rounding).toMatch(/float64 weights were rounded to float32/);
    const paths = await writeTfjsExport(join(dir, 'trip64'), exported);
    const { modelFile } = await readTfjsModel(paths.modelJson);
    original.weights.layers.forEach((layer, i) => {
      expect(bits(modelFile.weights.layers[i]!.kernel.data)).toEqual(bits(layer.kernel.data));
      expect(bits(modelFile.weights.layers[i]!.bias.data)).toEqual(bits(layer.bias.data));
    });
  });
});

describe('folding the standardization into the first layer', () => {
  it('W′ = W/σ, b′ = b − Σ(μ/σ)·W on a hand-computed example', () => {
    const spec = mlp(2, [], [1, 'linear']);
    const file: ModelFile = {
      spec,
      training: { loss: 'meanSquaredError', optimizer: optimizer('sgd') },
      weights: { dtype: 'float64', layers: [{ kernel: { shape: [2, 1], data: Float64Array.from([2, 4]) }, bias: { shape: [1], data: Float64Array.from([1]) } }] },
      metadata: { standardization: { mean: [1, 2], std: [2, 4] } },
    };
    // W′ = (2/2, 4/4) = (1, 1); b′ = 1 − (1/2·2 + 2/4·4) = −2. On x = (3, 6): 3 + 6 − 2 = 7 = ((3−1)/2·2 + (6−2)/4·4 + 1).
    const bin = exportTfjs(file).weightsBin;
    expect(Array.from(new Float32Array(bin.buffer.slice(0)))).toEqual([1, 1, -2]);
    expect(exportTfjs(file).report.standardizationFolded).toBe(true);
  });
});

describe('bad files are refused naming the file and the problem', () => {
  async function exported(name: string): Promise<{ folder: string; modelJson: string; json: Record<string, unknown> }> {
    const folder = join(dir, `bad-${name}`);
    const paths = await writeTfjsExport(folder, exportTfjs(modelOf('float32')));
    return { folder, modelJson: paths.modelJson, json: JSON.parse(await readFile(paths.modelJson, 'utf8')) as Record<string, unknown> };
  }
  type Layers = Array<{ class_name: string; config: Record<string, unknown> }>;
  const layersOf = (json: Record<string, unknown>): Layers => (json.modelTopology as { config: { layers: Layers } }).config.layers;

  async function refused(path: string, message: RegExp): Promise<void> {
    const error = await readTfjsModel(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(message);
  }

  it('an unsupported layer (Conv2D), naming it', async () => {
    const { modelJson, json } = await exported('conv');
    layersOf(json).splice(1, 0, { class_name: 'Conv2D', config: { name: 'conv2d_1', filters: 8 } });
    await writeFile(modelJson, JSON.stringify(json));
    await refused(modelJson, /model\.json: layer 1 "conv2d_1" \(Conv2D\): is not supported; twinprop imports Sequential models of Dense layers/);
  });

  it('a Dropout layer, with why', async () => {
    const { modelJson, json } = await exported('dropout');
    layersOf(json).splice(1, 0, { class_name: 'Dropout', config: { name: 'dropout_1', rate: 0.5 } });
    await writeFile(modelJson, JSON.stringify(json));
    await refused(modelJson, /layer 1 "dropout_1" \(Dropout\): is not supported — twinprop's engines train without dropout/);
  });

  it('a LeakyReLU with another slope', async () => {
    const { modelJson, json } = await exported('alpha');
    const leaky = layersOf(json).find((l) => l.class_name === 'LeakyReLU')!;
    leaky.config.alpha = 0.3;
    await writeFile(modelJson, JSON.stringify(json));
    await refused(modelJson, /\(LeakyReLU\): alpha 0\.3 is not twinprop's leakyRelu slope 0\.01/);
  });

  it('a truncated weights.bin', async () => {
    const { folder, modelJson } = await exported('short');
    const bytes = await readFile(join(folder, 'weights.bin'));
    await writeFile(join(folder, 'weights.bin'), bytes.subarray(0, bytes.length - 6));
    await refused(modelJson, /weights\.bin: holds \d+ bytes, but the weights manifest in .*model\.json describes \d+ \(\d+ float32 values\): 6 bytes short — the file is truncated/);
  });

  it('an oversized weights.bin', async () => {
    const { folder, modelJson } = await exported('long');
    const bytes = await readFile(join(folder, 'weights.bin'));
    await writeFile(join(folder, 'weights.bin'), Buffer.concat([bytes, Buffer.alloc(8)]));
    await refused(modelJson, /weights\.bin: holds \d+ bytes, .*: 8 bytes too many/);
  });

  it('a manifest whose shapes disagree with the topology', async () => {
    const { modelJson, json } = await exported('shape');
    const weights = (json.weightsManifest as Array<{ weights: Array<{ name: string; shape: number[] }> }>)[0]!.weights;
    weights[0]!.shape = [4, 3];
    await writeFile(modelJson, JSON.stringify(json));
    await refused(modelJson, /model\.json: weightsManifest: dense_0\/kernel has shape \[4, 3\], but the topology needs \[3, 4\]/);
  });

  it('a missing weights file', async () => {
    const { folder, modelJson } = await exported('missing');
    await rm(join(folder, 'weights.bin'));
    await refused(modelJson, /weights\.bin: the weights file named in .*model\.json is missing/);
  });

  it('a weights path that leaves the folder', async () => {
    const { modelJson, json } = await exported('escape');
    (json.weightsManifest as Array<{ paths: string[] }>)[0]!.paths = ['../../etc/passwd'];
    await writeFile(modelJson, JSON.stringify(json));
    await refused(modelJson, /must be a file name relative to model\.json's folder/);
  });

  it('a graph model, and a functional model', async () => {
    const { modelJson, json } = await exported('graph');
    await writeFile(modelJson, JSON.stringify({ ...json, format: 'graph-model' }));
    await refused(modelJson, /only TensorFlow\.js LayersModels \("layers-model"\) can be imported/);
    await writeFile(modelJson, JSON.stringify({ ...json, modelTopology: { class_name: 'Functional', config: { layers: [] } } }));
    await refused(modelJson, /modelTopology is a "Functional" model/);
  });
});
