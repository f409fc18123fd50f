/*
 * Both engines against the TensorFlow Playground's own numbers: each recorded run (a Playground URL
 * run through the Playground's code, see __fixtures__/playground-runs/README.md) starts from the
 * Playground's data and first weights; twinprop trains with the Playground's conventions and must
 * land on the Playground's weights, dead links and losses after 1, 10 and 50 epochs.
 *
 * - reference engine, float64: weights within 1e-9 (relative to max(1, |w|)), dead links equal,
 *   losses within 1e-9 relative — after 1 and 50 epochs (and 10); a loss that has reached rounding
 *   level (the noiseless plane fits to 2e-29) is held to 1e-9 of {@link LOSS_FLOOR} instead;
 * - tfjs engine (cpu backend), float32: within {@link TFJS_TOLERANCE} after 10 epochs.
 */
import { applyInputFeatures, fit, isInputFeature, matrix, type Batch, type Engine, type InputFeature, type Model, type Weights } from '@twinprop/core';
import { createReferenceEngine } from '@twinprop/engine-reference';
import { createTfjsEngine } from '@twinprop/engine-tfjs';
import { describe, expect, it } from 'vitest';
import { playgroundRunFixtures, type PlaygroundRunFixture, type Points } from '../__fixtures__/playground-runs/fixtures.js';
import { parsePlaygroundHash } from './state.js';
import { playgroundFitOptions, playgroundLoss, playgroundTraining } from './training.js';
import { playgroundSpec } from './run.js';

const FIXTURES = playgroundRunFixtures();
const REFERENCE_TOLERANCE = 1e-9;
/** Below this, a loss is rounding noise of (output − label) and only its absolute size is compared. */
const LOSS_FLOOR = 1e-12;

function lossError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(expected, LOSS_FLOOR);
}
/** float32 against float64 after 10 epochs: the largest measured over the runs is 7.5e-6 (spiral-relu-l1); each test prints its own. */
const TFJS_TOLERANCE = 1e-4;

function batchOf(points: Points, features: readonly InputFeature[]): Batch {
  const raw = matrix(points.x.length, 2, points.x.flatMap((x, i) => [x, points.y[i]!]));
  return { x: applyInputFeatures(features, raw), y: matrix(points.label.length, 1, points.label) };
}

function weightsOf(snapshot: PlaygroundRunFixture['snapshots'][number], dtype: 'float32' | 'float64', inputs: number): Weights {
  let fanIn = inputs;
  return {
    dtype,
    layers: snapshot.weights.map((layer) => {
      const outputs = layer.bias.length;
      const out = {
        kernel: { shape: [fanIn, outputs] as [number, number], data: dtype === 'float64' ? Float64Array.from(layer.kernel) : Float32Array.from(layer.kernel) },
        bias: { shape: [outputs] as [number], data: dtype === 'float64' ? Float64Array.from(layer.bias) : Float32Array.from(layer.bias) },
      };
      fanIn = outputs;
      return out;
    }),
  };
}

/** Largest |a − b| / max(1, |b|) over every weight and bias. */
function worstDifference(actual: Weights, expected: PlaygroundRunFixture['snapshots'][number]): number {
  let worst = 0;
  actual.layers.forEach((layer, l) => {
    const want = expected.weights[l]!;
    for (const [got, ref] of [[layer.kernel.data, want.kernel], [layer.bias.data, want.bias]] as const) {
      ref.forEach((b, i) => {
        worst = Math.max(worst, Math.abs((got[i] ?? Number.NaN) - b) / Math.max(1, Math.abs(b)));
      });
    }
  });
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

function deadLinksOf(model: Model): number[][] {
  const slot = model.getOptimizerState().slots.deadLinks;
  return slot === undefined ? [] : slot.layers.map((l) => Array.from(l.kernel.data));
}

interface Run {
  readonly model: Model;
  readonly train: Batch;
  readonly test: Batch;
  /** Trains up to `epoch` (Playground epochs). */
  to(epoch: number): Promise<void>;
}

function startRun(engine: Engine, fixture: PlaygroundRunFixture): Run {
  const { state } = parsePlaygroundHash(fixture.hash);
  const features = fixture.features.filter(isInputFeature);
  expect(features, 'every recorded feature is one of core’s').toHaveLength(fixture.features.length);
  const spec = playgroundSpec(state);
  const train = batchOf(fixture.train, features);
  const test = batchOf(fixture.test, features);
  const start = fixture.snapshots.find((s) => s.epoch === 0)!;
  const model = engine.createModel(spec, weightsOf(start, engine.dtype, spec.inputSize), playgroundTraining(state));
  let done = 0;
  return {
    model,
    train,
    test,
    async to(epoch) {
      await fit(model, train, { ...playgroundFitOptions(state), epochs: epoch, initialEpoch: done });
      done = epoch;
    },
  };
}

describe.each(FIXTURES.map((f) => [f.name, f] as const))('the Playground run %s', (_name, fixture) => {
  it(`reference engine (float64) lands on the Playground's weights, dead links and losses after 1, 10 and 50 epochs (${fixture.summary})`, async () => {
    const run = startRun(createReferenceEngine({ dtype: 'float64' }), fixture);
    for (const snapshot of fixture.snapshots) {
      await run.to(snapshot.epoch);
      const weights = run.model.getWeights();
      expect(worstDifference(weights, snapshot), `weights after epoch ${snapshot.epoch}`).toBeLessThanOrEqual(REFERENCE_TOLERANCE);
      if (fixture.settings.regularization === 'L1') {
        expect(deadLinksOf(run.model), `dead links after epoch ${snapshot.epoch}`).toEqual(snapshot.weights.map((l) => l.deadLinks));
      }
      const trainLoss = playgroundLoss(run.model.predict(run.train.x), run.train.y);
      const testLoss = playgroundLoss(run.model.predict(run.test.x), run.test.y);
      expect(lossError(trainLoss, snapshot.trainLoss), `train loss after epoch ${snapshot.epoch}`).toBeLessThanOrEqual(REFERENCE_TOLERANCE);
      expect(lossError(testLoss, snapshot.testLoss), `test loss after epoch ${snapshot.epoch}`).toBeLessThanOrEqual(REFERENCE_TOLERANCE);
    }
    run.model.dispose();
  });

  it('tfjs engine (cpu, float32) stays within float32 tolerance of the Playground after 10 epochs', async () => {
    const engine = await createTfjsEngine({ backend: 'cpu' });
    const run = startRun(engine, fixture);
    const snapshot = fixture.snapshots.find((s) => s.epoch === 10)!;
    await run.to(10);
    const worst = worstDifference(run.model.getWeights(), snapshot);
    console.log(`[playground ${fixture.name}] tfjs/cpu float32 after 10 epochs: largest weight difference ${worst.toExponential(2)} (bound ${TFJS_TOLERANCE})`);
    expect(worst).toBeLessThanOrEqual(TFJS_TOLERANCE);
    const trainLoss = playgroundLoss(run.model.predict(run.train.x), run.train.y);
    expect(lossError(trainLoss, snapshot.trainLoss), 'train loss after epoch 10').toBeLessThanOrEqual(TFJS_TOLERANCE);
    run.model.dispose();
  });
});
