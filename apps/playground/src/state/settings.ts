import { INPUT_FEATURES, type Activation, type InputFeature } from '@twinprop/core';

/**
 * What the page's controls show: the TensorFlow Playground's state, with its names and values
 * (`dataset: 'circle'`, `regDataset: 'reg-plane'`, `regularization: 'L1'`, `networkShape: [4, 2]`,
 * the input checkboxes by their URL keys), plus what only twinprop has (the tfjs backend).
 */
export interface Settings {
  readonly activation: PlaygroundActivation;
  readonly regularization: 'none' | 'L1' | 'L2';
  readonly regularizationRate: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly dataset: ClassifyDataset;
  readonly regDataset: RegressDataset;
  readonly noise: number;
  readonly percTrainData: number;
  readonly networkShape: readonly number[];
  readonly seed: string;
  readonly showTestData: boolean;
  readonly discretize: boolean;
  readonly problem: 'classification' | 'regression';
  readonly initZero: boolean;
  /** The input checkboxes (every URL key, `cosX`/`cosY` included though they feed nothing). */
  readonly inputs: Readonly<Record<InputKey, boolean>>;
  /** Inputs hidden by `<key>_hide=true`: not offered and not fed to the network. */
  readonly hiddenInputs: readonly InputKey[];
  /** twinprop only: the tfjs backend to train on (`auto`: the first that loads). */
  readonly backend: string;
}

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const satisfies readonly Activation[];
export type PlaygroundActivation = (typeof ACTIVATIONS)[number];
export const CLASSIFY_DATASETS = ['circle', 'xor', 'gauss', 'spiral'] as const;
export type ClassifyDataset = (typeof CLASSIFY_DATASETS)[number];
export const REGRESS_DATASETS = ['reg-plane', 'reg-gauss'] as const;
export type RegressDataset = (typeof REGRESS_DATASETS)[number];
/** Every input checkbox key the Playground's URL has, in its order. */
export const INPUT_KEYS = ['x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'cosX', 'sinX', 'cosY', 'sinY'] as const;
export type InputKey = (typeof INPUT_KEYS)[number];

/** The Playground's menus (index.html): learning rates and regularization rates it offers. */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
/** The sliders: [min, max, step]. */
export const SLIDERS = { percTrainData: [10, 90, 10], noise: [0, 50, 5], batchSize: [1, 30, 1] } as const;

/** The Playground's defaults (`state.ts`); the seed is drawn when the URL has none. */
export const DEFAULT_SETTINGS: Omit<Settings, 'seed'> = {
  activation: 'tanh',
  regularization: 'none',
  regularizationRate: 0,
  learningRate: 0.03,
  batchSize: 10,
  dataset: 'circle',
  regDataset: 'reg-plane',
  noise: 0,
  percTrainData: 50,
  networkShape: [4, 2],
  showTestData: false,
  discretize: false,
  problem: 'classification',
  initZero: false,
  inputs: { x: true, y: true, xTimesY: false, xSquared: false, ySquared: false, cosX: false, sinX: false, cosY: false, sinY: false },
  hiddenInputs: [],
  backend: 'auto',
};

/** A new seed as the Playground draws one: `Math.random().toFixed(5)`. */
export function freshSeed(random: () => number = Math.random): string {
  return random().toFixed(5);
}

/** The input features the network gets: the checked ones the page offers, in core's (the Playground's) order. */
export function activeFeatures(settings: Settings): InputFeature[] {
  return INPUT_FEATURES.filter((f) => settings.inputs[f] && !settings.hiddenInputs.includes(f));
}

/** The features the page offers (every one of core's, less those a `_hide` key hides). */
export function offeredFeatures(settings: Settings): InputFeature[] {
  return INPUT_FEATURES.filter((f) => !settings.hiddenInputs.includes(f));
}
