import { describe, expect, it } from 'vitest';
import { LOSSES } from '@twinprop/core';
import { ACTIVATION_FUNCTIONS } from './activations.js';
import { addRegularizationGradient, LOSS_FUNCTIONS, regularizationLoss } from './losses.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Runs a loss record on logits z [rows × cols] with the output activation it pairs with. */
function evaluate(loss: keyof typeof LOSS_FUNCTIONS, activation: keyof typeof ACTIVATION_FUNCTIONS, z: number[], y: number[], rows: number) {
  const cols = z.length / rows;
  const zs = Float64Array.from(z);
  const h = new Float64Array(z.length);
  ACTIVATION_FUNCTIONS[activation].forward(zs, h, rows, cols);
  const value = LOSS_FUNCTIONS[loss].forward(zs, h, Float64Array.from(y), rows, cols);
  const dLossDLogits = new Float64Array(z.length);
  LOSS_FUNCTIONS[loss].backward(zs, h, Float64Array.from(y), dLossDLogits, rows, cols, ACTIVATION_FUNCTIONS[activation]);
  return { value, dLossDLogits: Array.from(dLossDLogits), h: Array.from(h) };
}

describe('losses: value and gradient side by side, mean over the batch', () => {
  it('has a record for every core loss', () => {
    expect(Object.keys(LOSS_FUNCTIONS).sort()).toEqual([...LOSSES].sort());
  });

  it('binary cross-entropy is −y log ŷ − (1−y) log(1−ŷ), averaged over rows × units, with gradient (ŷ − y)/n', () => {
    const z = [0.4, -1.2, 2.0, 0.1];
    const y = [1, 0, 0, 1];
    const { value, dLossDLogits } = evaluate('binaryCrossEntropy', 'sigmoid', z, y, 2);
    const expected = z.reduce((s, zi, i) => s - y[i]! * Math.log(sigmoid(zi)) - (1 - y[i]!) * Math.log(1 - sigmoid(zi)), 0) / 4;
    expect(value).toBeCloseTo(expected, 14);
    dLossDLogits.forEach((d, i) => expect(d).toBeCloseTo((sigmoid(z[i]!) - y[i]!) / 4, 15));
  });

  it('softmax cross-entropy is −Σ y_k log p_k averaged over rows, with gradient (p − y)/rows', () => {
    const z = [1, 2, 0.5, -1, 0, 3];
    const y = [0, 1, 0, 0, 0, 1];
    const { value, dLossDLogits, h } = evaluate('softmaxCrossEntropy', 'softmax', z, y, 2);
    const row = (a: number, b: number, c: number, k: number): number => -Math.log([a, b, c].map(Math.exp)[k]! / (Math.exp(a) + Math.exp(b) + Math.exp(c)));
    expect(value).toBeCloseTo((row(1, 2, 0.5, 1) + row(-1, 0, 3, 2)) / 2, 14);
    dLossDLogits.forEach((d, i) => expect(d).toBeCloseTo((h[i]! - y[i]!) / 2, 15));
  });

  it('MSE is (ŷ − y)² averaged over rows × units, with gradient 2(ŷ − y)·σ\'(z)/n', () => {
    const z = [0.3, -0.7, 1.5];
    const y = [0, 1, 1];
    const { value, dLossDLogits } = evaluate('meanSquaredError', 'tanh', z, y, 3);
    expect(value).toBeCloseTo(z.reduce((s, zi, i) => s + (Math.tanh(zi) - y[i]!) ** 2, 0) / 3, 14);
    dLossDLogits.forEach((d, i) => expect(d).toBeCloseTo((2 * (Math.tanh(z[i]!) - y[i]!) * (1 - Math.tanh(z[i]!) ** 2)) / 3, 15));
  });

  it('cross-entropies stay finite at logits of ±1000 (and are ≈ |z| when wrong)', () => {
    const bce = evaluate('binaryCrossEntropy', 'sigmoid', [1000, -1000, 1000, -1000], [0, 1, 1, 0], 4);
    expect(bce.value).toBeCloseTo((1000 + 1000 + 0 + 0) / 4, 10);
    expect(bce.dLossDLogits).toEqual([0.25, -0.25, 0, 0]);
    const ce = evaluate('softmaxCrossEntropy', 'softmax', [1000, -1000, -1000, 1000], [0, 1, 0, 1], 2);
    expect(ce.value).toBeCloseTo((2000 + 0) / 2, 10);
    for (const d of ce.dLossDLogits) expect(Number.isFinite(d)).toBe(true);
  });

  it('regularization: λ₁Σ|w| + λ₂·½Σw², gradient λ₁·sign(w) + λ₂·w (sign(0) = 0)', () => {
    const kernel = Float64Array.from([0.5, -2, 0]);
    expect(regularizationLoss([kernel], 0.1, 0.2)).toBeCloseTo(0.1 * 2.5 + 0.2 * 0.5 * (0.25 + 4), 15);
    const gradient = Float64Array.from([1, 1, 1]);
    addRegularizationGradient(kernel, gradient, 0.1, 0.2);
    expect(Array.from(gradient)).toEqual([1 + 0.1 + 0.2 * 0.5, 1 - 0.1 - 0.2 * 2, 1]);
  });
});
