/**
 * A Playground run's set-up, as the Playground's page does it on load (tensorflow/playground,
 * `src/playground.ts`): seed `Math.random` with the URL's seed string (seedrandom's ARC4), generate
 * the points, shuffle them, split them into train and test — and leave the generator where the
 * network's weights are drawn next. With {@link playgroundSpec} and core's `playground`
 * initializer, that gives the Playground's very first weights.
 */
import seedrandom from 'seedrandom';
import {
  DataError,
  INPUT_FEATURE_DEFINITIONS,
  INPUT_FEATURES,
  type Dataset,
  type Initializer,
  type InputFeature,
  type ModelSpec,
  type RandomSource,
} from '@twinprop/core';
import { PLAYGROUND_CLASS_NAMES, PLAYGROUND_POINTS, isPlaygroundRegression, playgroundPoints } from '../playground.js';
import { isPlaygroundHidden, playgroundGenerator, type PlaygroundState } from './state.js';

/**
 * The numbers `Math.random()` gives after the Playground's `Math.seedrandom(seed)`: seedrandom's
 * ARC4 generator keyed by the seed string (seedrandom 3 draws exactly what the Playground's 2.4
 * draws).
 */
export function playgroundRandom(seed: string): RandomSource {
  const prng = seedrandom(seed);
  return { next: () => prng() };
}

/** The Playground's input column (name → label and formula), in its order: core's table. */
export const PLAYGROUND_INPUT_FEATURES = INPUT_FEATURE_DEFINITIONS;

/**
 * The network's inputs for `state`: the checked features, in the Playground's input order
 * (`x, y, xSquared, ySquared, xTimesY, sinX, sinY`), without those hidden by `<feature>_hide=true`
 * (the page drops hidden inputs from its table). `cosX`/`cosY` are never inputs.
 */
export function playgroundFeatures(state: PlaygroundState): InputFeature[] {
  return INPUT_FEATURES.filter((f) => state.features[f] && !isPlaygroundHidden(state, f));
}

/**
 * The Playground's network for `state`: one input per feature, a hidden layer per `networkShape`
 * entry with the state's activation, one output unit — tanh for classification, linear for
 * regression.
 */
export function playgroundSpec(state: PlaygroundState): ModelSpec {
  return {
    inputSize: playgroundFeatures(state).length,
    hidden: state.networkShape.map((units) => ({ units, activation: state.activation })),
    output: { units: 1, activation: state.problem === 'regression' ? 'linear' : 'tanh' },
  };
}

/**
 * Core's initializers for the Playground's first weights: `playground` (kernels U[−0.5, 0.5) drawn
 * unit by unit, biases 0.1), or `zeros` for both under `initZero`. (The Playground still makes its
 * weight draws under `initZero`; nothing is drawn after them, so skipping them changes nothing.)
 */
export function playgroundInitializers(state: PlaygroundState): { kernel: Initializer; bias: Initializer } {
  return state.initZero ? { kernel: 'zeros', bias: 'zeros' } : { kernel: 'playground', bias: 'playground' };
}

export interface PlaygroundData {
  /**
   * The first ⌊points · percTrainData / 100⌋ shuffled points. `x` holds the raw (x₁, x₂), `y` the
   * Playground's label: −1 or +1 for classification (task `binary`, class names `negative`,
   * `positive` for −1, +1), the target value for regression.
   */
  readonly train: Dataset;
  /** The remaining points, in the Playground's order. */
  readonly test: Dataset;
  /** The generator, positioned where the Playground starts drawing the network's weights. */
  readonly random: RandomSource;
  /** {@link playgroundFeatures} of the state: what to compute from (x₁, x₂) for the network. */
  readonly features: InputFeature[];
}

/**
 * The Playground's data for `state`: 500 points (1200 for regression) from the state's dataset
 * with its noise, shuffled and split at ⌊points · percTrainData / 100⌋, drawn from `random`
 * (default {@link playgroundRandom} of the state's seed).
 */
export function playgroundData(state: PlaygroundState, random?: RandomSource): PlaygroundData {
  let source = random;
  if (source === undefined) {
    if (state.seed === undefined) throw new DataError('the Playground state has no seed: give it one, or pass a RandomSource');
    source = playgroundRandom(state.seed);
  }
  const name = playgroundGenerator(state);
  const regression = isPlaygroundRegression(name);
  const points = regression ? PLAYGROUND_POINTS.regression : PLAYGROUND_POINTS.classification;
  const { x, label } = playgroundPoints(name, { points, noise: state.noise, random: source, shuffle: true });
  // The Playground's split: ⌊length · percTrainData / 100⌋, in that order of operations.
  const split = Math.floor((points * state.percTrainData) / 100);
  if (split < 1 || split >= points) {
    throw new DataError(`percTrainData=${state.percTrainData} leaves ${split} of ${points} points for training: both sets must have points`);
  }
  const part = (from: number, to: number): Dataset => {
    const base = {
      name,
      x: { rows: to - from, cols: 2, data: x.slice(from * 2, to * 2) },
      y: { rows: to - from, cols: 1, data: label.slice(from, to) },
      featureNames: ['x1', 'x2'],
    };
    return regression ? { ...base, task: 'regression' } : { ...base, task: 'binary', classNames: [...PLAYGROUND_CLASS_NAMES] };
  };
  return { train: part(0, split), test: part(split, points), random: source, features: playgroundFeatures(state) };
}
