import { DataError, initializeWeights, type Dataset, type Weights } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { playgroundRunFixtures, type PlaygroundRunFixture, type Points } from '../__fixtures__/playground-runs/fixtures.js';
import { playgroundData, playgroundFeatures, playgroundInitializers, playgroundRandom, playgroundSpec } from './run.js';
import { PLAYGROUND_DEFAULT_STATE, parsePlaygroundHash, type PlaygroundState } from './state.js';

const FIXTURES = playgroundRunFixtures();
const cases = FIXTURES.map((f) => [f.name, f] as const);

function columns(d: Dataset): Points {
  const rows = Array.from({ length: d.x.rows }, (_, r) => r);
  return { x: rows.map((r) => d.x.data[2 * r]!), y: rows.map((r) => d.x.data[2 * r + 1]!), label: rows.map((r) => d.y.data[r]!) };
}

function setUp(fixture: PlaygroundRunFixture): { state: PlaygroundState; data: ReturnType<typeof playgroundData>; weights: Weights } {
  const state = parsePlaygroundHash(fixture.hash).state;
  const data = playgroundData(state);
  const weights = initializeWeights(playgroundSpec(state), data.random, 'float64', playgroundInitializers(state));
  return { state, data, weights };
}

// A plain float64 forward pass, written here from the Playground's definitions (not from the code under test).
const INPUT = {
  x: (a: number) => a,
  y: (_a: number, b: number) => b,
  xSquared: (a: number) => a * a,
  ySquared: (_a: number, b: number) => b * b,
  xTimesY: (a: number, b: number) => a * b,
  sinX: (a: number) => Math.sin(a),
  sinY: (_a: number, b: number) => Math.sin(b),
} as Record<string, (a: number, b: number) => number>;
const SIGMA = {
  tanh: Math.tanh,
  relu: (z: number) => Math.max(0, z),
  sigmoid: (z: number) => 1 / (1 + Math.exp(-z)),
  linear: (z: number) => z,
} as Record<string, (z: number) => number>;

function meanHalfSquaredError(fixture: PlaygroundRunFixture, weights: Weights, points: Points): number {
  const layers = weights.layers.length;
  let sum = 0;
  for (let p = 0; p < points.x.length; p++) {
    let values = fixture.features.map((f) => INPUT[f]!(points.x[p]!, points.y[p]!));
    weights.layers.forEach((layer, l) => {
      const [inputs, outputs] = layer.kernel.shape;
      const sigma = SIGMA[l === layers - 1 ? fixture.network.outputActivation : fixture.network.activation]!;
      const next: number[] = [];
      for (let o = 0; o < outputs!; o++) {
        let z = layer.bias.data[o]!;
        for (let i = 0; i < inputs!; i++) z += values[i]! * layer.kernel.data[i * outputs! + o]!;
        next.push(sigma(z));
      }
      values = next;
    });
    sum += 0.5 * (values[0]! - points.label[p]!) ** 2;
  }
  return sum / points.x.length;
}

describe('playgroundRandom is the Playground’s Math.random after Math.seedrandom(seed)', () => {
  // First draws of the Playground's seedrandom 2.4.4, recorded with it.
  it.each([
    ['0.84709', 0.8627421653445801],
    ['twinprop', 0.06034395457899852],
    ['', 0.23144008215179881],
    ['0.1', 0.7189842544258567],
  ])('seed %j', (seed, first) => {
    const random = playgroundRandom(seed);
    expect(random.next()).toBe(first);
    const again = playgroundRandom(seed);
    expect(again.next()).toBe(first);
    expect(random.next()).toBe(again.next());
  });
});

describe('playgroundData against the recorded runs', () => {
  it('covers what issue 16 asks for', () => {
    const s = FIXTURES.map((f) => f.settings);
    expect(new Set(s.map((x) => (x.problem === 'regression' ? x.regDataset : x.dataset)))).toEqual(new Set(['circle', 'xor', 'gauss', 'spiral', 'reg-plane', 'reg-gauss']));
    expect(new Set(s.map((x) => x.activation))).toEqual(new Set(['tanh', 'relu', 'sigmoid', 'linear']));
    expect(s.some((x) => x.regularization === 'L1' && x.regularizationRate === 0.1)).toBe(true);
    expect(s.some((x) => x.regularization === 'L1' && x.regularizationRate === 0.01)).toBe(true);
    expect(s.some((x) => x.regularization === 'L2')).toBe(true);
    expect(FIXTURES.some((f) => f.snapshots.some((snap) => snap.weights.some((w) => w.deadLinks.includes(1))))).toBe(true);
    expect(FIXTURES.some((f) => f.train.x.length % f.settings.batchSize !== 0)).toBe(true);
    expect(s.some((x) => x.networkShape.length === 0)).toBe(true);
    expect(s.some((x) => x.initZero)).toBe(true);
    expect(s.some((x) => x.percTrainData !== 50)).toBe(true);
  });

  it.each(cases)('%s: train and test points, bit for bit, in the Playground’s order', (_name, fixture) => {
    const { data } = setUp(fixture);
    expect(data.train.task).toBe(fixture.settings.problem === 'regression' ? 'regression' : 'binary');
    expect(columns(data.train)).toEqual(fixture.train);
    expect(columns(data.test)).toEqual(fixture.test);
    if (fixture.settings.problem === 'classification') {
      expect(new Set(data.train.y.data)).toEqual(new Set([-1, 1]));
      expect(data.train.classNames).toEqual(['negative', 'positive']);
    }
  });

  it.each(cases)('%s: the inputs and the network', (_name, fixture) => {
    const { state, data } = setUp(fixture);
    expect(data.features).toEqual(fixture.features);
    expect(playgroundFeatures(state)).toEqual(fixture.features);
    const spec = playgroundSpec(state);
    expect([spec.inputSize, ...spec.hidden.map((h) => h.units), spec.output.units]).toEqual(fixture.network.shape);
    expect(new Set([...spec.hidden.map((h) => h.activation)])).toEqual(new Set(spec.hidden.length > 0 ? [fixture.network.activation] : []));
    expect(spec.output.activation).toBe(fixture.network.outputActivation);
  });

  it.each(cases)('%s: the first weights, bit for bit, drawn where the data set-up left the generator', (_name, fixture) => {
    const { weights } = setUp(fixture);
    const epoch0 = fixture.snapshots[0]!;
    expect(epoch0.epoch).toBe(0);
    expect(
      weights.layers.map((layer) => ({ kernel: Array.from(layer.kernel.data), bias: Array.from(layer.bias.data), deadLinks: Array.from(layer.kernel.data, () => 0) })),
    ).toEqual(epoch0.weights);
  });

  it.each(cases)('%s: epoch-0 train and test loss (½ squared error) within 1e-12 relative', (_name, fixture) => {
    const { weights } = setUp(fixture);
    const epoch0 = fixture.snapshots[0]!;
    for (const [points, expected] of [
      [fixture.train, epoch0.trainLoss],
      [fixture.test, epoch0.testLoss],
    ] as const) {
      const loss = meanHalfSquaredError(fixture, weights, points);
      expect(Math.abs(loss - expected) / Math.abs(expected)).toBeLessThanOrEqual(1e-12);
    }
  });
});

describe('playgroundData', () => {
  const state: PlaygroundState = { ...PLAYGROUND_DEFAULT_STATE, seed: 'twinprop' };

  it('draws from playgroundRandom(seed) unless given a generator', () => {
    const implicit = playgroundData(state);
    const explicit = playgroundData({ ...state, seed: undefined }, playgroundRandom('twinprop'));
    expect(explicit.train.x.data).toEqual(implicit.train.x.data);
    expect(explicit.random.next()).toBe(implicit.random.next());
  });

  it('splits at ⌊points · percTrainData / 100⌋: train first, then test', () => {
    const { train, test } = playgroundData({ ...state, percTrainData: 33.3 });
    expect([train.x.rows, test.x.rows]).toEqual([166, 334]);
    const regression = playgroundData({ ...state, problem: 'regression', percTrainData: 70 });
    expect([regression.train.x.rows, regression.test.x.rows]).toEqual([840, 360]);
    expect(regression.train.task).toBe('regression');
  });

  it('refuses a state without a seed (and no generator) and a split that leaves a set empty', () => {
    expect(() => playgroundData({ ...state, seed: undefined })).toThrow(DataError);
    expect(() => playgroundData({ ...state, percTrainData: 0.1 })).toThrow(/percTrainData=0.1 leaves 0 of 500 points for training/);
  });

  it('hidden inputs are not inputs; cosX and cosY never are', () => {
    const features = { ...PLAYGROUND_DEFAULT_STATE.features, cosX: true, cosY: true, sinX: true, sinY: true };
    expect(playgroundFeatures({ ...state, features })).toEqual(['x', 'y', 'sinX', 'sinY']);
    expect(playgroundFeatures({ ...state, features, hide: [{ control: 'x', hidden: true }, { control: 'sinY', hidden: false }] })).toEqual(['y', 'sinX', 'sinY']);
  });

  it('initZero starts from zeros; otherwise the Playground initializer', () => {
    expect(playgroundInitializers(state)).toEqual({ kernel: 'playground', bias: 'playground' });
    expect(playgroundInitializers({ ...state, initZero: true })).toEqual({ kernel: 'zeros', bias: 'zeros' });
  });
});
