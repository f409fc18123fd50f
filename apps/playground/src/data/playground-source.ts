/**
 * INTERIM, until `@twinprop/datasets/playground` lands: the Playground's generators from
 * `@twinprop/datasets` driven by core's `Rng` seeded from a hash of the seed string — real data of
 * the right kind, but not the Playground's draws (it seeds `Math.seedrandom` with the string).
 * The page's runs match playground.tensorflow.org's only once this module calls `playgroundData`.
 */
import { Rng, type Batch, type RandomSource } from '@twinprop/core';
import { playgroundDataset, type PlaygroundDataset } from '@twinprop/datasets';
import type { Settings } from '../state/settings.js';

function seedNumber(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function seededRandom(seed: string): RandomSource {
  return new Rng(seedNumber(seed));
}

const NAMES: Readonly<Record<Settings['dataset'] | Settings['regDataset'], PlaygroundDataset>> = {
  circle: 'circle',
  xor: 'xor',
  gauss: 'gauss',
  spiral: 'spiral',
  'reg-plane': 'plane',
  'reg-gauss': 'multigauss',
};

export function playgroundPoints(settings: Settings): { train: Batch; test: Batch; random: RandomSource; name: string; task: 'binary' | 'regression' } {
  const rng = new Rng(seedNumber(settings.seed));
  const name = settings.problem === 'regression' ? settings.regDataset : settings.dataset;
  const data = playgroundDataset(NAMES[name], { noise: settings.noise, rng, shuffle: true });
  const rows = data.x.rows;
  const split = Math.floor((rows * settings.percTrainData) / 100);
  const regression = settings.problem === 'regression';
  const y = Float64Array.from(data.y.data, (v) => (regression ? v : v > 0.5 ? 1 : -1));
  const part = (from: number, to: number): Batch => ({
    x: { rows: to - from, cols: 2, data: Float64Array.from(data.x.data.subarray(from * 2, to * 2)) },
    y: { rows: to - from, cols: 1, data: y.slice(from, to) },
  });
  return { train: part(0, split), test: part(split, rows), random: rng, name, task: regression ? 'regression' : 'binary' };
}
