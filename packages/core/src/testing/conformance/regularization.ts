import { expect } from 'vitest';
import { trainOnBatch, type Batch, type Model } from '../../engine.js';
import { SpecError } from '../../errors.js';
import { clampedSgdStep, DEAD_LINKS_SLOT, type Regularization } from '../../loss.js';
import { initializeWeights } from '../../init.js';
import { optimizer } from '../../optimizer.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import type { DType, Weights } from '../../weights.js';
import { expectClose } from './tolerances.js';
import { type ConformanceArea, expectThrows, randomBatch, training, weightsData } from './context.js';

const [L1, L2] = [0.01, 0.03];
const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);

/**
 * Kernels of both layers with one entry exactly 0, where core defines ∂|w|/∂w = sign(0) = 0
 * (TensorFlow.js's own gradient of abs would give −1 there).
 */
function weightsWithAZero(dtype: DType): Weights {
  const weights = initializeWeights(spec, new Rng(11), dtype);
  weights.layers[0]!.kernel.data[1] = 0;
  weights.layers[1]!.kernel.data[0] = 0;
  return weights;
}

/**
 * The regularization terms are checked against the engine's own unregularized loss and gradient
 * (which the loss and gradient areas check against core's formulas): what is tested here is what
 * regularization adds, from core's formula, and what it leaves alone.
 */
const clampSpec = mlp(2, [[3, 'tanh']], [1, 'tanh']);
const CLAMPED: Regularization = { l1: 0.5, clampAtZero: true };
const CLAMP_RATE = 0.5;

/** Playground-style weights (U[−0.5, 0.5)) with two links so small that the L1 step reaches zero. */
function clampWeights(dtype: DType): Weights {
  const weights = initializeWeights(clampSpec, new Rng(21), dtype, { kernel: 'playground', bias: 'playground' });
  weights.layers[0]!.kernel.data[2] = 1e-4;
  weights.layers[1]!.kernel.data[1] = -1e-4;
  return weights;
}

/**
 * What one clamped step should give, from core's {@link clampedSgdStep} on the engine's own
 * *data* gradient (an unregularized twin's — checked against core's formulas elsewhere): the
 * weights, and the dead-link mask in core's parameter order (biases never die).
 */
function expectedClampedStep(probe: Model, weights: Weights, batch: Batch, dead: readonly boolean[]): { theta: number[]; dead: boolean[] } {
  probe.setWeights(weights);
  const g = weightsData(probe.lossAndGradients(batch).gradients);
  const isKernel = weights.layers.flatMap((l) => [...Array.from(l.kernel.data, () => true), ...Array.from(l.bias.data, () => false)]);
  const theta: number[] = [];
  const nowDead: boolean[] = [];
  weightsData(weights).forEach((w, i) => {
    if (!isKernel[i]) {
      theta.push(w - CLAMP_RATE * g[i]!);
      nowDead.push(false);
      return;
    }
    const step = clampedSgdStep(w, g[i]!, dead[i] ?? false, CLAMP_RATE, CLAMPED);
    theta.push(step.theta);
    nowDead.push(step.dead);
  });
  return { theta, dead: nowDead };
}

function deadMask(model: Model): boolean[] {
  const slot = model.getOptimizerState().slots[DEAD_LINKS_SLOT];
  expect(slot, `getOptimizerState().slots.${DEAD_LINKS_SLOT}`).toBeDefined();
  return weightsData(slot!).map((v) => v !== 0);
}

export const regularizationArea: ConformanceArea = {
  title: 'regularization',
  tests: [
    {
      name: 'L1 and L2 regularization: loss + λ₁Σ|w| + λ₂·½Σw² on kernels only, gradient + λ₁·sign(w) + λ₂·w (sign(0) = 0)',
      run: ({ engine, dtype, tolerance }) => {
        const weights = weightsWithAZero(dtype);
        const batch = randomBatch(spec, 'binaryCrossEntropy', 4, new Rng(12), dtype);
        const plain = engine.createModel(spec, weights, training('binaryCrossEntropy'));
        const reg = engine.createModel(spec, weights, training('binaryCrossEntropy', optimizer('sgd'), { l1: L1, l2: L2 }));
        const base = plain.lossAndGradients(batch);
        const withReg = reg.lossAndGradients(batch);
        let penalty = 0;
        for (const layer of weights.layers) for (const w of layer.kernel.data) penalty += L1 * Math.abs(w) + L2 * 0.5 * w * w;
        expectClose([withReg.loss], [base.loss + penalty], tolerance.regularized, 'regularized loss');
        expectClose([reg.loss(batch)], [base.loss + penalty], tolerance.regularized, 'regularized loss from loss()');
        weights.layers.forEach((layer, i) => {
          const expectedKernel = Array.from(layer.kernel.data, (w, j) => base.gradients.layers[i]!.kernel.data[j]! + L1 * Math.sign(w) + L2 * w);
          expectClose(withReg.gradients.layers[i]!.kernel.data, expectedKernel, tolerance.regularized, `dense_${i}/kernel`);
          expectClose(withReg.gradients.layers[i]!.bias.data, base.gradients.layers[i]!.bias.data, tolerance.exact, `dense_${i}/bias (not regularized)`);
        });
        expect(Array.from(reg.predict(batch.x).data), 'predictions do not depend on regularization').toEqual(Array.from(plain.predict(batch.x).data));
        plain.dispose();
        reg.dispose();
      },
    },
    {
      name: 'trainStep descends the regularized loss: one sgd step is θ − η·(g + λ₁·sign(w) + λ₂·w) and reports the regularized loss',
      run: ({ engine, dtype, tolerance }) => {
        const weights = weightsWithAZero(dtype);
        const batch = randomBatch(spec, 'binaryCrossEntropy', 4, new Rng(13), dtype);
        const learningRate = 0.5;
        const config = training('binaryCrossEntropy', optimizer('sgd', { learningRate }), { l1: L1, l2: L2 });
        const probe = engine.createModel(spec, weights, training('binaryCrossEntropy'));
        const { loss, gradients } = probe.lossAndGradients(batch);
        let penalty = 0;
        for (const layer of weights.layers) for (const w of layer.kernel.data) penalty += L1 * Math.abs(w) + L2 * 0.5 * w * w;
        const model = engine.createModel(spec, weights, config);
        expectClose([trainOnBatch(model, batch)], [loss + penalty], tolerance.regularized, 'loss reported by the step');
        const g = weightsData(gradients);
        // Kernels are the even-numbered tensors in core's order (kernel 0, bias 0, kernel 1, …).
        const isKernel = weights.layers.flatMap((l) => [...Array.from(l.kernel.data, () => true), ...Array.from(l.bias.data, () => false)]);
        const expected = weightsData(weights).map((w, i) => w - learningRate * (g[i]! + (isKernel[i] ? L1 * Math.sign(w) + L2 * w : 0)));
        expectClose(weightsData(model.getWeights()), expected, tolerance.update, 'weights after the step');
        probe.dispose();
        model.dispose();
      },
    },
    {
      name: "clampAtZero (the Playground's L1): each step is core's clampedSgdStep on the data gradient; links it carries across 0 become exactly 0 and dead, stay so, and survive a save of the optimizer state",
      run: ({ engine, dtype, tolerance }) => {
        const weights = clampWeights(dtype);
        const batch = randomBatch(clampSpec, 'halfSquaredError', 6, new Rng(22), dtype);
        const probe = engine.createModel(clampSpec, weights, training('halfSquaredError'));
        const config = training('halfSquaredError', optimizer('sgd', { learningRate: CLAMP_RATE }), CLAMPED);
        const model = engine.createModel(clampSpec, weights, config);
        expect(deadMask(model).some((d) => d), 'no link is dead before training').toBe(false);

        const first = expectedClampedStep(probe, weights, batch, []);
        expect(first.dead.filter((d) => d).length, 'the case kills at least one link (core’s formula says)').toBeGreaterThan(0);
        trainOnBatch(model, batch);
        expect(deadMask(model), 'dead links after step 1').toEqual(first.dead);
        expectClose(weightsData(model.getWeights()), first.theta, tolerance.update, 'weights after step 1');
        const afterFirst = model.getWeights();
        weightsData(afterFirst).forEach((w, i) => {
          if (first.dead[i]) expect(w, `dead link ${i} is exactly 0`).toBe(0);
        });

        const state = model.getOptimizerState();
        const second = expectedClampedStep(probe, afterFirst, batch, first.dead);
        trainOnBatch(model, batch);
        expect(deadMask(model), 'dead links after step 2 (none revived)').toEqual(second.dead);
        expectClose(weightsData(model.getWeights()), second.theta, tolerance.update, 'weights after step 2');
        weightsData(model.getWeights()).forEach((w, i) => {
          if (first.dead[i]) expect(w, `dead link ${i} did not move`).toBe(0);
        });

        // A model restored from the weights and optimizer state after step 1 takes the same step 2.
        const restored = engine.createModel(clampSpec, afterFirst, config);
        restored.setOptimizerState(state);
        trainOnBatch(restored, batch);
        expect(weightsData(restored.getWeights()), 'restored model, step 2').toEqual(weightsData(model.getWeights()));
        const { [DEAD_LINKS_SLOT]: _mask, ...withoutMask } = state.slots;
        expectThrows(() => restored.setOptimizerState({ ...state, slots: withoutMask }), SpecError, 'setOptimizerState without the dead-link slot');
        for (const m of [probe, model, restored]) m.dispose();
      },
    },
  ],
};
