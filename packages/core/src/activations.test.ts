import { describe, expect, it } from 'vitest';
import { ACTIVATION_DEFINITIONS, ACTIVATIONS, HIDDEN_ACTIVATIONS, LEAKY_RELU_ALPHA, OUTPUT_ACTIVATIONS, softmaxRow } from './activations.js';

describe("core's activation table: the formulas engines are held to", () => {
  it('has one entry per activation name, no more', () => {
    expect(Object.keys(ACTIVATION_DEFINITIONS).sort()).toEqual([...ACTIVATIONS].sort());
  });

  it('values agree with numbers worked out by hand', () => {
    const v = (a: keyof typeof ACTIVATION_DEFINITIONS, z: number): number => ACTIVATION_DEFINITIONS[a].value!(z);
    expect(v('step', 0)).toBe(0); // the lecture's perceptron: 1 only if z > 0
    expect(v('step', 1e-9)).toBe(1);
    expect(v('sigmoid', 0)).toBe(0.5);
    expect(v('sigmoid', Math.log(3))).toBeCloseTo(0.75, 15); // 1 / (1 + 1/3)
    expect(v('tanh', Math.log(2))).toBeCloseTo(0.6, 15); // (2 − ½) / (2 + ½)
    expect(v('relu', -2)).toBe(0);
    expect(v('leakyRelu', -2)).toBe(-2 * LEAKY_RELU_ALPHA);
    expect(ACTIVATION_DEFINITIONS.softmax.value).toBeUndefined();
  });

  it('derivatives match central differences away from kinks, and take the left derivative at a kink', () => {
    const h = 1e-6;
    for (const name of ACTIVATIONS) {
      const d = ACTIVATION_DEFINITIONS[name];
      if (d.value === undefined || d.derivative === undefined) continue;
      for (const z of [-2.5, -0.3, 0.7, 3]) {
        const numeric = (d.value(z + h) - d.value(z - h)) / (2 * h);
        expect(d.derivative(z), `${name}'(${z})`).toBeCloseTo(numeric, 6);
      }
      for (const k of d.kinks) {
        const left = (d.value(k) - d.value(k - h)) / h;
        expect(d.derivative(k), `${name}'(${k}) from the left`).toBeCloseTo(left, 6);
      }
    }
  });

  it('softmax of a row sums to 1 and survives logits of ±1000', () => {
    const p = softmaxRow([1000, -1000, 999]);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 15);
    expect(p[0]! / p[2]!).toBeCloseTo(Math.E, 12);
    const quarter = softmaxRow([0, Math.log(3)]);
    expect(quarter[0]).toBeCloseTo(0.25, 15);
    expect(quarter[1]).toBeCloseTo(0.75, 15);
  });

  it('derives the CLI choices: step trains by the perceptron rule only, softmax sits on the output only', () => {
    expect(HIDDEN_ACTIVATIONS).not.toContain('step');
    expect(HIDDEN_ACTIVATIONS).not.toContain('softmax');
    expect(OUTPUT_ACTIVATIONS).toContain('softmax');
    expect(OUTPUT_ACTIVATIONS).not.toContain('step');
  });
});
