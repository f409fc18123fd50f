import {
  describeSpec,
  mlp,
  type Activation,
  type LossName,
  type LearningRateSchedule,
  type ModelSpec,
  type OptimizerConfig,
  type OptimizerKind,
  type Regularization,
  type TrainingConfig,
} from '@twinprop/core';
import { datasetShape } from './composed.js';
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
 * One model, dataset and training setup that every engine trains from identical initial weights
 * (drawn from `seed`) on identical batches in identical order (`epochOrder(rows, seed, epoch)`).
 */
export interface Scenario {
  readonly name: string;
  readonly dataset: DatasetRef;
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly batchSize: number;
  readonly epochs: number;
  /** Seeds the initial weights, and the batch order unless `orderSeed` is given. */
  readonly seed: number;
  /** Seeds the batch order instead of `seed` (measuring tolerances over batch orders). */
  readonly orderSeed?: number;
  /** Initial biases drawn uniformly from ±biases instead of core's zeros. */
  readonly biases?: number;
  /** K: optimizer steps compared in the trajectory check. */
  readonly trajectorySteps: number;
  /** Also train with tfjs-layers' own Keras-style loop and optimizers (the third opinion). */
  readonly keras: boolean;
  /**
   * Set when the test-set outputs after full training are compared as classes only (accuracy and
   * agreement), with the measured reason: runs that take different branches at kinks part ways
   * numerically however short the horizon that still trains the network.
   */
  readonly outputsClassesOnly?: string;
}

/** What a scenario is, whatever its size: the data family, the network, the training. */
export interface ScenarioShape {
  /** The dataset; its size (`points`) comes from the suite. */
  readonly dataset: Omit<DatasetRef, 'points'>;
  readonly hidden: ReadonlyArray<readonly [number, Activation]>;
  readonly output: readonly [number, Activation];
  readonly loss: LossName;
  readonly optimizer: OptimizerConfig;
  readonly regularization?: Regularization;
  /** A learning-rate schedule (core's schedule.ts), applied by both engines. */
  readonly schedule?: LearningRateSchedule;
  readonly seed?: number;
  /** Initial biases drawn uniformly from ±biases (so regularization meets non-zero biases). */
  readonly biases?: number;
  readonly trajectorySteps?: number;
  readonly keras?: boolean;
  /** See {@link Scenario.outputsClassesOnly}. */
  readonly outputsClassesOnly?: string;
  /** Put in front of the generated name (the sweep's `sweep:`). */
  readonly prefix?: string;
}

/** How large a scenario runs in one suite. */
export interface ScenarioSize {
  /** Playground points or MNIST rows kept; absent for datasets used whole (gates, Iris). */
  readonly points?: number;
  readonly batchSize: number;
  readonly epochs: number;
}

/** Short names for the losses in scenario names; a loss without one is named as core names it. */
const LOSS_LABEL: Partial<Readonly<Record<LossName, string>>> = {
  binaryCrossEntropy: 'bce',
  softmaxCrossEntropy: 'softmax-ce',
  meanSquaredError: 'mse',
};

/**
 * `kind(η)` — plus, for the optimizers listed here, the hyperparameters that tell scenarios apart.
 * A new optimizer gets the plain form until it is given one.
 */
const OPTIMIZER_LABEL: { readonly [K in OptimizerKind]?: (config: Extract<OptimizerConfig, { kind: K }>) => string } = {
  momentum: (config) => `${config.nesterov ? 'nesterov' : 'momentum'}(${config.learningRate}, μ=${config.momentum})`,
};

function optimizerLabel(config: OptimizerConfig): string {
  const label = OPTIMIZER_LABEL[config.kind] as ((c: OptimizerConfig) => string) | undefined;
  return label === undefined ? `${config.kind}(${config.learningRate})` : label(config);
}

function regularizationLabel(regularization: Regularization | undefined): string {
  if (regularization === undefined) return '';
  const parts: string[] = [];
  if (regularization.l1 !== undefined && regularization.l1 > 0) parts.push(`L1=${regularization.l1}${regularization.clampAtZero === true ? " clamped" : ""}`);
  if (regularization.l2 !== undefined && regularization.l2 > 0) parts.push(`L2=${regularization.l2}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

/** ` lr=step(every=4,factor=0.5)`, ` lr=constant`: the schedule and its parameters, or nothing without one. */
function scheduleLabel(schedule: LearningRateSchedule | undefined): string {
  if (schedule === undefined) return '';
  const { kind, ...parameters } = schedule;
  const entries = Object.entries(parameters);
  return entries.length === 0 ? ` lr=${kind}` : ` lr=${kind}(${entries.map(([name, value]) => `${name}=${String(value)}`).join(',')})`;
}

function datasetLabel(dataset: DatasetRef): string {
  return dataset.name === 'mnist' && dataset.points !== undefined ? `mnist[${dataset.points}]` : dataset.name;
}

/**
 * The same hyperparameters rounded to the nearest float32. A float32 engine can only hold β₂ =
 * 0.999 as 0.99900001287 (so 1 − β₂ is 1.3e-5 off in relative terms); giving a float64 engine
 * that very number means both sides run the same update rule on the same constants, and what is
 * left to compare is the arithmetic — not how each side represents "0.999".
 */
export function float32Representable<T extends object>(config: T): T {
  const rounded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) rounded[key] = typeof value === 'number' ? Math.fround(value) : value;
  return rounded as T;
}

/**
 * Builds a scenario of one shape at one size, and its name:
 * `[prefix] dataset sizes activations loss optimizer [regularization] [schedule]`. The input
 * width is the dataset's feature count.
 */
export function defineScenario(shape: ScenarioShape, size: ScenarioSize): Scenario {
  const dataset: DatasetRef = { ...shape.dataset, ...(size.points === undefined ? {} : { points: size.points }) };
  const spec = mlp(datasetShape(dataset.name).features, shape.hidden, shape.output);
  const training: TrainingConfig = {
    loss: shape.loss,
    optimizer: float32Representable(shape.optimizer),
    ...(shape.regularization === undefined ? {} : { regularization: float32Representable(shape.regularization) }),
    ...(shape.schedule === undefined ? {} : { schedule: float32Representable(shape.schedule) }),
  };
  const biases = shape.biases === undefined ? '' : ` b~±${shape.biases}`;
  const name = `${datasetLabel(dataset)} ${describeSpec(spec)} ${LOSS_LABEL[shape.loss] ?? shape.loss} ${optimizerLabel(shape.optimizer)}${regularizationLabel(shape.regularization)}${scheduleLabel(shape.schedule)}${biases}`;
  return {
    name: shape.prefix === undefined ? name : `${shape.prefix} ${name}`,
    dataset,
    spec,
    training,
    batchSize: size.batchSize,
    epochs: size.epochs,
    seed: shape.seed ?? 1,
    ...(shape.biases === undefined ? {} : { biases: shape.biases }),
    trajectorySteps: shape.trajectorySteps ?? DEFAULT_TRAJECTORY_STEPS,
    keras: shape.keras ?? false,
    ...(shape.outputsClassesOnly === undefined ? {} : { outputsClassesOnly: shape.outputsClassesOnly }),
  };
}

/** Throws unless every scenario name is unique (names are how `--filter` and reports address them). */
export function assertUniqueNames(scenarios: readonly Scenario[]): void {
  const seen = new Set<string>();
  for (const s of scenarios) {
    if (seen.has(s.name)) throw new Error(`two scenarios are named ${JSON.stringify(s.name)}`);
    seen.add(s.name);
  }
}

