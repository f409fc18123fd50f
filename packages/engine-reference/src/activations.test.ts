import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, LEAKY_RELU_ALPHA } from '@twinprop/core';
import { ACTIVATION_FUNCTIONS } from './activations.js';

const zs = [-4, -1.3, -0.2, 0.05, 0.7, 2.5];

/** σ applied to one row of values through the record's forward. */
function apply(name: (typeof ACTIVATIONS)[number], z: readonly number[]): Float64Array {
  const h = new Float64Array(z.length);
  ACTIVATION_FUNCTIONS[name].forward(Float64Array.from(z), h, 1, z.length);
  return h;
}

describe('activations: each forward with its derivative beside it', () => {
  it('has a record for every core activation', () => {
    expect(Object.keys(ACTIVATION_FUNCTIONS).sort()).toEqual([...ACTIVATIONS].sort());
  });

  it('forward values match the textbook formulas', () => {
    expect(Array.from(apply('linear', zs))).toEqual(zs);
    expect(Array.from(apply('step', zs))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(apply('step', [0]))).toEqual([0]); // σ(0) = 0: "1 if x > 0"
    expect(Array.from(apply('relu', zs))).toEqual([0, 0, 0, 0.05, 0.7, 2.5]);
    expect(Array.from(apply('leakyRelu', [-4, 3]))).toEqual([-4 * LEAKY_RELU_ALPHA, 3]);
    apply('sigmoid', zs).forEach((h, i) => expect(h).toBeCloseTo(1 / (1 + Math.exp(-zs[i]!)), 15));
    apply('tanh', zs).forEach((h, i) => expect(h).toBeCloseTo(Math.tanh(zs[i]!), 15));
    const p = apply('softmax', [1, 2, 3]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const sum = e[0]! + e[1]! + e[2]!;
    p.forEach((pk, k) => expect(pk).toBeCloseTo(e[k]! / sum, 15));
  });

  it('softmax of logits ±1000 is finite (the max is subtracted before e^z)', () => {
    expect(Array.from(apply('softmax', [1000, -1000, 1000]))).toEqual([0.5, 0, 0.5]);
    expect(Array.from(apply('sigmoid', [1000, -1000]))).toEqual([1, 0]);
  });

  for (const name of ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'] as const) {
    it(`${name}: backward is the chain rule through forward (central differences, float64)`, () => {
      // L = Σ_k c_k·σ(z)_k with fixed weights c, so ∂L/∂H = c and ∂L/∂Z should be c·∂σ/∂z.
      const c = [0.3, -1.1, 0.8, 0.5, -0.4, 1.7];
      const z = Float64Array.from(zs);
      const h = apply(name, zs);
      const dLossDZ = new Float64Array(zs.length);
      ACTIVATION_FUNCTIONS[name].backward(z, h, Float64Array.from(c), dLossDZ, 1, zs.length);
      const loss = (values: number[]): number => apply(name, values).reduce((s, hk, k) => s + c[k]! * hk, 0);
      const step = 1e-6;
      zs.forEach((_, i) => {
        const plus = [...zs];
        const minus = [...zs];
        plus[i]! += step;
        minus[i]! -= step;
        const numeric = (loss(plus) - loss(minus)) / (2 * step);
        expect(Math.abs(dLossDZ[i]! - numeric)).toBeLessThan(1e-8);
      });
    });
  }

  it("step's derivative is zero (which is why step layers are trained with the perceptron rule)", () => {
    const d = new Float64Array(3);
    ACTIVATION_FUNCTIONS.step.backward(Float64Array.from([-1, 0.5, 2]), Float64Array.from([0, 1, 1]), Float64Array.from([1, 1, 1]), d, 1, 3);
    expect(Array.from(d)).toEqual([0, 0, 0]);
  });
});
