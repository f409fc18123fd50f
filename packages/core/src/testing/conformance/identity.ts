import { expect } from 'vitest';
import { initializeWeights } from '../../init.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import { type ConformanceArea, training, weightsData } from './context.js';

/** The engine says what it is, and weights travel in and out unchanged. */
export const identityArea: ConformanceArea = {
  title: 'identity and the weights round trip',
  tests: [
    {
      name: 'reports its name, backend and dtype',
      run: ({ engine, dtype }) => {
        expect(typeof engine.name).toBe('string');
        expect(engine.name.length).toBeGreaterThan(0);
        expect(typeof engine.backend).toBe('string');
        expect(engine.dtype).toBe(dtype);
        const spec = mlp(2, [], [1, 'sigmoid']);
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), training('binaryCrossEntropy'));
        expect(model.engine).toBe(engine.name);
        expect(model.backend).toBe(engine.backend);
        expect(model.dtype).toBe(dtype);
        expect(model.spec).toEqual(spec);
        expect(model.training.loss).toBe('binaryCrossEntropy');
        model.dispose();
      },
    },
    {
      name: 'weights go in and come out unchanged',
      run: ({ engine, dtype }) => {
        const spec = mlp(3, [[5, 'tanh'], [4, 'relu']], [2, 'linear']);
        const weights = initializeWeights(spec, new Rng(7), dtype);
        const model = engine.createModel(spec, weights, training('meanSquaredError'));
        const out = model.getWeights();
        expect(out.dtype).toBe(dtype);
        expect(out.layers.map((l) => [l.kernel.shape, l.bias.shape])).toEqual(weights.layers.map((l) => [l.kernel.shape, l.bias.shape]));
        expect(weightsData(out)).toEqual(weightsData(weights));
        const other = initializeWeights(spec, new Rng(8), dtype);
        model.setWeights(other);
        expect(weightsData(model.getWeights())).toEqual(weightsData(other));
        model.dispose();
      },
    },
    {
      name: 'weights are copied in and out: changing either side later does not change the model',
      run: ({ engine, dtype }) => {
        const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
        const weights = initializeWeights(spec, new Rng(9), dtype);
        const expected = weightsData(weights);
        const model = engine.createModel(spec, weights, training('binaryCrossEntropy'));
        weights.layers[0]!.kernel.data.fill(5);
        expect(weightsData(model.getWeights()), 'after changing the weights given to createModel').toEqual(expected);
        model.getWeights().layers[0]!.bias.data.fill(5);
        expect(weightsData(model.getWeights()), 'after changing weights returned by getWeights').toEqual(expected);
        const next = initializeWeights(spec, new Rng(10), dtype);
        const nextData = weightsData(next);
        model.setWeights(next);
        next.layers[1]!.kernel.data.fill(5);
        expect(weightsData(model.getWeights()), 'after changing the weights given to setWeights').toEqual(nextData);
        model.dispose();
      },
    },
  ],
};
