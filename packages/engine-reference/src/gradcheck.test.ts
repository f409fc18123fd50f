import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initializeWeights,
  ACTIVATION_DEFINITIONS,
  matrix,
  mlp,
  optimizer,
  relativeError,
  Rng,
  validateSpec,
  type Activation,
  type Batch,
  type LossName,
  type ModelSpec,
  type Weights,
} from '@twinprop/core';
import { ReferenceEngine } from './engine.js';
import { gradientCheck, referenceGradientCheck } from './gradcheck.js';

/**
 * Pre-activations of every layer, by an independent plain-array forward pass — used only to
 * reject samples that sit within 1e-4 of a ReLU / leaky-ReLU kink, where the derivative does not
 * exist and finite differences are meaningless.
 */
function preActivations(spec: ModelSpec, weights: Weights, x: number[], rows: number): Array<{ activation: Activation; z: number[] }> {
  const layers = [...spec.hidden, spec.output];
  const out: Array<{ activation: Activation; z: number[] }> = [];
  let input = x;
  let width = spec.inputSize;
  layers.forEach((layer, l) => {
    const { kernel, bias } = weights.layers[l]!;
    const z: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < layer.units; j++) {
        let s = bias.data[j]!;
        for (let i = 0; i < width; i++) s += input[r * width + i]! * kernel.data[i * layer.units + j]!;
        z.push(s);
      }
    }
    out.push({ activation: layer.activation, z });
    // The output layer's h is not used further (and softmax is not element-wise).
    const sigma = l < layers.length - 1 ? ACTIVATION_DEFINITIONS[layer.activation].value : undefined;
    const h = sigma === undefined ? z : z.map(sigma);
    input = h;
    width = layer.units;
  });
  return out;
}

const smooth = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as const;
const layer = fc.record({ units: fc.integer({ min: 1, max: 16 }), activation: fc.constantFrom(...smooth) });
/** An output layer with a loss that fits it. */
const head = fc.oneof(
  fc.record({ loss: fc.constant<LossName>('binaryCrossEntropy'), units: fc.integer({ min: 1, max: 4 }), activation: fc.constant<Activation>('sigmoid') }),
  fc.record({ loss: fc.constant<LossName>('softmaxCrossEntropy'), units: fc.integer({ min: 2, max: 6 }), activation: fc.constant<Activation>('softmax') }),
  fc.record({ loss: fc.constant<LossName>('meanSquaredError'), units: fc.integer({ min: 1, max: 4 }), activation: fc.constantFrom<Activation>(...smooth) }),
);
const scenario = fc.record({
  inputSize: fc.integer({ min: 1, max: 6 }),
  hidden: fc.array(layer, { minLength: 1, maxLength: 4 }),
  head,
  rows: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  l1: fc.constantFrom(0, 0.01),
  l2: fc.constantFrom(0, 0.01),
});

function targets(loss: LossName, rows: number, units: number, rng: Rng): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const cls = rng.int(units);
    for (let k = 0; k < units; k++) {
      if (loss === 'softmaxCrossEntropy') y.push(k === cls ? 1 : 0);
      else if (loss === 'binaryCrossEntropy') y.push(rng.int(2));
      else y.push(rng.uniform(-1, 1));
    }
  }
  return y;
}

describe('gradient check (float64 central differences)', () => {
  it('property: analytic gradients of random MLPs match finite differences to a relative error ≤ 1e-6', () => {
    const KINK_MARGIN = 1e-4;
    let worst = 0;
    let checked = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const spec = validateSpec({ inputSize: s.inputSize, hidden: s.hidden, output: { units: s.head.units, activation: s.head.activation } });
        const rng = new Rng(s.seed);
        const weights = initializeWeights(spec, rng, 'float64', { bias: 'glorotUniform' });
        const x = Array.from({ length: s.rows * s.inputSize }, () => rng.uniform(-1, 1));
        const batch: Batch = { x: matrix(s.rows, s.inputSize, x), y: matrix(s.rows, s.head.units, targets(s.head.loss, s.rows, s.head.units, rng)) };
        // Exclude kinks by construction: ReLU-family pre-activations, and kernel weights under L1.
        for (const { activation, z } of preActivations(spec, weights, x, s.rows)) {
          if (activation === 'relu' || activation === 'leakyRelu') fc.pre(z.every((v) => Math.abs(v) >= KINK_MARGIN));
        }
        if (s.l1 > 0) fc.pre(weights.layers.every((l) => l.kernel.data.every((w) => Math.abs(w) >= KINK_MARGIN)));
        const report = referenceGradientCheck(spec, weights, batch, { loss: s.head.loss, regularization: { l1: s.l1, l2: s.l2 } });
        worst = Math.max(worst, report.maxRelativeError);
        checked += report.checked;
        expect(report.checked).toBe(report.total);
        expect(report.maxRelativeError, JSON.stringify(report.worst)).toBeLessThanOrEqual(1e-6);
        expect(report.passed).toBe(true);
      }),
      { numRuns: 200, seed: 20240601 },
    );
    console.log(`gradient check: ${checked} parameters over 200 random MLPs, max relative error ${worst.toExponential(2)} (h = 1e-6, floor 1e-3·max(1, |L|))`);
  }, 60_000);

  it('catches a wrong gradient: a model whose reported gradient is off by 1% fails, naming the tensor', () => {
    const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
    const model = new ReferenceEngine({ dtype: 'float64' }).createModel(spec, initializeWeights(spec, new Rng(4), 'float64'), {
      loss: 'binaryCrossEntropy',
      optimizer: optimizer('sgd'),
    });
    const batch = { x: matrix(3, 2, [0.5, -1, 1, 0.25, -0.5, 0.75]), y: matrix(3, 1, [1, 0, 1]) };
    const honest = gradientCheck(model, batch);
    expect(honest.passed).toBe(true);
    // Wrap the model so one gradient entry is wrong.
    const broken = Object.create(model) as typeof model;
    broken.lossAndGradients = (b) => {
      const result = model.lossAndGradients(b);
      const data = result.gradients.layers[1]!.kernel.data;
      data[2] = data[2]! * 1.01;
      return result;
    };
    const report = gradientCheck(broken, batch);
    expect(report.passed).toBe(false);
    expect(report.worst?.name).toBe('dense_1/kernel');
    expect(report.worst?.index).toBe(2);
    expect(report.tensors.find((t) => t.name === 'dense_1/kernel')?.passed).toBe(false);
    expect(report.tensors.find((t) => t.name === 'dense_0/kernel')?.passed).toBe(true);
  });

  it('samples a seeded subset of a big model, at least one parameter per tensor, and restores the weights', () => {
    const spec = mlp(50, [[40, 'tanh']], [3, 'softmax']);
    const weights = initializeWeights(spec, new Rng(2), 'float64');
    const model = new ReferenceEngine({ dtype: 'float64' }).createModel(spec, weights, { loss: 'softmaxCrossEntropy', optimizer: optimizer('sgd') });
    const rng = new Rng(3);
    const batch = { x: matrix(4, 50, Array.from({ length: 200 }, () => rng.uniform(-1, 1))), y: matrix(4, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]) };
    const report = gradientCheck(model, batch, { maxParameters: 100, seed: 9 });
    expect(report.total).toBe(50 * 40 + 40 + 40 * 3 + 3);
    expect(report.checked).toBeLessThanOrEqual(100);
    expect(report.tensors.map((t) => t.checked).every((n) => n >= 1)).toBe(true);
    expect(report.passed).toBe(true);
    expect(gradientCheck(model, batch, { maxParameters: 100, seed: 9 }).parameters.map((p) => p.index)).toEqual(report.parameters.map((p) => p.index));
    expect(Array.from(model.getWeights().layers[0]!.kernel.data)).toEqual(Array.from(weights.layers[0]!.kernel.data));
  });

  it("measures with core's relativeError (floor·max(1, |L|)), and reports NaN when a side is not finite", () => {
    const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
    const model = new ReferenceEngine({ dtype: 'float64' }).createModel(spec, initializeWeights(spec, new Rng(5), 'float64'), {
      loss: 'binaryCrossEntropy',
      optimizer: optimizer('sgd'),
    });
    const batch = { x: matrix(3, 2, [0.5, -1, 1, 0.25, -0.5, 0.75]), y: matrix(3, 1, [1, 0, 1]) };
    const report = gradientCheck(model, batch, { floor: 1e-2 });
    expect(report.floor).toBe(1e-2 * Math.max(1, Math.abs(report.loss)));
    for (const p of report.parameters) expect(p.relativeError).toBe(relativeError(p.analytic, p.numeric, report.floor));
    const infinite = Object.create(model) as typeof model;
    infinite.lossAndGradients = (b) => {
      const result = model.lossAndGradients(b);
      result.gradients.layers[0]!.bias.data[1] = Number.POSITIVE_INFINITY;
      return result;
    };
    const broken = gradientCheck(infinite, batch);
    expect(broken.passed).toBe(false);
    expect(broken.worst?.name).toBe('dense_0/bias');
    expect(broken.worst?.relativeError).toBeNaN();
  });

  it('in float32 the same check is only good to about 1e-2 (use float64)', () => {
    const spec = mlp(2, [[4, 'tanh']], [1, 'sigmoid']);
    const model = new ReferenceEngine({ dtype: 'float32' }).createModel(spec, initializeWeights(spec, new Rng(6), 'float32'), {
      loss: 'binaryCrossEntropy',
      optimizer: optimizer('sgd'),
    });
    const batch = { x: matrix(4, 2, [0, 0, 0, 1, 1, 0, 1, 1]), y: matrix(4, 1, [0, 1, 1, 0]) };
    const report = gradientCheck(model, batch, { step: 1e-2, tolerance: 3e-2 });
    expect(report.passed).toBe(true);
  });
});
