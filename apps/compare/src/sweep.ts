import {
  ACTIVATION_DEFINITIONS,
  HIDDEN_ACTIVATIONS,
  LOSS_DEFINITIONS,
  LOSSES,
  LR_SCHEDULES,
  OPTIMIZERS,
  OUTPUT_ACTIVATIONS,
  optimizer,
  optimizerDefinition,
  type Activation,
  type LearningRateSchedule,
  type LossName,
  type LrScheduleKind,
  type OptimizerConfig,
  type OptimizerKind,
} from '@twinprop/core';
import { datasetInfo } from '@twinprop/datasets';
import { defineScenario, type DatasetRef, type Scenario, type ScenarioSize } from './scenario.js';

/**
 * The sweep: tiny scenarios generated from core's own tables, so that an activation, loss or
 * optimizer added to core is compared (and given the Keras opinion, or a reason why not) without
 * anyone editing a scenario. Each varies one thing from a base network (2-4-1 tanh/sigmoid, the
 * sigmoid's default loss, Adam with core's defaults):
 *
 * - every hidden activation core allows (`HIDDEN_ACTIVATIONS`), in a 4-unit hidden layer;
 * - every output activation (`OUTPUT_ACTIVATIONS`) with its default loss — on Iris when it
 *   predicts classes (softmax), else on the Playground circle;
 * - every loss (`LOSSES`) on the first output activation it fits;
 * - every optimizer (`OPTIMIZERS`) with core's defaults, and once more with each of its boolean
 *   hyperparameters flipped (Nesterov momentum);
 * - every learning-rate schedule (`LR_SCHEDULES`), on the base, with the parameters of
 *   {@link SCHEDULE_CASES} (the Keras opinion trains at a constant rate, so keras.ts gives the
 *   decaying ones its reason instead).
 *
 * Variations that land on the same scenario (the base itself, three times) are kept once.
 */

const CIRCLE: Omit<DatasetRef, 'points'> = { name: 'circle', noise: 10, seed: 11, testFraction: 0.25 };
/** 45 training and 15 test points; 3 steps an epoch. */
const CIRCLE_SIZE: ScenarioSize = { points: 60, batchSize: 15, epochs: 10 };
const IRIS: Omit<DatasetRef, 'points'> = { name: 'iris', seed: 3, testFraction: 0.2, standardize: true };
/** 120 training and 30 test rows; 8 steps an epoch. */
const IRIS_SIZE: ScenarioSize = { batchSize: 15, epochs: 10 };

const HIDDEN_UNITS = 4;
const BASE_HIDDEN: Activation = 'tanh';
const BASE_OUTPUT: Activation = 'sigmoid';
const BASE_OPTIMIZER: OptimizerKind = 'adam';

/**
 * A schedule case per core schedule (a mapped type: a new schedule does not compile without one),
 * for the circle's 30 updates (3 an epoch) at Adam's η = 0.01: each changes the rate within the
 * trajectory's first 10 steps, and the cosine case reaches its minimum before the run ends.
 */
const SCHEDULE_CASES: { readonly [K in LrScheduleKind]: Extract<LearningRateSchedule, { kind: K }> } = {
  constant: { kind: 'constant' },
  step: { kind: 'step', every: 4, factor: 0.5 },
  exponential: { kind: 'exponential', decayRate: 0.5, decaySteps: 10 },
  cosine: { kind: 'cosine', decaySteps: 20, warmupSteps: 3, minLearningRate: 0.001 },
};

function sweepScenario(hidden: Activation, output: Activation, loss: LossName, config: OptimizerConfig, schedule?: LearningRateSchedule): Scenario {
  const multiclass = ACTIVATION_DEFINITIONS[output].task === 'multiclass';
  const dataset = multiclass ? IRIS : CIRCLE;
  const units = multiclass ? datasetInfo(dataset.name).outputs : 1;
  return defineScenario(
    {
      prefix: 'sweep:',
      dataset,
      hidden: [[Math.max(HIDDEN_UNITS, ACTIVATION_DEFINITIONS[hidden].minUnits), hidden]],
      output: [Math.max(units, ACTIVATION_DEFINITIONS[output].minUnits), output],
      loss,
      optimizer: config,
      ...(schedule === undefined ? {} : { schedule }),
      keras: true,
    },
    multiclass ? IRIS_SIZE : CIRCLE_SIZE,
  );
}

/** Each optimizer with core's defaults, then with each boolean hyperparameter flipped. */
function optimizerVariants(kinds: readonly OptimizerKind[]): OptimizerConfig[] {
  return kinds.flatMap((kind) => {
    const flipped = Object.entries(optimizerDefinition(kind).hyperparameters)
      .filter(([, h]) => typeof h.default === 'boolean')
      .map(([name, h]) => optimizer(kind, { [name]: !h.default }));
    return [optimizer(kind), ...flipped];
  });
}

/** The first output activation a loss can be computed on. */
function outputFor(loss: LossName, outputs: readonly Activation[]): Activation {
  const output = outputs.find((o) => LOSS_DEFINITIONS[loss].fits(o));
  if (output === undefined) throw new Error(`the sweep cannot cover ${loss}: it fits none of the output activations ${outputs.join(', ')}`);
  return output;
}

/** What the sweep varies; each defaults to core's table (a test narrows them). */
export interface SweepTables {
  readonly hidden?: readonly Activation[];
  readonly outputs?: readonly Activation[];
  readonly losses?: readonly LossName[];
  readonly optimizers?: readonly OptimizerKind[];
  readonly schedules?: readonly LrScheduleKind[];
}

/** The sweep's scenarios, in the order above, each once. */
export function sweepScenarios(tables: SweepTables = {}): Scenario[] {
  const hidden = tables.hidden ?? HIDDEN_ACTIVATIONS;
  const outputs = tables.outputs ?? OUTPUT_ACTIVATIONS;
  const losses = tables.losses ?? LOSSES;
  const optimizers = tables.optimizers ?? OPTIMIZERS;
  const schedules = tables.schedules ?? LR_SCHEDULES;
  const baseLoss = ACTIVATION_DEFINITIONS[BASE_OUTPUT].defaultLoss;
  const base = optimizer(BASE_OPTIMIZER);
  const all = [
    ...hidden.map((h) => sweepScenario(h, BASE_OUTPUT, baseLoss, base)),
    ...outputs.map((o) => sweepScenario(BASE_HIDDEN, o, ACTIVATION_DEFINITIONS[o].defaultLoss, base)),
    ...losses.map((loss) => sweepScenario(BASE_HIDDEN, outputFor(loss, OUTPUT_ACTIVATIONS), loss, base)),
    ...optimizerVariants(optimizers).map((config) => sweepScenario(BASE_HIDDEN, BASE_OUTPUT, baseLoss, config)),
    ...schedules.map((kind) => sweepScenario(BASE_HIDDEN, BASE_OUTPUT, baseLoss, base, SCHEDULE_CASES[kind])),
  ];
  const unique = new Map<string, Scenario>();
  for (const scenario of all) if (!unique.has(scenario.name)) unique.set(scenario.name, scenario);
  return [...unique.values()];
}
