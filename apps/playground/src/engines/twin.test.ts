import { describe, expect, test } from 'vitest';
import { EngineRegistry, flattenWeights } from '@twinprop/core';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { playgroundRunData, runSetup } from '../data/run-data.js';
import { readHash } from '../state/hash.js';
import { TwinRun } from './twin.js';

const registry = new EngineRegistry().register(referenceEngineProvider);

async function twin(hash: string): Promise<TwinRun> {
  const { settings } = readHash(hash);
  const engines = [await registry.resolve('reference/float64'), await registry.resolve('reference/float32')];
  return new TwinRun(runSetup(settings, playgroundRunData(settings)), engines);
}

describe('lockstep training in slices', () => {
  // Batch 30 on 250 training points: 8 full batches, 10 points carried into the next epoch.
  const HASH = '#dataset=spiral&networkShape=5,3&batchSize=30&activation=relu&regularization=L1&regularizationRate=0.003&learningRate=0.1&seed=slices';

  test('an epoch trained one batch per slice gives the weights of whole epochs, bit for bit, on every engine', async () => {
    const whole = await twin(HASH);
    const sliced = await twin(HASH);
    for (let epoch = 1; epoch <= 3; epoch++) {
      await whole.stepEpoch();
      let slices = 0;
      // A budget of 0 ms: one batch of one engine per call.
      while (!(await sliced.advance(0))) {
        slices++;
        expect(sliced.midEpoch).toBe(true);
      }
      expect(slices).toBeGreaterThanOrEqual(2 * 8 - 1);
      expect(sliced.epoch).toBe(epoch);
      expect(sliced.midEpoch).toBe(false);
      sliced.runs.forEach((run, i) => {
        expect(flattenWeights(run.model.getWeights())).toEqual(flattenWeights(whole.runs[i]!.model.getWeights()));
        expect(run.trainLoss).toBe(whole.runs[i]!.trainLoss);
      });
    }
    expect(sliced.runs.map((r) => r.epochs)).toEqual([3, 3]);
  });

  test('no engine starts an epoch before every engine has finished the one before', async () => {
    const run = await twin(HASH);
    await run.advance(0);
    expect(run.runs.map((r) => [r.epochDone, r.batchesDone])).toEqual([[false, 1], [false, 0]]);
    while (!run.runs[0]!.epochDone) await run.advance(0);
    expect(run.epoch).toBe(0);
    expect(run.runs[1]!.batchesDone).toBe(0);
    await run.advance(0);
    expect(run.runs[1]!.batchesDone).toBe(1);
  });

  test('the gradient check runs on the float64 engine and the batch the next update takes (carried points first)', async () => {
    const run = await twin(HASH);
    expect(run.nextBatch().x.rows).toBe(30);
    await run.stepEpoch();
    const batch = run.nextBatch();
    expect(batch.x.rows).toBe(40);
    expect(Array.from(batch.x.data.subarray(0, run.train.x.cols))).toEqual(Array.from(run.train.x.data.subarray(240 * run.train.x.cols, 241 * run.train.x.cols)));
    const report = run.gradientCheck();
    expect(report.passed).toBe(true);
  });

  test('a new learning rate keeps the weights and the dead links and takes effect from the next update', async () => {
    const run = await twin(HASH);
    await run.stepEpoch();
    const before = run.runs.map((r) => flattenWeights(r.model.getWeights()));
    const dead = run.runs[0]!.model.getOptimizerState().slots.deadLinks;
    expect(dead).toBeDefined();
    run.setLearningRate(0.3);
    expect(run.runs.map((r) => flattenWeights(r.model.getWeights()))).toEqual(before);
    expect(run.runs[0]!.model.getOptimizerState().slots.deadLinks).toEqual(dead);
    expect(run.runs[0]!.model.training.optimizer.learningRate).toBe(0.3);
    await run.stepEpoch();
    expect(run.epoch).toBe(2);
  });
});
