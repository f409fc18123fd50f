import { expect } from 'vitest';
import { trainOnBatch, type Batch, type Engine, type Model, type TrainingConfig } from '../../engine.js';
import { SpecError } from '../../errors.js';
import { initializeWeights } from '../../init.js';
import { clampedSgdStep, type Regularization } from '../../loss.js';
import { optimizer, optimizerDefinition, OPTIMIZERS, type OptimizerConfig, type OptimizerKind } from '../../optimizer.js';
import { Rng } from '../../rng.js';
import { learningRateAt, LR_SCHEDULES, type LearningRateSchedule, type LrScheduleKind } from '../../schedule.js';
import { mlp } from '../../spec.js';
import type { DType, Weights } from '../../weights.js';
import { expectClose } from './tolerances.js';
import { type ConformanceArea, type ConformanceTest, expectThrows, randomBatch, training, weightsData } from './context.js';

/**
 * Learning-rate schedules: every engine must take each update at the rate core's schedule gives
 * that step (`learningRateAt(optimizer, schedule, t)`, t = the optimizer's completed steps), and a
 * model restored mid-schedule must continue it bit for bit. What is covered comes from core's
 * `LR_SCHEDULES`; each schedule needs a case below (a mapped type: a new one does not compile
 * without), with parameters that change the rate within the {@link STEPS} steps. Each schedule
 * is checked with every optimizer (core's defaults); the resume check uses sgd, whose state is the
 * step count alone (so only the schedule can tell a resumed run from a restarted one), and adam.
 */
const CASES: { readonly [K in LrScheduleKind]: (learningRate: number) => Extract<LearningRateSchedule, { kind: K }> } = {
  constant: () => ({ kind: 'constant' }),
  // η, η, η/2, η/2, η/4, η/4
  step: () => ({ kind: 'step', every: 2, factor: 0.5 }),
  // η·0.25^(t/3): η, 0.63η, 0.40η, η/4, 0.157η, 0.099η
  exponential: () => ({ kind: 'exponential', decayRate: 0.25, decaySteps: 3 }),
  // warm-up η/2, η; decay η, 0.775η (η/10 + ½·0.9η·(1 + cos π/3)), 0.325η, then η/10 from t = 5 on
  cosine: (learningRate) => ({ kind: 'cosine', decaySteps: 3, warmupSteps: 2, minLearningRate: learningRate / 10 }),
};

/** Steps each check takes: long enough for every case's rate to change at least twice. */
const STEPS = 6;

const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);

function scheduled(config: OptimizerConfig, schedule: LearningRateSchedule, regularization?: Regularization): TrainingConfig {
  return { ...training('binaryCrossEntropy', config, regularization), schedule };
}

function setUp(engine: Engine, dtype: DType, trainingConfig: TrainingConfig, seed: number): { model: Model; batch: Batch } {
  const model = engine.createModel(spec, initializeWeights(spec, new Rng(seed), dtype), trainingConfig);
  return { model, batch: randomBatch(spec, 'binaryCrossEntropy', 6, new Rng(seed + 1), dtype) };
}

/** The case's rates over the checked steps, asserting that the case does vary the rate (unless constant). */
function caseRates(config: OptimizerConfig, schedule: LearningRateSchedule): number[] {
  const rates = Array.from({ length: STEPS }, (_, t) => learningRateAt(config, schedule, t));
  const distinct = new Set(rates).size;
  expect(distinct, `the ${schedule.kind} case's rates ${rates.join(', ')}`).toBeGreaterThanOrEqual(schedule.kind === 'constant' ? 1 : 3);
  return rates;
}

function updateTest(kind: LrScheduleKind, optimizerKind: OptimizerKind): ConformanceTest {
  return {
    name: `${kind} schedule with ${optimizerKind}: each of ${STEPS} steps is core's update() at core's scheduled rate for that step`,
    run: ({ engine, dtype, tolerance }) => {
      const config = optimizer(optimizerKind);
      const schedule = CASES[kind](config.learningRate);
      const rates = caseRates(config, schedule);
      const definition = optimizerDefinition(optimizerKind);
      const { model, batch } = setUp(engine, dtype, scheduled(config, schedule), 51);
      const probe = engine.createModel(spec, model.getWeights(), training('binaryCrossEntropy', config));
      let theta = weightsData(model.getWeights());
      const slots = theta.map(() => definition.slots.map(() => 0));
      for (let t = 1; t <= STEPS; t++) {
        probe.setWeights(model.getWeights());
        const g = weightsData(probe.lossAndGradients(batch).gradients);
        trainOnBatch(model, batch);
        const atRate = { ...config, learningRate: rates[t - 1]! };
        theta = theta.map((w, i) => definition.update(atRate, w, g[i]!, slots[i]!, t));
        expectClose(weightsData(model.getWeights()), theta, tolerance.update, `weights after step ${t} (rate ${rates[t - 1]})`);
        expect(model.getOptimizerState().step, 'steps counted').toBe(t);
      }
      model.dispose();
      probe.dispose();
    },
  };
}

function resumeTest(kind: LrScheduleKind, optimizerKind: OptimizerKind): ConformanceTest {
  return {
    name: `${kind} schedule with ${optimizerKind}: a model restored mid-schedule (weights and optimizer state after 3 steps) continues bit for bit`,
    run: ({ engine, dtype }) => {
      const config = optimizer(optimizerKind);
      const trainingConfig = scheduled(config, CASES[kind](config.learningRate));
      caseRates(config, trainingConfig.schedule!);
      const { model: uninterrupted, batch } = setUp(engine, dtype, trainingConfig, 60);
      for (let i = 0; i < 3; i++) trainOnBatch(uninterrupted, batch);
      const weights = uninterrupted.getWeights();
      const state = uninterrupted.getOptimizerState();
      const resumed = engine.createModel(spec, weights, trainingConfig);
      resumed.setOptimizerState(state);
      for (let i = 3; i < STEPS; i++) {
        trainOnBatch(uninterrupted, batch);
        trainOnBatch(resumed, batch);
        expect(weightsData(resumed.getWeights()), `resumed model after step ${i + 1}`).toEqual(weightsData(uninterrupted.getWeights()));
      }
      expect(resumed.getOptimizerState().step).toBe(STEPS);
      uninterrupted.dispose();
      resumed.dispose();
    },
  };
}

/** The clamped-L1 case of the regularization area, on a schedule that halves the rate every step. */
const clampSpec = mlp(2, [[3, 'tanh']], [1, 'tanh']);
const CLAMPED: Regularization = { l1: 0.5, clampAtZero: true };

const clampTest: ConformanceTest = {
  name: "clampAtZero under a schedule: the regularization step of each update moves at that update's scheduled rate, as core's clampedSgdStep says",
  run: ({ engine, dtype, tolerance }) => {
    const weights: Weights = initializeWeights(clampSpec, new Rng(21), dtype, { kernel: 'playground', bias: 'playground' });
    weights.layers[0]!.kernel.data[2] = 1e-4;
    weights.layers[1]!.kernel.data[1] = -1e-4;
    const batch = randomBatch(clampSpec, 'halfSquaredError', 6, new Rng(22), dtype);
    const config = optimizer('sgd', { learningRate: 0.5 });
    const schedule: LearningRateSchedule = { kind: 'step', every: 1, factor: 0.5 };
    const model = engine.createModel(clampSpec, weights, { loss: 'halfSquaredError', optimizer: config, regularization: CLAMPED, schedule });
    const probe = engine.createModel(clampSpec, weights, training('halfSquaredError', config));
    const isKernel = weights.layers.flatMap((l) => [...Array.from(l.kernel.data, () => true), ...Array.from(l.bias.data, () => false)]);
    let theta = weightsData(weights);
    let dead = theta.map(() => false);
    for (let t = 0; t < 3; t++) {
      const rate = learningRateAt(config, schedule, t);
      probe.setWeights(model.getWeights());
      const g = weightsData(probe.lossAndGradients(batch).gradients);
      trainOnBatch(model, batch);
      const next = theta.map((w, i) => (isKernel[i] ? clampedSgdStep(w, g[i]!, dead[i]!, rate, CLAMPED) : { theta: w - rate * g[i]!, dead: false }));
      theta = next.map((n) => n.theta);
      dead = next.map((n) => n.dead);
      expectClose(weightsData(model.getWeights()), theta, tolerance.update, `weights after step ${t + 1} (rate ${rate})`);
    }
    expect(dead.some((d) => d), 'the case kills at least one link (core’s formula says)').toBe(true);
    model.dispose();
    probe.dispose();
  },
};

export const scheduleArea: ConformanceArea = {
  title: 'learning-rate schedules',
  tests: [
    ...LR_SCHEDULES.flatMap((kind) => OPTIMIZERS.map((o) => updateTest(kind, o))),
    ...LR_SCHEDULES.flatMap((kind) => (['sgd', 'adam'] as const).map((o) => resumeTest(kind, o))),
    clampTest,
    {
      name: 'createModel refuses a schedule whose rate could be negative, grow or stop being finite (SpecError naming the field)',
      run: ({ engine, dtype }) => {
        const config = optimizer('sgd', { learningRate: 0.1 });
        const bad: Array<[LearningRateSchedule, string]> = [
          [{ kind: 'step', every: 0, factor: 0.5 }, 'training.schedule.every'],
          [{ kind: 'step', every: 2, factor: -0.5 }, 'training.schedule.factor'],
          [{ kind: 'exponential', decayRate: 1.5, decaySteps: 10 }, 'training.schedule.decayRate'],
          [{ kind: 'cosine', decaySteps: 10, minLearningRate: 0.2 }, 'training.schedule.minLearningRate'],
          [{ kind: 'cosine', decaySteps: Number.NaN }, 'training.schedule.decaySteps'],
        ];
        for (const [schedule, field] of bad) {
          const error = expectThrows(
            () => engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), scheduled(config, schedule)),
            SpecError,
            `createModel with ${JSON.stringify(schedule)}`,
          );
          expect(error.field).toBe(field);
        }
      },
    },
  ],
};
