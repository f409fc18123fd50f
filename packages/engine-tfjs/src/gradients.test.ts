import {
  ACTIVATION_DEFINITIONS,
  compareWeights,
  describeSpec,
  HIDDEN_ACTIVATIONS,
  initializeWeights,
  LOSS_DEFINITIONS,
  LOSSES,
  matrix,
  mlp,
  optimizer,
  OUTPUT_ACTIVATIONS,
  Rng,
  worstAbs,
  worstRel,
  type Activation,
  type Batch,
  type LossName,
  type ModelSpec,
  type Regularization,
  type RelTolerance,
} from '@twinprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createTfjsEngine, type TfjsEngine } from './engine.js';
import { gradient64 } from './__fixtures__/reference64.js';

/**
 * Analytic float32 gradients (tf.variableGrads) against float64 central differences (h = 1e-6)
 * of a float64 forward pass written from core's tables (`__fixtures__/reference64.ts`), on the
 * same float32 weights and inputs. Per component, core's `relativeError(tfjs, ref, floor) ≤ rtol`,
 * i.e. |tfjs − ref| ≤ rtol·max(|tfjs|, |ref|, floor): 1e-4 relative above the floor, 1e-6
 * absolute below it. This replaced |tfjs − ref| ≤ 1e-4·|ref| + 1e-6 and is nowhere looser for
 * gradients below 100 in magnitude (all of these): the same relative term without the absolute
 * allowance on top, and 1e-6 rather than up to 2e-6 below the floor.
 */
const TOLERANCE: RelTolerance = { rtol: 1e-4, floor: 1e-2 };

interface Case {
  readonly spec: ModelSpec;
  readonly loss: LossName;
  readonly regularization?: Regularization;
  readonly seed: number;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

/**
 * A random MLP over core's lists: 0–2 hidden layers of any hidden activation, any loss, and an
 * output activation that loss fits, with at least the activation's minimum units.
 */
function randomCase(seed: number): Case {
  const rng = new Rng(seed);
  const hidden = Array.from({ length: rng.int(3) }, () => [1 + rng.int(5), pick(rng, HIDDEN_ACTIVATIONS)] as const);
  const loss = pick(rng, LOSSES);
  const activation = pick(rng, OUTPUT_ACTIVATIONS.filter((a) => LOSS_DEFINITIONS[loss].fits(a)));
  const output: readonly [number, Activation] = [ACTIVATION_DEFINITIONS[activation].minUnits + rng.int(3), activation];
  const regularization = rng.int(2) === 0 ? undefined : { l1: rng.uniform(0, 0.01), l2: rng.uniform(0, 0.05) };
  return { spec: mlp(1 + rng.int(4), hidden, output), loss, seed, ...(regularization === undefined ? {} : { regularization }) };
}

/** Targets of the kind the loss expects (core's `task`): 0/1, one-hot, or real values. */
function batchFor(c: Case, rng: Rng, rows = 6): Batch {
  const { spec, loss } = c;
  const x = matrix(rows, spec.inputSize, Array.from({ length: rows * spec.inputSize }, () => rng.uniform(-1.5, 1.5)), 'float32');
  const k = spec.output.units;
  const task = LOSS_DEFINITIONS[loss].task;
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const cls = rng.int(k);
    for (let j = 0; j < k; j++) {
      switch (task) {
        case 'multiclass':
          y.push(j === cls ? 1 : 0);
          break;
        case 'binary':
          y.push(rng.int(2));
          break;
        case 'regression':
          y.push(rng.uniform(-1, 1));
          break;
      }
    }
  }
  return { x, y: matrix(rows, k, y, 'float32') };
}

/** One case per loss and output activation it fits, and one per hidden activation: every member of core's lists is checked. */
const coverage: Case[] = [
  ...LOSSES.flatMap((loss) =>
    OUTPUT_ACTIVATIONS.filter((a) => LOSS_DEFINITIONS[loss].fits(a)).map((a): readonly [LossName, Activation] => [loss, a]),
  ).map(([loss, a], i) => ({ spec: mlp(3, [[4, 'tanh']], [ACTIVATION_DEFINITIONS[a].minUnits + 1, a]), loss, seed: 2000 + i })),
  ...HIDDEN_ACTIVATIONS.map((a, i) => ({
    spec: mlp(3, [[4, a], [3, a]], [1, 'sigmoid']),
    loss: 'binaryCrossEntropy' as const,
    regularization: { l1: 0.005, l2: 0.02 },
    seed: 3000 + i,
  })),
];

const cases: Case[] = [
  ...coverage,
  ...Array.from({ length: 20 }, (_, i) => randomCase(1000 + i)),
  // The conformance suite's case 4 (relu and leakyRelu hidden layers), here against float64.
  { spec: mlp(2, [[4, 'relu'], [4, 'leakyRelu']], [1, 'tanh']), loss: 'meanSquaredError', seed: -1 },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`gradients on ${backend} match float64 finite differences`, () => {
    let engine: TfjsEngine | undefined;
    let worst = { relative: 0, absolute: 0, where: '' };
    afterAll(() => {
      console.log(
        `[tfjs/${backend}] gradients vs float64 FD over ${cases.length} specs: worst relative error ${worst.relative.toExponential(2)} ` +
          `(${worst.where}), worst |diff| ${worst.absolute.toExponential(2)}; tolerance relativeError ≤ ${TOLERANCE.rtol} with floor ${TOLERANCE.floor}`,
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
      const analytic = model.lossAndGradients(batch).gradients;
      model.dispose();
      const diffs = compareWeights(analytic, gradient64(c.spec, c.loss, weights, batch, c.regularization), TOLERANCE.floor);
      for (const d of diffs) expect(d.shapeMatches, `${d.name}: shape [${d.shape.join(', ')}] vs [${d.otherShape.join(', ')}]`).toBe(true);
      const worstTensor = diffs.reduce((a, b) => (b.maxRel > a.maxRel ? b : a));
      if (worstRel(diffs) > worst.relative) worst = { ...worst, relative: worstRel(diffs), where: `${describeSpec(c.spec)} ${worstTensor.name}[${worstTensor.worstIndex}]` };
      worst = { ...worst, absolute: Math.max(worst.absolute, worstAbs(diffs)) };
      for (const d of diffs) {
        expect(d.maxRel, `${d.name}[${d.worstIndex}]: tfjs ${d.worstA}, float64 ${d.worstB}`).toBeLessThanOrEqual(TOLERANCE.rtol);
      }
    });
  });
}
