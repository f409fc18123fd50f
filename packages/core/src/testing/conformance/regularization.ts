import { expect } from 'vitest';
import { trainOnBatch } from '../../engine.js';
import { initializeWeights } from '../../init.js';
import { optimizer } from '../../optimizer.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import type { DType, Weights } from '../../weights.js';
import { expectClose } from './tolerances.js';
import { type ConformanceArea, randomBatch, training, weightsData } from './context.js';

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
  ],
};
