import { describe, expect, it } from 'vitest';
import { initialize, initializeWeights } from './init.js';
import { Rng } from './rng.js';
import { mlp } from './spec.js';

function moments(values: Float64Array): { mean: number; variance: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, variance };
}

describe('initializers (10^5 draws)', () => {
  const n = 100_000;

  it('glorotUniform: mean 0, variance 2/(fanIn+fanOut), inside ±√(6/(fanIn+fanOut))', () => {
    const [fanIn, fanOut] = [300, 100];
    const values = new Float64Array(n);
    initialize('glorotUniform', values, fanIn, fanOut, new Rng(1));
    const { mean, variance } = moments(values);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    expect(Math.abs(mean)).toBeLessThan(0.01 * limit);
    expect(Math.abs(variance / (2 / (fanIn + fanOut)) - 1)).toBeLessThan(0.02);
    expect(Math.max(...values)).toBeLessThanOrEqual(limit);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-limit);
  });

  it('heNormal: mean 0, variance 2/fanIn', () => {
    const fanIn = 50;
    const values = new Float64Array(n);
    initialize('heNormal', values, fanIn, 10, new Rng(2));
    const { mean, variance } = moments(values);
    expect(Math.abs(mean)).toBeLessThan(0.01 * Math.sqrt(2 / fanIn));
    expect(Math.abs(variance / (2 / fanIn) - 1)).toBeLessThan(0.02);
  });

  it('zeros: all zero', () => {
    const values = new Float64Array(10).fill(3);
    initialize('zeros', values, 5, 2, new Rng(3));
    expect(Array.from(values)).toEqual(new Array(10).fill(0));
  });

  it('initializeWeights: shapes from the spec, zero biases, He for relu and Glorot otherwise, same seed ⇒ same weights', () => {
    const spec = mlp(784, [[128, 'relu']], [10, 'softmax']);
    const w = initializeWeights(spec, new Rng(4));
    expect(w.layers.map((l) => l.kernel.shape)).toEqual([[784, 128], [128, 10]]);
    expect(Array.from(w.layers[0]!.bias.data).every((b) => b === 0)).toBe(true);
    const he = moments(Float64Array.from(w.layers[0]!.kernel.data));
    expect(Math.abs(he.variance / (2 / 784) - 1)).toBeLessThan(0.03);
    const glorot = moments(Float64Array.from(w.layers[1]!.kernel.data));
    expect(Math.abs(glorot.variance / (2 / 138) - 1)).toBeLessThan(0.1);
    const again = initializeWeights(spec, new Rng(4));
    expect(Array.from(again.layers[1]!.kernel.data)).toEqual(Array.from(w.layers[1]!.kernel.data));
    const f32 = initializeWeights(spec, new Rng(4), 'float32');
    expect(f32.layers[0]!.kernel.data).toBeInstanceOf(Float32Array);
    expect(f32.layers[0]!.kernel.data[5]).toBe(Math.fround(w.layers[0]!.kernel.data[5]!));
  });
});

describe('the playground initializer', () => {
  it('draws U[-0.5, 0.5) unit by unit (column by column of the [in, out] kernel) and sets biases to 0.1', () => {
    // A fixed sequence of draws: the k-th call returns k/10.
    let k = 0;
    const random = { next: () => (k++) / 10 };
    const weights = initializeWeights(mlp(3, [], [2, 'tanh']), random, 'float64', { kernel: 'playground', bias: 'playground' });
    // Unit 0 takes draws 0,1,2 (inputs 0,1,2); unit 1 takes draws 3,4,5. Kernel is [in, out] row-major.
    expect(Array.from(weights.layers[0]!.kernel.data)).toEqual([0 - 0.5, 0.3 - 0.5, 0.1 - 0.5, 0.4 - 0.5, 0.2 - 0.5, 0.5 - 0.5]);
    expect(Array.from(weights.layers[0]!.bias.data)).toEqual([0.1, 0.1]);
    expect(k).toBe(6);
  });
});
