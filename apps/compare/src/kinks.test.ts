import type { ModelSpec, Weights } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { firstKinkCrossing } from './kinks.js';

// 1 input → 1 relu unit → 1 linear output; z = w·x + b for the relu unit.
const SPEC: ModelSpec = { inputSize: 1, hidden: [{ units: 1, activation: 'relu' }], output: { units: 1, activation: 'linear' } };
const weights = (w: number, b: number): Weights => ({
  dtype: 'float64',
  layers: [
    { kernel: { shape: [1, 1], data: Float64Array.of(w) }, bias: { shape: [1], data: Float64Array.of(b) } },
    { kernel: { shape: [1, 1], data: Float64Array.of(1) }, bias: { shape: [1], data: Float64Array.of(0) } },
  ],
});
const x = { rows: 2, cols: 1, data: Float64Array.of(1, 0) };
const batches = [Int32Array.of(0), Int32Array.of(0), Int32Array.of(0)];

describe('firstKinkCrossing', () => {
  it('finds the first step whose pre-activations lie on different sides of relu’s kink, from the weights before that step', () => {
    const a = { dtype: 'float64' as const, stepWeights: [weights(0.5, -0.4), weights(0.5, -0.6), weights(0.5, -0.7)] };
    const b = { dtype: 'float32' as const, stepWeights: [weights(0.5, -0.4), weights(0.5, -0.4), weights(0.5, -0.7)] };
    const crossing = firstKinkCrossing({ spec: SPEC, x, batches, initial: weights(0.5, 0), a, b });
    // Before step 3: z = 0.5 − 0.6 = −0.1 on one side, 0.5 − 0.4 = +0.1 on the other.
    expect(crossing).toMatchObject({ step: 3, layer: 0, unit: 0, row: 0, kink: 0 });
    expect(crossing?.zA).toBeCloseTo(-0.1, 12);
    expect(crossing?.zB).toBeCloseTo(0.1, 12);
  });

  it('takes a value within float32 rounding of the kink as a crossing, but not one exactly at it with every term zero', () => {
    const near = { dtype: 'float32' as const, stepWeights: [weights(0.5, -0.5 + 1e-9)] };
    const same = { dtype: 'float64' as const, stepWeights: [weights(0.5, -0.5 + 1e-9)] };
    expect(firstKinkCrossing({ spec: SPEC, x, batches: batches.slice(0, 2), initial: weights(0.5, 0.1), a: same, b: near })?.step).toBe(2);
    // Row 1 has x = 0 and the bias is 0: z = 0 exactly on both sides, both take relu'(0) alike.
    const exact = { dtype: 'float32' as const, stepWeights: [weights(0.5, 0)] };
    expect(firstKinkCrossing({ spec: SPEC, x, batches: [Int32Array.of(1), Int32Array.of(1)], initial: weights(0.5, 0), a: exact, b: exact })).toBeUndefined();
  });

  it('finds nothing in a network without kinks', () => {
    const smooth: ModelSpec = { ...SPEC, hidden: [{ units: 1, activation: 'tanh' }] };
    const a = { dtype: 'float64' as const, stepWeights: [weights(0.5, -0.6)] };
    const b = { dtype: 'float32' as const, stepWeights: [weights(0.5, -0.4)] };
    expect(firstKinkCrossing({ spec: smooth, x, batches: batches.slice(0, 2), initial: weights(0.5, 0), a, b })).toBeUndefined();
  });
});
