import * as tf from '@tensorflow/tfjs-core';
import {
  accuracy,
  BackendUnavailableError,
  compareArrays,
  fit,
  initializeWeights,
  matrix,
  matrixFromRows,
  mlp,
  optimizer,
  Rng,
  SpecError,
  UnsupportedFeatureError,
  type Batch,
  type Model,
  type RelTolerance,
  type TrainingConfig,
} from '@twinprop/core';
import { describe, expect, it, vi } from 'vitest';
import { availableBackends, TFJS_BACKENDS } from './backend.js';
import { createTfjsEngine, TfjsEngine } from './engine.js';
import { TfjsPreparedData } from './model.js';

const XOR: Batch = {
  x: matrixFromRows([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]),
  y: matrix(4, 1, [0, 1, 1, 0]),
};
const BCE_SGD: TrainingConfig = { loss: 'binaryCrossEntropy', optimizer: optimizer('sgd', { learningRate: 0.5 }) };

function randomBatch(rows: number, inputs: number, rng: Rng): Batch {
  return {
    x: matrix(rows, inputs, Array.from({ length: rows * inputs }, () => rng.uniform(-1, 1)), 'float32'),
    y: matrix(rows, 1, Array.from({ length: rows }, () => rng.int(2)), 'float32'),
  };
}

const [nativeStatus] = await availableBackends(['tensorflow']);
const nativeMissing = nativeStatus !== undefined && !nativeStatus.available;
if (!nativeMissing) console.warn('[engine-tfjs] @tensorflow/tfjs-node loads here: skipping the "tfjs-node is missing" error test');

describe('createTfjsEngine', () => {
  it('refuses float64, naming the engine and the feature', async () => {
    const attempt = createTfjsEngine({ backend: 'cpu', dtype: 'float64' });
    await expect(attempt).rejects.toThrow(UnsupportedFeatureError);
    await expect(attempt).rejects.toMatchObject({ engine: 'tfjs', feature: 'dtype float64' });
    await expect(attempt).rejects.toThrow(/tfjs engine: dtype float64 is not supported/);
  });

  it('rejects an unknown backend name', async () => {
    await expect(createTfjsEngine({ backend: 'metal' as never })).rejects.toThrow(SpecError);
  });

  it.skipIf(!nativeMissing)('explains what is missing and how to install it when tensorflow is asked for without tfjs-node', async () => {
    const attempt = createTfjsEngine({ backend: 'tensorflow' });
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(attempt).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', backend: 'tensorflow' });
    const message = await attempt.then(
      () => '',
      (error: unknown) => (error as Error).message,
    );
    expect(message).toContain('@tensorflow/tfjs-node');
    expect(message).toContain('npm install @tensorflow/tfjs-node');
    expect(message).toContain('libtensorflow');
    expect(message).toContain('TFJS_NODE_CDN_STORAGE');
    expect(message).toContain('TFJS_NODE_BASE_URI');
    expect(message).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
  });

  it('auto picks the first backend that loads (tensorflow, then wasm, then cpu) and says which', async () => {
    const status = await availableBackends();
    expect(status.map((s) => s.backend)).toEqual([...TFJS_BACKENDS]);
    for (const s of status) if (!s.available) expect(s.reason.length).toBeGreaterThan(0);
    const first = status.find((s) => s.available);
    const engine = await createTfjsEngine();
    expect(engine.name).toBe('tfjs');
    expect(engine.backend).toBe(first?.backend);
    expect(engine.backendDetail.length).toBeGreaterThan(0);
  });

  it('reports wasm running XNNPACK with SIMD, single-threaded under Node', async () => {
    const engine = await createTfjsEngine({ backend: 'wasm' });
    expect(engine.backendDetail).toMatch(/XNNPACK/);
    expect(engine.backendDetail).toMatch(/single-threaded/);
  });
});

describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
  const engine = (): Promise<TfjsEngine> => createTfjsEngine({ backend });

  it('learns XOR: 2-4-1 tanh/sigmoid with binary cross-entropy reaches 100% accuracy', async () => {
    const spec = mlp(2, [[4, 'tanh']], [1, 'sigmoid']);
    const model = (await engine()).createModel(spec, initializeWeights(spec, new Rng(4), 'float32'), BCE_SGD);
    const result = await fit(model, XOR, { epochs: 1000, batchSize: 4, seed: 1 });
    expect(accuracy(model.predict(XOR.x), XOR.y)).toBe(1);
    expect(result.history.at(-1)?.trainLoss).toBeLessThan(0.1);
    model.dispose();
  });

  it('keeps tf.memory().numTensors flat: the count after 1,000 steps equals the count after 10', async () => {
    const spec = mlp(3, [[8, 'relu'], [8, 'tanh']], [1, 'sigmoid']);
    const rng = new Rng(5);
    const start = tf.memory().numTensors;
    const model = (await engine()).createModel(spec, initializeWeights(spec, rng, 'float32'), {
      ...BCE_SGD,
      optimizer: optimizer('adam'),
      regularization: { l1: 1e-4, l2: 1e-3 },
    });
    const data = model.prepare(randomBatch(64, 3, rng));
    let order: Int32Array = Int32Array.from({ length: 64 }, (_, i) => i);
    const counts: Record<number, number> = {};
    for (let step = 1; step <= 1000; step++) {
      if (step % 8 === 1) order = new Rng(step).permutation(64); // a new epoch: a new order array
      const at = ((step - 1) % 8) * 8;
      model.trainStep(data, { order, start: at, end: at + 8 }, step % 2 === 0);
      if (step === 10 || step === 1000) counts[step] = tf.memory().numTensors;
    }
    console.log(`[tfjs/${backend}] live tensors: ${start} before the model, ${counts[10]} after 10 steps, ${counts[1000]} after 1000 steps`);
    expect(counts[1000]).toBe(counts[10]);
    // predict, loss, gradients and weights leave nothing behind either.
    const before = tf.memory().numTensors;
    model.predict(randomBatch(5, 3, rng).x);
    model.loss(randomBatch(5, 3, rng));
    model.lossAndGradients(randomBatch(5, 3, rng));
    model.setWeights(model.getWeights());
    model.setOptimizerState(model.getOptimizerState());
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('syncs with the host in trainStep only for the loss, and only when asked', async () => {
    const spec = mlp(2, [[4, 'tanh']], [1, 'sigmoid']);
    const model = (await engine()).createModel(spec, initializeWeights(spec, new Rng(6), 'float32'), BCE_SGD);
    const data = model.prepare(XOR);
    const order = Int32Array.from([0, 1, 2, 3]);
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const data_ = vi.spyOn(tf.Tensor.prototype, 'data');
    const arraySync = vi.spyOn(tf.Tensor.prototype, 'arraySync');
    try {
      for (let i = 0; i < 5; i++) model.trainStep(data, { order, start: 0, end: 4 }, false);
      expect(dataSync.mock.calls.length + data_.mock.calls.length + arraySync.mock.calls.length).toBe(0);
      for (let i = 0; i < 5; i++) model.trainStep(data, { order, start: 0, end: 4 }, true);
      expect(dataSync).toHaveBeenCalledTimes(5);
    } finally {
      vi.restoreAllMocks();
      model.dispose();
    }
  });

  it('uploads an epoch order once and reuses it for every batch of that order', async () => {
    const spec = mlp(2, [], [1, 'sigmoid']);
    const model = (await engine()).createModel(spec, initializeWeights(spec, new Rng(7), 'float32'), BCE_SGD);
    const data = model.prepare(XOR);
    expect(data).toBeInstanceOf(TfjsPreparedData);
    const prepared = data as TfjsPreparedData;
    const order = Int32Array.from([3, 1, 0, 2]);
    const first = prepared.orderTensor(order, 0, 2);
    expect(prepared.orderTensor(order, 2, 4)).toBe(first);
    const next = Int32Array.from([0, 1, 2, 3]);
    const second = prepared.orderTensor(next, 0, 2);
    expect(second).not.toBe(first);
    expect(first.isDisposed).toBe(true);
    next[1] = 3; // changed in place: the rows in use differ from the upload, so upload again
    expect(prepared.orderTensor(next, 0, 2)).not.toBe(second);
    expect(() => prepared.orderTensor(Int32Array.from([0, 9]), 0, 2)).toThrow(/outside the prepared data's rows/);
    model.dispose();
    expect(prepared.isDisposed).toBe(true);
  });

  it('refuses to be used after dispose()', async () => {
    const spec = mlp(2, [], [1, 'sigmoid']);
    const model = (await engine()).createModel(spec, initializeWeights(spec, new Rng(8), 'float32'), BCE_SGD);
    model.dispose();
    model.dispose();
    expect(() => model.predict(XOR.x)).toThrow(/disposed/);
  });
});

describe('several engines on different backends in one process', () => {
  it('each model switches tfjs to its own backend and gives the results it gives alone', async () => {
    const [cpu, wasm] = await Promise.all([createTfjsEngine({ backend: 'cpu' }), createTfjsEngine({ backend: 'wasm' })]);
    const spec = mlp(2, [[6, 'tanh']], [1, 'sigmoid']);
    const weights = initializeWeights(spec, new Rng(9), 'float32');
    const batch = randomBatch(16, 2, new Rng(10));
    const train = (models: Model[]): void => {
      const prepared = models.map((m) => m.prepare(batch));
      const order = Int32Array.from({ length: 16 }, (_, i) => i);
      for (let step = 0; step < 20; step++) {
        models.forEach((m, i) => {
          m.trainStep(prepared[i]!, { order, start: (step % 4) * 4, end: (step % 4) * 4 + 4 });
          expect(tf.getBackend()).toBe(m.backend);
        });
      }
      for (const p of prepared) p.dispose();
    };
    const aloneCpu = cpu.createModel(spec, weights, BCE_SGD);
    train([aloneCpu]);
    const aloneWasm = wasm.createModel(spec, weights, BCE_SGD);
    train([aloneWasm]);
    const mixed = [cpu.createModel(spec, weights, BCE_SGD), wasm.createModel(spec, weights, BCE_SGD)];
    train(mixed);
    expect(mixed[0]!.getWeights()).toEqual(aloneCpu.getWeights());
    expect(mixed[1]!.getWeights()).toEqual(aloneWasm.getWeights());
    // The two backends agree to float32 rounding. The outputs are sigmoid probabilities (≤ 1), so
    // with floor 1 core's relative error is the absolute difference: |cpu − wasm| ≤ 1e-5.
    const backendsAgree: RelTolerance = { rtol: 1e-5, floor: 1 };
    const diff = compareArrays(mixed[0]!.predict(batch.x).data, mixed[1]!.predict(batch.x).data, backendsAgree.floor);
    expect(diff.maxRel, `row ${diff.worstIndex}: cpu ${diff.worstA}, wasm ${diff.worstB}`).toBeLessThanOrEqual(backendsAgree.rtol);
    for (const m of [aloneCpu, aloneWasm, ...mixed]) m.dispose();
  });

  it('rejects data prepared on another backend', async () => {
    const [cpu, wasm] = await Promise.all([createTfjsEngine({ backend: 'cpu' }), createTfjsEngine({ backend: 'wasm' })]);
    const spec = mlp(2, [], [1, 'sigmoid']);
    const onCpu = cpu.createModel(spec, initializeWeights(spec, new Rng(1), 'float32'), BCE_SGD);
    const onWasm = wasm.createModel(spec, initializeWeights(spec, new Rng(1), 'float32'), BCE_SGD);
    const data = onCpu.prepare(XOR);
    expect(() => onWasm.trainStep(data, { order: Int32Array.from([0, 1]), start: 0, end: 2 })).toThrow(/prepared on the cpu backend/);
    onCpu.dispose();
    onWasm.dispose();
  });

  it('the constructor needs an initialized backend', () => {
    expect(() => new TfjsEngine('tensorflow')).toThrow(BackendUnavailableError);
  });
});
