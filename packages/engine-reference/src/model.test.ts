import { describe, expect, it } from 'vitest';
import {
  createWeights,
  fit,
  initializeWeights,
  matrix,
  matrixFromRows,
  mlp,
  namedParameters,
  optimizer,
  Rng,
  ShapeError,
  trainOnBatch,
  UnsupportedFeatureError,
  type DType,
  type Weights,
} from '@twinprop/core';
import { createReferenceEngine, ReferenceEngine } from './engine.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const flat = (w: Weights): number[] => namedParameters(w).flatMap((p) => Array.from(p.tensor.data));

describe('ReferenceModel', () => {
  it('2-2-1 sigmoid network on one data point: gradients worked out by hand, as in the lecture, match to 1e-12', () => {
    const spec = mlp(2, [[2, 'sigmoid']], [1, 'sigmoid']);
    // W1 = [[w11, w12], [w21, w22]] (row = input, column = hidden unit), b1; w2 = [v1, v2], b2.
    const [w11, w12, w21, w22, b1, b2] = [0.15, -0.25, 0.2, 0.3, 0.35, -0.6];
    const [v1, v2, c] = [0.4, -0.45, 0.1];
    const values = [
      { kernel: [w11, w12, w21, w22], bias: [b1, b2] },
      { kernel: [v1, v2], bias: [c] },
    ];
    const weights = createWeights(spec, 'float64', (layer, part, i) => values[layer]![part][i]!);
    const model = createReferenceEngine({ dtype: 'float64' }).createModel(spec, weights, { loss: 'binaryCrossEntropy', optimizer: optimizer('sgd') });
    const [x1, x2, y] = [0.5, -1, 1];

    // Forward: hidden pre-activations, hidden outputs, output logit and ŷ.
    const z1 = x1 * w11 + x2 * w21 + b1;
    const z2 = x1 * w12 + x2 * w22 + b2;
    const h1 = sigmoid(z1);
    const h2 = sigmoid(z2);
    const z = h1 * v1 + h2 * v2 + c;
    const yHat = sigmoid(z);
    const loss = -y * Math.log(yHat) - (1 - y) * Math.log(1 - yHat);

    // Backward, the lecture's way: ∂ℓ/∂ŷ = (1 − y)/(1 − ŷ) − y/ŷ and ∂ŷ/∂z = σ'(z) = ŷ(1 − ŷ) …
    const dLossDYHat = (1 - y) / (1 - yHat) - y / yHat;
    const dYHatDZ = yHat * (1 - yHat);
    const dLossDZ = dLossDYHat * dYHatDZ; // … whose product is ŷ − y
    expect(dLossDZ).toBeCloseTo(yHat - y, 14);
    // Output layer: ∂ℓ/∂vⱼ = (ŷ − y)·hⱼ, ∂ℓ/∂c = ŷ − y (the lecture's (ŷ − y)·x₁ with x = h).
    const dV = [dLossDZ * h1, dLossDZ * h2];
    const dC = dLossDZ;
    // Hidden layer: ∂ℓ/∂zⱼ = (ŷ − y)·vⱼ·hⱼ(1 − hⱼ); ∂ℓ/∂w_ij = ∂ℓ/∂zⱼ·xᵢ; ∂ℓ/∂bⱼ = ∂ℓ/∂zⱼ.
    const dZ1 = dLossDZ * v1 * h1 * (1 - h1);
    const dZ2 = dLossDZ * v2 * h2 * (1 - h2);
    const dW = [dZ1 * x1, dZ2 * x1, dZ1 * x2, dZ2 * x2]; // row-major [input][unit]
    const dB = [dZ1, dZ2];

    const result = model.lossAndGradients({ x: matrix(1, 2, [x1, x2]), y: matrix(1, 1, [y]) });
    expect(Math.abs(result.loss - loss)).toBeLessThanOrEqual(1e-12);
    const expected = [...dW, ...dB, ...dV, dC];
    flat(result.gradients).forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThanOrEqual(1e-12));
  });

  it("predicts with the lecture's AND perceptron (w₁ = w₂ = 1, b = −1.5) but refuses to train it by gradient descent", () => {
    const spec = mlp(2, [], [1, 'step']);
    const and = createWeights(spec, 'float32', (_l, part) => (part === 'kernel' ? 1 : -1.5));
    const model = new ReferenceEngine().createModel(spec, and, { loss: 'meanSquaredError', optimizer: optimizer('sgd') });
    const x = matrixFromRows([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(Array.from(model.predict(x).data)).toEqual([0, 0, 0, 1]);
    const batch = { x, y: matrix(4, 1, [0, 0, 0, 1]) };
    expect(() => model.lossAndGradients(batch)).toThrow(UnsupportedFeatureError);
    expect(() => model.lossAndGradients(batch)).toThrow(/derivative is 0.*perceptron rule/);
    expect(() => trainOnBatch(model, batch)).toThrow(UnsupportedFeatureError);
    // A hidden step layer is refused too.
    const deep = mlp(2, [[2, 'step']], [1, 'sigmoid']);
    const deepModel = new ReferenceEngine().createModel(deep, initializeWeights(deep, new Rng(1), 'float32'), { loss: 'binaryCrossEntropy', optimizer: optimizer('sgd') });
    expect(() => deepModel.lossAndGradients(batch)).toThrow(UnsupportedFeatureError);
  });

  it('rejects prepared data from elsewhere and row indices outside the data', () => {
    const spec = mlp(2, [], [1, 'sigmoid']);
    const model = new ReferenceEngine().createModel(spec, initializeWeights(spec, new Rng(1), 'float32'), { loss: 'binaryCrossEntropy', optimizer: optimizer('sgd') });
    const data = model.prepare({ x: matrix(2, 2, [0, 1, 1, 0]), y: matrix(2, 1, [1, 0]) });
    expect(() => model.trainStep(data, { order: Int32Array.from([0, 5]), start: 0, end: 2 })).toThrow(ShapeError);
    expect(() => model.trainStep({ rows: 2, dispose: () => undefined }, { order: Int32Array.from([0, 1]), start: 0, end: 2 })).toThrow(/prepare/);
    data.dispose();
    expect(() => model.trainStep(data, { order: Int32Array.from([0, 1]), start: 0, end: 2 })).toThrow(/disposed/);
  });

  for (const dtype of ['float32', 'float64'] as const satisfies readonly DType[]) {
    it(`same seed ⇒ bit-identical weights after training, across two runs (${dtype}, adam, minibatches)`, async () => {
      const spec = mlp(3, [[7, 'relu'], [5, 'tanh']], [3, 'softmax']);
      const rng = new Rng(77);
      const rows = 50;
      const x = matrix(rows, 3, Array.from({ length: rows * 3 }, () => rng.uniform(-1, 1)));
      const y = matrix(rows, 3, Array.from({ length: rows }, () => rng.int(3)).flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));
      const run = async (): Promise<number[]> => {
        const model = new ReferenceEngine({ dtype }).createModel(spec, initializeWeights(spec, new Rng(5), dtype), {
          loss: 'softmaxCrossEntropy',
          optimizer: optimizer('adam'),
          regularization: { l2: 1e-3 },
        });
        await fit(model, { x, y }, { epochs: 20, batchSize: 8, seed: 11 });
        return flat(model.getWeights());
      };
      const first = await run();
      const second = await run();
      expect(second).toEqual(first);
      expect(first).not.toEqual(flat(initializeWeights(spec, new Rng(5), dtype))); // it did train
    });
  }

  it('resuming from getOptimizerState mid-training is bit-identical to not stopping (momentum with Nesterov, float32)', () => {
    const spec = mlp(2, [[4, 'leakyRelu']], [2, 'linear']);
    const rng = new Rng(8);
    const batch = { x: matrix(6, 2, Array.from({ length: 12 }, () => rng.uniform(-1, 1))), y: matrix(6, 2, Array.from({ length: 12 }, () => rng.uniform(-1, 1))) };
    const training = { loss: 'meanSquaredError' as const, optimizer: optimizer('momentum', { nesterov: true }) };
    const engine = new ReferenceEngine({ dtype: 'float32' });
    const a = engine.createModel(spec, initializeWeights(spec, new Rng(9), 'float32'), training);
    for (let i = 0; i < 4; i++) trainOnBatch(a, batch);
    const b = engine.createModel(spec, a.getWeights(), training);
    b.setOptimizerState(a.getOptimizerState());
    for (let i = 0; i < 4; i++) expect(trainOnBatch(b, batch)).toBe(trainOnBatch(a, batch));
    expect(flat(b.getWeights())).toEqual(flat(a.getWeights()));
    expect(b.getOptimizerState().step).toBe(8);
  });

  it('refuses an optimizer state of another kind or shape', () => {
    const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
    const model = new ReferenceEngine().createModel(spec, initializeWeights(spec, new Rng(1), 'float32'), { loss: 'binaryCrossEntropy', optimizer: optimizer('adam') });
    expect(() => model.setOptimizerState({ kind: 'sgd', step: 0, slots: {} })).toThrow(/sgd/);
    const wrong = initializeWeights(mlp(2, [[4, 'tanh']], [1, 'sigmoid']), new Rng(1), 'float32');
    expect(() => model.setOptimizerState({ kind: 'adam', step: 1, slots: { firstMoment: wrong, secondMoment: wrong } })).toThrow(ShapeError);
  });

  it('float32 models keep float32 weights and outputs; float64 inputs are rounded on the way in', () => {
    const spec = mlp(1, [], [1, 'linear']);
    const model = new ReferenceEngine({ dtype: 'float32' }).createModel(spec, createWeights(spec, 'float64', (_l, part) => (part === 'kernel' ? 0.1 : 0)), {
      loss: 'meanSquaredError',
      optimizer: optimizer('sgd'),
    });
    const out = model.predict(matrix(1, 1, [0.3]));
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.data[0]).toBe(Math.fround(Math.fround(0.1) * Math.fround(0.3)));
    expect(model.getWeights().layers[0]!.kernel.data).toBeInstanceOf(Float32Array);
  });
});
