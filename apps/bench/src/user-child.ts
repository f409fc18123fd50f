/**
 * One whole training run of the user path in its own process (`node user-child.js '<task>'`):
 * `fit` — what a library user writes around core's `fit` — or `layers` — what a TensorFlow.js
 * user writes with tfjs-layers instead. Prints one line starting with USER_RESULT_MARKER.
 */
import { createRequire } from 'node:module';
import type * as Tf from '@tensorflow/tfjs';
import path from 'node:path';
import { deriveSeed, epochOrder, evaluateModel, fit, initializeWeights, optimizer, Rng, type Weights } from '@twinprop/core';
import { engines, useReferenceThreads } from '@twinprop/toolkit';
import { scenarioSpec, USER_RESULT_MARKER, userData, userScenario, type UserChildTask, type UserScenario } from './user-path.js';

const require = createRequire(import.meta.url);

function initial(s: UserScenario, dtype: 'float32' | 'float64', seed: number): Weights {
  // As `twinprop train --seed <seed>` draws them.
  return initializeWeights(scenarioSpec(s), new Rng(deriveSeed(seed, 'init')), dtype);
}

/** Core's `fit` with the test set evaluated after every epoch, then the final evaluation. */
async function withFit(s: UserScenario, engineId: string, seed: number): Promise<object> {
  const { train, test } = userData(s, seed);
  const resolved = await engines.resolve(engineId);
  if (resolved.engine.name === 'reference') useReferenceThreads();
  const spec = scenarioSpec(s);
  const model = resolved.engine.createModel(spec, initial(s, resolved.engine.dtype, seed), {
    loss: s.loss,
    optimizer: optimizer(s.optimizer, { learningRate: s.learningRate }),
  });
  const result = await fit(model, train, { epochs: s.epochs, batchSize: s.batchSize, seed, task: train.task, test });
  const final = { train: evaluateModel(model, train, train.task), test: evaluateModel(model, test, train.task) };
  model.dispose();
  return {
    samplesPerSecond: result.samplesPerSecond,
    testAccuracy: final.test.accuracy ?? Number.NaN,
    trainAccuracy: final.train.accuracy ?? Number.NaN,
    testLoss: final.test.loss,
  };
}

/**
 * The benchmark's hot loop on the same model and data: `trainStep` over the batches of one fixed
 * shuffle, as many steps as the scenario's epochs make, after 50 steps of warm-up; the loss only
 * from the last step (which also waits for any pending work). No evaluation until the end. Also
 * reported: the throughput counted from the first warm-up step, as a CLI run counts its own.
 */
async function withLoop(s: UserScenario, engineId: string, seed: number): Promise<object> {
  const { train, test } = userData(s, seed);
  const resolved = await engines.resolve(engineId);
  if (resolved.engine.name === 'reference') useReferenceThreads();
  const model = resolved.engine.createModel(scenarioSpec(s), initial(s, resolved.engine.dtype, seed), {
    loss: s.loss,
    optimizer: optimizer(s.optimizer, { learningRate: s.learningRate }),
  });
  const data = model.prepare(train);
  const batches = Math.floor(train.x.rows / s.batchSize);
  const rows = { order: epochOrder(train.x.rows, seed, 1), start: 0, end: s.batchSize };
  const step = (i: number, returnLoss: boolean): void => {
    rows.start = (i % batches) * s.batchSize;
    rows.end = rows.start + s.batchSize;
    model.trainStep(data, rows, returnLoss);
  };
  const warmUpSteps = 50;
  const firstStep = performance.now();
  for (let i = 0; i < warmUpSteps; i++) step(i, i === warmUpSteps - 1);
  const steps = batches * s.epochs;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step(i, i === steps - 1);
  const end = performance.now();
  const seconds = (end - t0) / 1000;
  data.dispose();
  const final = { train: evaluateModel(model, train, train.task), test: evaluateModel(model, test, train.task) };
  model.dispose();
  return {
    samplesPerSecond: (steps * s.batchSize) / seconds,
    samplesPerSecondFromFirstStep: ((warmUpSteps + steps) * s.batchSize) / ((end - firstStep) / 1000),
    testAccuracy: final.test.accuracy ?? Number.NaN,
    trainAccuracy: final.train.accuracy ?? Number.NaN,
    testLoss: final.test.loss,
  };
}

/**
 * The script a TensorFlow.js user would write: a `tf.sequential` of dense layers, `compile` with
 * the optimizer and the loss, `fit` with a fresh shuffle every epoch and the test set as
 * validation data (evaluated after every epoch; train accuracy from the epoch's batches), then
 * `evaluate` on both sets. The initial weights are set to twinprop's, so accuracies compare.
 *
 * No callbacks: a per-batch callback makes tfjs-layers read each batch's loss and accuracy back
 * before it calls it (`resolveScalarsInLogs`), which slowed this script by ~5%. So the training
 * time is `fit`'s own duration, its per-epoch validation included (on MNIST, 2,000 rows forward
 * per epoch: about 1% of it) — which, if anything, understates tfjs-layers' samples/s.
 */
async function withLayers(s: UserScenario, backend: string, seed: number): Promise<object> {
  const tf: typeof Tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not initialize its ${backend} backend`);
  await tf.ready();
  const { train, test } = userData(s, seed);
  const layers = [...s.hidden, s.output].map(([units, activation], i) =>
    tf.layers.dense({ units, activation: activation as 'relu' | 'tanh' | 'sigmoid' | 'softmax', ...(i === 0 ? { inputShape: [train.x.cols] } : {}) }),
  );
  const model = tf.sequential({ layers });
  const start = initial(s, 'float32', seed);
  model.setWeights(start.layers.flatMap((l) => [tf.tensor(l.kernel.data, [...l.kernel.shape]), tf.tensor(l.bias.data, [...l.bias.shape])]));
  const adam = s.optimizer === 'adam';
  model.compile({
    optimizer: adam ? tf.train.adam(s.learningRate) : tf.train.sgd(s.learningRate),
    loss: s.loss === 'softmaxCrossEntropy' ? 'categoricalCrossentropy' : 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  const xs = tf.tensor2d(Float32Array.from(train.x.data), [train.x.rows, train.x.cols]);
  const ys = tf.tensor2d(Float32Array.from(train.y.data), [train.y.rows, train.y.cols]);
  const testXs = tf.tensor2d(Float32Array.from(test.x.data), [test.x.rows, test.x.cols]);
  const testYs = tf.tensor2d(Float32Array.from(test.y.data), [test.y.rows, test.y.cols]);
  const fitStarted = performance.now();
  await model.fit(xs, ys, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    shuffle: true,
    validationData: [testXs, testYs],
    verbose: 0,
  });
  const trainingMs = performance.now() - fitStarted;
  const evaluate = (x: typeof xs, y: typeof ys): number[] => {
    const out = model.evaluate(x, y) as Tf.Scalar[];
    return out.map((t) => t.dataSync()[0] ?? Number.NaN);
  };
  const [, trainAccuracy] = evaluate(xs, ys);
  const [testLoss, testAccuracy] = evaluate(testXs, testYs);
  return { samplesPerSecond: (train.x.rows * s.epochs) / (trainingMs / 1000), testAccuracy, trainAccuracy, testLoss };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as UserChildTask;
  const s = userScenario(task.scenario, task.epochs);
  const { way, engine } = task.contender;
  const seed = task.seed;
  const result = way === 'layers' ? await withLayers(s, engine, seed) : way === 'loop' ? await withLoop(s, engine, seed) : await withFit(s, engine, seed);
  process.stdout.write(`${USER_RESULT_MARKER}${JSON.stringify(result)}\n`);
}

await main();
