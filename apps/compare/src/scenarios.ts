import {
  describeSpec,
  mlp,
  optimizer,
  type Activation,
  type LossName,
  type ModelSpec,
  type OptimizerConfig,
  type Regularization,
  type TrainingConfig,
} from '@twinprop/core';
import { DEFAULT_TRAJECTORY_STEPS } from './tolerances.js';

/** Which data a scenario trains on: a built-in dataset of `@twinprop/datasets` and how it is split. */
export interface DatasetRef {
  /** Registry name: `xor`, `and`, `circle`, `spiral`, `gauss`, `playground-xor`, `iris`, `mnist`, … */
  readonly name: string;
  /** Playground points, or MNIST rows kept. */
  readonly points?: number;
  /** Playground noise (percent). */
  readonly noise?: number;
  /** Generates Playground points; shuffles Iris and MNIST before the split. */
  readonly seed?: number;
  /** Stratified fraction held out for testing; 0 tests on the training set (the gates' truth tables). */
  readonly testFraction: number;
  /** Standardize features with the training part's mean and std (Iris). */
  readonly standardize?: boolean;
}

/**
 * One model, dataset and training setup that both engines train from identical initial weights
 * (drawn from `seed`) on identical batches in identical order (`epochOrder(rows, seed, epoch)`).
 */
export interface Scenario {
  readonly name: string;
  readonly dataset: DatasetRef;
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly batchSize: number;
  readonly epochs: number;
  /** Seeds the initial weights and the batch order. */
  readonly seed: number;
  /** K: optimizer steps compared in the trajectory check. */
  readonly trajectorySteps: number;
  /** Also train with tfjs-layers' own Keras-style loop and optimizers (the third opinion). */
  readonly keras: boolean;
}

export const SUITES = ['xor', 'quick', 'full'] as const;
export type SuiteName = (typeof SUITES)[number];

/** What a suite runs: its scenarios, the reference dtypes, and which tfjs backends. */
export interface Suite {
  readonly name: SuiteName;
  readonly description: string;
  readonly scenarios: readonly Scenario[];
  readonly dtypes: readonly ('float32' | 'float64')[];
  /** `best`: only the first available backend (tensorflow, else wasm, else cpu); `all`: every available one. */
  readonly backends: 'best' | 'all';
}

const LOSS_LABEL: Readonly<Record<LossName, string>> = {
  binaryCrossEntropy: 'bce',
  softmaxCrossEntropy: 'softmax-ce',
  meanSquaredError: 'mse',
};

function optimizerLabel(config: OptimizerConfig): string {
  switch (config.kind) {
    case 'sgd':
      return `sgd(${config.learningRate})`;
    case 'momentum':
      return `${config.nesterov ? 'nesterov' : 'momentum'}(${config.learningRate}, μ=${config.momentum})`;
    case 'adam':
      return `adam(${config.learningRate})`;
  }
}

function regularizationLabel(regularization: Regularization | undefined): string {
  if (regularization === undefined) return '';
  const parts: string[] = [];
  if (regularization.l1 !== undefined && regularization.l1 > 0) parts.push(`L1=${regularization.l1}`);
  if (regularization.l2 !== undefined && regularization.l2 > 0) parts.push(`L2=${regularization.l2}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

function datasetLabel(dataset: DatasetRef): string {
  return dataset.name === 'mnist' && dataset.points !== undefined ? `mnist[${dataset.points}]` : dataset.name;
}

interface ScenarioInput {
  readonly dataset: DatasetRef;
  readonly inputs: number;
  readonly hidden: ReadonlyArray<readonly [number, Activation]>;
  readonly output: readonly [number, Activation];
  readonly loss: LossName;
  readonly optimizer: OptimizerConfig;
  readonly regularization?: Regularization;
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed?: number;
  readonly trajectorySteps?: number;
  readonly keras?: boolean;
}

/**
 * The same hyperparameters rounded to the nearest float32. A float32 engine can only hold β₂ =
 * 0.999 as 0.99900001287 (so 1 − β₂ is 1.3e-5 off in relative terms); giving the float64 reference
 * that very number means both sides run the same update rule on the same constants, and what is
 * left to compare is the arithmetic — not how each side represents "0.999".
 */
export function float32Representable<T extends object>(config: T): T {
  const rounded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) rounded[key] = typeof value === 'number' ? Math.fround(value) : value;
  return rounded as T;
}

/** Builds a scenario and its name: `dataset sizes activations loss optimizer [regularization]`. */
export function defineScenario(input: ScenarioInput): Scenario {
  const spec = mlp(input.inputs, input.hidden, input.output);
  const training: TrainingConfig = {
    loss: input.loss,
    optimizer: float32Representable(input.optimizer),
    ...(input.regularization === undefined ? {} : { regularization: float32Representable(input.regularization) }),
  };
  return {
    name: `${datasetLabel(input.dataset)} ${describeSpec(spec)} ${LOSS_LABEL[input.loss]} ${optimizerLabel(input.optimizer)}${regularizationLabel(input.regularization)}`,
    dataset: input.dataset,
    spec,
    training,
    batchSize: input.batchSize,
    epochs: input.epochs,
    seed: input.seed ?? 1,
    trajectorySteps: input.trajectorySteps ?? DEFAULT_TRAJECTORY_STEPS,
    keras: input.keras ?? false,
  };
}

const gate = (name: string): DatasetRef => ({ name, testFraction: 0 });
const playground = (name: string, points: number, noise: number): DatasetRef => ({ name, points, noise, seed: 7, testFraction: 0.25 });
const IRIS: DatasetRef = { name: 'iris', seed: 3, testFraction: 0.2, standardize: true };
const mnistSubset = (points: number): DatasetRef => ({ name: 'mnist', points, seed: 5, testFraction: 0.2 });

/** The README's demo: XOR with a 2-4-1 tanh/sigmoid network. */
export const XOR_SCENARIO: Scenario = defineScenario({
  dataset: gate('xor'),
  inputs: 2,
  hidden: [[4, 'tanh']],
  output: [1, 'sigmoid'],
  loss: 'binaryCrossEntropy',
  optimizer: optimizer('adam', { learningRate: 0.05 }),
  batchSize: 4,
  epochs: 300,
  seed: 2,
  keras: true,
});

/**
 * The quick suite (CI): every activation but step, every loss with its output, every optimizer
 * (Nesterov included), 0–3 hidden layers, L1 and L2, every dataset family — on small data and
 * short training.
 */
export const QUICK_SCENARIOS: readonly Scenario[] = [
  XOR_SCENARIO,
  defineScenario({
    dataset: gate('and'),
    inputs: 2,
    hidden: [],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 1 }),
    batchSize: 4,
    epochs: 100,
    keras: true,
  }),
  defineScenario({
    dataset: playground('circle', 200, 10),
    inputs: 2,
    hidden: [[8, 'relu']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    batchSize: 16,
    epochs: 20,
    keras: true,
  }),
  defineScenario({
    dataset: playground('gauss', 200, 20),
    inputs: 2,
    hidden: [[3, 'linear']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    regularization: { l2: 0.01 },
    batchSize: 20,
    epochs: 10,
  }),
  defineScenario({
    dataset: playground('playground-xor', 200, 0),
    inputs: 2,
    hidden: [
      [8, 'leakyRelu'],
      [4, 'tanh'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9, nesterov: true }),
    batchSize: 10,
    epochs: 20,
  }),
  defineScenario({
    dataset: playground('spiral', 200, 0),
    inputs: 2,
    hidden: [
      [8, 'tanh'],
      [8, 'tanh'],
      [8, 'tanh'],
    ],
    output: [1, 'tanh'],
    loss: 'meanSquaredError',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    batchSize: 16,
    epochs: 50,
  }),
  defineScenario({
    dataset: IRIS,
    inputs: 4,
    hidden: [[8, 'relu']],
    output: [3, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    batchSize: 8,
    epochs: 20,
    keras: true,
  }),
  defineScenario({
    dataset: IRIS,
    inputs: 4,
    hidden: [[6, 'sigmoid']],
    output: [3, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    regularization: { l1: 0.001 },
    batchSize: 12,
    epochs: 20,
  }),
  defineScenario({
    dataset: mnistSubset(500),
    inputs: 784,
    hidden: [[16, 'relu']],
    output: [10, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.003 }),
    batchSize: 25,
    epochs: 5,
    keras: true,
  }),
];

/** The full suite: larger data, longer training, deeper and wider networks. */
export const FULL_SCENARIOS: readonly Scenario[] = [
  XOR_SCENARIO,
  defineScenario({
    dataset: gate('and'),
    inputs: 2,
    hidden: [],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 1 }),
    batchSize: 4,
    epochs: 200,
    keras: true,
  }),
  defineScenario({
    dataset: gate('nand'),
    inputs: 2,
    hidden: [],
    output: [1, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    batchSize: 2,
    epochs: 100,
    keras: true,
  }),
  defineScenario({
    dataset: gate('or'),
    inputs: 2,
    hidden: [[2, 'sigmoid']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.5, momentum: 0.9 }),
    batchSize: 4,
    epochs: 100,
  }),
  defineScenario({
    dataset: playground('circle', 500, 10),
    inputs: 2,
    hidden: [[8, 'relu']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    batchSize: 16,
    epochs: 40,
    keras: true,
  }),
  defineScenario({
    dataset: playground('circle', 500, 10),
    inputs: 2,
    hidden: [
      [6, 'tanh'],
      [6, 'tanh'],
    ],
    output: [1, 'tanh'],
    loss: 'meanSquaredError',
    optimizer: optimizer('sgd', { learningRate: 0.05 }),
    batchSize: 10,
    epochs: 30,
  }),
  defineScenario({
    dataset: playground('gauss', 500, 30),
    inputs: 2,
    hidden: [[4, 'linear']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    regularization: { l2: 0.01 },
    batchSize: 25,
    epochs: 30,
    keras: true,
  }),
  defineScenario({
    dataset: playground('gauss', 500, 30),
    inputs: 2,
    hidden: [[5, 'sigmoid']],
    output: [1, 'relu'],
    loss: 'meanSquaredError',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    batchSize: 25,
    epochs: 30,
  }),
  defineScenario({
    dataset: playground('playground-xor', 500, 5),
    inputs: 2,
    hidden: [
      [8, 'leakyRelu'],
      [4, 'relu'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.03, momentum: 0.9, nesterov: true }),
    batchSize: 10,
    epochs: 40,
    keras: true,
  }),
  defineScenario({
    dataset: playground('spiral', 500, 0),
    inputs: 2,
    hidden: [
      [12, 'tanh'],
      [12, 'tanh'],
      [12, 'tanh'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    batchSize: 16,
    // At 100 epochs float32 rounding decides 2–5 of 125 boundary points (see tolerances.ts).
    epochs: 60,
    keras: true,
  }),
  defineScenario({
    dataset: playground('spiral', 500, 0),
    inputs: 2,
    hidden: [
      [16, 'leakyRelu'],
      [16, 'leakyRelu'],
      [16, 'leakyRelu'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.005 }),
    batchSize: 16,
    epochs: 60,
  }),
  defineScenario({
    dataset: IRIS,
    inputs: 4,
    hidden: [],
    output: [3, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    batchSize: 8,
    epochs: 60,
    keras: true,
  }),
  defineScenario({
    dataset: IRIS,
    inputs: 4,
    hidden: [[8, 'relu']],
    output: [3, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    batchSize: 8,
    epochs: 60,
    keras: true,
  }),
  defineScenario({
    dataset: IRIS,
    inputs: 4,
    hidden: [[10, 'sigmoid']],
    output: [3, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    regularization: { l1: 0.001 },
    batchSize: 12,
    epochs: 60,
  }),
  defineScenario({
    dataset: mnistSubset(1000),
    inputs: 784,
    hidden: [[32, 'relu']],
    output: [10, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.002 }),
    batchSize: 32,
    epochs: 8,
    keras: true,
  }),
  defineScenario({
    dataset: mnistSubset(1000),
    inputs: 784,
    hidden: [
      [48, 'tanh'],
      [24, 'leakyRelu'],
    ],
    output: [10, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.02, momentum: 0.9, nesterov: true }),
    batchSize: 32,
    epochs: 6,
  }),
];

export const SUITE_DEFINITIONS: Readonly<Record<SuiteName, Suite>> = {
  xor: {
    name: 'xor',
    description: 'the demo: XOR, 2-4-1 tanh/sigmoid, reference float64 and float32 against tfjs on the best available backend',
    scenarios: [XOR_SCENARIO],
    dtypes: ['float64', 'float32'],
    backends: 'best',
  },
  quick: {
    name: 'quick',
    description: 'small data and short training over every activation, loss, optimizer, depth and dataset family',
    scenarios: QUICK_SCENARIOS,
    dtypes: ['float64', 'float32'],
    backends: 'all',
  },
  full: {
    name: 'full',
    description: 'larger data, longer training, deeper networks',
    scenarios: FULL_SCENARIOS,
    dtypes: ['float64', 'float32'],
    backends: 'all',
  },
};

/** Throws unless every scenario name is unique (names are how `--filter` and reports address them). */
export function assertUniqueNames(scenarios: readonly Scenario[]): void {
  const seen = new Set<string>();
  for (const s of scenarios) {
    if (seen.has(s.name)) throw new Error(`two scenarios are named ${JSON.stringify(s.name)}`);
    seen.add(s.name);
  }
}
