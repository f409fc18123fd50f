import { describe, expect, it } from 'vitest';
import { DEFAULT_LEARNING_RATE, optimizer, OPTIMIZER_DEFINITIONS, OPTIMIZER_SLOTS, OPTIMIZERS, validateOptimizer } from './optimizer.js';

describe("core's optimizer table: the update formulas engines are checked against", () => {
  it('has one entry per optimizer and derives the defaults and slot names from it', () => {
    expect(Object.keys(OPTIMIZER_DEFINITIONS).sort()).toEqual([...OPTIMIZERS].sort());
    expect(DEFAULT_LEARNING_RATE).toEqual({ sgd: 0.1, momentum: 0.05, adam: 0.01 });
    expect(OPTIMIZER_SLOTS).toEqual({ sgd: [], momentum: ['accumulation'], adam: ['firstMoment', 'secondMoment'] });
    expect(optimizer('adam')).toEqual({ kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(optimizer('momentum', { nesterov: true })).toEqual({ kind: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true });
  });

  it('sgd is the lecture’s θ ← θ − η·g', () => {
    expect(OPTIMIZER_DEFINITIONS.sgd.update(optimizer('sgd', { learningRate: 0.5 }), 1, 0.4, [], 1)).toBe(0.8);
  });

  it('momentum accumulates a ← μa + g; Nesterov steps by g + μa (worked by hand)', () => {
    const plain = optimizer('momentum', { learningRate: 0.1, momentum: 0.5 });
    const slots = [0];
    const t1 = OPTIMIZER_DEFINITIONS.momentum.update(plain, 1, 2, slots, 1); // a = 2, θ = 1 − 0.2
    expect([t1, slots[0]]).toEqual([0.8, 2]);
    const t2 = OPTIMIZER_DEFINITIONS.momentum.update(plain, t1, 2, slots, 2); // a = 3, θ = 0.8 − 0.3
    expect(t2).toBeCloseTo(0.5, 15);
    expect(slots[0]).toBe(3);
    const nesterov = optimizer('momentum', { learningRate: 0.1, momentum: 0.5, nesterov: true });
    expect(OPTIMIZER_DEFINITIONS.momentum.update(nesterov, 1, 2, [0], 1)).toBeCloseTo(1 - 0.1 * (2 + 0.5 * 2), 15);
  });

  it('adam’s first step is ≈ η·sign(g) whatever |g| (bias correction), the second follows the moments', () => {
    const config = optimizer('adam', { learningRate: 0.01, epsilon: 1e-8 });
    for (const g of [1e-3, 1, 50, -7]) {
      const slots = [0, 0];
      const theta = OPTIMIZER_DEFINITIONS.adam.update(config, 0, g, slots, 1);
      expect(theta).toBeCloseTo(-0.01 * Math.sign(g), 6);
      expect(slots[0]).toBeCloseTo(0.1 * g, 12);
      expect(slots[1]).toBeCloseTo(0.001 * g * g, 12);
    }
    // Step 2 with g = 1 then g = 0: m = 0.09, v = 0.000999; m̂ = 0.09/0.19, v̂ = 0.000999/0.001999.
    const slots = [0, 0];
    const theta1 = OPTIMIZER_DEFINITIONS.adam.update(config, 0, 1, slots, 1);
    const theta2 = OPTIMIZER_DEFINITIONS.adam.update(config, theta1, 0, slots, 2);
    expect(theta2 - theta1).toBeCloseTo(-0.01 * (0.09 / 0.19) / (Math.sqrt(0.000999 / 0.001999) + 1e-8), 12);
  });

  it('validation derives the allowed fields and their rules from the table', () => {
    expect(() => validateOptimizer({ kind: 'sgd', learningRate: 0.1, momentum: 0.9 })).toThrow(/optimizer.momentum: unknown field for sgd/);
    expect(() => validateOptimizer({ kind: 'adam', learningRate: 0.1, beta1: 1, beta2: 0.9, epsilon: 1e-7 })).toThrow(/beta1: must be in \[0, 1\)/);
    expect(() => validateOptimizer({ kind: 'momentum', learningRate: 0.1, momentum: 0.9, nesterov: 'yes' })).toThrow(/nesterov: must be true or false/);
    expect(() => validateOptimizer({ kind: 'adam', learningRate: 0.1, beta1: 0.9, beta2: 0.9, epsilon: 0 })).toThrow(/epsilon: must be a finite number > 0/);
  });
});
