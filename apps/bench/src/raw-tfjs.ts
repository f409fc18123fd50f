import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The benchmark's model written directly against TensorFlow.js, with no twinprop code: what a
 * tfjs user would write by hand. Comparing it with twinprop's tfjs engine on the same backend
 * measures what the adapter costs.
 *
 * - Data is uploaded once; each step uploads its batch's row indices and gathers the rows on the
 *   backend (`tf.gather`).
 * - Layers are `tf.fused.matMul` with the bias (and a ReLU, which has a fused gradient) fused in;
 *   tanh and sigmoid are separate ops; the output layer yields logits.
 * - Loss `tf.losses.sigmoidCrossEntropy` / `softmaxCrossEntropy` (mean); update
 *   `tf.train.sgd(η).minimize`, i.e. `tf.variableGrads` then `θ ← θ − η·g`.
 */

export type RawActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax';
export type RawLoss = 'binaryCrossEntropy' | 'softmaxCrossEntropy';

export interface RawLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: RawActivation;
  /** [inputs × outputs] row-major. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
}

export interface RawModelOptions {
  /** A tfjs backend that is already registered and initialized. */
  readonly backend: string;
  readonly layers: readonly RawLayer[];
  readonly loss: RawLoss;
  readonly learningRate: number;
  /** Training features [rows × inputs] and targets [rows × outputs], row-major. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly rows: number;
  /**
   * How a layer is written (diagnosis only; default `fused`):
   * - `fused`: `tf.fused.matMul` with the bias and, for hidden ReLUs, the activation fused. (Under
   *   a gradient tape tfjs itself splits a fused ReLU back into matMul + add + relu.)
   * - `fused-linear`: `tf.fused.matMul` with the bias only, activations as separate ops — what the
   *   twinprop tfjs engine does. Its custom gradient always computes ∂L/∂(input), even for the
   *   input batch, which nothing needs.
   * - `plain`: `tf.add(tf.matMul(h, W), b)`, activations as separate ops.
   */
  readonly layerOps?: 'fused' | 'fused-linear' | 'plain';
}

function applyActivation(activation: RawActivation, z: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'softmax':
      return tf.softmax(z);
  }
}

export class RawTfjsModel {
  private readonly backend: string;
  private readonly layers: readonly RawLayer[];
  private readonly loss: RawLoss;
  private readonly kernels: tf.Variable[] = [];
  private readonly biases: tf.Variable[] = [];
  private readonly x: tf.Tensor2D;
  private readonly y: tf.Tensor2D;
  private readonly optimizer: tf.SGDOptimizer;
  private readonly inputs: number;
  private readonly layerOps: 'fused' | 'fused-linear' | 'plain';

  constructor(options: RawModelOptions) {
    this.layerOps = options.layerOps ?? 'fused';
    this.backend = options.backend;
    this.layers = options.layers;
    this.loss = options.loss;
    this.activate();
    const first = options.layers[0];
    const last = options.layers[options.layers.length - 1];
    if (first === undefined || last === undefined) throw new Error('a model needs at least one layer');
    this.inputs = first.inputs;
    for (const layer of options.layers) {
      this.kernels.push(tf.variable(tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs], 'float32')));
      this.biases.push(tf.variable(tf.tensor1d(layer.bias, 'float32')));
    }
    this.x = tf.tensor2d(options.x, [options.rows, first.inputs], 'float32');
    this.y = tf.tensor2d(options.y, [options.rows, last.outputs], 'float32');
    this.optimizer = tf.train.sgd(options.learningRate);
  }

  /** tfjs has one active backend per process; switching to an initialized one is synchronous. */
  private activate(): void {
    if (tf.getBackend() === this.backend) return;
    void tf.setBackend(this.backend);
    if (tf.getBackend() !== this.backend) throw new Error(`tfjs did not switch to the ${this.backend} backend`);
  }

  /** Output-layer logits. Call inside a tidy. */
  private logits(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.layers.forEach((layer, i) => {
      const isOutput = i === this.layers.length - 1;
      if (this.layerOps === 'plain') {
        const z: tf.Tensor2D = tf.add(tf.matMul(h, this.kernels[i] as tf.Tensor2D), this.biases[i]!);
        h = isOutput ? z : applyActivation(layer.activation, z);
        return;
      }
      const fused = !isOutput && ((this.layerOps === 'fused' && layer.activation === 'relu') || layer.activation === 'linear');
      const z = tf.fused.matMul({
        a: h,
        b: this.kernels[i]!,
        bias: this.biases[i]!,
        activation: fused && layer.activation === 'relu' ? 'relu' : 'linear',
      }) as tf.Tensor2D;
      h = isOutput || fused ? z : applyActivation(layer.activation, z);
    });
    return h;
  }

  private lossOf(logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
    switch (this.loss) {
      case 'binaryCrossEntropy':
        return tf.losses.sigmoidCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits);
      case 'softmaxCrossEntropy':
        return tf.losses.softmaxCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits);
    }
  }

  /** One SGD step on rows `order[start … end − 1]`; the loss before the update when asked (a sync). */
  trainStep(order: Int32Array, start: number, end: number, returnLoss: boolean): number | undefined {
    this.activate();
    const cost = tf.tidy(() => {
      const rows = tf.tensor1d(order.subarray(start, end), 'int32');
      const x = tf.gather(this.x, rows);
      const y = tf.gather(this.y, rows);
      return this.optimizer.minimize(() => this.lossOf(this.logits(x), y), returnLoss) ?? undefined;
    });
    if (cost === undefined) return undefined;
    try {
      return cost.dataSync()[0];
    } finally {
      cost.dispose();
    }
  }

  /** Output activations (probabilities) for `x` [rows × inputs]. */
  predict(x: Float32Array, rows: number): Float32Array {
    this.activate();
    const last = this.layers[this.layers.length - 1]!;
    const out = tf.tidy(() => applyActivation(last.activation, this.logits(tf.tensor2d(x, [rows, this.inputs], 'float32'))));
    try {
      return Float32Array.from(out.dataSync());
    } finally {
      out.dispose();
    }
  }

  dispose(): void {
    for (const v of [...this.kernels, ...this.biases]) v.dispose();
    this.x.dispose();
    this.y.dispose();
    this.optimizer.dispose();
  }
}

/**
 * Registers tfjs's gradient functions the way a tfjs user gets them: by loading the union package
 * `@tensorflow/tfjs` (tfjs-core's Node build ships none). This app does not declare that package
 * itself, so it is resolved from `gradientsFrom`, a folder whose package depends on it.
 */
export async function registerGradients(gradientsFrom: string): Promise<void> {
  if (tf.getGradient(tf.RealDiv) !== undefined && tf.getGradient(tf.Relu) !== undefined) return;
  const require = createRequire(path.join(gradientsFrom, 'package.json'));
  await import(pathToFileURL(require.resolve('@tensorflow/tfjs')).href);
  if (tf.getGradient(tf.RealDiv) === undefined) throw new Error('@tensorflow/tfjs did not register its gradients in this tfjs-core');
}

/** Registers and initializes the `cpu` and `wasm` backends the plain tfjs way (if not done yet). */
export async function loadRawBackend(backend: 'cpu' | 'wasm', wasmFolder: string, gradientsFrom: string): Promise<void> {
  await registerGradients(gradientsFrom);
  switch (backend) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (tf.findBackend('wasm') === null) wasm.setWasmPaths(wasmFolder);
      break;
    }
  }
  if (tf.findBackend(backend) === null && !(await tf.setBackend(backend))) {
    throw new Error(`tfjs could not initialize its ${backend} backend`);
  }
}
