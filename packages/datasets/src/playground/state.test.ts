import { DataError } from '@twinprop/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { playgroundRunFixtures } from '../__fixtures__/playground-runs/fixtures.js';
import {
  PLAYGROUND_DEFAULT_STATE,
  PLAYGROUND_INPUT_KEYS,
  PlaygroundUrlError,
  isPlaygroundHidden,
  parsePlaygroundHash,
  playgroundGenerator,
  playgroundHash,
  type PlaygroundState,
} from './state.js';

/** A link as the Playground writes it for its defaults (its key order; no `regularization` for none). */
const DEFAULT_LINK =
  'https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03' +
  '&regularizationRate=0&noise=0&networkShape=4,2&seed=0.84709&showTestData=false&discretize=false&percTrainData=50' +
  '&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false' +
  '&collectStats=false&problem=classification&initZero=false&hideText=false';

const strict = (hash: string): PlaygroundState => parsePlaygroundHash(hash).state;
const lenient = (hash: string): ReturnType<typeof parsePlaygroundHash> => parsePlaygroundHash(hash, 'lenient');

describe('the Playground defaults', () => {
  it('are the values its state class starts from', () => {
    expect(PLAYGROUND_DEFAULT_STATE).toEqual({
      activation: 'tanh',
      regularization: 'none',
      batchSize: 10,
      dataset: 'circle',
      regDataset: 'plane',
      learningRate: 0.03,
      regularizationRate: 0,
      noise: 0,
      networkShape: [4, 2],
      seed: undefined,
      showTestData: false,
      discretize: false,
      percTrainData: 50,
      features: { x: true, y: true, xTimesY: false, xSquared: false, ySquared: false, cosX: false, sinX: false, cosY: false, sinY: false },
      collectStats: false,
      tutorial: undefined,
      problem: 'classification',
      initZero: false,
      hideText: false,
      hide: [],
    });
    expect(Object.isFrozen(PLAYGROUND_DEFAULT_STATE)).toBe(true);
  });

  it('a link with only a seed is the defaults with that seed, and nothing to notice', () => {
    const { state, notices } = parsePlaygroundHash('#seed=0.5');
    expect(state).toEqual({ ...PLAYGROUND_DEFAULT_STATE, seed: '0.5' });
    expect(notices).toEqual([]);
  });

  it('the default link is written exactly as the Playground writes it', () => {
    const { state, notices } = parsePlaygroundHash(DEFAULT_LINK);
    expect(notices).toEqual([]);
    expect(state).toEqual({ ...PLAYGROUND_DEFAULT_STATE, seed: '0.84709' });
    expect(playgroundHash(state)).toBe(DEFAULT_LINK.slice(DEFAULT_LINK.indexOf('#')));
  });
});

describe('a real link', () => {
  const link =
    'https://playground.tensorflow.org/#activation=relu&regularization=L1&batchSize=30&dataset=spiral&regDataset=reg-gauss' +
    '&learningRate=0.1&regularizationRate=0.003&noise=25&networkShape=8,6,2&seed=0.38612&showTestData=true&discretize=true' +
    '&percTrainData=70&x=true&y=false&xTimesY=true&xSquared=true&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=false' +
    '&collectStats=false&problem=classification&initZero=false&hideText=true&playButton_hide=true&sinX_hide=false';

  it('parses every setting with the Playground meaning', () => {
    const { state, notices } = parsePlaygroundHash(link);
    expect(notices).toEqual([]);
    expect(state).toEqual({
      activation: 'relu',
      regularization: 'L1',
      batchSize: 30,
      dataset: 'spiral',
      regDataset: 'multigauss',
      learningRate: 0.1,
      regularizationRate: 0.003,
      noise: 25,
      networkShape: [8, 6, 2],
      seed: '0.38612',
      showTestData: true,
      discretize: true,
      percTrainData: 70,
      features: { x: true, y: false, xTimesY: true, xSquared: true, ySquared: false, cosX: false, sinX: true, cosY: false, sinY: false },
      collectStats: false,
      tutorial: undefined,
      problem: 'classification',
      initZero: false,
      hideText: true,
      hide: [
        { control: 'playButton', hidden: true },
        { control: 'sinX', hidden: false },
      ],
    });
    expect(playgroundHash(state)).toBe(link.slice(link.indexOf('#')));
    expect(isPlaygroundHidden(state, 'playButton')).toBe(true);
    expect(isPlaygroundHidden(state, 'sinX')).toBe(false);
  });

  it('reads a link, a #hash and a bare hash the same way', () => {
    const hash = link.slice(link.indexOf('#'));
    expect(strict(hash)).toEqual(strict(link));
    expect(strict(hash.slice(1))).toEqual(strict(link));
    expect(strict(`  ${link}\n`)).toEqual(strict(link));
  });

  it('maps the regression dataset names: reg-plane ↔ plane, reg-gauss ↔ multigauss', () => {
    expect(strict('seed=1&regDataset=reg-plane').regDataset).toBe('plane');
    expect(strict('seed=1&regDataset=reg-gauss').regDataset).toBe('multigauss');
    expect(playgroundHash({ ...PLAYGROUND_DEFAULT_STATE, regDataset: 'multigauss' })).toContain('&regDataset=reg-gauss&');
    expect(playgroundGenerator(strict('seed=1&problem=regression&regDataset=reg-gauss&dataset=xor'))).toBe('multigauss');
    expect(playgroundGenerator(strict('seed=1&problem=classification&regDataset=reg-gauss&dataset=xor'))).toBe('xor');
  });
});

describe('the recorded runs: what the Playground itself read from each hash', () => {
  it.each(playgroundRunFixtures().map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const { state, notices } = parsePlaygroundHash(fixture.hash);
    expect(notices).toEqual([]);
    const s = fixture.settings;
    expect({
      activation: state.activation,
      regularization: state.regularization,
      batchSize: state.batchSize,
      dataset: state.dataset,
      regDataset: { plane: 'reg-plane', multigauss: 'reg-gauss' }[state.regDataset],
      learningRate: state.learningRate,
      regularizationRate: state.regularizationRate,
      noise: state.noise,
      networkShape: state.networkShape,
      seed: state.seed,
      showTestData: state.showTestData,
      discretize: state.discretize,
      percTrainData: state.percTrainData,
      inputs: state.features,
      collectStats: state.collectStats,
      tutorial: state.tutorial ?? null,
      problem: state.problem,
      initZero: state.initZero,
      hideText: state.hideText,
      hidden: state.hide.filter((h) => h.hidden).map((h) => h.control),
    }).toEqual(s);
    // …and writing the state back gives the Playground's own serialization, byte for byte.
    expect(playgroundHash(state)).toBe(fixture.hash);
  });
});

/** States a Playground link can carry (strings without the `&` and `=` the format cannot hold). */
const linkText = fc.string({ minLength: 1, maxLength: 12 }).filter((t) => !/[&=]/.test(t) && t.trim() !== '');
const nonNegative = fc.double({ min: 0, max: 1e6, noNaN: true }).map((n) => (n === 0 ? 0 : n));
const stateArbitrary: fc.Arbitrary<PlaygroundState> = fc.record({
  activation: fc.constantFrom('relu', 'tanh', 'sigmoid', 'linear'),
  regularization: fc.constantFrom('none', 'L1', 'L2'),
  batchSize: fc.integer({ min: 1, max: 10_000 }),
  dataset: fc.constantFrom('circle', 'xor', 'gauss', 'spiral'),
  regDataset: fc.constantFrom('plane', 'multigauss'),
  learningRate: nonNegative,
  regularizationRate: nonNegative,
  noise: fc.double({ min: 0, max: 80, noNaN: true }).map((n) => (n === 0 ? 0 : n)),
  networkShape: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 6 }),
  seed: linkText,
  showTestData: fc.boolean(),
  discretize: fc.boolean(),
  percTrainData: fc.double({ min: 0, max: 100, minExcluded: true, maxExcluded: true, noNaN: true }),
  features: fc.record(Object.fromEntries(PLAYGROUND_INPUT_KEYS.map((k) => [k, fc.boolean()])) as Record<(typeof PLAYGROUND_INPUT_KEYS)[number], fc.Arbitrary<boolean>>),
  collectStats: fc.boolean(),
  tutorial: fc.option(linkText, { nil: undefined }),
  problem: fc.constantFrom('classification', 'regression'),
  initZero: fc.boolean(),
  hideText: fc.boolean(),
  hide: fc.uniqueArray(fc.record({ control: fc.string({ maxLength: 10 }).filter((t) => !/[&=]/.test(t)), hidden: fc.boolean() }), {
    selector: (h) => h.control,
    maxLength: 4,
  }),
});

describe('round trip', () => {
  it('parse(playgroundHash(state)) is the state, for any state a link can carry', () => {
    fc.assert(
      fc.property(stateArbitrary, (state) => {
        const hash = playgroundHash(state);
        expect(hash.startsWith('#')).toBe(true);
        const { state: back, notices } = parsePlaygroundHash(hash);
        expect(back).toEqual(state);
        expect(notices).toEqual(state.noise > 50 ? [`noise=${state.noise} is above the slider's 50; the Playground uses it as given`] : []);
        expect(parsePlaygroundHash(hash, 'lenient').state).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it('playgroundHash(parse(hash)) is the hash, for hashes written in the Playground order', () => {
    fc.assert(
      fc.property(stateArbitrary, (state) => {
        const hash = playgroundHash(state);
        expect(playgroundHash(strict(hash))).toBe(hash);
      }),
      { numRuns: 100 },
    );
  });

  it('leaves out what the Playground leaves out: regularization none, a missing seed or tutorial', () => {
    const hash = playgroundHash(PLAYGROUND_DEFAULT_STATE);
    expect(hash).not.toMatch(/regularization=|seed=|tutorial=/);
    expect(playgroundHash({ ...PLAYGROUND_DEFAULT_STATE, regularization: 'L2', tutorial: 'intro' })).toMatch(/^#activation=tanh&regularization=L2&batchSize=10&.*&collectStats=false&tutorial=intro&problem=/);
    expect(strict('seed=1&regularization=none').regularization).toBe('none');
  });

  it('refuses to write a seed, tutorial or control the format cannot carry', () => {
    expect(() => playgroundHash({ ...PLAYGROUND_DEFAULT_STATE, seed: 'a&b' })).toThrow(/seed=a&b: cannot be written/);
    expect(() => playgroundHash({ ...PLAYGROUND_DEFAULT_STATE, tutorial: 'x=1' })).toThrow(PlaygroundUrlError);
    expect(() => playgroundHash({ ...PLAYGROUND_DEFAULT_STATE, hide: [{ control: 'a=b', hidden: true }] })).toThrow(/cannot be written/);
  });
});

describe('how the Playground reads odd links', () => {
  it('networkShape: empty is no hidden layer, missing is the default 4-2', () => {
    expect(strict('seed=1&networkShape=').networkShape).toEqual([]);
    expect(strict('seed=1&networkShape= &x=true').networkShape).toEqual([]);
    expect(strict('seed=1').networkShape).toEqual([4, 2]);
    expect(strict('seed=1&networkShape=3').networkShape).toEqual([3]);
    expect(playgroundHash({ ...PLAYGROUND_DEFAULT_STATE, seed: '1', networkShape: [] })).toContain('&networkShape=&seed=1&');
  });

  it('values are literal: nothing is percent-decoded, the seed is any text', () => {
    expect(strict('seed=a%20b').seed).toBe('a%20b');
    expect(strict('seed= 7 &batchSize=3').seed).toBe(' 7 ');
    expect(strict('#seed=twinprop#2').seed).toBe('twinprop#2');
  });

  it('an empty value keeps the default, with a notice', () => {
    const { state, notices } = parsePlaygroundHash('seed=1&learningRate=&activation');
    expect(state.learningRate).toBe(0.03);
    expect(state.activation).toBe('tanh');
    expect(notices).toEqual(['activation has no value; the Playground keeps the default tanh', 'learningRate is empty; the Playground keeps the default 0.03']);
  });

  it('a repeated key: the last one counts, with a notice', () => {
    const { state, notices } = parsePlaygroundHash('seed=1&batchSize=3&batchSize=5');
    expect(state.batchSize).toBe(5);
    expect(notices).toEqual(['batchSize appears more than once; the last one (5) counts']);
  });

  it('text after a second = is ignored, with a notice', () => {
    const { state, notices } = parsePlaygroundHash('seed=1&batchSize=3=4');
    expect(state.batchSize).toBe(3);
    expect(notices).toEqual(['batchSize=3=4: the Playground reads the value only up to the second =, as "3"']);
  });

  it('unknown keys are notices, not errors, in both modes', () => {
    for (const mode of ['strict', 'lenient'] as const) {
      const { state, notices } = parsePlaygroundHash('seed=1&numHiddenLayers=3&utm_source=mail', mode);
      expect(state).toEqual({ ...PLAYGROUND_DEFAULT_STATE, seed: '1' });
      expect(notices).toEqual(['numHiddenLayers: not a Playground setting; ignored', 'utm_source: not a Playground setting; ignored']);
    }
  });

  it('a link with no # part is the defaults', () => {
    const { state, notices } = lenient('https://playground.tensorflow.org/');
    expect({ ...state, seed: undefined }).toEqual(PLAYGROUND_DEFAULT_STATE);
    expect(notices[0]).toBe('the URL has no #… part: every setting is the Playground default');
  });

  it('a noise above the slider but at most 80 is used as given', () => {
    const { state, notices } = parsePlaygroundHash('seed=1&noise=80');
    expect(state.noise).toBe(80);
    expect(notices).toEqual(["noise=80 is above the slider's 50; the Playground uses it as given"]);
  });
});

describe('strict: every bad value names its key and value', () => {
  it.each([
    ['activation=foo', 'activation=foo: expected one of relu, tanh, sigmoid, linear'],
    ['activation=constructor', 'activation=constructor: expected one of relu, tanh, sigmoid, linear'],
    ['regularization=L3', 'regularization=L3: expected one of none, L1, L2'],
    ['batchSize=0', 'batchSize=0: expected a whole number ≥ 1'],
    ['batchSize=2.5', 'batchSize=2.5: expected a whole number ≥ 1'],
    ['batchSize=ten', 'batchSize=ten: expected a whole number ≥ 1'],
    ['dataset=moons', 'dataset=moons: expected one of circle, xor, gauss, spiral'],
    ['dataset=toString', 'dataset=toString: expected one of circle, xor, gauss, spiral'],
    ['regDataset=plane', 'regDataset=plane: expected one of reg-plane, reg-gauss'],
    ['learningRate=-0.1', 'learningRate=-0.1: expected a number ≥ 0'],
    ['learningRate=fast', 'learningRate=fast: expected a number ≥ 0'],
    ['regularizationRate=Infinity', 'regularizationRate=Infinity: expected a number ≥ 0'],
    ['noise=81', 'noise=81: expected a number from 0 to 80'],
    ['noise=-5', 'noise=-5: expected a number from 0 to 80'],
    ['noise=lots', 'noise=lots: expected a number from 0 to 80'],
    ['networkShape=4,x', 'networkShape=4,x: expected comma-separated whole numbers ≥ 1, one per hidden layer, or nothing for no hidden layer (entry 2 is "x")'],
    ['networkShape=4,2,', 'networkShape=4,2,: expected comma-separated whole numbers ≥ 1, one per hidden layer, or nothing for no hidden layer (entry 3 is "")'],
    ['networkShape=0', 'networkShape=0: expected comma-separated whole numbers ≥ 1, one per hidden layer, or nothing for no hidden layer (entry 1 is "0")'],
    ['networkShape', 'networkShape: expected a value (networkShape=4,2; networkShape= for no hidden layer)'],
    ['showTestData=yes', 'showTestData=yes: expected true or false'],
    ['discretize=1', 'discretize=1: expected true or false'],
    ['percTrainData=100', 'percTrainData=100: expected a number between 0 and 100 (exclusive)'],
    ['percTrainData=0', 'percTrainData=0: expected a number between 0 and 100 (exclusive)'],
    ['x=on', 'x=on: expected true or false'],
    ['sinY=TRUE', 'sinY=TRUE: expected true or false'],
    ['collectStats=no', 'collectStats=no: expected true or false'],
    ['problem=ranking', 'problem=ranking: expected one of classification, regression'],
    ['initZero=0', 'initZero=0: expected true or false'],
    ['hideText=nope', 'hideText=nope: expected true or false'],
    ['x_hide=1', 'x_hide=1: expected true or false'],
  ])('%s', (entry, message) => {
    let error: unknown;
    try {
      parsePlaygroundHash(`#seed=1&${entry}`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlaygroundUrlError);
    expect(error).toBeInstanceOf(DataError);
    expect((error as PlaygroundUrlError).message).toBe(message);
    expect((error as PlaygroundUrlError).key).toBe(entry.split('=')[0]);
    expect((error as PlaygroundUrlError).value).toBe(entry.split('=')[1]);
  });

  it('a missing seed is an error that says why', () => {
    expect(() => parsePlaygroundHash('#activation=relu')).toThrow(
      'seed: the link has no seed, so the Playground would pick a random one and the run cannot be reproduced; add seed=… (any text)',
    );
    expect(() => parsePlaygroundHash('#seed=&activation=relu')).toThrow(/^seed=: the link has no seed/);
    expect(() => parsePlaygroundHash('')).toThrow(PlaygroundUrlError);
  });
});

describe('lenient: bad values fall back, each with a notice', () => {
  it.each([
    ['activation=foo', { activation: 'tanh' }, 'activation=foo: expected one of relu, tanh, sigmoid, linear; using the default tanh'],
    ['regularization=L3', { regularization: 'none' }, 'regularization=L3: expected one of none, L1, L2; using the default none'],
    ['batchSize=0', { batchSize: 10 }, 'batchSize=0: expected a whole number ≥ 1; using the default 10'],
    ['dataset=moons', { dataset: 'circle' }, 'dataset=moons: expected one of circle, xor, gauss, spiral; using the default circle'],
    ['regDataset=plane', { regDataset: 'plane' }, 'regDataset=plane: expected one of reg-plane, reg-gauss; using the default reg-plane'],
    ['learningRate=fast', { learningRate: 0.03 }, 'learningRate=fast: expected a number ≥ 0; using the default 0.03'],
    ['regularizationRate=-1', { regularizationRate: 0 }, 'regularizationRate=-1: expected a number ≥ 0; using the default 0'],
    ['noise=100', { noise: 50 }, 'noise=100: expected a number from 0 to 80; the Playground resets it to 50'],
    ['noise=-5', { noise: 0 }, 'noise=-5: expected a number from 0 to 80; the Playground resets it to 0'],
    ['noise=lots', { noise: 0 }, 'noise=lots: expected a number from 0 to 80; using the default 0'],
    [
      'networkShape=4,x',
      { networkShape: [4, 2] },
      'networkShape=4,x: expected comma-separated whole numbers ≥ 1, one per hidden layer, or nothing for no hidden layer (entry 2 is "x"); using the default 4,2',
    ],
    ['networkShape', { networkShape: [4, 2] }, 'networkShape: expected a value (networkShape=4,2; networkShape= for no hidden layer); using the default 4,2'],
    ['percTrainData=100', { percTrainData: 50 }, 'percTrainData=100: expected a number between 0 and 100 (exclusive); using the default 50'],
    ['problem=ranking', { problem: 'classification' }, 'problem=ranking: expected one of classification, regression; using the default classification'],
    // booleans: the Playground reads anything but "false" as true
    ['showTestData=yes', { showTestData: true }, 'showTestData=yes: expected true or false; the Playground reads anything but false as true'],
    ['initZero=0', { initZero: true }, 'initZero=0: expected true or false; the Playground reads anything but false as true'],
  ] as const)('%s', (entry, expected, notice) => {
    const { state, notices } = lenient(`#seed=1&${entry}`);
    expect(state).toEqual({ ...PLAYGROUND_DEFAULT_STATE, seed: '1', ...expected });
    expect(notices).toEqual([notice]);
  });

  it('an input check box written oddly is true, as in the Playground', () => {
    const { state, notices } = lenient('seed=1&sinX=1');
    expect(state.features.sinX).toBe(true);
    expect(notices).toEqual(['sinX=1: expected true or false; the Playground reads anything but false as true']);
  });

  it('a _hide flag written oddly is false, as in the Playground', () => {
    const { state, notices } = lenient('seed=1&x_hide=yes');
    expect(state.hide).toEqual([{ control: 'x', hidden: false }]);
    expect(notices).toEqual(['x_hide=yes: expected true or false; the Playground reads it as false']);
  });

  it('a missing seed is picked the Playground way (five decimals of a uniform draw) and noted', () => {
    const { state, notices } = parsePlaygroundHash('#activation=relu', 'lenient', { next: () => 0.123456 });
    expect(state.seed).toBe('0.12346');
    expect(state.activation).toBe('relu');
    expect(notices).toEqual(['no seed in the link; picked seed=0.12346 (as the Playground would, at random)']);
    expect(lenient('').state.seed).toMatch(/^[01]\.\d{5}$/);
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const { state } = parsePlaygroundHash(text, 'lenient');
        expect(typeof state.seed).toBe('string');
      }),
    );
  });
});
