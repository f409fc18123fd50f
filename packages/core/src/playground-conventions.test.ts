import { describe, expect, it } from 'vitest';
import { validateTrainingConfig, optimizerSlotsFor, type TrainingConfig } from './engine.js';
import { applyInputFeatures, INPUT_FEATURES } from './features.js';
import { initializeWeights } from './init.js';
import { batchLoss, clampedSgdStep, DEAD_LINKS_SLOT } from './loss.js';
import { accuracy, classesOf, classThreshold } from './metrics.js';
import { parseModelFile, serializeModelFile, type ModelFile } from './model-file.js';
import { optimizer } from './optimizer.js';
import { Rng } from './rng.js';
import { mlp } from './spec.js';
import { matrixFromRows, type Weights } from './weights.js';

/*
 * The TensorFlow Playground's conventions as core defines them, checked against numbers worked out
 * by hand from the Playground's rules (nn.ts: Errors.SQUARE, updateWeights' L1 clamp), not against
 * other code.
 */
describe('halfSquaredError', () => {
  it('is ½(ŷ − y)² averaged over rows × units: half of meanSquaredError', () => {
    // Linear output: ŷ = z. Rows (3 vs 1) and (−1 vs 1): ½·4 = 2 and ½·4 = 2 → mean 2.
    expect(batchLoss('halfSquaredError', 'linear', [3, -1], [1, 1], 2)).toBe(2);
    // tanh output at z = 0: ŷ = 0, target −1 → ½.
    expect(batchLoss('halfSquaredError', 'tanh', [0], [-1], 1)).toBe(0.5);
    expect(batchLoss('halfSquaredError', 'linear', [0.3, 2], [1, -1], 2)).toBeCloseTo(batchLoss('meanSquaredError', 'linear', [0.3, 2], [1, -1], 2) / 2, 15);
  });
});

describe('clampedSgdStep (the Playground’s L1)', () => {
  const l1 = { l1: 0.1, clampAtZero: true };
  it('takes the data step, then the regularization step with the derivative at the old weight', () => {
    // θ = 0.5, g = 1, η = 0.1: θ₁ = 0.4; θ₂ = 0.4 − 0.1·0.1·sign(0.5) = 0.39.
    const step = clampedSgdStep(0.5, 1, false, 0.1, l1);
    expect(step.dead).toBe(false);
    expect(step.theta).toBeCloseTo(0.39, 15);
  });
  it('clamps to 0 and kills the link when the regularization step crosses zero', () => {
    // θ = 0.005, g = 0: θ₁ = 0.005; θ₂ = 0.005 − 0.01 = −0.005 → crossed: 0, dead.
    expect(clampedSgdStep(0.005, 0, false, 0.1, l1)).toEqual({ theta: 0, dead: true });
  });
  it('does not clamp when the data step itself crosses zero', () => {
    // θ = 0.05, g = 1: θ₁ = −0.05; θ₂ = −0.05 − 0.01·sign(0.05) = −0.06: both negative.
    const step = clampedSgdStep(0.05, 1, false, 0.1, l1);
    expect(step.dead).toBe(false);
    expect(step.theta).toBeCloseTo(-0.06, 15);
  });
  it('never moves a dead link', () => {
    expect(clampedSgdStep(0, 5, true, 0.1, l1)).toEqual({ theta: 0, dead: true });
  });
  it('applies L2 as λ₂·θ (the Playground’s ½λw² penalty)', () => {
    // θ = 1, g = 0, η = 0.5, λ₂ = 0.2: θ₂ = 1 − 0.5·0.2 = 0.9.
    expect(clampedSgdStep(1, 0, false, 0.5, { l2: 0.2, clampAtZero: true }).theta).toBeCloseTo(0.9, 15);
  });
});

describe('signed targets', () => {
  it('classify by sign: 0 is the threshold for outputs and ±1 targets', () => {
    expect(classThreshold(undefined)).toBe(0.5);
    // An output of exactly 0 (every point under initZero at epoch 0) is +1, as the Playground shows it; −0 too.
    expect(Array.from(classesOf(matrixFromRows([[0], [-0], [-1e-300], [1e-300]]), classThreshold('signed')))).toEqual([1, 1, 0, 1]);
    const outputs = matrixFromRows([[0.3], [-0.2], [0.01], [-0.9]]);
    const targets = matrixFromRows([[1], [-1], [1], [-1]]);
    expect(accuracy(outputs, targets, classThreshold('signed'))).toBe(1);
    // With the 0/1 threshold the tanh outputs 0.3 and 0.01 would wrongly count as class 0.
    expect(accuracy(outputs, targets)).toBe(0.5);
  });
});

describe('training config', () => {
  const spec = mlp(2, [[4, 'tanh']], [1, 'tanh']);
  const playground: TrainingConfig = {
    loss: 'halfSquaredError',
    optimizer: optimizer('sgd', { learningRate: 0.03 }),
    regularization: { l1: 0.01, clampAtZero: true },
    targets: 'signed',
  };
  it('accepts the Playground’s setup and keeps a dead-link slot for it', () => {
    expect(validateTrainingConfig(spec, playground)).toBe(playground);
    expect(optimizerSlotsFor(playground)).toEqual([DEAD_LINKS_SLOT]);
    expect(optimizerSlotsFor({ ...playground, regularization: { l1: 0.01 } })).toEqual([]);
  });
  it('refuses clampAtZero with another optimizer and signed targets on a sigmoid or multi-unit output', () => {
    expect(() => validateTrainingConfig(spec, { ...playground, optimizer: optimizer('adam') })).toThrow(/clampAtZero.*sgd optimizer only/);
    expect(() => validateTrainingConfig(mlp(2, [], [1, 'sigmoid']), { ...playground, loss: 'meanSquaredError' })).toThrow(/signed \(±1\) targets need one tanh or linear output unit/);
    expect(() => validateTrainingConfig(mlp(2, [], [2, 'tanh']), playground)).toThrow(/training.targets/);
  });
});

describe('input features', () => {
  it('computes the Playground’s features of (x₁, x₂) in its order', () => {
    expect(INPUT_FEATURES).toEqual(['x', 'y', 'xSquared', 'ySquared', 'xTimesY', 'sinX', 'sinY']);
    const out = applyInputFeatures(INPUT_FEATURES, matrixFromRows([[2, -3]]));
    expect(Array.from(out.data)).toEqual([2, -3, 4, 9, -6, Math.sin(2), Math.sin(-3)]);
    expect(() => applyInputFeatures(['x'], matrixFromRows([[1, 2, 3]]))).toThrow(/2 columns/);
  });
});

describe('model file', () => {
  const spec = mlp(3, [[2, 'tanh']], [1, 'tanh']);
  const weights = initializeWeights(spec, new Rng(1), 'float64', { kernel: 'playground', bias: 'playground' });
  const dead: Weights = {
    dtype: 'float64',
    layers: weights.layers.map((layer, i) => ({
      kernel: { shape: layer.kernel.shape, data: Float64Array.from(layer.kernel.data, (_, k) => (i === 0 && k === 1 ? 1 : 0)) },
      bias: { shape: layer.bias.shape, data: new Float64Array(layer.bias.data.length) },
    })),
  };
  const file: ModelFile = {
    spec,
    training: { loss: 'halfSquaredError', optimizer: optimizer('sgd', { learningRate: 0.03 }), regularization: { l1: 0.1, clampAtZero: true }, targets: 'signed' },
    weights,
    optimizerState: { kind: 'sgd', step: 12, slots: { [DEAD_LINKS_SLOT]: dead } },
    metadata: { inputFeatures: { from: ['x1', 'x2'], features: ['x', 'y', 'xTimesY'] } },
  };
  it('round-trips the Playground’s training config, dead links and input features', () => {
    const back = parseModelFile(serializeModelFile(file));
    expect(back.training).toEqual(file.training);
    expect(Array.from(back.optimizerState!.slots[DEAD_LINKS_SLOT]!.layers[0]!.kernel.data)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(back.metadata.inputFeatures).toEqual(file.metadata.inputFeatures);
  });
  it('names the field of a bad dead-link mask, a missing one, and features that do not match the inputs', () => {
    const text = serializeModelFile(file);
    const json = JSON.parse(text) as { optimizerState: { slots: Record<string, { layers: { kernel: { data: number[] } }[] }> }; metadata: { inputFeatures: { features: string[] } } };
    json.optimizerState.slots[DEAD_LINKS_SLOT]!.layers[0]!.kernel.data[0] = 0.5;
    expect(() => parseModelFile(JSON.stringify(json))).toThrow(/deadLinks.*0 \(alive\) or 1 \(dead\), got 0.5/);
    expect(() => parseModelFile(serializeModelFile({ ...file, optimizerState: { kind: 'sgd', step: 1, slots: {} } }))).toThrow(/missing slot "deadLinks"/);
    expect(() => parseModelFile(serializeModelFile({ ...file, metadata: { inputFeatures: { from: ['a', 'b'], features: ['x'] } } }))).toThrow(/names 1 features but the model has 3 inputs/);
  });
});
