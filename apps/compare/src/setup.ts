import { deriveSeed, initializeWeights, Rng, selectRows, type Batch, type Dataset, type Weights } from '@twinprop/core';
import { standardize } from '@twinprop/datasets';
import { loadDataset } from './composed.js';
import type { DatasetRef, Scenario } from './scenario.js';
import { SHARED_CODE, type SharedCode } from './shared.js';

/** The data of a scenario, split and ready. */
export interface ScenarioData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** True for the gates: the truth table is both the training and the test set. */
  readonly testIsTrain: boolean;
}

/**
 * Everything both engines share for one scenario: the data, the initial weights and the first
 * batch — so that nothing that could differ between the engines is generated twice.
 */
export interface ScenarioSetup {
  readonly scenario: Scenario;
  readonly data: ScenarioData;
  /**
   * Initial weights drawn in core from `new Rng(seed)` and rounded to float32, so that the float64
   * reference, the float32 reference and tfjs (which stores float32) start from the very same numbers.
   */
  readonly initialWeights: Weights;
  /** The first batch of epoch 1: rows `epochOrder(rows, seed, 1)[0 … batchSize − 1]` of the training set. */
  readonly firstBatch: Batch;
  /** The shared code the run uses (the batch order, the loop, the split): core's, unless a mutant is planted. */
  readonly shared: SharedCode;
}

/** Loaded datasets, per shared code (a planted split must not reuse the real one's data). */
const dataCaches = new WeakMap<SharedCode, Map<string, ScenarioData>>();

/**
 * Loads and splits a dataset. Features and targets are float32 values (stored as float32 arrays):
 * tfjs rounds its inputs to float32, so rounding here first means every engine sees identical
 * inputs. Cached per process (scenarios share datasets).
 */
export function loadScenarioData(ref: DatasetRef, shared: SharedCode = SHARED_CODE): ScenarioData {
  const key = JSON.stringify(ref);
  let dataCache = dataCaches.get(shared);
  if (dataCache === undefined) {
    dataCache = new Map();
    dataCaches.set(shared, dataCache);
  }
  const cached = dataCache.get(key);
  if (cached !== undefined) return cached;
  const all = loadDataset(ref.name, {
    ...(ref.points === undefined ? {} : { points: ref.points }),
    ...(ref.noise === undefined ? {} : { noise: ref.noise }),
    ...(ref.seed === undefined ? {} : { seed: ref.seed }),
    dtype: 'float32',
  });
  let data: ScenarioData;
  if (ref.testFraction === 0) {
    data = { train: all, test: all, testIsTrain: true };
  } else {
    const split = shared.split(all, { testFraction: ref.testFraction, seed: ref.seed ?? 1 });
    if (split.test === undefined) throw new Error(`${ref.name}: a test fraction of ${ref.testFraction} left no test rows`);
    if (ref.standardize === true) {
      const scaled = standardize(split.train, split.test);
      data = { train: scaled.train, test: scaled.test ?? split.test, testIsTrain: false };
    } else {
      data = { train: split.train, test: split.test, testIsTrain: false };
    }
  }
  dataCache.set(key, data);
  return data;
}

/**
 * Initial weights from core's initializer; with `scenario.biases`, biases drawn uniformly from
 * ±biases (core initializes them to 0, which would hide a penalty wrongly applied to biases).
 */
function initialWeightsOf(scenario: Scenario): Weights {
  const weights = initializeWeights(scenario.spec, new Rng(scenario.seed), 'float32');
  const spread = scenario.biases;
  if (spread === undefined) return weights;
  const rng = new Rng(deriveSeed(scenario.seed, 'biases'));
  for (const layer of weights.layers) for (let i = 0; i < layer.bias.data.length; i++) layer.bias.data[i] = Math.fround(rng.uniform(-spread, spread));
  return weights;
}

export function prepareScenario(scenario: Scenario, shared: SharedCode = SHARED_CODE): ScenarioSetup {
  const data = loadScenarioData(scenario.dataset, shared);
  const initialWeights = initialWeightsOf(scenario);
  const rows = data.train.x.rows;
  const order = shared.epochOrder(rows, scenario.orderSeed ?? scenario.seed, 1).subarray(0, Math.min(scenario.batchSize, rows));
  const firstBatch: Batch = { x: selectRows(data.train.x, order), y: selectRows(data.train.y, order) };
  return { scenario, data, initialWeights, firstBatch, shared };
}

/** Optimizer steps in one epoch of the scenario (the last batch may be short). */
export function stepsPerEpoch(setup: ScenarioSetup): number {
  const rows = setup.data.train.x.rows;
  return Math.ceil(rows / Math.min(setup.scenario.batchSize, rows));
}

/** The training-set rows of each of the first `steps` optimizer steps, as core's `fit` slices each epoch's order. */
export function trajectoryBatches(setup: ScenarioSetup, steps = setup.scenario.trajectorySteps): Int32Array[] {
  const rows = setup.data.train.x.rows;
  const batchSize = Math.min(setup.scenario.batchSize, rows);
  const batches: Int32Array[] = [];
  for (let epoch = 1; epoch <= setup.scenario.epochs && batches.length < steps; epoch++) {
    const order = setup.shared.epochOrder(rows, setup.scenario.orderSeed ?? setup.scenario.seed, epoch);
    for (let start = 0; start < rows && batches.length < steps; start += batchSize) batches.push(order.subarray(start, Math.min(rows, start + batchSize)));
  }
  return batches;
}
