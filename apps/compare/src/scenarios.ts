import { optimizer, type DType } from '@twinprop/core';
import { assertUniqueNames, defineScenario, type DatasetRef, type Scenario, type ScenarioShape, type ScenarioSize } from './scenario.js';
import { sweepScenarios } from './sweep.js';

export const SUITES = ['xor', 'quick', 'full'] as const;
export type SuiteName = (typeof SUITES)[number];

/** The suites whose scenarios carry their own sizes (the `xor` demo is one scenario of `quick`). */
export type SizedSuite = Exclude<SuiteName, 'xor'>;

/** A scenario declared once, with the size it runs at in each suite that runs it. */
export interface ScenarioDeclaration extends ScenarioShape {
  readonly sizes: { readonly [S in SizedSuite]?: ScenarioSize };
}

/** What a suite runs: its scenarios, the reference dtypes, and which tfjs backends. */
export interface Suite {
  readonly name: SuiteName;
  readonly description: string;
  readonly scenarios: readonly Scenario[];
  /** The dtypes of the reference engine in the default matrix (each against every tfjs backend). */
  readonly dtypes: readonly DType[];
  /** `best`: only the first available backend (tensorflow, else wasm, else cpu); `all`: every available one. */
  readonly backends: 'best' | 'all';
}

const gate = (name: string): Omit<DatasetRef, 'points'> => ({ name, testFraction: 0 });
const playground = (name: string, noise: number): Omit<DatasetRef, 'points'> => ({ name, noise, seed: 7, testFraction: 0.25 });
const IRIS: Omit<DatasetRef, 'points'> = { name: 'iris', seed: 3, testFraction: 0.2, standardize: true };
const MNIST: Omit<DatasetRef, 'points'> = { name: 'mnist', seed: 5, testFraction: 0.2 };

/** The README's demo: XOR with a 2-4-1 tanh/sigmoid network, the same in every suite. */
const XOR_SIZE: ScenarioSize = { batchSize: 4, epochs: 300 };
const XOR: ScenarioDeclaration = {
  dataset: gate('xor'),
  hidden: [[4, 'tanh']],
  output: [1, 'sigmoid'],
  loss: 'binaryCrossEntropy',
  optimizer: optimizer('adam', { learningRate: 0.05 }),
  seed: 2,
  keras: true,
  sizes: { quick: XOR_SIZE, full: XOR_SIZE },
};

/**
 * Every hand-written scenario, each once, in the order the suites list them. `quick` (CI) covers
 * 0–3 hidden layers, L1 and L2 and every dataset family on small data and short training; `full`
 * uses larger data, longer training, deeper and wider networks. What the tables of core define —
 * every activation, loss and optimizer — is covered by the generated sweep (sweep.ts) as well.
 */
export const SCENARIO_DECLARATIONS: readonly ScenarioDeclaration[] = [
  XOR,
  {
    dataset: gate('and'),
    hidden: [],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 1 }),
    keras: true,
    sizes: { quick: { batchSize: 4, epochs: 100 }, full: { batchSize: 4, epochs: 200 } },
  },
  {
    // Arity: AND and OR as two sigmoid units under one BCE; batches of 3 on 4 rows (one partial).
    dataset: gate('and+or'),
    hidden: [],
    output: [2, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 1 }),
    keras: true,
    sizes: { quick: { batchSize: 3, epochs: 60 }, full: { batchSize: 3, epochs: 150 } },
  },
  {
    // Arity: two linear outputs under MSE, behind a hidden layer, with Adam.
    dataset: gate('and+or'),
    hidden: [[3, 'tanh']],
    output: [2, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('adam', { learningRate: 0.05 }),
    biases: 0.5,
    regularization: { l2: 0.01 },
    keras: true,
    sizes: { quick: { batchSize: 3, epochs: 60 }, full: { batchSize: 3, epochs: 150 } },
  },
  {
    dataset: gate('nand'),
    hidden: [],
    output: [1, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    keras: true,
    sizes: { full: { batchSize: 2, epochs: 100 } },
  },
  {
    dataset: gate('or'),
    hidden: [[2, 'sigmoid']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.5, momentum: 0.9 }),
    sizes: { full: { batchSize: 4, epochs: 100 } },
  },
  {
    dataset: playground('circle', 10),
    hidden: [[8, 'relu']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    keras: true,
    sizes: { quick: { points: 200, batchSize: 16, epochs: 20 }, full: { points: 500, batchSize: 16, epochs: 40 } },
  },
  {
    dataset: playground('circle', 10),
    hidden: [
      [6, 'tanh'],
      [6, 'tanh'],
    ],
    output: [1, 'tanh'],
    loss: 'meanSquaredError',
    optimizer: optimizer('sgd', { learningRate: 0.05 }),
    sizes: { full: { points: 500, batchSize: 10, epochs: 30 } },
  },
  {
    dataset: playground('gauss', 20),
    hidden: [[3, 'linear']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    regularization: { l2: 0.01 },
    biases: 0.5,
    keras: true,
    sizes: { quick: { points: 200, batchSize: 20, epochs: 10 } },
  },
  {
    dataset: playground('gauss', 30),
    hidden: [[4, 'linear']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    regularization: { l2: 0.01 },
    keras: true,
    sizes: { full: { points: 500, batchSize: 25, epochs: 30 } },
  },
  {
    dataset: playground('gauss', 30),
    hidden: [[5, 'sigmoid']],
    output: [1, 'relu'],
    loss: 'meanSquaredError',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    sizes: { full: { points: 500, batchSize: 25, epochs: 30 } },
  },
  {
    dataset: playground('playground-xor', 0),
    hidden: [
      [8, 'leakyRelu'],
      [4, 'tanh'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    // At η = 0.05 (an effective step η/(1 − μ) = 0.5) the runs sat at the edge of stability: over
    // five seed/batch-order variants test outputs ended up to 0.99 apart and 4% of test points
    // (12% at 12 epochs) changed class. At η = 0.02: ≤ 1.3e-6 apart, 100% alike, 100% accuracy.
    optimizer: optimizer('momentum', { learningRate: 0.02, momentum: 0.9, nesterov: true }),
    sizes: { quick: { points: 200, batchSize: 10, epochs: 20 } },
  },
  {
    // The TensorFlow Playground's own training: ½(ŷ − y)² on a tanh output, plain SGD, and its L1
    // that clamps a weight at zero and kills the link (clampAtZero) — both engines, step by step.
    dataset: playground('playground-xor', 0),
    hidden: [[4, 'tanh']],
    output: [1, 'tanh'],
    loss: 'halfSquaredError',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    regularization: { l1: 0.01, clampAtZero: true },
    sizes: { quick: { points: 200, batchSize: 10, epochs: 10 }, full: { points: 500, batchSize: 10, epochs: 30 } },
  },
  {
    dataset: playground('playground-xor', 5),
    hidden: [
      [8, 'leakyRelu'],
      [4, 'relu'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    // η = 0.03 left Keras's test outputs 0.15 from the engines' after 40 epochs; at η = 0.015 all
    // outputs stay within 9e-6 over five seed/batch-order variants (100% accuracy, 100% alike).
    optimizer: optimizer('momentum', { learningRate: 0.015, momentum: 0.9, nesterov: true }),
    keras: true,
    sizes: { full: { points: 500, batchSize: 10, epochs: 40 } },
  },
  {
    dataset: playground('spiral', 0),
    hidden: [
      [8, 'tanh'],
      [8, 'tanh'],
      [8, 'tanh'],
    ],
    output: [1, 'tanh'],
    loss: 'meanSquaredError',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    sizes: { quick: { points: 200, batchSize: 16, epochs: 50 } },
  },
  {
    dataset: playground('spiral', 0),
    hidden: [
      [12, 'tanh'],
      [12, 'tanh'],
      [12, 'tanh'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    keras: true,
    // Chaotic: over five seed/batch-order variants, at 60 epochs up to 13% of test points change
    // class (outputs 0.99 apart), at 40 epochs outputs 0.07 apart; at 25 epochs every variant stays
    // within 5.6e-5 (Keras too) with 100% alike — the horizon over which the runs stay together.
    sizes: { full: { points: 500, batchSize: 16, epochs: 25 } },
  },
  {
    dataset: playground('spiral', 0),
    hidden: [
      [16, 'leakyRelu'],
      [16, 'leakyRelu'],
      [16, 'leakyRelu'],
    ],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.005 }),
    outputsClassesOnly:
      'three leakyRelu layers take different branches at kinks in float32 and float64 within the first few hundred steps: test outputs end 0.97 apart after 60 epochs and 0.52 after 30 (where only 71–88% accuracy is reached and agreement drops to 98.4%), over five seed/batch-order variants; the classes agree on 100% at 60 epochs',
    sizes: { full: { points: 500, batchSize: 16, epochs: 60 } },
  },
  {
    dataset: IRIS,
    hidden: [],
    output: [3, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    keras: true,
    sizes: { full: { batchSize: 8, epochs: 60 } },
  },
  {
    dataset: IRIS,
    hidden: [[8, 'relu']],
    output: [3, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    keras: true,
    sizes: { quick: { batchSize: 8, epochs: 20 }, full: { batchSize: 8, epochs: 60 } },
  },
  {
    dataset: IRIS,
    hidden: [[6, 'sigmoid']],
    output: [3, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    regularization: { l1: 0.001 },
    biases: 0.5,
    keras: true,
    sizes: { quick: { batchSize: 12, epochs: 20 } },
  },
  {
    dataset: IRIS,
    hidden: [[10, 'sigmoid']],
    output: [3, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    regularization: { l1: 0.001 },
    biases: 0.5,
    sizes: { full: { batchSize: 12, epochs: 60 } },
  },
  {
    dataset: MNIST,
    hidden: [[16, 'relu']],
    output: [10, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.003 }),
    keras: true,
    outputsClassesOnly:
      'relu units on sparse 784-pixel inputs cross their kink on different sides in float32 and float64 within the 80 steps (kinks.ts): over five seed/batch-order variants the test outputs end up to 0.11 apart (Keras too), the classes 100% alike',
    sizes: { quick: { points: 500, batchSize: 25, epochs: 5 } },
  },
  {
    dataset: MNIST,
    hidden: [[32, 'relu']],
    output: [10, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.002 }),
    keras: true,
    sizes: { full: { points: 1000, batchSize: 32, epochs: 8 } },
  },
  {
    dataset: MNIST,
    hidden: [
      [48, 'tanh'],
      [24, 'leakyRelu'],
    ],
    output: [10, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.02, momentum: 0.9, nesterov: true }),
    sizes: { full: { points: 1000, batchSize: 32, epochs: 6 } },
  },
];

/** The hand-written scenarios of a suite at that suite's sizes, in declaration order. */
export function declaredScenarios(suite: SizedSuite, declarations: readonly ScenarioDeclaration[] = SCENARIO_DECLARATIONS): Scenario[] {
  return declarations.flatMap((d) => {
    const size = d.sizes[suite];
    return size === undefined ? [] : [defineScenario(d, size)];
  });
}

function suiteScenarios(suite: SizedSuite): readonly Scenario[] {
  const scenarios = [...declaredScenarios(suite), ...sweepScenarios()];
  assertUniqueNames(scenarios);
  return scenarios;
}

/** The README's demo: XOR, 2-4-1 tanh/sigmoid, at its quick size. */
export const XOR_SCENARIO: Scenario = defineScenario(XOR, XOR_SIZE);

/** The quick suite (CI): the hand-written quick scenarios, then the sweep. */
export const QUICK_SCENARIOS: readonly Scenario[] = suiteScenarios('quick');

/** The full suite: the hand-written full scenarios, then the sweep. */
export const FULL_SCENARIOS: readonly Scenario[] = suiteScenarios('full');

export const SUITE_DEFINITIONS: Readonly<Record<SuiteName, Suite>> = {
  xor: {
    name: 'xor',
    description: 'the demo: XOR, 2-4-1 tanh/sigmoid (by default against the best tfjs backend that loads)',
    scenarios: [XOR_SCENARIO],
    dtypes: ['float64', 'float32'],
    backends: 'best',
  },
  quick: {
    name: 'quick',
    description: 'small data and short training over depths, regularization and every dataset family, and a sweep of every activation, loss and optimizer',
    scenarios: QUICK_SCENARIOS,
    dtypes: ['float64', 'float32'],
    backends: 'all',
  },
  full: {
    name: 'full',
    description: 'larger data, longer training, deeper networks, and the same sweep',
    scenarios: FULL_SCENARIOS,
    dtypes: ['float64', 'float32'],
    backends: 'all',
  },
};
