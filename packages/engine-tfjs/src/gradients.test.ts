import {
  describeSpec,
  initializeWeights,
  matrix,
  mlp,
  optimizer,
  Rng,
  type Activation,
  type Batch,
  type LossName,
  type ModelSpec,
  type Regularization,
} from '@twinprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createTfjsEngine, type TfjsEngine } from './engine.js';
import { gradient64 } from './__fixtures__/reference64.js';

/**
 * Analytic float32 gradients (tf.variableGrads) against float64 central differences (h = 1e-6)
 * of a float64 forward pass written from core's formulas (`__fixtures__/reference64.ts`), on the
 * same float32 weights and inputs. Tolerance per component: |tfjs − ref| ≤ RTOL·|ref| + ATOL.
 */
const RTOL = 1e-4;
const ATOL = 1e-6;

interface Case {
  readonly spec: ModelSpec;
  readonly loss: LossName;
  readonly regularization?: Regularization;
  readonly seed: number;
}

const HIDDEN: readonly Activation[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];

function randomCase(seed: number): Case {
  const rng = new Rng(seed);
  const hidden = Array.from({ length: rng.int(3) }, () => [1 + rng.int(5), HIDDEN[rng.int(HIDDEN.length)]!] as const);
  const kind = rng.int(3);
  const loss: LossName = kind === 0 ? 'binaryCrossEntropy' : kind === 1 ? 'softmaxCrossEntropy' : 'meanSquaredError';
  const output: readonly [number, Activation] =
    loss === 'binaryCrossEntropy' ? [1 + rng.int(2), 'sigmoid'] : loss === 'softmaxCrossEntropy' ? [2 + rng.int(3), 'softmax'] : [1 + rng.int(3), (['linear', 'tanh', 'sigmoid'] as const)[rng.int(3)]!];
  const regularization = rng.int(2) === 0 ? undefined : { l1: rng.uniform(0, 0.01), l2: rng.uniform(0, 0.05) };
  return { spec: mlp(1 + rng.int(4), hidden, output), loss, seed, ...(regularization === undefined ? {} : { regularization }) };
}

function batchFor(c: Case, rng: Rng, rows = 6): Batch {
  const { spec, loss } = c;
  const x = matrix(rows, spec.inputSize, Array.from({ length: rows * spec.inputSize }, () => rng.uniform(-1.5, 1.5)), 'float32');
  const k = spec.output.units;
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const cls = rng.int(k);
    for (let j = 0; j < k; j++) {
      y.push(loss === 'softmaxCrossEntropy' ? (j === cls ? 1 : 0) : loss === 'binaryCrossEntropy' ? rng.int(2) : rng.uniform(-1, 1));
    }
  }
  return { x, y: matrix(rows, k, y, 'float32') };
}

const cases: Case[] = [
  ...Array.from({ length: 20 }, (_, i) => randomCase(1000 + i)),
  // The conformance suite's case 4, whose float32 h = 1e-2 differences cross a leakyRelu kink.
  { spec: mlp(2, [[4, 'relu'], [4, 'leakyRelu']], [1, 'tanh']), loss: 'meanSquaredError', seed: -1 },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`gradients on ${backend} match float64 finite differences`, () => {
    let engine: TfjsEngine | undefined;
    let worst = { relative: 0, absolute: 0, where: '' };
    afterAll(() => {
      console.log(
        `[tfjs/${backend}] gradients vs float64 FD over ${cases.length} specs: worst |diff|/(|ref|) ${worst.relative.toExponential(2)}, ` +
          `worst |diff| ${worst.absolute.toExponential(2)} (${worst.where}); tolerance ${RTOL}·|ref| + ${ATOL}`,
      );
    });

    it.each(cases.map((c) => [`${describeSpec(c.spec)} ${c.loss}${c.regularization ? ' +L1/L2' : ''} (seed ${c.seed})`, c] as const))('%s', async (_name, c) => {
      engine ??= await createTfjsEngine({ backend });
      const rng = c.seed === -1 ? new Rng(103) : new Rng(c.seed + 7);
      const weights = initializeWeights(c.spec, rng, 'float32');
      const batch = batchFor(c, rng, c.seed === -1 ? 5 : 6);
      const model = engine.createModel(c.spec, weights, {
        loss: c.loss,
        optimizer: optimizer('sgd'),
        ...(c.regularization === undefined ? {} : { regularization: c.regularization }),
      });
      const analytic = model.lossAndGradients(batch).gradients.layers.flatMap((l) => [...l.kernel.data, ...l.bias.data]);
      model.dispose();
      const reference = gradient64(c.spec, c.loss, weights, batch, c.regularization);
      expect(analytic.length).toBe(reference.length);
      reference.forEach((e, i) => {
        const a = analytic[i]!;
        const diff = Math.abs(a - e);
        if (Math.abs(e) > 1e-3) worst = diff / Math.abs(e) > worst.relative ? { ...worst, relative: diff / Math.abs(e) } : worst;
        if (diff > worst.absolute) worst = { ...worst, absolute: diff, where: `${describeSpec(c.spec)} θ[${i}]` };
        expect(diff, `θ[${i}]: tfjs ${a}, float64 ${e}`).toBeLessThanOrEqual(RTOL * Math.abs(e) + ATOL);
      });
    });
  });
}
