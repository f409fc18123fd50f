import { describe, expect, test } from 'vitest';
import { PLAYGROUND_DEFAULT_STATE, parsePlaygroundHash } from '@twinprop/datasets/playground';
import { BACKEND_KEY, hashOf, readHash } from './hash.js';

const fixed = { next: () => 0.123456 };

/** A hash exactly as playground.tensorflow.org writes it after loading (every key, its order). */
const PLAYGROUND_HASH =
  '#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.84709&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false';

describe('the page state in the URL hash', () => {
  test("a Playground hash gives the Playground's state, and is written back unchanged", () => {
    const { settings, notices } = readHash(PLAYGROUND_HASH, fixed);
    expect(notices).toEqual([]);
    expect(settings).toEqual({ ...PLAYGROUND_DEFAULT_STATE, seed: '0.84709', backend: 'auto' });
    expect(hashOf(settings)).toBe(PLAYGROUND_HASH);
  });

  test('a whole playground.tensorflow.org URL is read like its hash', () => {
    expect(readHash(`https://playground.tensorflow.org/${PLAYGROUND_HASH}`, fixed).settings).toEqual(readHash(PLAYGROUND_HASH, fixed).settings);
  });

  test('every setting survives the round trip settings → hash → settings', () => {
    const { settings } = readHash(PLAYGROUND_HASH, fixed);
    const changed = {
      ...settings,
      activation: 'relu' as const,
      regularization: 'L1' as const,
      regularizationRate: 0.003,
      batchSize: 17,
      dataset: 'spiral' as const,
      regDataset: 'multigauss' as const,
      learningRate: 0.1,
      noise: 35,
      networkShape: [8, 6, 1],
      seed: 'any text',
      showTestData: true,
      discretize: true,
      percTrainData: 70,
      features: { ...settings.features, xSquared: true, sinY: true, x: false },
      problem: 'regression' as const,
      initZero: true,
      hide: [{ control: 'sinY', hidden: true }],
      backend: 'webgl',
    };
    const again = readHash(hashOf(changed), fixed);
    expect(again.notices).toEqual([]);
    expect(again.settings).toEqual(changed);
  });

  test("twinprop's backend key is one the Playground ignores, and is written only when set", () => {
    const { settings } = readHash(`${PLAYGROUND_HASH}&${BACKEND_KEY}=wasm`, fixed);
    expect(settings.backend).toBe('wasm');
    expect(hashOf(settings)).toBe(`${PLAYGROUND_HASH}&${BACKEND_KEY}=wasm`);
    // The Playground's reader (the same rules as playground.tensorflow.org's) sees nothing else.
    expect(parsePlaygroundHash(hashOf(settings), 'lenient').state).toEqual(parsePlaygroundHash(PLAYGROUND_HASH, 'lenient').state);
    expect(hashOf({ ...settings, backend: 'auto' })).not.toContain(BACKEND_KEY);
  });

  test("the Playground's defaults when the hash is empty, with a seed picked the Playground's way", () => {
    const { settings, notices } = readHash('', fixed);
    expect(settings).toEqual({ ...PLAYGROUND_DEFAULT_STATE, seed: '0.12346', backend: 'auto' });
    expect(notices).toEqual(['no seed in the link; picked seed=0.12346 (as the Playground would, at random)']);
  });

  test('a malformed hash falls back to the defaults for what it cannot read, and says so', () => {
    const { settings, notices } = readHash('#activation=banana&learningRate=fast&networkShape=4,x&seed=7&%%%&tfjsBackend=../../x', fixed);
    expect(settings.activation).toBe(PLAYGROUND_DEFAULT_STATE.activation);
    expect(settings.learningRate).toBe(PLAYGROUND_DEFAULT_STATE.learningRate);
    expect(settings.networkShape).toEqual(PLAYGROUND_DEFAULT_STATE.networkShape);
    expect(settings.seed).toBe('7');
    expect(settings.backend).toBe('auto');
    const text = notices.join('\n');
    for (const part of ['activation=banana', 'learningRate=fast', 'networkShape=4,x', '%%%', 'tfjsBackend=../../x']) expect(text).toContain(part);
  });
});
