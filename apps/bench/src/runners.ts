import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initializeWeights, layersOf, optimizer, Rng, type Matrix, type Model, type PreparedData, type Weights } from '@twinprop/core';
import { engines } from '@twinprop/toolkit';
import { describeContender, type ContenderId } from './contenders.js';
import { loadRawBackend, RawTfjsModel, type RawActivation, type RawLayer, type RawLoss } from './raw-tfjs.js';
import { WORKLOAD_SEED, type Workload, type WorkloadData } from './workloads.js';

/** One contender set up on one workload. */
export interface Runner {
  readonly engine: ContenderId;
  /**
   * `steps` training steps on consecutive batches of the workload's row order (wrapping around).
   * Unless `lossAtEnd` is false, the last step returns its loss, which forces any pending device
   * work to finish; otherwise no step asks for the loss and the result is NaN.
   */
  train(steps: number, lossAtEnd?: boolean): number;
  /** One prediction over the workload's prediction rows. */
  predict(): void;
  dispose(): void;
}

const require = createRequire(import.meta.url);

function wasmFolder(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
}

/** The initial weights every contender starts from (core's seeded initializer). */
export function initialWeights(w: Workload): Weights {
  return initializeWeights(w.spec, new Rng(WORKLOAD_SEED), 'float64');
}

/** A core {@link Model} (reference or tfjs engine) walking the workload's batches. */
class ModelRunner implements Runner {
  private next = 0;
  /** Reused for every step so that the loop itself allocates nothing. */
  private readonly rows: { order: Int32Array; start: number; end: number };

  constructor(
    readonly engine: ContenderId,
    private readonly model: Model,
    private readonly prepared: PreparedData,
    private readonly predictRows: Matrix,
    private readonly batchSize: number,
    private readonly batches: number,
    order: Int32Array,
  ) {
    this.rows = { order, start: 0, end: batchSize };
  }

  train(steps: number, lossAtEnd = true): number {
    let loss = Number.NaN;
    const lossStep = lossAtEnd ? steps - 1 : -1;
    for (let i = 0; i < steps; i++) {
      this.rows.start = this.next * this.batchSize;
      this.rows.end = this.rows.start + this.batchSize;
      this.next = this.next + 1 === this.batches ? 0 : this.next + 1;
      const value = this.model.trainStep(this.prepared, this.rows, i === lossStep);
      if (value !== undefined) loss = value;
    }
    return loss;
  }

  predict(): void {
    this.model.predict(this.predictRows);
  }

  dispose(): void {
    this.prepared.dispose();
    this.model.dispose();
  }
}

class RawRunner implements Runner {
  private next = 0;

  constructor(
    readonly engine: ContenderId,
    private readonly model: RawTfjsModel,
    private readonly predictRows: Matrix,
    private readonly batchSize: number,
    private readonly batches: number,
    private readonly order: Int32Array,
  ) {}

  train(steps: number, lossAtEnd = true): number {
    let loss = Number.NaN;
    const lossStep = lossAtEnd ? steps - 1 : -1;
    for (let i = 0; i < steps; i++) {
      const start = this.next * this.batchSize;
      this.next = this.next + 1 === this.batches ? 0 : this.next + 1;
      const value = this.model.trainStep(this.order, start, start + this.batchSize, i === lossStep);
      if (value !== undefined) loss = value;
    }
    return loss;
  }

  predict(): void {
    this.model.predict(this.predictRows.data as Float32Array, this.predictRows.rows);
  }

  dispose(): void {
    this.model.dispose();
  }
}

function rawActivation(a: string): RawActivation {
  switch (a) {
    case 'linear':
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'softmax':
      return a;
    default:
      throw new Error(`raw tfjs: activation ${a} is not part of the benchmark`);
  }
}

/** The losses the hand-written tfjs baseline implements; the others are not part of the benchmark. */
const RAW_LOSSES: readonly string[] = ['binaryCrossEntropy', 'softmaxCrossEntropy'] satisfies readonly RawLoss[];

function rawLoss(w: Workload): RawLoss {
  if (!RAW_LOSSES.includes(w.loss)) throw new Error(`raw tfjs: ${w.loss} is not part of the benchmark`);
  return w.loss as RawLoss;
}

/**
 * Sets up `engine` on the workload, from the shared initial weights. Twinprop's engines come from
 * the engine registry; raw tfjs loads its backend the plain tfjs way.
 */
export async function createRunner(
  engine: ContenderId,
  w: Workload,
  data: WorkloadData,
  weights: Weights,
  rawOptions: { readonly layerOps?: 'fused' | 'fused-linear' | 'plain' } = {},
): Promise<Runner> {
  const c = describeContender(engine);
  const training = { loss: w.loss, optimizer: optimizer('sgd', { learningRate: w.learningRate }) };
  switch (c.kind) {
    case 'reference':
    case 'tfjs': {
      const resolved = await engines.resolve(c.id);
      const model = resolved.engine.createModel(w.spec, weights, training);
      const predictRows = resolved.variant.dtype === 'float32' ? data.predict32 : data.predict64;
      return new ModelRunner(engine, model, model.prepare(data.train), predictRows, w.batchSize, data.batches, data.order);
    }
    case 'raw-tfjs': {
      if (c.backend === 'tensorflow') {
        if (tf.findBackend('tensorflow') === null) throw new Error('the tensorflow backend (tfjs-node) is not loaded');
      } else {
        await loadRawBackend(c.backend, wasmFolder(), path.dirname(require.resolve('@twinprop/engine-tfjs/package.json')));
      }
      const activations = layersOf(w.spec);
      const layers: RawLayer[] = weights.layers.map((layer, i) => ({
        inputs: layer.kernel.shape[0] ?? 0,
        outputs: layer.kernel.shape[1] ?? 0,
        activation: rawActivation(activations[i]?.activation ?? 'linear'),
        kernel: Float32Array.from(layer.kernel.data),
        bias: Float32Array.from(layer.bias.data),
      }));
      const model = new RawTfjsModel({
        backend: c.backend,
        layers,
        loss: rawLoss(w),
        learningRate: w.learningRate,
        x: Float32Array.from(data.train.x.data),
        y: Float32Array.from(data.train.y.data),
        rows: data.train.x.rows,
        ...rawOptions,
      });
      return new RawRunner(engine, model, data.predict32, w.batchSize, data.batches, data.order);
    }
  }
}
