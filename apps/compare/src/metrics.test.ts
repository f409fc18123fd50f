import { createWeights, mlp, type Weights } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { compareAccuracy } from './accuracy.js';
import { compareGradients } from './gradients.js';
import { compareArrays, compareWeights, relativeError } from './metrics.js';
import { compareTrajectories } from './trajectory.js';

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
    const g = compareGradients(a, transposed, { rtol: 1, floor: 1 });
    expect(g.passed).toBe(false); // whatever the tolerance
  });

  it('a missing layer fails', () => {
    const fewer: Weights = { dtype: 'float64', layers: a.layers.slice(0, 1) };
    expect(compareGradients(a, fewer, { rtol: 1, floor: 1 }).passed).toBe(false);
  });

  it('identical gradients pass with a zero error', () => {
    const g = compareGradients(a, a, { rtol: 0, floor: 1e-3 });
    expect(g.passed).toBe(true);
    expect(g.maxRel).toBe(0);
  });
});

describe('trajectory and accuracy comparisons', () => {
  const spec = mlp(1, [], [1, 'linear']);
  const w = createWeights(spec, 'float64', () => 0.5);

  it('a trajectory of a different length never passes', () => {
    const t = compareTrajectories({ losses: [1, 0.9], weightsAfterK: w }, { losses: [1], weightsAfterK: w }, { loss: { rtol: 1, floor: 1 }, weights: { rtol: 1, floor: 1 } });
    expect(t.passed).toBe(false);
    expect(t.maxLossDrift).toBe(Number.POSITIVE_INFINITY);
  });

  it('accuracy: Δ in points and agreement both bound the result', () => {
    const targets = { rows: 4, cols: 1, data: Float64Array.from([1, 0, 1, 0]) };
    const a = { rows: 4, cols: 1, data: Float64Array.from([0.9, 0.1, 0.8, 0.2]) };
    const b = { rows: 4, cols: 1, data: Float64Array.from([0.9, 0.1, 0.8, 0.7]) };
    const same = compareAccuracy(a, a, targets, { accuracyPoints: 1, agreement: 0.99 });
    expect(same).toMatchObject({ accuracyA: 1, accuracyB: 1, agreement: 1, disagreements: 0, passed: true });
    const differ = compareAccuracy(a, b, targets, { accuracyPoints: 1, agreement: 0.99 });
    expect(differ).toMatchObject({ accuracyB: 0.75, differencePoints: 25, agreement: 0.75, disagreements: 1, passed: false });
  });
});
