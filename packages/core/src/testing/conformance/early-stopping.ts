import { expect } from 'vitest';
import type { Batch, Engine, Model } from '../../engine.js';
import { fit, type FitOptions, type FitResult } from '../../fit.js';
import { initializeWeights } from '../../init.js';
import { optimizer } from '../../optimizer.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import { matrix, type DType } from '../../weights.js';
import { type ConformanceArea, training, weightsData } from './context.js';

/**
 * Early stopping through core's fit on a real engine: that the weights and optimizer state it
 * restores are exactly those a run stopped by hand at the best epoch ends with, and that a run
 * resumed from the early-stopping state in the middle of the patience window ends bit-identical to
 * the uninterrupted one. Both are comparisons of an engine with itself, so they hold bit for bit.
 */

const spec = mlp(2, [[12, 'tanh']], [1, 'sigmoid']);
const PATIENCE = 5;

/**
 * Points in [−1, 1]² labelled by the sign of x1·x2 (the Playground's XOR), with a share of the
 * labels flipped: training first learns the rule, then the flipped labels, so the validation loss
 * (on clean labels) falls and then rises — the best epoch lies inside the run.
 */
function quadrants(rows: number, seed: number, flipped: number, dtype: DType): Batch {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    x.push(a, b);
    const label = a * b > 0 ? 1 : 0;
    y.push(rng.uniform(0, 1) < flipped ? 1 - label : label);
  }
  return { x: matrix(rows, 2, x, dtype), y: matrix(rows, 1, y, dtype) };
}

interface Scenario {
  readonly train: Batch;
  readonly options: FitOptions;
  model(): Model;
}

function scenario(engine: Engine, dtype: DType): Scenario {
  return {
    train: quadrants(24, 61, 0.3, dtype),
    options: { epochs: 200, batchSize: 8, seed: 64, validation: quadrants(24, 62, 0, dtype) },
    model: () => engine.createModel(spec, initializeWeights(spec, new Rng(63), dtype), training('binaryCrossEntropy', optimizer('adam', { learningRate: 0.05 }))),
  };
}

/** The model's weights and optimizer state as plain numbers, for exact comparison. */
function stateOf(model: Model): { weights: number[]; step: number; slots: Record<string, number[]> } {
  const state = model.getOptimizerState();
  return {
    weights: weightsData(model.getWeights()),
    step: state.step,
    slots: Object.fromEntries(Object.entries(state.slots).map(([name, slot]) => [name, weightsData(slot)])),
  };
}

/** The run early stopping makes of the scenario, checked to be one the tests can use. */
async function earlyStopped(s: Scenario): Promise<{ model: Model; result: FitResult; best: number }> {
  const model = s.model();
  const result = await fit(model, s.train, { ...s.options, earlyStopping: { patience: PATIENCE } });
  const best = result.bestEpoch ?? 0;
  expect(result.stopReason, 'the scenario stops early').toBe('earlyStopping');
  expect(best, 'the best epoch lies inside the run').toBeGreaterThan(2);
  expect(result.epochsCompleted, 'training stops patience epochs after the best').toBe(best + PATIENCE);
  return { model, result, best };
}

export const earlyStoppingArea: ConformanceArea = {
  title: 'early stopping through fit',
  tests: [
    {
      name: 'early stopping restores exactly the weights and optimizer state of the best epoch (those of a run of bestEpoch epochs)',
      timeout: 60_000,
      run: async ({ engine, dtype }) => {
        const s = scenario(engine, dtype);
        const { model, best } = await earlyStopped(s);
        const byHand = s.model();
        await fit(byHand, s.train, { ...s.options, epochs: best });
        expect(stateOf(model)).toEqual(stateOf(byHand));
        // The comparison can fail: the run one epoch longer has other weights.
        await fit(byHand, s.train, { ...s.options, epochs: best + 1, initialEpoch: best });
        expect(weightsData(byHand.getWeights())).not.toEqual(weightsData(model.getWeights()));
        model.dispose();
        byHand.dispose();
      },
    },
    {
      name: 'a run resumed from its early-stopping state in the middle of the patience window ends bit-identical to the uninterrupted run',
      timeout: 60_000,
      run: async ({ engine, dtype }) => {
        const s = scenario(engine, dtype);
        const { model: straight, result: uninterrupted, best } = await earlyStopped(s);
        const middle = best + Math.floor(PATIENCE / 2);
        const first = s.model();
        const part = await fit(first, s.train, { ...s.options, epochs: middle, earlyStopping: { patience: PATIENCE } });
        expect(part.stopReason).toBe('epochs');
        expect(part.earlyStopping?.epochsSinceBest).toBe(middle - best);
        const resumed = engine.createModel(spec, first.getWeights(), first.training);
        resumed.setOptimizerState(first.getOptimizerState());
        const rest = await fit(resumed, s.train, {
          ...s.options,
          earlyStopping: { patience: PATIENCE },
          initialEpoch: middle,
          ...(part.earlyStopping === undefined ? {} : { initialEarlyStopping: part.earlyStopping }),
        });
        expect([rest.stopReason, rest.bestEpoch, rest.epochsCompleted]).toEqual(['earlyStopping', best, uninterrupted.epochsCompleted]);
        expect(stateOf(resumed)).toEqual(stateOf(straight));
        for (const m of [straight, first, resumed]) m.dispose();
      },
    },
  ],
};
