import { mlp } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { forwardFlops, gigaflopsPerSecond, multiplyAddsPerSample, trainStepFlops } from './flops.js';
import { workload } from './workloads.js';

describe('FLOP counting', () => {
  it('sums in·out over the weight-carrying layers', () => {
    expect(multiplyAddsPerSample(mlp(2, [[8, 'tanh'], [8, 'tanh']], [1, 'sigmoid']))).toBe(2 * 8 + 8 * 8 + 8 * 1);
    expect(multiplyAddsPerSample(mlp(784, [[128, 'relu']], [10, 'softmax']))).toBe(784 * 128 + 128 * 10);
  });

  it('counts a multiply-add as 2 FLOPs in the forward pass', () => {
    expect(forwardFlops(mlp(3, [], [2, 'sigmoid']), 5)).toBe(2 * 5 * 3 * 2);
  });

  it('counts a train step as forward + backward (2× forward) = 6·B·Σ in·out', () => {
    const mnist = workload('mnist');
    expect(trainStepFlops(mnist.spec, 64)).toBe(6 * 64 * (784 * 128 + 128 * 10));
    const wide = workload('wide');
    expect(trainStepFlops(wide.spec, 128)).toBe(6 * 128 * (784 * 512 + 512 * 512 + 512 * 10));
    expect(trainStepFlops(wide.spec, 128)).toBe(3 * forwardFlops(wide.spec, 128));
  });

  it('converts to GFLOP/s and refuses a zero duration', () => {
    expect(gigaflopsPerSecond(3e9, 1.5)).toBe(2);
    expect(() => gigaflopsPerSecond(1, 0)).toThrow(RangeError);
  });
});

describe('workloads', () => {
  it('match the issue: sizes, activations, losses, batch sizes', () => {
    const a = workload('playground');
    expect([a.spec.inputSize, ...a.spec.hidden.map((l) => l.units), a.spec.output.units]).toEqual([2, 8, 8, 1]);
    expect(a.spec.hidden.every((l) => l.activation === 'tanh')).toBe(true);
    expect([a.spec.output.activation, a.loss, a.batchSize]).toEqual(['sigmoid', 'binaryCrossEntropy', 10]);
    const b = workload('mnist');
    expect([b.spec.output.activation, b.loss, b.batchSize]).toEqual(['softmax', 'softmaxCrossEntropy', 64]);
    const c = workload('wide');
    expect(c.spec.hidden.map((l) => [l.units, l.activation])).toEqual([
      [512, 'relu'],
      [512, 'relu'],
    ]);
    expect(c.batchSize).toBe(128);
  });
});
