/**
 * The runs both sides make — the page in Chromium and the test in Node import this same module,
 * so any difference comes from the runtime, not from two copies of the scenario.
 *
 * Both learn XOR's four points with a 2-4-1 network, Adam (η = 0.05), full batches, weights from
 * core's seeded initializer and 300 epochs of core's `fit`:
 * - `tanh`: tanh hidden units, a sigmoid output and binary cross-entropy — the usual XOR network.
 *   Its sigmoid and cross-entropy call `Math.exp` and `Math.log1p`, whose last bit ECMAScript leaves to each
 *   JavaScript engine ("implementation-approximated"); {@link recordingMath} and
 *   {@link replayingMath} take those results out of the comparison.
 * - `relu`: relu hidden units, a linear output and mean squared error, Glorot-uniform kernels: only
 *   + − × ÷, `max` and `sqrt`, which IEEE 754 rounds the same everywhere, so its weights must agree
 *   bit for bit between any two runtimes as they are.
 * - `tanhMse`: tanh hidden units, a linear output and mean squared error. The reference engine's
 *   tanh is its own, from + − × ÷ (engine-reference `tanh.ts`), so this too must agree bit for bit
 *   as it is — the check that its tanh does not depend on the runtime.
 * - `playground`: the `tanh` network on the TensorFlow Playground's XOR data set (500 points,
 *   generated where the run is, by `@twinprop/datasets/playground`), 5 epochs of 25-row batches.
 */
import { playgroundDataset } from '@twinprop/datasets/playground';
import {
  accuracy,
  fit,
  flattenWeights,
  initializeWeights,
  matrixFromRows,
  mlp,
  optimizer,
  Rng,
  type Batch,
  type EngineRegistry,
  type Initializer,
  type ModelSpec,
  type TrainingConfig,
} from '@twinprop/core';

export const XOR: Batch = {
  x: matrixFromRows([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]),
  y: matrixFromRows([[0], [1], [1], [0]]),
};

export interface Scenario {
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  /** Kernel initializer (default: core's per activation). */
  readonly kernel?: Initializer;
  readonly weightSeed: number;
  /** The training set, made when the run starts (in the runtime that trains). */
  readonly data: () => Batch;
  readonly epochs: number;
  readonly batchSize: number;
}

const ADAM = optimizer('adam', { learningRate: 0.05 });
const TANH = mlp(2, [[4, 'tanh']], [1, 'sigmoid']);
export const SCENARIOS = {
  tanh: { spec: TANH, training: { loss: 'binaryCrossEntropy', optimizer: ADAM }, weightSeed: 7, data: () => XOR, epochs: 300, batchSize: 4 },
  // Seed 17: one of the seeds whose relu network reaches 100% (others leave a unit dead at the start).
  relu: {
    spec: mlp(2, [[4, 'relu']], [1, 'linear']),
    training: { loss: 'meanSquaredError', optimizer: ADAM },
    kernel: 'glorotUniform',
    weightSeed: 17,
    data: () => XOR,
    epochs: 300,
    batchSize: 4,
  },
  tanhMse: {
    spec: mlp(2, [[4, 'tanh']], [1, 'linear']),
    training: { loss: 'meanSquaredError', optimizer: ADAM },
    weightSeed: 7,
    data: () => XOR,
    epochs: 300,
    batchSize: 4,
  },
  playground: { spec: TANH, training: { loss: 'binaryCrossEntropy', optimizer: ADAM }, weightSeed: 7, data: () => playgroundDataset('xor'), epochs: 5, batchSize: 25 },
} as const satisfies Record<string, Scenario>;
export type ScenarioName = keyof typeof SCENARIOS;
export const SHUFFLE_SEED = 1;

/** What a run leaves, in plain JSON (it crosses from the page to Node). */
export interface XorRun {
  /** The registry id the engine resolved to, e.g. `tfjs/wasm`. */
  readonly id: string;
  readonly scenario: ScenarioName;
  /** `engine.backendDetail` for tfjs, else the variant's description. */
  readonly detail: string;
  /** Every trained parameter (kernels then biases, layer by layer), as the 16 hex digits of its float64. */
  readonly weightsHex: readonly string[];
  /** The trained weights as numbers (the same values as `weightsHex`). */
  readonly weights: readonly number[];
  /** The training set's features and targets, as float64 hex (what the run trained on). */
  readonly dataHex: readonly string[];
  /** The trained network's outputs on the training set. */
  readonly outputs: readonly number[];
  readonly accuracy: number;
  readonly finalLoss: number;
  readonly seconds: number;
}

/** The 16 hex digits of a number's float64 bits (big-endian): equal strings, equal bits. */
export function float64Hex(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

function fromHex(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** Trains `scenario` on the engine `id` names, resolved through `engines`, and reports the run. */
export async function trainXor(engines: EngineRegistry, id: string, scenario: ScenarioName): Promise<XorRun> {
  const { spec, training, weightSeed, data, epochs, batchSize, kernel } = SCENARIOS[scenario] as Scenario;
  const resolved = await engines.resolve(id);
  const { engine } = resolved;
  const model = engine.createModel(spec, initializeWeights(spec, new Rng(weightSeed), engine.dtype, kernel === undefined ? {} : { kernel }), training);
  try {
    const train = data();
    const result = await fit(model, train, { epochs, batchSize, seed: SHUFFLE_SEED });
    const weights = Array.from(flattenWeights(model.getWeights()));
    const detail = 'backendDetail' in engine && typeof engine.backendDetail === 'string' ? engine.backendDetail : resolved.variant.description;
    const outputs = model.predict(train.x);
    return {
      id: resolved.id,
      scenario,
      detail,
      weightsHex: weights.map(float64Hex),
      weights,
      dataHex: [...train.x.data, ...train.y.data].map(float64Hex),
      outputs: Array.from(outputs.data),
      accuracy: accuracy(outputs, train.y),
      finalLoss: result.history.at(-1)?.trainLoss ?? Number.NaN,
      seconds: result.seconds,
    };
  } finally {
    model.dispose();
  }
}

/**
 * The functions of `Math` whose results ECMAScript leaves to the implementation (§21.3.2:
 * "implementation-approximated"). The others — and + − × ÷ — are exact or correctly rounded.
 */
export const APPROXIMATED_MATH = [
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'atan2', 'cbrt', 'cos', 'cosh', 'exp', 'expm1',
  'hypot', 'log', 'log1p', 'log10', 'log2', 'pow', 'sin', 'sinh', 'tan', 'tanh',
] as const;
type ApproximatedMath = (typeof APPROXIMATED_MATH)[number];

/** One call of an approximated Math function: its name, arguments and result, as float64 hex. */
export interface MathCall {
  readonly fn: ApproximatedMath;
  readonly args: readonly string[];
  readonly result: string;
}

type MathFunction = (...args: number[]) => number;
const math = Math as unknown as Record<ApproximatedMath, MathFunction>;

async function withMath<T>(replace: (fn: ApproximatedMath, original: MathFunction) => MathFunction, body: () => Promise<T>): Promise<T> {
  const originals = APPROXIMATED_MATH.map((fn) => [fn, math[fn]] as const);
  for (const [fn, original] of originals) math[fn] = replace(fn, original);
  try {
    return await body();
  } finally {
    for (const [fn, original] of originals) math[fn] = original;
  }
}

/** Runs `body` while every approximated Math function records its calls, in order. */
export async function recordingMath<T>(body: () => Promise<T>): Promise<{ value: T; calls: MathCall[] }> {
  const calls: MathCall[] = [];
  const value = await withMath(
    (fn, original) =>
      (...args) => {
        const result = original(...args);
        calls.push({ fn, args: args.map(float64Hex), result: float64Hex(result) });
        return result;
      },
    body,
  );
  return { value, calls };
}

/**
 * Runs `body` while every approximated Math function answers from `calls` — what another runtime
 * computed — in order. A call that is not the next recorded one (another function, other argument
 * bits) throws, naming it: the two runs parted before it, somewhere not in Math.
 */
export async function replayingMath<T>(calls: readonly MathCall[], body: () => Promise<T>): Promise<T> {
  let next = 0;
  const value = await withMath(
    (fn) =>
      (...args) => {
        const expected = calls[next];
        const got = args.map(float64Hex);
        if (expected === undefined || expected.fn !== fn || expected.args.join() !== got.join()) {
          throw new Error(
            `Math call ${next} is Math.${fn}(${got.join(', ')}), but the recorded run made ` +
              (expected === undefined ? 'no more calls' : `Math.${expected.fn}(${expected.args.join(', ')})`),
          );
        }
        next += 1;
        return fromHex(expected.result);
      },
    body,
  );
  if (next !== calls.length) throw new Error(`the replayed run made ${next} Math calls, the recorded one ${calls.length}`);
  return value;
}

/** For each function: of the recorded calls, how many give other bits when computed here. */
export function mathDisagreements(calls: readonly MathCall[]): Record<string, { calls: number; differ: number }> {
  const out: Record<string, { calls: number; differ: number }> = {};
  for (const call of calls) {
    const entry = (out[call.fn] ??= { calls: 0, differ: 0 });
    entry.calls += 1;
    if (float64Hex(math[call.fn](...call.args.map(fromHex))) !== call.result) entry.differ += 1;
  }
  return out;
}
