/**
 * The page's state in the URL hash, compatible with playground.tensorflow.org's.
 * INTERIM until `@twinprop/datasets/playground`'s parser lands: the hash is not read yet (the page
 * starts from the Playground's defaults and says so), and is written in the Playground's key order.
 */
import { DEFAULT_SETTINGS, freshSeed, type Settings } from './settings.js';

export function readHash(hash: string): { settings: Settings; notices: string[] } {
  const settings: Settings = { ...DEFAULT_SETTINGS, seed: freshSeed() };
  return { settings, notices: hash.length > 1 ? ['This build does not read Playground URLs yet: started from the defaults.'] : [] };
}

export function writeHash(settings: Settings): void {
  const parts = [
    `activation=${settings.activation}`,
    `batchSize=${settings.batchSize}`,
    `dataset=${settings.dataset}`,
    `regDataset=${settings.regDataset}`,
    `learningRate=${settings.learningRate}`,
    `regularizationRate=${settings.regularizationRate}`,
    `noise=${settings.noise}`,
    `networkShape=${settings.networkShape.join(',')}`,
    `seed=${settings.seed}`,
    `showTestData=${settings.showTestData}`,
    `discretize=${settings.discretize}`,
    `percTrainData=${settings.percTrainData}`,
    ...Object.entries(settings.inputs).map(([k, v]) => `${k}=${v}`),
    `problem=${settings.problem}`,
    `initZero=${settings.initZero}`,
  ];
  if (settings.regularization !== 'none') parts.splice(1, 0, `regularization=${settings.regularization}`);
  history.replaceState(null, '', `#${parts.join('&')}`);
}
