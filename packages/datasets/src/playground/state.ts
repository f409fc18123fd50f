/**
 * The TensorFlow Playground's URL state: the `#activation=tanh&batchSize=10&…` part of a
 * playground.tensorflow.org link, read and written the way the Playground's own state class does
 * (tensorflow/playground, `src/state.ts`), so that a shared link can be reproduced here.
 *
 * How the Playground reads a hash, and what this module does with the same input:
 * - `&` separates entries and the first `=` separates a key from its value; text after a second
 *   `=` is ignored. Values are used literally — nothing is percent-decoded (a seed `a%20b` is the
 *   five characters `a%20b`, as the Playground seeds with them). A repeated key: the last wins.
 * - An empty value (`learningRate=`) keeps the default. `networkShape=` (empty) means no hidden
 *   layer; a missing `networkShape` means the default 4-2.
 * - Choices (`activation`, `regularization`, `dataset`, `regDataset`, `problem`) that the
 *   Playground does not know are ignored by it (the default stays); numbers go through `+value`;
 *   a boolean is false only when written `false`. A `noise` above 80 becomes 50, below 0 becomes 0.
 * - `<control>_hide=true` hides a control; for an input feature that also removes it from the
 *   network. Any key ending in `_hide` is kept, in the order it appears.
 * - Without a `seed` the Playground picks one (`Math.random().toFixed(5)`) — a run that cannot be
 *   reproduced from the link.
 *
 * `strict` parsing (the CLI's) refuses anything the Playground would silently reinterpret, naming
 * the key and the value; `lenient` parsing (a web page's) does what the Playground does where that
 * is defined and otherwise keeps the default, saying so in a notice. Keys the Playground does not
 * know are notices in both modes.
 *
 * Writing ({@link playgroundHash}) uses the Playground's key order and its habit of leaving out
 * what is unset: no `regularization` entry for none, no `seed` without a seed, no `tutorial`
 * without a tutorial.
 */
import { DataError, type RandomSource } from '@twinprop/core';
import { MAX_URL_NOISE, type PlaygroundClassification, type PlaygroundDataset, type PlaygroundRegression } from '../playground.js';

export const PLAYGROUND_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const;
export type PlaygroundActivation = (typeof PLAYGROUND_ACTIVATIONS)[number];

export const PLAYGROUND_REGULARIZATIONS = ['none', 'L1', 'L2'] as const;
export type PlaygroundRegularization = (typeof PLAYGROUND_REGULARIZATIONS)[number];

export const PLAYGROUND_PROBLEMS = ['classification', 'regression'] as const;
export type PlaygroundProblem = (typeof PLAYGROUND_PROBLEMS)[number];

/**
 * The input check boxes a URL sets, in the order the Playground writes them. `cosX` and `cosY`
 * are part of its state and its URLs but not of its input column: they never reach the network.
 */
export const PLAYGROUND_INPUT_KEYS = ['x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'cosX', 'sinX', 'cosY', 'sinY'] as const;
export type PlaygroundInputKey = (typeof PLAYGROUND_INPUT_KEYS)[number];

/** The Playground's classification dataset names (URL) → this package's generators. */
export const PLAYGROUND_URL_DATASETS = {
  circle: 'circle',
  xor: 'xor',
  gauss: 'gauss',
  spiral: 'spiral',
} as const satisfies Record<string, PlaygroundClassification>;

/** The Playground's regression dataset names (URL) → this package's generators. */
export const PLAYGROUND_URL_REG_DATASETS = {
  'reg-plane': 'plane',
  'reg-gauss': 'multigauss',
} as const satisfies Record<string, PlaygroundRegression>;

/** One `<control>_hide` entry of a URL. */
export interface PlaygroundHideFlag {
  /** The control's name without the suffix, e.g. `sinY` or `playButton`. */
  readonly control: string;
  readonly hidden: boolean;
}

/** Everything a Playground URL can say, with the Playground's meaning. */
export interface PlaygroundState {
  /** Activation of every hidden unit (the output is tanh for classification, linear for regression). */
  readonly activation: PlaygroundActivation;
  readonly regularization: PlaygroundRegularization;
  /** Weights are updated after every `batchSize`-th training point (the slider offers 1–30). */
  readonly batchSize: number;
  /** The classification dataset, by this package's generator name (the same as the URL's). */
  readonly dataset: PlaygroundClassification;
  /** The regression dataset, by this package's generator name (URL `reg-plane` is `plane`, `reg-gauss` is `multigauss`). */
  readonly regDataset: PlaygroundRegression;
  readonly learningRate: number;
  readonly regularizationRate: number;
  /** Percent, 0–80 (the slider offers 0–50); the generators use `noise / 100`. */
  readonly noise: number;
  /** Units of each hidden layer; empty for none. */
  readonly networkShape: readonly number[];
  /** The string `Math.seedrandom` is seeded with; undefined when the URL has none. */
  readonly seed: string | undefined;
  readonly showTestData: boolean;
  readonly discretize: boolean;
  /** Percent of the points used for training, 0 < p < 100 (the slider offers 10–90). */
  readonly percTrainData: number;
  /** The input check boxes. */
  readonly features: Readonly<Record<PlaygroundInputKey, boolean>>;
  readonly collectStats: boolean;
  /** The name of a tutorial page, if any. */
  readonly tutorial: string | undefined;
  readonly problem: PlaygroundProblem;
  /** Start every weight and bias at 0 instead of random (the draws still happen). */
  readonly initZero: boolean;
  readonly hideText: boolean;
  /** The `<control>_hide` entries, in the order the URL gave them. */
  readonly hide: readonly PlaygroundHideFlag[];
}

/** The Playground's defaults (a URL with no entries at all, but for the seed it would pick). */
export const PLAYGROUND_DEFAULT_STATE: PlaygroundState = Object.freeze({
  activation: 'tanh',
  regularization: 'none',
  batchSize: 10,
  dataset: 'circle',
  regDataset: 'plane',
  learningRate: 0.03,
  regularizationRate: 0,
  noise: 0,
  networkShape: Object.freeze([4, 2]),
  seed: undefined,
  showTestData: false,
  discretize: false,
  percTrainData: 50,
  features: Object.freeze({
    x: true,
    y: true,
    xTimesY: false,
    xSquared: false,
    ySquared: false,
    cosX: false,
    sinX: false,
    cosY: false,
    sinY: false,
  }),
  collectStats: false,
  tutorial: undefined,
  problem: 'classification',
  initZero: false,
  hideText: false,
  hide: Object.freeze([]),
});

/** A Playground URL that strict parsing refuses: `key` and the `value` it held. */
export class PlaygroundUrlError extends DataError {
  readonly key: string;
  readonly value: string | undefined;
  constructor(key: string, value: string | undefined, problem: string) {
    super(`${value === undefined ? key : `${key}=${value}`}: ${problem}`);
    this.key = key;
    this.value = value;
  }
}

export type PlaygroundParseMode = 'strict' | 'lenient';

export interface ParsedPlaygroundState {
  readonly state: PlaygroundState;
  /** What was ignored, reinterpreted or filled in, one sentence each. */
  readonly notices: string[];
}

/** The suffix of the keys that hide a control. */
const HIDE_SUFFIX = '_hide';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<Omit<PlaygroundState, 'features' | 'networkShape' | 'hide'>> & {
  features: Record<PlaygroundInputKey, boolean>;
  networkShape: number[];
  hide: PlaygroundHideFlag[];
};

/** What reading one value gave: a value, or why the value is bad (and, leniently, what to use instead). */
type Reading<T> = { ok: true; value: T } | { ok: false; expected: string; lenient?: { value: T; note: string } };

/** One key of the URL: how to read its value into a draft state and how to write it back. */
interface Field {
  readonly key: string;
  /**
   * Reads a non-empty value into `draft` (leniently: the fallback value, if the reading has one);
   * returns what was wrong with it, if anything.
   */
  read(value: string, draft: Draft, lenient: boolean): Reading<unknown>;
  /** The value to write, or undefined to leave the key out. */
  write(state: PlaygroundState): string | undefined;
}

function field<T>(key: string, parse: (value: string) => Reading<T>, set: (draft: Draft, value: T) => void, write: (state: PlaygroundState) => string | undefined): Field {
  return {
    key,
    read(value, draft, lenient) {
      const reading = parse(value);
      if (reading.ok) set(draft, reading.value);
      else if (lenient && reading.lenient !== undefined) set(draft, reading.lenient.value);
      return reading;
    },
    write,
  };
}

function choice<const N extends string>(names: readonly N[]): (value: string) => Reading<N> {
  return (value) =>
    (names as readonly string[]).includes(value) ? { ok: true, value: value as N } : { ok: false, expected: `expected one of ${names.join(', ')}` };
}

function mapped<T>(table: Readonly<Record<string, T>>): (value: string) => Reading<T> {
  return (value) =>
    Object.hasOwn(table, value) ? { ok: true, value: table[value] as T } : { ok: false, expected: `expected one of ${Object.keys(table).join(', ')}` };
}

function keyOf<T>(table: Readonly<Record<string, T>>, value: T): string {
  const found = Object.keys(table).find((k) => table[k] === value);
  if (found === undefined) throw new DataError(`no Playground URL name for ${String(value)}`);
  return found;
}

function number(check: (n: number) => boolean, expected: string): (value: string) => Reading<number> {
  return (value) => {
    // The Playground converts with unary plus; Number() is the same conversion.
    const n = Number(value);
    return check(n) ? { ok: true, value: n } : { ok: false, expected };
  };
}

const wholeAtLeastOne = (n: number): boolean => Number.isInteger(n) && n >= 1;
const finiteAtLeastZero = (n: number): boolean => Number.isFinite(n) && n >= 0;

function noise(value: string): Reading<number> {
  const n = Number(value);
  if (n >= 0 && n <= MAX_URL_NOISE) return { ok: true, value: n };
  const expected = `expected a number from 0 to ${MAX_URL_NOISE}`;
  if (n > MAX_URL_NOISE) return { ok: false, expected, lenient: { value: 50, note: 'the Playground resets it to 50' } };
  if (n < 0) return { ok: false, expected, lenient: { value: 0, note: 'the Playground resets it to 0' } };
  return { ok: false, expected };
}

function boolean(value: string): Reading<boolean> {
  if (value === 'true') return { ok: true, value: true };
  if (value === 'false') return { ok: true, value: false };
  return { ok: false, expected: 'expected true or false', lenient: { value: true, note: 'the Playground reads anything but false as true' } };
}

function shape(value: string): Reading<number[]> {
  if (value.trim() === '') return { ok: true, value: [] };
  const parts = value.split(',');
  const units = parts.map(Number);
  const bad = units.findIndex((n) => !wholeAtLeastOne(n));
  if (bad < 0) return { ok: true, value: units };
  return {
    ok: false,
    expected: `expected comma-separated whole numbers ≥ 1, one per hidden layer, or nothing for no hidden layer (entry ${bad + 1} is ${JSON.stringify(parts[bad])})`,
  };
}

function text(value: string): Reading<string> {
  return { ok: true, value };
}

/** A string the hash can carry: the Playground writes it as is, so `&` and `=` would break it. */
function writable(key: string, value: string | undefined): string | undefined {
  if (value !== undefined && /[&=]/.test(value)) {
    throw new PlaygroundUrlError(key, value, 'cannot be written into a Playground URL (it contains & or =)');
  }
  return value;
}

const REG_DATASETS_BY_URL: Readonly<Record<string, PlaygroundRegression>> = PLAYGROUND_URL_REG_DATASETS;
const DATASETS_BY_URL: Readonly<Record<string, PlaygroundClassification>> = PLAYGROUND_URL_DATASETS;

/** The Playground's keys in the order it writes them. */
const FIELDS: readonly Field[] = [
  field('activation', choice(PLAYGROUND_ACTIVATIONS), (d, v) => (d.activation = v), (s) => s.activation),
  // The Playground holds no regularizer for none, and leaves the key out.
  field('regularization', choice(PLAYGROUND_REGULARIZATIONS), (d, v) => (d.regularization = v), (s) => (s.regularization === 'none' ? undefined : s.regularization)),
  field('batchSize', number(wholeAtLeastOne, 'expected a whole number ≥ 1'), (d, v) => (d.batchSize = v), (s) => String(s.batchSize)),
  field('dataset', mapped(DATASETS_BY_URL), (d, v) => (d.dataset = v), (s) => keyOf(DATASETS_BY_URL, s.dataset)),
  field('regDataset', mapped(REG_DATASETS_BY_URL), (d, v) => (d.regDataset = v), (s) => keyOf(REG_DATASETS_BY_URL, s.regDataset)),
  field('learningRate', number(finiteAtLeastZero, 'expected a number ≥ 0'), (d, v) => (d.learningRate = v), (s) => String(s.learningRate)),
  field('regularizationRate', number(finiteAtLeastZero, 'expected a number ≥ 0'), (d, v) => (d.regularizationRate = v), (s) => String(s.regularizationRate)),
  field('noise', noise, (d, v) => (d.noise = v), (s) => String(s.noise)),
  field('networkShape', shape, (d, v) => (d.networkShape = v), (s) => s.networkShape.join(',')),
  field('seed', text, (d, v) => (d.seed = v), (s) => writable('seed', s.seed)),
  field('showTestData', boolean, (d, v) => (d.showTestData = v), (s) => String(s.showTestData)),
  field('discretize', boolean, (d, v) => (d.discretize = v), (s) => String(s.discretize)),
  field('percTrainData', number((n) => n > 0 && n < 100, 'expected a number between 0 and 100 (exclusive)'), (d, v) => (d.percTrainData = v), (s) => String(s.percTrainData)),
  ...PLAYGROUND_INPUT_KEYS.map((k) => field(k, boolean, (d, v) => (d.features[k] = v), (s) => String(s.features[k]))),
  field('collectStats', boolean, (d, v) => (d.collectStats = v), (s) => String(s.collectStats)),
  field('tutorial', text, (d, v) => (d.tutorial = v), (s) => writable('tutorial', s.tutorial)),
  field('problem', choice(PLAYGROUND_PROBLEMS), (d, v) => (d.problem = v), (s) => s.problem),
  field('initZero', boolean, (d, v) => (d.initZero = v), (s) => String(s.initZero)),
  field('hideText', boolean, (d, v) => (d.hideText = v), (s) => String(s.hideText)),
];

const FIELD_BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));

/** The part of a link after `#`, or the text itself when it has no `#` and is not a URL. */
function hashOf(urlOrHash: string, notices: string[]): string {
  const input = urlOrHash.trim();
  const at = input.indexOf('#');
  if (at >= 0) return input.slice(at + 1);
  if (/^[a-z][a-z\d+.-]*:/i.test(input)) {
    notices.push('the URL has no #… part: every setting is the Playground default');
    return '';
  }
  return input;
}

/** The hash as the Playground reads it: key → value (undefined when there is no `=`), last one winning. */
function entriesOf(hash: string, notices: string[]): Map<string, string | undefined> {
  const entries = new Map<string, string | undefined>();
  for (const part of hash.split('&')) {
    if (part === '') continue;
    const [key = '', value, ...rest] = part.split('=');
    if (rest.length > 0) notices.push(`${part}: the Playground reads the value only up to the second =, as ${JSON.stringify(value)}`);
    if (entries.has(key)) notices.push(`${key} appears more than once; the last one (${String(value)}) counts`);
    entries.set(key, value);
  }
  return entries;
}

function freshDraft(): Draft {
  return {
    ...PLAYGROUND_DEFAULT_STATE,
    networkShape: [...PLAYGROUND_DEFAULT_STATE.networkShape],
    features: { ...PLAYGROUND_DEFAULT_STATE.features },
    hide: [],
  };
}

/** A key's default as the URL would write it. */
function describeDefault(f: Field): string {
  return f.write(PLAYGROUND_DEFAULT_STATE) ?? 'none';
}

/**
 * Reads a Playground link — `https://playground.tensorflow.org/#activation=…`, `#activation=…` or
 * the bare `activation=…` — into a {@link PlaygroundState}, with notices about what was ignored or
 * filled in. `strict` (the default) throws a {@link PlaygroundUrlError} naming the key and the
 * value for anything the Playground would not take as written, and when there is no seed;
 * `lenient` never throws: a bad value falls back as described in the module comment, and a missing
 * seed is picked the Playground's way from `random` (default `Math.random`).
 */
export function parsePlaygroundHash(
  urlOrHash: string,
  mode: PlaygroundParseMode = 'strict',
  random: RandomSource = { next: Math.random },
): ParsedPlaygroundState {
  const notices: string[] = [];
  const entries = entriesOf(hashOf(urlOrHash, notices), notices);
  const draft = freshDraft();
  const bad = (key: string, value: string | undefined, expected: string, fallback: string): void => {
    if (mode === 'strict') throw new PlaygroundUrlError(key, value, expected);
    notices.push(`${value === undefined ? key : `${key}=${value}`}: ${expected}; ${fallback}`);
  };

  for (const f of FIELDS) {
    if (!entries.has(f.key)) continue;
    const value = entries.get(f.key);
    if (value === undefined) {
      // The Playground skips a key without a value — except networkShape, on which it fails.
      if (f.key === 'networkShape') bad(f.key, value, 'expected a value (networkShape=4,2; networkShape= for no hidden layer)', `using the default ${describeDefault(f)}`);
      else notices.push(`${f.key} has no value; the Playground keeps the default ${describeDefault(f)}`);
      continue;
    }
    if (f.key !== 'networkShape' && value.trim() === '') {
      if (f.key !== 'seed') notices.push(`${f.key} is empty; the Playground keeps the default ${describeDefault(f)}`);
      continue;
    }
    const reading = f.read(value, draft, mode === 'lenient');
    if (!reading.ok) bad(f.key, value, reading.expected, reading.lenient?.note ?? `using the default ${describeDefault(f)}`);
  }
  if (draft.noise > 50) notices.push(`noise=${draft.noise} is above the slider's 50; the Playground uses it as given`);

  for (const [key, value] of entries) {
    if (FIELD_BY_KEY.has(key) || key === '') continue;
    if (key.endsWith(HIDE_SUFFIX)) {
      const control = key.slice(0, -HIDE_SUFFIX.length);
      if (value !== 'true' && value !== 'false') bad(key, value, 'expected true or false', 'the Playground reads it as false');
      draft.hide.push({ control, hidden: value === 'true' });
      continue;
    }
    notices.push(`${key}: not a Playground setting; ignored`);
  }

  if (draft.seed === undefined) {
    if (mode === 'strict') {
      throw new PlaygroundUrlError('seed', entries.get('seed'), 'the link has no seed, so the Playground would pick a random one and the run cannot be reproduced; add seed=… (any text)');
    }
    draft.seed = random.next().toFixed(5);
    notices.push(`no seed in the link; picked seed=${draft.seed} (as the Playground would, at random)`);
  }
  return { state: draft, notices };
}

/**
 * The hash the Playground would write for `state`: `#key=value&…` in its key order, leaving out a
 * `none` regularization, a missing seed and a missing tutorial, then the `_hide` entries.
 * {@link parsePlaygroundHash} reads it back to the same state.
 */
export function playgroundHash(state: PlaygroundState): string {
  const parts: string[] = [];
  for (const f of FIELDS) {
    const value = f.write(state);
    if (value !== undefined) parts.push(`${f.key}=${value}`);
  }
  for (const { control, hidden } of state.hide) parts.push(`${writable('hide', control) ?? ''}${HIDE_SUFFIX}=${String(hidden)}`);
  return `#${parts.join('&')}`;
}

/** The generator a state's problem uses: `dataset` for classification, `regDataset` for regression. */
export function playgroundGenerator(state: PlaygroundState): PlaygroundDataset {
  return state.problem === 'regression' ? state.regDataset : state.dataset;
}

/** Whether `<control>_hide=true` is in the state (the last entry for a control counts). */
export function isPlaygroundHidden(state: PlaygroundState, control: string): boolean {
  let hidden = false;
  for (const flag of state.hide) if (flag.control === control) hidden = flag.hidden;
  return hidden;
}
