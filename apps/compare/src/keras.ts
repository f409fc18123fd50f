import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  LEAKY_RELU_ALPHA,
  layersOf,
  UnsupportedFeatureError,
  type Activation,
  type LossName,
  type OptimizerConfig,
  type OptimizerKind,
  type Regularization,
  type Tensor as CoreTensor,
  type Weights,
} from '@twinprop/core';
import type { Scenario } from './scenario.js';
import type { ScenarioSetup } from './setup.js';
import type { TrainingTrace } from './trajectory.js';

/**
 * The third opinion: tfjs-layers' own Keras-style model — `tf.layers.dense` layers, Keras losses,
 * `tf.train.sgd/momentum/adam` through `model.compile`, and its own training step
 * (`model.trainOnBatch`) — fed the same initial weights (via `layer.setWeights`) and the same
 * batches in the same order as the two engines. None of the engines' code runs here.
 */

const requireHere = createRequire(import.meta.url);

/** How tfjs-layers is wired to tfjs-core in this process. */
export interface KerasSetup {
  readonly layersVersion: string;
  readonly coreVersion: string;
  /** True when tfjs-layers resolves the very same @tensorflow/tfjs-core file this harness (and the tfjs engine) load. */
  readonly sameCore: boolean;
  readonly detail: string;
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Checks that `@tensorflow/tfjs-layers` resolves the same `@tensorflow/tfjs-core` as we do (one
 * engine, one kernel registry, one active backend), and that tensors it returns are instances of
 * our `tf.Tensor`.
 */
export function kerasSetup(): KerasSetup {
  const ours = realPath(requireHere.resolve('@tensorflow/tfjs-core'));
  const layersManifest = requireHere.resolve('@tensorflow/tfjs-layers/package.json');
  const theirs = realPath(createRequire(layersManifest).resolve('@tensorflow/tfjs-core'));
  const probe = tf.tidy(() => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 1 })] });
    const out = model.predict(tf.zeros([1, 1])) as unknown;
    const same = out instanceof tf.Tensor;
    model.dispose();
    return same;
  });
  const sameCore = ours === theirs && probe;
  return {
    layersVersion: tfl.version_layers,
    coreVersion: tf.version_core,
    sameCore,
    detail: sameCore
      ? `tfjs-layers ${tfl.version_layers} shares tfjs-core ${tf.version_core} with the tfjs engine`
      : `tfjs-layers resolves ${theirs}, the harness ${ours}${probe ? '' : ' (its tensors are not our tf.Tensor)'}`,
  };
}

/** The activations a Keras Dense layer takes by name. */
type DenseActivation = NonNullable<Parameters<typeof tfl.layers.dense>[0]['activation']>;

/**
 * A core activation in Keras: a Dense layer with its own activation, or a linear Dense layer
 * followed by a layer of its own (LeakyReLU).
 */
interface KerasActivation {
  readonly dense: DenseActivation;
  readonly after?: () => tfl.layers.Layer;
}

/*
 * Core's activations, losses and optimizers as Keras spells them. Partial on purpose: a member
 * core adds compiles without an entry here, and a scenario that uses it runs without the Keras
 * opinion, the reason ({@link kerasGap}) printed in the report.
 */
const KERAS_ACTIVATIONS: Partial<Readonly<Record<Activation, KerasActivation>>> = {
  linear: { dense: 'linear' },
  sigmoid: { dense: 'sigmoid' },
  tanh: { dense: 'tanh' },
  relu: { dense: 'relu' },
  softmax: { dense: 'softmax' },
  leakyRelu: { dense: 'linear', after: () => tfl.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA }) },
};

/** Why an activation has no Keras form, where there is more to say than "none yet". */
const KERAS_ACTIVATION_GAPS: Partial<Readonly<Record<Activation, string>>> = {
  step: 'Keras has no step activation, and step has no useful gradient',
};

/** Keras's name for a core loss; Keras computes cross-entropies from (clipped) probabilities. */
const KERAS_LOSSES: Partial<Readonly<Record<LossName, string>>> = {
  binaryCrossEntropy: 'binaryCrossentropy',
  softmaxCrossEntropy: 'categoricalCrossentropy',
  meanSquaredError: 'meanSquaredError',
};

const KERAS_OPTIMIZERS: { readonly [K in OptimizerKind]?: (config: Extract<OptimizerConfig, { kind: K }>) => tf.Optimizer } = {
  sgd: (config) => tf.train.sgd(config.learningRate),
  momentum: (config) => tf.train.momentum(config.learningRate, config.momentum, config.nesterov),
  adam: (config) => tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon),
};

function kerasOptimizer(config: OptimizerConfig): tf.Optimizer | undefined {
  // Each entry takes its own kind's config; indexing by a union kind needs the widening.
  const build = KERAS_OPTIMIZERS[config.kind] as ((c: OptimizerConfig) => tf.Optimizer) | undefined;
  return build?.(config);
}

/** Why Keras cannot train this scenario as the engines do, or undefined when it can. */
export function kerasGap(scenario: Pick<Scenario, 'spec' | 'training'>): string | undefined {
  for (const layer of layersOf(scenario.spec)) {
    if (KERAS_ACTIVATIONS[layer.activation] === undefined) {
      return KERAS_ACTIVATION_GAPS[layer.activation] ?? `no Keras form of the ${layer.activation} activation in keras.ts`;
    }
  }
  if (KERAS_LOSSES[scenario.training.loss] === undefined) return `no Keras loss for ${scenario.training.loss} in keras.ts`;
  if (KERAS_OPTIMIZERS[scenario.training.optimizer.kind] === undefined) return `no tf.train optimizer for ${scenario.training.optimizer.kind} in keras.ts`;
  const schedule = scenario.training.schedule;
  if (schedule !== undefined && schedule.kind !== 'constant') return `keras.ts trains tf.train optimizers at a constant learning rate (no ${schedule.kind} schedule)`;
  return undefined;
}

/** Core's `λ₁Σ|w| + λ₂·½Σw²` is Keras's `l1l2({ l1: λ₁, l2: λ₂/2 })` (Keras has no ½). */
function kerasRegularizer(regularization: Regularization | undefined): ReturnType<typeof tfl.regularizers.l1l2> | undefined {
  const l1 = regularization?.l1 ?? 0;
  const l2 = regularization?.l2 ?? 0;
  if (l1 === 0 && l2 === 0) return undefined;
  return tfl.regularizers.l1l2({ l1, l2: l2 / 2 });
}

function toTfTensor(t: CoreTensor): tf.Tensor {
  return tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
}

interface KerasModel {
  readonly model: tfl.Sequential;
  /** The Dense layers in order, one per core layer. */
  readonly dense: tfl.layers.Layer[];
  readonly optimizer: tf.Optimizer;
}

function buildKerasModel(setup: ScenarioSetup): KerasModel {
  const { spec, training } = setup.scenario;
  const gap = kerasGap(setup.scenario);
  if (gap !== undefined) throw new UnsupportedFeatureError('keras', setup.scenario.name, gap);
  const loss = KERAS_LOSSES[training.loss];
  const optimizer = kerasOptimizer(training.optimizer);
  if (loss === undefined || optimizer === undefined) throw new UnsupportedFeatureError('keras', setup.scenario.name, 'no Keras form');
  const model = tfl.sequential();
  const dense: tfl.layers.Layer[] = [];
  const regularizer = kerasRegularizer(training.regularization);
  layersOf(spec).forEach((layer, i) => {
    const activation = KERAS_ACTIVATIONS[layer.activation];
    if (activation === undefined) throw new UnsupportedFeatureError('keras', `${layer.activation} activation`, 'no Keras form');
    const d = tfl.layers.dense({
      units: layer.units,
      activation: activation.dense,
      useBias: true,
      ...(i === 0 ? { inputShape: [spec.inputSize] } : {}),
      ...(regularizer === undefined ? {} : { kernelRegularizer: regularizer }),
    });
    model.add(d);
    dense.push(d);
    if (activation.after !== undefined) model.add(activation.after());
  });
  setKerasWeights(dense, setup.initialWeights);
  model.compile({ optimizer, loss });
  return { model, dense, optimizer };
}

function setKerasWeights(dense: readonly tfl.layers.Layer[], weights: Weights): void {
  weights.layers.forEach((layer, i) => {
    const target = dense[i];
    if (target === undefined) throw new Error(`keras model has no layer ${i}`);
    const values = [toTfTensor(layer.kernel), toTfTensor(layer.bias)];
    target.setWeights(values);
    for (const v of values) v.dispose();
  });
}

function getKerasWeights(dense: readonly tfl.layers.Layer[]): Weights {
  return {
    dtype: 'float32',
    layers: dense.map((layer) => {
      const [kernel, bias] = layer.getWeights();
      if (kernel === undefined || bias === undefined) throw new Error('a keras dense layer is missing its kernel or bias');
      return {
        kernel: { shape: [...kernel.shape], data: Float32Array.from(kernel.dataSync()) },
        bias: { shape: [...bias.shape], data: Float32Array.from(bias.dataSync()) },
      };
    }),
  };
}

/** Makes `backend` tfjs-core's active backend (already loaded by the tfjs engine) and checks that it is. */
async function useBackend(backend: string): Promise<void> {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`could not switch TensorFlow.js to the ${backend} backend for tfjs-layers`);
}

/**
 * Trains the Keras model with `trainOnBatch` on the batches of `epochOrder(rows, seed, e)` — the
 * same rows in the same order as core's `fit` gives the engines — on `backend`.
 */
export async function traceKeras(setup: ScenarioSetup, backend: string): Promise<TrainingTrace> {
  const { scenario, data } = setup;
  const started = performance.now();
  await useBackend(backend);
  const keras = buildKerasModel(setup);
  const x = tf.tensor2d(Float32Array.from(data.train.x.data), [data.train.x.rows, data.train.x.cols], 'float32');
  const y = tf.tensor2d(Float32Array.from(data.train.y.data), [data.train.y.rows, data.train.y.cols], 'float32');
  try {
    const rows = data.train.x.rows;
    const batchSize = Math.min(scenario.batchSize, rows);
    const losses: number[] = [];
    let weightsAfterK: Weights | undefined;
    const stepWeights: Weights[] = [];
    let steps = 0;
    for (let epoch = 1; epoch <= scenario.epochs; epoch++) {
      const order = setup.shared.epochOrder(rows, scenario.orderSeed ?? scenario.seed, epoch);
      for (let start = 0; start < rows; start += batchSize) {
        const indices = tf.tensor1d(order.subarray(start, Math.min(rows, start + batchSize)), 'int32');
        const bx = tf.gather(x, indices);
        const by = tf.gather(y, indices);
        // The backend must not have moved under us (every engine call re-activates its own).
        await useBackend(backend);
        const loss = await keras.model.trainOnBatch(bx, by);
        for (const t of [indices, bx, by]) t.dispose();
        steps++;
        if (steps <= scenario.trajectorySteps) {
          losses.push(typeof loss === 'number' ? loss : (loss[0] ?? Number.NaN));
          stepWeights.push(getKerasWeights(keras.dense));
        }
        if (steps === scenario.trajectorySteps) weightsAfterK = getKerasWeights(keras.dense);
      }
    }
    const testX = tf.tensor2d(Float32Array.from(data.test.x.data), [data.test.x.rows, data.test.x.cols], 'float32');
    const out = keras.model.predict(testX) as tf.Tensor;
    const testOutputs = { rows: data.test.x.rows, cols: scenario.spec.output.units, data: Float32Array.from(out.dataSync()) };
    testX.dispose();
    out.dispose();
    return {
      losses,
      weightsAfterK: weightsAfterK ?? getKerasWeights(keras.dense),
      stepWeights,
      steps,
      testOutputs,
      finalWeights: getKerasWeights(keras.dense),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    x.dispose();
    y.dispose();
    keras.model.dispose();
    keras.optimizer.dispose();
  }
}
