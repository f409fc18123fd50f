import { describe, expect, it } from 'vitest';
import { compareArrays, compareWeights, relativeError } from './agreement.js';
import { mlp } from './spec.js';
import { createWeights, type Weights } from './weights.js';

describe('relativeError: |a − b| / max(|a|, |b|, floor)', () => {
  it('is relative above the floor and absolute (scaled) below it', () => {
    expect(relativeError(1, 1.001, 1e-3)).toBeCloseTo(0.001 / 1.001, 12);
    expect(relativeError(1e-6, 2e-6, 1e-3)).toBeCloseTo(1e-3, 12);
    expect(relativeError(0, 0, 1e-3)).toBe(0);
    expect(relativeError(-2, 2, 1e-3)).toBe(2);
  });

  it('treats NaN and infinities as infinitely wrong, unless both sides are the same infinity', () => {
    expect(relativeError(Number.NaN, 1, 1e-3)).toBe(Number.POSITIVE_INFINITY);
    expect(relativeError(1, Number.POSITIVE_INFINITY, 1e-3)).toBe(Number.POSITIVE_INFINITY);
    expect(relativeError(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1e-3)).toBe(0);
  });

  it('compareArrays reports the worst entry', () => {
    const d = compareArrays([1, 2, 3], [1, 2.01, 3], 1e-3);
    expect(d.worstIndex).toBe(1);
    expect(d.maxAbs).toBeCloseTo(0.01, 12);
    expect(d.maxRel).toBeCloseTo(0.01 / 2.01, 12);
    expect(compareArrays([1, Number.NaN], [1, 1], 1e-3).maxRel).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('shapes are compared before values', () => {
  const spec = mlp(3, [[2, 'tanh']], [1, 'sigmoid']);
  const a = createWeights(spec, 'float64', (_l, _p, i) => i + 1);

  it('a transposed kernel with the same number of values fails on its shape', () => {
    const transposed: Weights = {
      dtype: 'float64',
      layers: a.layers.map((l, i) => (i === 0 ? { kernel: { shape: [2, 3], data: l.kernel.data }, bias: l.bias } : l)),
    };
    const diffs = compareWeights(a, transposed, 1e-3);
    expect(diffs.map((d) => [d.name, d.shapeMatches])).toEqual([
      ['dense_0/kernel', false],
      ['dense_0/bias', true],
      ['dense_1/kernel', true],
      ['dense_1/bias', true],
    ]);
  });

  it('a missing layer is a shape mismatch with infinite errors', () => {
    const fewer: Weights = { dtype: 'float64', layers: a.layers.slice(0, 1) };
    const diffs = compareWeights(a, fewer, 1e-3);
    expect(diffs.map((d) => d.shapeMatches)).toEqual([true, true, false, false]);
    expect(diffs[3]?.maxRel).toBe(Number.POSITIVE_INFINITY);
  });

  it('identical weights compare with a zero error', () => {
    for (const d of compareWeights(a, a, 1e-3)) expect([d.maxRel, d.maxAbs]).toEqual([0, 0]);
  });
});
