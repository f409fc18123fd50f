import { expect } from 'vitest';
import { maxMagnitude } from '../../agreement.js';
import { trainOnBatch, type Batch, type Engine, type Model } from '../../engine.js';
import { SpecError } from '../../errors.js';
import { initializeWeights } from '../../init.js';
import { optimizer, optimizerDefinition, OPTIMIZERS, type OptimizerConfig, type OptimizerState } from '../../optimizer.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import type { DType } from '../../weights.js';
import { expectClose } from './tolerances.js';
import { type ConformanceArea, type ConformanceTest, expectThrows, randomBatch, training, weightsData } from './context.js';

interface OptimizerCase {
  readonly label: string;
  readonly config: OptimizerConfig;
}

/** Each optimizer with core's defaults, and once more with each boolean hyperparameter flipped (Nesterov). */
const cases: OptimizerCase[] = OPTIMIZERS.flatMap((kind) => {
  const out: OptimizerCase[] = [{ label: `${kind} (defaults)`, config: optimizer(kind) }];
  for (const [name, hyper] of Object.entries(optimizerDefinition(kind).hyperparameters)) {
    switch (hyper.rule) {
      case 'boolean':
        out.push({ label: `${kind} (${name}: ${String(!hyper.default)})`, config: optimizer(kind, { [name]: !hyper.default }) });
        break;
      case 'fraction':
      case 'positive':
        break;
    }
  }
  return out;
});

const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);

function setUp(engine: Engine, dtype: DType, config: OptimizerConfig, seed: number): { model: Model; batch: Batch } {
  const model = engine.createModel(spec, initializeWeights(spec, new Rng(seed), dtype), training('binaryCrossEntropy', config));
  return { model, batch: randomBatch(spec, 'binaryCrossEntropy', 6, new Rng(seed + 1), dtype) };
}

function slotValues(state: OptimizerState): Record<string, number[]> {
  return Object.fromEntries(Object.entries(state.slots).map(([name, weights]) => [name, weightsData(weights)]));
}

/**
 * Three steps against core's `update()` oracle, fed the gradient the engine computes at its current
 * weights (the gradient itself is checked by the gradient area); the state's step count and slots
 * must be the oracle's too.
 */
function updateTest({ label, config }: OptimizerCase): ConformanceTest {
  return {
    name: `${label}: three steps follow core's update(), slots and step count included`,
    run: ({ engine, dtype, tolerance }) => {
      const definition = optimizerDefinition(config.kind);
      const { model, batch } = setUp(engine, dtype, config, 21);
      const probe = engine.createModel(spec, model.getWeights(), training('binaryCrossEntropy', config));
      let theta = weightsData(model.getWeights());
      const slots = theta.map(() => definition.slots.map(() => 0));
      for (let t = 1; t <= 3; t++) {
        probe.setWeights(model.getWeights());
        const { loss: before, gradients } = probe.lossAndGradients(batch);
        const g = weightsData(gradients);
        expectClose([trainOnBatch(model, batch)], [before], tolerance.exact, `loss reported by step ${t}`);
        theta = theta.map((w, i) => definition.update(config, w, g[i]!, slots[i]!, t));
        expectClose(weightsData(model.getWeights()), theta, tolerance.update, `weights after step ${t}`);
        const state = model.getOptimizerState();
        expect(state.kind).toBe(config.kind);
        expect(state.step, 'steps counted').toBe(t);
        expect(Object.keys(state.slots).sort(), 'slot names').toEqual([...definition.slots].sort());
        definition.slots.forEach((name, s) => {
          const expected = slots.map((values) => values[s]!);
          // Slots are compared on their own scale: Adam's second moment is ~1e-5 where weights are ~1.
          const floor = tolerance.update.floor * maxMagnitude(expected);
          expectClose(weightsData(state.slots[name]!), expected, { rtol: tolerance.update.rtol, floor }, `${name} after step ${t}`);
        });
      }
      model.dispose();
      probe.dispose();
    },
  };
}

function roundTripTest({ label, config }: OptimizerCase): ConformanceTest {
  return {
    name: `${label}: getOptimizerState is a snapshot, and a model restored from it (a copy) continues bit-identically`,
    run: ({ engine, dtype }) => {
      const { model: a, batch } = setUp(engine, dtype, config, 30);
      for (let i = 0; i < 3; i++) trainOnBatch(a, batch);
      const state = a.getOptimizerState();
      const saved = { step: state.step, slots: slotValues(state) };
      const weights = a.getWeights();
      for (let i = 0; i < 3; i++) trainOnBatch(a, batch);
      expect({ step: state.step, slots: slotValues(state) }, 'the state taken after 3 steps, after 3 more').toEqual(saved);
      const b = engine.createModel(spec, weights, training('binaryCrossEntropy', config));
      b.setOptimizerState(state);
      // The model keeps its own copy: changing the state object afterwards does not reach it.
      for (const slot of Object.values(state.slots)) for (const layer of slot.layers) layer.kernel.data.fill(5);
      for (let i = 0; i < 3; i++) trainOnBatch(b, batch);
      expect(weightsData(b.getWeights())).toEqual(weightsData(a.getWeights()));
      expect(b.getOptimizerState().step).toBe(6);
      a.dispose();
      b.dispose();
    },
  };
}

export const optimizerArea: ConformanceArea = {
  title: 'optimizers and their state',
  tests: [
    ...cases.map(updateTest),
    ...cases.map(roundTripTest),
    {
      name: 'setOptimizerState refuses the state of another optimizer (SpecError)',
      run: ({ engine, dtype }) => {
        for (const kind of OPTIMIZERS) {
          const other = OPTIMIZERS.find((k) => k !== kind)!;
          const { model } = setUp(engine, dtype, optimizer(kind), 40);
          const { model: donor } = setUp(engine, dtype, optimizer(other), 40);
          expectThrows(() => model.setOptimizerState(donor.getOptimizerState()), SpecError, `${other} state into a ${kind} model`);
          model.dispose();
          donor.dispose();
        }
      },
    },
  ],
};
