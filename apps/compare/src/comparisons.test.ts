import { createWeights, mlp, type Weights } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { compareAccuracy } from './accuracy.js';
import { compareGradients } from './gradients.js';
import { compareTrajectories } from './trajectory.js';

describe('gradient comparisons check shapes before values', () => {
  const spec = mlp(3, [[2, 'tanh']], [1, 'sigmoid']);
  const a = createWeights(spec, 'float64', (_l, _p, i) => i + 1);

  it('a transposed kernel fails whatever the tolerance', () => {
    const transposed: Weights = {
      dtype: 'float64',
      layers: a.layers.map((l, i) => (i === 0 ? { kernel: { shape: [2, 3], data: l.kernel.data }, bias: l.bias } : l)),
    };
    expect(compareGradients(a, transposed, { rtol: 1, floor: 1 }).passed).toBe(false);
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
    const tolerance = { accuracyPoints: 1, agreement: 0.99, testOutputs: { rtol: 1e-3, floor: 1e-1 } };
    const same = compareAccuracy(a, a, targets, tolerance);
    expect(same).toMatchObject({ accuracyA: 1, accuracyB: 1, agreement: 1, disagreements: 0, passed: true });
    const differ = compareAccuracy(a, b, targets, tolerance);
    expect(differ).toMatchObject({ accuracyB: 0.75, differencePoints: 25, agreement: 0.75, disagreements: 1, passed: false });
    // Same classes, outputs 0.8 vs 0.8016 (0.2% apart): only the numerical comparison sees it.
    const close = { rows: 4, cols: 1, data: Float64Array.from([0.9, 0.1, 0.8016, 0.2]) };
    const numeric = compareAccuracy(a, close, targets, tolerance);
    expect(numeric).toMatchObject({ agreement: 1, differencePoints: 0, passed: false });
    expect(numeric.outputs.maxRel).toBeCloseTo(0.0016 / 0.8016, 12);
  });
});
