import { describeSpec, epochOrder, mlp, type Batch, type LossName, type Matrix, type ModelSpec } from '@twinprop/core';
import { MNIST_SIZE, mnist, spiral, stratifiedSplit } from '@twinprop/datasets';

export const WORKLOAD_IDS = ['playground', 'mnist', 'wide'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface Workload {
  readonly id: WorkloadId;
  /** `(a) playground` … */
  readonly title: string;
  readonly spec: ModelSpec;
  readonly loss: LossName;
  /** Plain SGD on every engine. */
  readonly learningRate: number;
  readonly batchSize: number;
  /** What the model trains on and what it predicts. */
  readonly data: string;
}

/** The MNIST part held out from training (2,000 of the 10,000 digits); predictions run on it. */
export const MNIST_TEST_FRACTION = 0.2;
/** Seeds the data split and the (one, fixed) row order every engine walks. */
export const WORKLOAD_SEED = 7;

export function workload(id: WorkloadId): Workload {
  switch (id) {
    case 'playground':
      return {
        id,
        title: '(a) playground',
        spec: mlp(2, [[8, 'tanh'], [8, 'tanh']], [1, 'sigmoid']),
        loss: 'binaryCrossEntropy',
        learningRate: 0.03,
        batchSize: 10,
        data: 'spiral, 500 points (the Playground generator); predict the 500 points',
      };
    case 'mnist':
      return {
        id,
        title: '(b) mnist',
        spec: mlp(784, [[128, 'relu']], [10, 'softmax']),
        loss: 'softmaxCrossEntropy',
        learningRate: 0.1,
        batchSize: 64,
        data: 'MNIST, the 8,000-digit training part; predict the 2,000 held-out digits',
      };
    case 'wide':
      return {
        id,
        title: '(c) wide',
        spec: mlp(784, [[512, 'relu'], [512, 'relu']], [10, 'softmax']),
        loss: 'softmaxCrossEntropy',
        learningRate: 0.05,
        batchSize: 128,
        data: 'MNIST, the 8,000-digit training part; predict the 2,000 held-out digits',
      };
  }
}

export function isWorkloadId(value: string): value is WorkloadId {
  return (WORKLOAD_IDS as readonly string[]).includes(value);
}

/** `784-128-10 relu/softmax, batch 64, sgd`. */
export function describeWorkload(w: Workload): string {
  return `${describeSpec(w.spec)}, ${w.loss}, batch ${w.batchSize}, sgd η=${w.learningRate}`;
}

export interface WorkloadData {
  /** Training rows (float64; each engine converts once in `prepare`). */
  readonly train: Batch;
  /** Rows to predict, in float32 and float64 (each engine gets its own dtype). */
  readonly predict32: Matrix;
  readonly predict64: Matrix;
  /** The row order every engine walks, batch after batch, wrapping around. */
  readonly order: Int32Array;
  /** Whole batches in `order` (a trailing partial batch is never used, so every step has B rows). */
  readonly batches: number;
}

function toFloat32(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

function withOrder(w: Workload, train: Batch, predict: Matrix): WorkloadData {
  return {
    train,
    predict64: predict,
    predict32: toFloat32(predict),
    order: epochOrder(train.x.rows, WORKLOAD_SEED, 1),
    batches: Math.floor(train.x.rows / w.batchSize),
  };
}

let mnistCache: { train: Batch; test: Batch } | undefined;

/** The 8,000 / 2,000 stratified split of the 10,000 digits, loaded once per process. */
function mnistSplit(): { train: Batch; test: Batch } {
  if (mnistCache === undefined) {
    const digits = mnist({ count: MNIST_SIZE });
    const { train, test } = stratifiedSplit(digits, { testFraction: MNIST_TEST_FRACTION, seed: WORKLOAD_SEED });
    if (test === undefined) throw new Error('the MNIST split left no test part');
    mnistCache = { train, test };
  }
  return mnistCache;
}

/** Loads (or generates) a workload's data. MNIST is read from the `mnist` package's files. */
export function loadWorkloadData(w: Workload): WorkloadData {
  switch (w.id) {
    case 'playground': {
      const data = spiral({ points: 500, seed: WORKLOAD_SEED });
      return withOrder(w, data, data.x);
    }
    case 'mnist':
    case 'wide': {
      const { train, test } = mnistSplit();
      return withOrder(w, train, test.x);
    }
  }
}
