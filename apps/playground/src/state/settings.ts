import { INPUT_FEATURES, type InputFeature } from '@twinprop/core';
import { isPlaygroundHidden, playgroundFeatures, type PlaygroundState } from '@twinprop/datasets/playground';

/**
 * What the page's controls show: the TensorFlow Playground's URL state (`@twinprop/datasets/playground`,
 * always with a seed here — the page picks one as the Playground does when the link has none), plus
 * what only twinprop has: the tfjs backend to train on.
 */
export interface Settings extends PlaygroundState {
  readonly seed: string;
  /** The tfjs backend (`auto`: the first that `tfjs` alone resolves to). */
  readonly backend: string;
}

/** The Playground's menus (index.html): the learning rates and regularization rates it offers. */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
/** The Playground's sliders: [min, max, step]. */
export const SLIDERS = { percTrainData: [10, 90, 10], noise: [0, 50, 5], batchSize: [1, 30, 1] } as const;

/** A new seed as the Playground draws one: `Math.random().toFixed(5)`. */
export function freshSeed(random: () => number = Math.random): string {
  return random().toFixed(5);
}

/** The input features the network gets: the checked ones the page offers, in the Playground's order. */
export function activeFeatures(settings: Settings): InputFeature[] {
  return playgroundFeatures(settings);
}

/** The features the page offers: every one of the Playground's input column, less those a `<feature>_hide=true` hides. */
export function offeredFeatures(settings: Settings): InputFeature[] {
  return INPUT_FEATURES.filter((f) => !isPlaygroundHidden(settings, f));
}
