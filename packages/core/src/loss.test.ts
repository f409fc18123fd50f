import { describe, expect, it } from 'vitest';
import { batchLoss, defaultLossFor, LOSS_DEFINITIONS, LOSSES } from './loss.js';

/*
 * Core's loss formulas are shared by everything that checks an engine, so they are checked here
 * against numbers worked out by hand from the textbook definitions (the lecture's
 * −y·log ŷ − (1−y)·log(1−ŷ) and −Σ y_k log p_k), not against other code.
 */
describe("core's loss table", () => {
  it('has one entry per loss', () => {
    expect(Object.keys(LOSS_DEFINITIONS).sort()).toEqual([...LOSSES].sort());
  });

  it('binary cross-entropy: z = 0 gives ŷ = ½ and ℓ = log 2 whatever y; z = log 3 gives ŷ = ¾', () => {
    expect(LOSS_DEFINITIONS.binaryCrossEntropy.rowLoss([0], [1], 'sigmoid')).toBeCloseTo(Math.LN2, 15);
    expect(LOSS_DEFINITIONS.binaryCrossEntropy.rowLoss([0], [0], 'sigmoid')).toBeCloseTo(Math.LN2, 15);
    // ŷ = 0.75: −log 0.75 for y = 1, −log 0.25 for y = 0.
    expect(LOSS_DEFINITIONS.binaryCrossEntropy.rowLoss([Math.log(3)], [1], 'sigmoid')).toBeCloseTo(0.2876820724517809, 14);
    expect(LOSS_DEFINITIONS.binaryCrossEntropy.rowLoss([Math.log(3)], [0], 'sigmoid')).toBeCloseTo(1.3862943611198906, 14);
    // Saturated: a logit of 1000 on the wrong side costs 1000, on the right side ~0.
    expect(LOSS_DEFINITIONS.binaryCrossEntropy.rowLoss([1000], [0], 'sigmoid')).toBe(1000);
    expect(LOSS_DEFINITIONS.binaryCrossEntropy.rowLoss([1000], [1], 'sigmoid')).toBe(0);
  });

  it('softmax cross-entropy: p = (¼, ¾) from z = (0, log 3) costs −log ¼ for class 0', () => {
    expect(LOSS_DEFINITIONS.softmaxCrossEntropy.rowLoss([0, Math.log(3)], [1, 0], 'softmax')).toBeCloseTo(Math.log(4), 14);
    expect(LOSS_DEFINITIONS.softmaxCrossEntropy.rowLoss([0, Math.log(3)], [0, 1], 'softmax')).toBeCloseTo(Math.log(4 / 3), 14);
    expect(LOSS_DEFINITIONS.softmaxCrossEntropy.rowLoss([1000, -1000], [0, 1], 'softmax')).toBeCloseTo(2000, 9);
  });

  it('the batch mean divides by rows × units for BCE and MSE, by rows for softmax CE', () => {
    // Two rows, two sigmoid units, all logits 0: every entry is log 2, so the mean is log 2 (not 2·log 2).
    expect(batchLoss('binaryCrossEntropy', 'sigmoid', [0, 0, 0, 0], [1, 0, 0, 1], 2)).toBeCloseTo(Math.LN2, 15);
    // MSE with a linear output: errors 1, 2, 3, 4 → (1 + 4 + 9 + 16) / 4.
    expect(batchLoss('meanSquaredError', 'linear', [1, 2, 3, 4], [0, 0, 0, 0], 2)).toBe(7.5);
    // Softmax CE over 2 rows of 2 classes: (log 4 + log 4/3) / 2.
    expect(batchLoss('softmaxCrossEntropy', 'softmax', [0, Math.log(3), 0, Math.log(3)], [1, 0, 0, 1], 2)).toBeCloseTo((Math.log(4) + Math.log(4 / 3)) / 2, 14);
  });

  it('MSE goes through the output activation: tanh(log 2) = 0.6', () => {
    expect(LOSS_DEFINITIONS.meanSquaredError.rowLoss([Math.log(2)], [1], 'tanh')).toBeCloseTo(0.16, 14);
  });

  it('pairs each output with its loss and refuses the ones that do not fit', () => {
    expect(defaultLossFor('sigmoid')).toBe('binaryCrossEntropy');
    expect(defaultLossFor('softmax')).toBe('softmaxCrossEntropy');
    expect(defaultLossFor('tanh')).toBe('meanSquaredError');
    expect(LOSS_DEFINITIONS.binaryCrossEntropy.fits('tanh')).toBe(false);
    expect(LOSS_DEFINITIONS.meanSquaredError.fits('softmax')).toBe(false);
  });
});
