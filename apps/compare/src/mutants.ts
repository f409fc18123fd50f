import * as tf from '@tensorflow/tfjs-core';
import {
  deriveSeed,
  describeSpec,
  epochOrder,
  LEAKY_RELU_ALPHA,
  namedParameters,
  parseEngineId,
  Rng,
  type Batch,
  type BatchRows,
  type Dataset,
  type Engine,
  type fit,
  type FitOptions,
  type Matrix,
  type Model,
  type OptimizerState,
  type PreparedData,
  type Weights,
} from '@twinprop/core';
import type { stratifiedSplit } from '@twinprop/datasets';
import { ACTIVATION_FUNCTIONS, LOSS_FUNCTIONS, OPTIMIZER_UPDATES, REGULARIZATION, ReferenceEngine, type ReferenceEngineOptions } from '@twinprop/engine-reference';
import { accumulatedBeta, LOSS_OPS, TFJS_UPDATES, TfjsEngine, type TfjsEngineOverrides } from '@twinprop/engine-tfjs';
import { engines } from '@twinprop/toolkit';
import { DelegatingModel, wrapEngine } from './faults.js';
import { runComparison } from './harness.js';
import type { Scenario } from './scenario.js';
import { QUICK_SCENARIOS } from './scenarios.js';
import { SHARED_CODE, type SharedCode } from './shared.js';

/**
 * The mutation suite: realistic bugs planted one at a time — in the reference engine, the tfjs
 * engine or the code they share — through the injection seams (the engines' `activations`,
 * `losses`, `optimizers`, `regularization`, `ops`, `updates` options; wrapped models; the run's
 * shared-code record), never by editing a file. For each, the quick suite's checks run and the
 * mutant counts as caught when the run fails; `caughtBy` names what failed.
 *
 * To keep CI short each mutant runs every probe and oracle of the quick suite (they take seconds)
 * but only the quick scenarios listed for it — those it could affect and that are cheap; the
 * report lists which scenarios ran.
 */

export type MutantTarget = 'reference' | 'tfjs' | 'core';

export interface Mutant {
  readonly id: string;
  readonly target: MutantTarget;
  readonly description: string;
  /** The engine of an id with the bug planted (undefined: the real engine). */
  readonly engine?: (id: string, real: Engine) => Engine | undefined;
  /** Shared code with the bug planted. */
  readonly shared?: Partial<SharedCode>;
  /** Which quick scenarios to run besides the probes and oracles. */
  readonly scenarios: (s: Scenario) => boolean;
}

const isReference = (id: string): boolean => parseEngineId(id).engine === 'reference';
const isTfjs = (id: string): boolean => parseEngineId(id).engine === 'tfjs';

function reference(options: Omit<ReferenceEngineOptions, 'dtype'>, only?: 'float64'): Mutant['engine'] {
  return (id, real) => (isReference(id) && (only === undefined || real.dtype === only) ? new ReferenceEngine({ dtype: real.dtype, ...options }) : undefined);
}

function tfjs(overrides: TfjsEngineOverrides): Mutant['engine'] {
  return (id, real) => (isTfjs(id) && real instanceof TfjsEngine ? new TfjsEngine(real.backend, real.backendDetail, overrides) : undefined);
}

function wrapped(applies: (id: string) => boolean, wrap: (model: Model) => Model): Mutant['engine'] {
  return (id, real) => (applies(id) ? wrapEngine(real, wrap) : undefined);
}

/**
 * A model whose parameters live in `store` (someone else's arrays): pulled in before every call,
 * written back in place after every change — what a model that keeps a reference instead of a
 * copy does.
 */
class AliasedModel extends DelegatingModel {
  constructor(
    inner: Model,
    private readonly store: Weights,
    private readonly returnsStore: boolean,
  ) {
    super(inner);
  }
  private pull(): void {
    this.inner.setWeights(this.store);
  }
  private push(): void {
    namedParameters(this.inner.getWeights()).forEach(({ tensor }, p) => namedParameters(this.store)[p]!.tensor.data.set(tensor.data));
  }
  override predict(x: Matrix): Matrix {
    this.pull();
    return this.inner.predict(x);
  }
  override loss(batch: Batch): number {
    this.pull();
    return this.inner.loss(batch);
  }
  override lossAndGradients(batch: Batch): ReturnType<Model['lossAndGradients']> {
    this.pull();
    return this.inner.lossAndGradients(batch);
  }
  override trainStep(data: PreparedData, rows: BatchRows, returnLoss?: boolean): number | undefined {
    this.pull();
    const loss = this.inner.trainStep(data, rows, returnLoss);
    this.push();
    return loss;
  }
  override getWeights(): Weights {
    this.pull();
    return this.returnsStore ? this.store : this.inner.getWeights();
  }
  override setWeights(weights: Weights): void {
    this.inner.setWeights(weights);
    this.push();
  }
}

/** An engine whose createModel keeps the caller's weight arrays as the model's parameters. */
function keepsCallerWeights(real: Engine): Engine {
  return { ...engineInfo(real), createModel: (spec, weights, training) => new AliasedModel(real.createModel(spec, weights, training), weights, false) };
}

/** An engine whose models of one spec share one parameter store (a cache keyed by the spec). */
function sharesWeightsBySpec(real: Engine): Engine {
  const stores = new Map<string, Weights>();
  return {
    ...engineInfo(real),
    createModel: (spec, weights, training) => {
      const inner = real.createModel(spec, weights, training);
      const key = describeSpec(spec);
      let store = stores.get(key);
      if (store === undefined) {
        store = inner.getWeights();
        stores.set(key, store);
      }
      return new AliasedModel(inner, store, false);
    },
  };
}

function engineInfo(real: Engine): Pick<Engine, 'name' | 'backend' | 'dtype'> {
  return { name: real.name, backend: real.backend, dtype: real.dtype };
}

/** predict hands out one buffer per shape, overwritten by the next call. */
class ReusedOutputModel extends DelegatingModel {
  private buffer: Matrix | undefined;
  override predict(x: Matrix): Matrix {
    const out = this.inner.predict(x);
    if (this.buffer?.data.length !== out.data.length) this.buffer = out;
    else this.buffer.data.set(out.data);
    return this.buffer;
  }
}

/** setOptimizerState with something lost on the way. */
function restoreLosing(lose: (state: OptimizerState) => OptimizerState): (model: Model) => Model {
  return (model) =>
    new (class extends DelegatingModel {
      override setOptimizerState(state: OptimizerState): void {
        this.inner.setOptimizerState(lose(state));
      }
    })(model);
}

/** Fisher–Yates with a planted change of the index drawn at each position i (from n − 1 down to 1). */
function shuffleWith(pick: (rng: Rng, i: number, n: number) => number): SharedCode['epochOrder'] {
  return (rows, seed, epoch, shuffle = true) => {
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    if (!shuffle) return order;
    const rng = new Rng(deriveSeed(seed, `shuffle/epoch/${epoch}`));
    for (let i = rows - 1; i > 0; i--) {
      const j = pick(rng, i, rows);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    return order;
  };
}

/** core's fit with `Math.floor(rows / batchSize)` batches per epoch: the partial batch is dropped. */
const fitDroppingPartialBatch: typeof fit = (model, train, options: FitOptions) => {
  const rows = train.x.rows;
  const batchSize = Math.min(options.batchSize, rows);
  const data = model.prepare(train);
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const order = (options.order ?? epochOrder)(rows, options.seed, epoch, options.shuffle ?? true);
      for (let b = 0; b < Math.floor(rows / batchSize); b++) {
        const loss = model.trainStep(data, { order, start: b * batchSize, end: (b + 1) * batchSize }, true) ?? Number.NaN;
        options.onBatchEnd?.({ epoch, batch: b, loss });
      }
    }
  } finally {
    data.dispose();
  }
  return Promise.resolve({ history: [], epochsCompleted: options.epochs, batchesCompleted: 0, stopped: false, stopReason: 'epochs', seconds: 0, samplesPerSecond: 0 });
};

/** A split that draws test rows at random from the whole set, ignoring classes. */
const unstratifiedSplit: typeof stratifiedSplit = <T extends Dataset>(data: T, options: Parameters<typeof stratifiedSplit>[1]) => {
  const n = data.x.rows;
  const order = Array.from(new Rng(typeof options.seed === 'number' ? options.seed : 1).permutation(n));
  const testCount = Math.round(n * options.testFraction);
  const pick = (rows: number[]): T => ({ ...data, x: subset(data.x, rows), y: subset(data.y, rows) });
  return { train: pick(order.slice(testCount)), test: testCount === 0 ? undefined : pick(order.slice(0, testCount)) };
};

function subset(m: Matrix, rows: readonly number[]): Matrix {
  const data = m.data instanceof Float32Array ? new Float32Array(rows.length * m.cols) : new Float64Array(rows.length * m.cols);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return { rows: rows.length, cols: m.cols, data };
}

const f = Math.fround;
const named = (fragment: string) => (s: Scenario) => s.name.includes(fragment);
const AND_OR = named('and+or');
const PARTIAL_BATCH_KERAS = (s: Scenario): boolean => s.name.startsWith('and+or 2-2 ') || (s.name.startsWith('gauss') && s.keras);

export const MUTANTS: readonly Mutant[] = [
  // ── reference engine ──────────────────────────────────────────────────────────────────────
  {
    id: 'ref-bce-gradient-per-row',
    target: 'reference',
    description: 'BCE gradient divided by rows instead of rows × units (several sigmoid units)',
    engine: reference({
      losses: {
        binaryCrossEntropy: {
          ...LOSS_FUNCTIONS.binaryCrossEntropy,
          backward(_z, h, y, d, rows, cols) {
            for (let i = 0; i < rows * cols; i++) d[i] = (h[i]! - y[i]!) / rows;
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-mse-loss-per-row',
    target: 'reference',
    description: 'MSE loss value averaged over rows instead of rows × units',
    engine: reference({ losses: { meanSquaredError: { ...LOSS_FUNCTIONS.meanSquaredError, forward: (z, h, y, rows, cols) => (LOSS_FUNCTIONS.meanSquaredError.forward(z, h, y, rows, cols) * cols) } } }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-half-squared-error-gradient-doubled',
    target: 'reference',
    description: 'the Playground’s ½(ŷ − y)² differentiated as (ŷ − y)² (gradient 2(ŷ − y)·σ′, the value left right)',
    engine: reference({ losses: { halfSquaredError: { ...LOSS_FUNCTIONS.halfSquaredError, backward: (...args) => LOSS_FUNCTIONS.meanSquaredError.backward(...args) } } }),
    scenarios: named('halfSquaredError'),
  },
  {
    id: 'ref-bce-from-probabilities',
    target: 'reference',
    description: 'BCE computed as −y·log ŷ − (1−y)·log(1−ŷ) from the probabilities (NaN once σ saturates)',
    engine: reference({
      losses: {
        binaryCrossEntropy: {
          ...LOSS_FUNCTIONS.binaryCrossEntropy,
          forward(_z, h, y, rows, cols) {
            let sum = 0;
            for (let i = 0; i < rows * cols; i++) sum += -y[i]! * Math.log(h[i]!) - (1 - y[i]!) * Math.log(1 - h[i]!);
            return sum / (rows * cols);
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-softmax-without-max',
    target: 'reference',
    description: 'softmax as e^z / Σe^z without subtracting the row maximum (overflow at large logits)',
    engine: reference({
      activations: {
        softmax: {
          ...ACTIVATION_FUNCTIONS.softmax,
          forward(z, h, rows, cols) {
            for (let r = 0; r < rows; r++) {
              let sum = 0;
              for (let k = 0; k < cols; k++) sum += Math.exp(z[r * cols + k]!);
              for (let k = 0; k < cols; k++) h[r * cols + k] = Math.exp(z[r * cols + k]!) / sum;
            }
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-relu-derivative-at-0',
    target: 'reference',
    description: "relu'(0) = 1 (z ≥ 0 instead of z > 0)",
    engine: reference({
      activations: {
        relu: {
          ...ACTIVATION_FUNCTIONS.relu,
          backward(z, _h, dOut, dPre, rows, cols) {
            for (let i = 0; i < rows * cols; i++) dPre[i] = z[i]! >= 0 ? dOut[i]! : 0;
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-leaky-relu-derivative-at-0',
    target: 'reference',
    description: "leakyRelu'(0) = 1 instead of α",
    engine: reference({
      activations: {
        leakyRelu: {
          ...ACTIVATION_FUNCTIONS.leakyRelu,
          backward(z, _h, dOut, dPre, rows, cols) {
            for (let i = 0; i < rows * cols; i++) dPre[i] = z[i]! >= 0 ? dOut[i]! : LEAKY_RELU_ALPHA * dOut[i]!;
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-l2-on-biases',
    target: 'reference',
    description: 'L1/L2 penalty and gradient applied to biases as well as kernels',
    engine: reference({
      regularization: {
        ...REGULARIZATION,
        loss: (kernels, biases, l1, l2) => REGULARIZATION.loss([...kernels, ...biases], [], l1, l2),
        addGradient: (p, d, _part, l1, l2) => REGULARIZATION.addGradient(p, d, 'kernel', l1, l2),
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-l1-sign-of-zero',
    target: 'reference',
    description: 'L1 gradient λ₁·(w ≥ 0 ? 1 : −1): a weight at exactly 0 is pushed (sign(0) should be 0)',
    engine: reference({
      regularization: {
        ...REGULARIZATION,
        addGradient(p, d, part, l1, l2) {
          if (part !== 'kernel') return;
          for (let i = 0; i < p.length; i++) d[i] = d[i]! + l1 * (p[i]! >= 0 ? 1 : -1) + l2 * p[i]!;
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref64-adam-rounds-to-float32',
    target: 'reference',
    description: 'the float64 Adam update stores its moments in float32 precision (Math.fround)',
    engine: reference(
      {
        optimizers: {
          adam: (config, theta, g, slots, acc) => {
            OPTIMIZER_UPDATES.adam(config, theta, g, slots, acc);
            for (const s of slots) for (let i = 0; i < s.length; i++) s[i] = f(s[i]!);
          },
        },
      },
      'float64',
    ),
    scenarios: AND_OR,
  },
  {
    id: 'ref-nesterov-old-accumulation',
    target: 'reference',
    description: 'Nesterov step θ − η·(g + μ·a) with the accumulation from before this step',
    engine: reference({
      optimizers: {
        momentum: (config, theta, g, [a]) => {
          for (let i = 0; i < theta.length; i++) {
            const old = a![i]!;
            a![i] = config.momentum * old + g[i]!;
            theta[i] = theta[i]! - config.learningRate * (config.nesterov ? g[i]! + config.momentum * old : a![i]!);
          }
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-adam-epsilon-inside-sqrt',
    target: 'reference',
    description: 'Adam divides by √(v̂ + ε) instead of √v̂ + ε',
    engine: reference({
      optimizers: {
        adam: (config, theta, g, [m, v], acc) => {
          for (let i = 0; i < theta.length; i++) {
            m![i] = config.beta1 * m![i]! + (1 - config.beta1) * g[i]!;
            v![i] = config.beta2 * v![i]! + (1 - config.beta2) * g[i]! * g[i]!;
            const mHat = m![i]! / (1 - acc[0]!);
            const vHat = v![i]! / (1 - acc[1]!);
            theta[i] = theta[i]! - (config.learningRate * mHat) / Math.sqrt(vHat + config.epsilon);
          }
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'ref-restore-resets-step',
    target: 'reference',
    description: 'setOptimizerState restores the slots but not the step count (Adam’s bias correction restarts)',
    engine: wrapped(isReference, restoreLosing((s) => ({ ...s, step: 0 }))),
    scenarios: () => false,
  },
  {
    id: 'ref-getweights-returns-live-buffers',
    target: 'reference',
    description: 'getWeights returns the model’s own parameter arrays (a caller changing them changes the model)',
    engine: wrapped(isReference, (model) => new AliasedModel(model, model.getWeights(), true)),
    scenarios: () => false,
  },
  {
    id: 'ref-predict-reuses-output-buffer',
    target: 'reference',
    description: 'predict returns its output workspace, overwritten by the next call',
    engine: wrapped(isReference, (model) => new ReusedOutputModel(model)),
    scenarios: () => false,
  },
  {
    id: 'ref-models-share-parameters',
    target: 'reference',
    description: 'models of the same spec share one parameter cache',
    engine: (id, real) => (isReference(id) ? sharesWeightsBySpec(real) : undefined),
    scenarios: () => false,
  },
  // ── tfjs engine ───────────────────────────────────────────────────────────────────────────
  {
    id: 'tfjs-bce-mean-over-rows',
    target: 'tfjs',
    description: 'BCE summed over units and averaged over rows only',
    engine: tfjs({
      ops: {
        losses: {
          binaryCrossEntropy: {
            ...LOSS_OPS.binaryCrossEntropy,
            op: (logits, y) => tf.div(tf.sum(tf.losses.sigmoidCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE)), logits.shape[0]),
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-bce-from-probabilities',
    target: 'tfjs',
    description: 'BCE from σ(z): −y·log σ − (1−y)·log(1−σ) (−∞ once σ rounds to 1 in float32)',
    engine: tfjs({
      ops: {
        losses: {
          binaryCrossEntropy: {
            ...LOSS_OPS.binaryCrossEntropy,
            op: (logits, y) => {
              const p = tf.sigmoid(logits);
              return tf.mean(tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))))));
            },
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-softmax-ce-from-probabilities',
    target: 'tfjs',
    description: 'softmax CE as −Σ y·log(softmax z) (log 0 once a probability underflows)',
    engine: tfjs({
      ops: {
        losses: {
          softmaxCrossEntropy: { ...LOSS_OPS.softmaxCrossEntropy, op: (logits, y) => tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(tf.softmax(logits))), 1))) },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-relu-as-maximum',
    target: 'tfjs',
    description: 'relu written as tf.maximum(z, 0), whose gradient at z = 0 is 1',
    engine: tfjs({ ops: { activations: { relu: { op: (z) => tf.maximum<tf.Tensor2D>(z, 0), gradientKernels: [tf.Maximum] } } } }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-leaky-relu-as-where',
    target: 'tfjs',
    description: 'leakyRelu written as where(z ≥ 0, z, α·z): gradient 1 at z = 0',
    engine: tfjs({
      ops: { activations: { leakyRelu: { op: (z) => tf.where(tf.greaterEqual(z, 0), z, tf.mul(z, LEAKY_RELU_ALPHA)) as tf.Tensor2D, gradientKernels: [tf.Select] } } },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-l2-on-biases',
    target: 'tfjs',
    description: 'the regularization gradient added to biases too',
    engine: tfjs({
      ops: {
        regularization: {
          penalty: (kernels, biases, rates) => {
            let total: tf.Scalar = tf.scalar(0);
            for (const t of [...kernels, ...biases]) total = tf.add(total, tf.add(tf.mul(tf.sum(tf.abs(t)), rates.l1), tf.mul(tf.sum(tf.square(t)), rates.l2 / 2)));
            return total;
          },
          gradient: (p, _part, rates) => tf.add(tf.mul(tf.sign(p), rates.l1), tf.mul(p, rates.l2)),
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-mse-mean-over-rows',
    target: 'tfjs',
    description: 'MSE summed over units, averaged over rows',
    engine: tfjs({
      ops: {
        losses: {
          meanSquaredError: {
            ...LOSS_OPS.meanSquaredError,
            op: (logits, y, output, sigma) => tf.mul(LOSS_OPS.meanSquaredError.op(logits, y, output, sigma), logits.shape[1]),
          },
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-adam-bias-correction-off-by-one',
    target: 'tfjs',
    description: 'Adam’s bias correction uses βᵗ⁺¹ instead of βᵗ',
    engine: tfjs({
      updates: {
        adam: (config, param, g, slots, t) => {
          void accumulatedBeta;
          return TFJS_UPDATES.adam(config, param, g, slots, t + 1);
        },
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-momentum-dampened',
    target: 'tfjs',
    description: 'momentum accumulates μ·a + (1 − μ)·g (an EMA) instead of μ·a + g',
    engine: tfjs({
      updates: {
        momentum: (config, param, g, slots) => TFJS_UPDATES.momentum(config, param, tf.mul(g, 1 - config.momentum), slots, 0),
      },
    }),
    scenarios: AND_OR,
  },
  {
    id: 'tfjs-restore-drops-slots',
    target: 'tfjs',
    description: 'setOptimizerState restores the step count but leaves the slots at zero',
    engine: wrapped(isTfjs, restoreLosing((s) => ({ ...s, slots: Object.fromEntries(Object.entries(s.slots).map(([k, w]) => [k, zeroed(w)])) }))),
    scenarios: () => false,
  },
  {
    id: 'tfjs-createmodel-keeps-caller-arrays',
    target: 'tfjs',
    description: 'createModel keeps the caller’s weight arrays as its parameters (no copy)',
    engine: (id, real) => (isTfjs(id) ? keepsCallerWeights(real) : undefined),
    scenarios: () => false,
  },
  // ── shared code ───────────────────────────────────────────────────────────────────────────
  {
    id: 'core-shuffle-sattolo',
    target: 'core',
    description: 'Fisher–Yates drawing j from [0, i) instead of [0, i] (Sattolo: no row ever stays in place)',
    shared: { epochOrder: shuffleWith((rng, i) => rng.int(i)) },
    scenarios: AND_OR,
  },
  {
    id: 'core-shuffle-naive-swap',
    target: 'core',
    description: 'shuffle swapping each position with any position (j from [0, n)): biased orders',
    shared: { epochOrder: shuffleWith((rng, _i, n) => rng.int(n)) },
    scenarios: AND_OR,
  },
  {
    id: 'core-epoch-order-ignores-epoch',
    target: 'core',
    description: 'every epoch walks the same order (the epoch left out of the derived seed)',
    shared: { epochOrder: (rows, seed, _epoch, shuffle = true) => epochOrder(rows, seed, 1, shuffle) },
    scenarios: AND_OR,
  },
  {
    id: 'core-fit-drops-partial-batch',
    target: 'core',
    description: 'fit takes floor(rows / batchSize) batches per epoch: the partial batch is never trained on',
    shared: { fit: fitDroppingPartialBatch },
    scenarios: PARTIAL_BATCH_KERAS,
  },
  {
    id: 'core-split-ignores-classes',
    target: 'core',
    description: 'the split draws test rows from the whole set, not per class',
    shared: { split: unstratifiedSplit },
    scenarios: () => false,
  },
  {
    id: 'core-bce-definition-per-row',
    target: 'core',
    description: 'core’s BCE definition averages over rows instead of rows × units',
    shared: { losses: { ...SHARED_CODE.losses, binaryCrossEntropy: { ...SHARED_CODE.losses.binaryCrossEntropy, averagedOver: 'rows' } } },
    scenarios: () => false,
  },
  {
    id: 'core-softmax-definition-without-max',
    target: 'core',
    description: 'core’s softmax CE rowLoss computes log Σ e^z without subtracting the maximum',
    shared: {
      losses: {
        ...SHARED_CODE.losses,
        softmaxCrossEntropy: {
          ...SHARED_CODE.losses.softmaxCrossEntropy,
          rowLoss: (z, y) => {
            const logSumExp = Math.log(z.reduce((s, zk) => s + Math.exp(zk), 0));
            return z.reduce((s, zk, k) => s + (y[k] ?? Number.NaN) * (logSumExp - zk), 0);
          },
        },
      },
    },
    scenarios: () => false,
  },
  {
    id: 'core-relu-derivative-right',
    target: 'core',
    description: "core's relu derivative takes the right derivative at the kink (relu'(0) = 1)",
    shared: { activations: { ...SHARED_CODE.activations, relu: { ...SHARED_CODE.activations.relu, derivative: (z) => (z >= 0 ? 1 : 0) } } },
    scenarios: () => false,
  },
];

function zeroed(w: Weights): Weights {
  return { dtype: w.dtype, layers: w.layers.map((l) => ({ kernel: { shape: l.kernel.shape, data: l.kernel.data.map(() => 0) }, bias: { shape: l.bias.shape, data: l.bias.data.map(() => 0) } })) };
}

export interface MutantResult {
  readonly id: string;
  readonly target: MutantTarget;
  readonly description: string;
  readonly caught: boolean;
  /** The failed checks and comparisons, as `<family>: <what>`. */
  readonly caughtBy: readonly string[];
  /** The quick scenarios that ran (the probes and oracles always run). */
  readonly scenarios: readonly string[];
  readonly seconds: number;
}

export interface MutationReport {
  readonly suite: 'quick';
  readonly mutants: readonly MutantResult[];
  readonly caught: number;
  readonly total: number;
  readonly seconds: number;
}

/** What failed in a run, one line per failed check or failed check kind of a comparison. */
function failuresOf(report: Awaited<ReturnType<typeof runComparison>>): string[] {
  const out = new Set<string>();
  for (const c of report.checks) if (!c.passed) out.add(`${c.group}: ${c.name}${c.engine === undefined ? '' : ` (${c.engine})`}`);
  for (const row of report.scenarios) {
    if (row.passed) continue;
    const kinds = [
      row.errors.length > 0 ? 'error' : undefined,
      row.forward?.passed === false ? 'forward' : undefined,
      row.gradients?.passed === false ? 'gradients' : undefined,
      row.finiteDifferences.some((fd) => !fd.passed) ? 'finite differences' : undefined,
      row.trajectory?.passed === false ? 'trajectory' : undefined,
      row.accuracy?.passed === false ? 'accuracy / test outputs' : undefined,
      row.keras?.passed === false ? 'keras' : undefined,
    ].filter((k) => k !== undefined);
    for (const kind of kinds) out.add(`comparison ${kind}: ${row.scenario}`);
  }
  return [...out];
}

/** Runs one mutant: the quick suite's probes and oracles, and its scenarios, with the bug planted. */
export async function runMutant(mutant: Mutant, onProgress?: (line: string) => void): Promise<MutantResult> {
  const started = performance.now();
  const scenarios = QUICK_SCENARIOS.filter(mutant.scenarios);
  const plant = mutant.engine;
  const report = await runComparison({
    suite: 'quick',
    scenarios,
    createEngine: async (id) => {
      const real = await engines.create(id);
      return plant?.(id, real) ?? real;
    },
    shared: { ...SHARED_CODE, ...mutant.shared },
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const caughtBy = failuresOf(report);
  return {
    id: mutant.id,
    target: mutant.target,
    description: mutant.description,
    caught: caughtBy.length > 0,
    caughtBy,
    scenarios: report.scenarios.length === 0 ? [] : [...new Set(report.scenarios.map((r) => r.scenario))],
    seconds: (performance.now() - started) / 1000,
  };
}

/** Runs every mutant (or those whose id contains `filter`). */
export async function runMutants(options: { readonly filter?: string; readonly onProgress?: (line: string) => void } = {}): Promise<MutationReport> {
  const started = performance.now();
  const selected = MUTANTS.filter((m) => options.filter === undefined || m.id.includes(options.filter));
  const results: MutantResult[] = [];
  for (const mutant of selected) {
    const result = await runMutant(mutant);
    results.push(result);
    options.onProgress?.(`${result.caught ? 'caught ' : 'MISSED '} ${result.id} (${result.seconds.toFixed(1)} s)${result.caught ? ` — ${result.caughtBy.slice(0, 3).join('; ')}${result.caughtBy.length > 3 ? `; +${result.caughtBy.length - 3} more` : ''}` : ''}`);
  }
  return { suite: 'quick', mutants: results, caught: results.filter((r) => r.caught).length, total: results.length, seconds: (performance.now() - started) / 1000 };
}
