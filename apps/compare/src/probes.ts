import {
  cloneWeights,
  compareArrays,
  compareWeights,
  mlp,
  namedParameters,
  optimizer,
  optimizerDefinition,
  worstRel,
  type Batch,
  type DType,
  type Engine,
  type Matrix,
  type Model,
  type ModelSpec,
  type OptimizerConfig,
  type OptimizerState,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import { CheckBuilder, type RunCheck } from './checks.js';
import { oracleValues } from './oracle.js';
import { float32Representable } from './scenario.js';
import type { SharedCode } from './shared.js';
import { PROBE_TOLERANCES, precisionOf, TOLERANCES, weightTolerance } from './tolerances.js';

/**
 * Probes: small hand-made models and batches on which one engine is checked against values worked
 * out independently — the float64 oracle (oracle.ts) for forward values and gradients, core's
 * written update rules (`OPTIMIZER_DEFINITIONS[k].update`) for optimizer steps — and against
 * itself for state: a restored optimizer must continue as if never interrupted, results must not
 * change after they are returned, two models must not share buffers. They close what the
 * scenarios cannot reach: several sigmoid units under BCE, logits far in saturation, pre-activations
 * exactly on a kink (where finite differences are blind), regularization next to non-zero biases,
 * and float64 engines held to float64 formulas rather than to a float32 partner.
 *
 * Every weight, input and hyperparameter here is a dyadic number, exact in float32, so an engine
 * of either precision gets exactly the values the oracle computes with.
 */

/** Weights from kernels ([inputs][units]) and biases, per layer. */
function weightsOf(layers: ReadonlyArray<readonly [ReadonlyArray<readonly number[]>, readonly number[]]>): Weights {
  return {
    dtype: 'float64',
    layers: layers.map(([kernel, bias]) => ({
      kernel: { shape: [kernel.length, kernel[0]?.length ?? 0], data: Float64Array.from(kernel.flat()) },
      bias: { shape: [bias.length], data: Float64Array.from(bias) },
    })),
  };
}

function matrixOf(rows: ReadonlyArray<readonly number[]>): Matrix {
  return { rows: rows.length, cols: rows[0]?.length ?? 0, data: Float64Array.from(rows.flat()) };
}

function batchOf(x: ReadonlyArray<readonly number[]>, y: ReadonlyArray<readonly number[]>): Batch {
  return { x: matrixOf(x), y: matrixOf(y) };
}

function inDType(batch: Batch, dtype: DType): Batch {
  const convert = (m: Matrix): Matrix => ({ rows: m.rows, cols: m.cols, data: dtype === 'float32' ? Float32Array.from(m.data) : Float64Array.from(m.data) });
  return { x: convert(batch.x), y: convert(batch.y) };
}

const SGD = optimizer('sgd', { learningRate: 0.5 });

/** One probe: a model, its weights, a batch; the engine's forward values and gradients must match the oracle's. */
export interface FormulaCase {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly weights: Weights;
  readonly training: TrainingConfig;
  readonly batch: Batch;
}

/** The truth table, and AND and OR as two sigmoid outputs. */
const GATES_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const AND_OR_Y = [
  [0, 0],
  [0, 1],
  [0, 1],
  [1, 1],
];

export const FORMULA_CASES: readonly FormulaCase[] = [
  {
    name: 'arity: AND and OR as two sigmoid outputs, BCE (2-2)',
    spec: mlp(2, [], [2, 'sigmoid']),
    weights: weightsOf([
      [
        [
          [0.5, -0.25],
          [0.75, 1],
        ],
        [-0.5, 0.25],
      ],
    ]),
    training: { loss: 'binaryCrossEntropy', optimizer: SGD },
    batch: batchOf(GATES_X, AND_OR_Y),
  },
  {
    name: 'arity: AND and OR as two sigmoid outputs behind a tanh layer, BCE (2-3-2)',
    spec: mlp(2, [[3, 'tanh']], [2, 'sigmoid']),
    weights: weightsOf([
      [
        [
          [0.5, -1, 0.25],
          [-0.75, 0.5, 1],
        ],
        [0.125, -0.25, 0.5],
      ],
      [
        [
          [1, -0.5],
          [0.25, 0.75],
          [-1, 0.5],
        ],
        [0.25, -0.125],
      ],
    ]),
    training: { loss: 'binaryCrossEntropy', optimizer: SGD },
    batch: batchOf(GATES_X, AND_OR_Y),
  },
  {
    name: 'arity: three linear outputs, MSE (2-3-3)',
    spec: mlp(2, [[3, 'sigmoid']], [3, 'linear']),
    weights: weightsOf([
      [
        [
          [0.5, -1, 0.25],
          [-0.75, 0.5, 1],
        ],
        [0.125, -0.25, 0.5],
      ],
      [
        [
          [1, -0.5, 0.25],
          [0.25, 0.75, -1],
          [-1, 0.5, 0.5],
        ],
        [0.25, -0.125, 0],
      ],
    ]),
    training: { loss: 'meanSquaredError', optimizer: SGD },
    batch: batchOf(GATES_X, [
      [0, 1, 0.5],
      [1, 0, -0.5],
      [1, 1, 0],
      [0, 0, 1],
    ]),
  },
  {
    name: 'arity: two sigmoid outputs, MSE (2-2)',
    spec: mlp(2, [], [2, 'sigmoid']),
    weights: weightsOf([
      [
        [
          [0.5, -0.25],
          [0.75, 1],
        ],
        [-0.5, 0.25],
      ],
    ]),
    training: { loss: 'meanSquaredError', optimizer: SGD },
    batch: batchOf(GATES_X, AND_OR_Y),
  },
  {
    // z = 40.5, −60.5 / −29.5, 49.5 / 10.5, −10.5 / −55.5, 85.5 / 1100.5, −1700.5 — saturated on both
    // sides, right and wrong, and beyond e^z's float64 range (709).
    name: 'saturated logits: sigmoid BCE, |z| up to 1700',
    spec: mlp(2, [], [2, 'sigmoid']),
    weights: weightsOf([
      [
        [
          [40, -60],
          [-30, 50],
        ],
        [0.5, -0.5],
      ],
    ]),
    training: { loss: 'binaryCrossEntropy', optimizer: SGD },
    batch: batchOf(
      [
        [1, 0],
        [0, 1],
        [1, 1],
        [-1, 0.5],
        [20, -10],
      ],
      [
        [1, 0],
        [0, 1],
        [0, 0],
        [1, 1],
        [0, 1],
      ],
    ),
  },
  {
    // z up to ±800 (e^800 overflows even float64): only a max-subtracted log-sum-exp stays finite.
    name: 'saturated logits: softmax CE, |z| up to 800',
    spec: mlp(2, [], [3, 'softmax']),
    weights: weightsOf([
      [
        [
          [800, -400, 0],
          [-800, 400, 100],
        ],
        [0, 0.5, -0.5],
      ],
    ]),
    training: { loss: 'softmaxCrossEntropy', optimizer: SGD },
    batch: batchOf(
      [
        [1, 0],
        [0, 1],
        [0.5, 0.5],
        [0, 0],
      ],
      [
        [1, 0, 0],
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ],
    ),
  },
  {
    // The same softmax behind a saturated tanh layer, so the gradient flows back through it.
    name: 'saturated logits: softmax CE behind tanh (2-2-3)',
    spec: mlp(2, [[2, 'tanh']], [3, 'softmax']),
    weights: weightsOf([
      [
        [
          [0.5, -0.25],
          [0.25, 0.5],
        ],
        [0, 0.125],
      ],
      [
        [
          [300, -200, 50],
          [-300, 100, 250],
        ],
        [0, 0.5, -0.5],
      ],
    ]),
    training: { loss: 'softmaxCrossEntropy', optimizer: SGD },
    batch: batchOf(GATES_X, [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]),
  },
  ...(['relu', 'leakyRelu'] as const).map(
    (activation): FormulaCase => ({
      // Hidden pre-activations exactly 0 at (row 1, unit 0), (row 2, unit 1), (row 3, unit 0).
      name: `kink: ${activation} hidden pre-activations exactly 0 (2-3-1, MSE)`,
      spec: mlp(2, [[3, activation]], [1, 'linear']),
      weights: weightsOf([
        [
          [
            [0.5, 1, -0.5],
            [-0.25, -0.5, 0.25],
          ],
          [0, -1.5, 0.25],
        ],
        [[[1], [-0.75], [0.5]], [0.125]],
      ]),
      training: { loss: 'meanSquaredError', optimizer: SGD },
      batch: batchOf(
        [
          [1, 2],
          [2, 1],
          [0, 0],
          [1, -1],
        ],
        [[1], [0], [0.5], [-1]],
      ),
    }),
  ),
  ...(['relu', 'leakyRelu'] as const).map(
    (activation): FormulaCase => ({
      // Output pre-activations exactly 0 at (row 0, unit 0), (row 1, unit 1), (row 3, unit 0).
      name: `kink: ${activation} output pre-activations exactly 0 (2-2, MSE)`,
      spec: mlp(2, [], [2, activation]),
      weights: weightsOf([
        [
          [
            [0.5, -0.5],
            [0.25, 0.25],
          ],
          [0, -0.25],
        ],
      ]),
      training: { loss: 'meanSquaredError', optimizer: SGD },
      batch: batchOf(
        [
          [0, 0],
          [0, 1],
          [1, 1],
          [-0.5, 1],
        ],
        [
          [1, 1],
          [0.5, 0.5],
          [0, 1],
          [1, 0],
        ],
      ),
    }),
  ),
  ...(
    [
      ['L1', { l1: 0.0625 }],
      ['L2', { l2: 0.125 }],
      ['L1 + L2', { l1: 0.0625, l2: 0.125 }],
    ] as const
  ).map(
    ([label, regularization]): FormulaCase => ({
      // Non-zero biases (a bias must get no penalty) and one kernel entry exactly 0 (sign(0) = 0).
      name: `regularization: ${label} beside non-zero biases (2-3-2)`,
      spec: mlp(2, [[3, 'tanh']], [2, 'sigmoid']),
      weights: weightsOf([
        [
          [
            [0.5, 0, 0.25],
            [-0.75, 0.5, 1],
          ],
          [0.5, -0.75, 1],
        ],
        [
          [
            [1, -0.5],
            [0.25, 0.75],
            [-1, 0.5],
          ],
          [-1.5, 2],
        ],
      ]),
      training: { loss: 'binaryCrossEntropy', optimizer: SGD, regularization },
      batch: batchOf(GATES_X, AND_OR_Y),
    }),
  ),
];

/** Forward values (predict, loss) and gradients (lossAndGradients) of each case against the oracle. */
export function formulaProbes(engine: Engine, id: string, shared: SharedCode): RunCheck[] {
  const tol = TOLERANCES[precisionOf('float64', engine.dtype)];
  return FORMULA_CASES.map((c) =>
    new CheckBuilder(c.name, 'formulas', Math.max(tol.forward.rtol, tol.gradient.rtol), id).run((check) => {
      const expected = oracleValues(c.spec, c.weights, c.training, c.batch, shared);
      const model = engine.createModel(c.spec, cloneWeights(c.weights, engine.dtype), c.training);
      try {
        const batch = inDType(c.batch, engine.dtype);
        const outputs = model.predict(batch.x);
        const forward = compareArrays(expected.outputs, outputs.data, tol.forward.floor);
        check.measure(forward.maxRel * (check.bound / tol.forward.rtol), `outputs[${forward.worstIndex}] ${forward.worstB} vs ${forward.worstA} (scaled to the forward bound ${tol.forward.rtol})`);
        const loss = model.loss(batch);
        check.measure(relative(expected.loss, loss, tol.forward.floor) * (check.bound / tol.forward.rtol), `loss ${loss} vs ${expected.loss}`);
        const lg = model.lossAndGradients(batch);
        check.measure(relative(expected.loss, lg.loss, tol.forward.floor) * (check.bound / tol.forward.rtol), `lossAndGradients' loss ${lg.loss} vs ${expected.loss}`);
        for (const diff of compareWeights(expected.gradients, lg.gradients, tol.gradient.floor)) {
          check.expect(diff.shapeMatches, `${diff.name}: gradient shape [${diff.otherShape.join(', ')}], expected [${diff.shape.join(', ')}]`);
          if (diff.shapeMatches) {
            check.measure(diff.maxRel * (check.bound / tol.gradient.rtol), `∂L/∂${diff.name}[${diff.worstIndex}] ${diff.worstB} vs ${diff.worstA}`);
          }
        }
      } finally {
        model.dispose();
      }
    }),
  );
}

function relative(a: number, b: number, floor: number): number {
  return compareArrays([a], [b], floor).maxRel;
}

/** The optimizer configurations the probes run: every kind, Nesterov too, with dyadic hyperparameters. */
export const PROBE_OPTIMIZERS: readonly OptimizerConfig[] = [
  optimizer('sgd', { learningRate: 0.5 }),
  optimizer('momentum', { learningRate: 0.25, momentum: 0.875 }),
  optimizer('momentum', { learningRate: 0.25, momentum: 0.875, nesterov: true }),
  optimizer('adam', { learningRate: 0.0625, beta1: 0.875, beta2: 0.9375, epsilon: 1e-7 }),
  // core's defaults (β₂ = 0.999 as float32 holds it), where 1 − β₂ᵗ loses digits in float32
  float32Representable(optimizer('adam', { learningRate: 0.0625 })),
].map((c) => float32Representable(c));

function optimizerLabel(config: OptimizerConfig): string {
  return config.kind === 'momentum' && config.nesterov ? 'nesterov' : config.kind === 'adam' && config.beta2 !== 0.9375 ? 'adam (defaults)' : config.kind;
}

/** The network the optimizer and state probes train: 2-3-2 tanh/sigmoid, BCE, L2, non-zero biases. */
const STEP_CASE = FORMULA_CASES[1]!;
const STEP_TRAINING = (config: OptimizerConfig): TrainingConfig => ({ loss: 'binaryCrossEntropy', optimizer: config, regularization: { l2: 0.0625 } });
/** Seven rows (AND/OR and three more), walked in batches of 3, 3, 1 — a partial batch every third step. */
const STEP_BATCH = batchOf([...GATES_X, [0.5, 0.5], [-0.5, 1], [1, -0.25]], [...AND_OR_Y, [0, 1], [1, 0], [0, 0]]);
const STEP_ORDER = Int32Array.from([3, 0, 5, 1, 6, 2, 4]);
const STEP_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 3],
  [3, 6],
  [6, 7],
];

function stepRows(step: number): { order: Int32Array; start: number; end: number } {
  const [start, end] = STEP_RANGES[step % STEP_RANGES.length]!;
  return { order: STEP_ORDER, start, end };
}

function rowsBatch(batch: Batch, rows: { order: Int32Array; start: number; end: number }): Batch {
  const pick = (m: Matrix): Matrix => {
    const data = new Float64Array((rows.end - rows.start) * m.cols);
    for (let r = rows.start; r < rows.end; r++) data.set(m.data.subarray(rows.order[r]! * m.cols, (rows.order[r]! + 1) * m.cols), (r - rows.start) * m.cols);
    return { rows: rows.end - rows.start, cols: m.cols, data };
  };
  return { x: pick(batch.x), y: pick(batch.y) };
}

/**
 * Optimizer steps against core's written rules: at each step the engine's own gradient g (from
 * lossAndGradients on that batch) goes through `OPTIMIZER_DEFINITIONS[kind].update` in float64,
 * entry by entry, slots carried along; the engine's `trainStep` on the same rows must land on the
 * same weights. A float64 engine is held to float64 bounds — a float64 path that rounds to float32
 * fails here even when it moves towards a float32 partner.
 */
export function optimizerProbes(engine: Engine, id: string): RunCheck[] {
  const tol = TOLERANCES[precisionOf('float64', engine.dtype)];
  const steps = 6;
  return PROBE_OPTIMIZERS.map((config) => {
    const weights = weightTolerance(tol.trajectoryWeights, config, steps);
    return new CheckBuilder(`optimizer step vs core's formula: ${optimizerLabel(config)}, ${steps} steps`, 'optimizer formulas', weights.rtol, id).run((check) => {
      const training = STEP_TRAINING(config);
      const model = engine.createModel(STEP_CASE.spec, cloneWeights(STEP_CASE.weights, engine.dtype), training);
      const data = model.prepare(inDType(STEP_BATCH, engine.dtype));
      try {
        const definition = optimizerDefinition(config.kind);
        const expected = cloneWeights(STEP_CASE.weights, 'float64');
        const slots = namedParameters(expected).map(({ tensor }) => Array.from(tensor.data, () => definition.slots.map(() => 0)));
        for (let t = 1; t <= steps; t++) {
          const rows = stepRows(t - 1);
          const before = model.getWeights();
          const { gradients } = model.lossAndGradients(inDType(rowsBatch(STEP_BATCH, rows), engine.dtype));
          const g = namedParameters(gradients);
          namedParameters(expected).forEach(({ tensor }, p) => {
            const theta = namedParameters(before)[p]!.tensor.data;
            for (let i = 0; i < tensor.data.length; i++) {
              tensor.data[i] = definition.update(config, theta[i]!, g[p]!.tensor.data[i]!, slots[p]![i]!, t);
            }
          });
          model.trainStep(data, rows, true);
          const diffs = compareWeights(expected, model.getWeights(), weights.floor);
          check.measure(worstRel(diffs), `weights after step ${t}`);
          // Continue from the engine's own weights, so each step is judged on its own.
          namedParameters(expected).forEach(({ tensor }, p) => tensor.data.set(namedParameters(model.getWeights())[p]!.tensor.data));
        }
      } finally {
        data.dispose();
        model.dispose();
      }
    });
  });
}

function train(model: Model, from: number, to: number): void {
  const data = model.prepare(inDType(STEP_BATCH, model.dtype));
  try {
    for (let s = from; s < to; s++) model.trainStep(data, stepRows(s), true);
  } finally {
    data.dispose();
  }
}

/** A deep copy of an optimizer state (its arrays may be the engine's own). */
function cloneState(state: OptimizerState): OptimizerState {
  return { kind: state.kind, step: state.step, slots: Object.fromEntries(Object.entries(state.slots).map(([k, w]) => [k, cloneWeights(w)])) };
}

const RESTORE_AT = 4;
const RESTORE_STEPS = 8;

/**
 * Save and restore mid-training, within one engine: a model trained 8 steps without a break
 * against one trained 4 steps, saved (weights and optimizer state), rebuilt as a new model from
 * what was saved, and trained 4 more. The two must agree to the last bit (bound: rounding only).
 */
export function restoreProbes(engine: Engine, id: string): RunCheck[] {
  return PROBE_OPTIMIZERS.map((config) =>
    new CheckBuilder(`save at step ${RESTORE_AT} and restore, ${RESTORE_STEPS} steps: ${optimizerLabel(config)}`, 'state restore', PROBE_TOLERANCES.restore.rtol, id).run(
      (check) => {
        const training = STEP_TRAINING(config);
        const uninterrupted = engine.createModel(STEP_CASE.spec, cloneWeights(STEP_CASE.weights, engine.dtype), training);
        const first = engine.createModel(STEP_CASE.spec, cloneWeights(STEP_CASE.weights, engine.dtype), training);
        let resumed: Model | undefined;
        try {
          train(uninterrupted, 0, RESTORE_STEPS);
          train(first, 0, RESTORE_AT);
          const saved = { weights: cloneWeights(first.getWeights()), state: cloneState(first.getOptimizerState()) };
          check.expect(saved.state.step === RESTORE_AT, `the saved state says step ${saved.state.step}, ${RESTORE_AT} were taken`);
          first.dispose();
          resumed = engine.createModel(STEP_CASE.spec, saved.weights, training);
          resumed.setOptimizerState(saved.state);
          train(resumed, RESTORE_AT, RESTORE_STEPS);
          check.measure(worstRel(compareWeights(uninterrupted.getWeights(), resumed.getWeights(), PROBE_TOLERANCES.restore.floor)), 'weights, resumed vs uninterrupted');
          const a = uninterrupted.getOptimizerState();
          const b = resumed.getOptimizerState();
          check.expect(a.step === b.step, `optimizer step ${b.step} after resuming, ${a.step} without a break`);
          for (const [name, slot] of Object.entries(a.slots)) {
            const other = b.slots[name];
            if (other === undefined) check.expect(false, `slot ${name} missing after resuming`);
            else check.measure(worstRel(compareWeights(slot, other, PROBE_TOLERANCES.restore.floor)), `slot ${name}, resumed vs uninterrupted`);
          }
        } finally {
          uninterrupted.dispose();
          first.dispose();
          resumed?.dispose();
        }
      },
    ),
  );
}

/**
 * Save and restore across engines: engine `from` trains 4 steps, its weights and optimizer state
 * go into a new model of engine `to`, which trains 4 more; the result is held to the pair's
 * trajectory bound against `from` trained 8 steps without a break.
 */
export function crossRestoreProbes(from: { engine: Engine; id: string }, to: { engine: Engine; id: string }): RunCheck[] {
  const tol = TOLERANCES[precisionOf(from.engine.dtype, to.engine.dtype)];
  return PROBE_OPTIMIZERS.map((config) => {
    const weights = weightTolerance(tol.trajectoryWeights, config, RESTORE_STEPS);
    return new CheckBuilder(`state saved by ${from.id} at step ${RESTORE_AT}, resumed by ${to.id}: ${optimizerLabel(config)}`, 'state restore across engines', weights.rtol, to.id).run(
      (check) => {
        const training = STEP_TRAINING(config);
        const uninterrupted = from.engine.createModel(STEP_CASE.spec, cloneWeights(STEP_CASE.weights, from.engine.dtype), training);
        const first = from.engine.createModel(STEP_CASE.spec, cloneWeights(STEP_CASE.weights, from.engine.dtype), training);
        let resumed: Model | undefined;
        try {
          train(uninterrupted, 0, RESTORE_STEPS);
          train(first, 0, RESTORE_AT);
          const state = first.getOptimizerState();
          const slots = Object.fromEntries(Object.entries(state.slots).map(([k, w]) => [k, cloneWeights(w, to.engine.dtype)]));
          resumed = to.engine.createModel(STEP_CASE.spec, cloneWeights(first.getWeights(), to.engine.dtype), training);
          resumed.setOptimizerState({ kind: state.kind, step: state.step, slots });
          train(resumed, RESTORE_AT, RESTORE_STEPS);
          check.measure(worstRel(compareWeights(uninterrupted.getWeights(), resumed.getWeights(), weights.floor)), `weights after ${RESTORE_STEPS} steps`);
        } finally {
          uninterrupted.dispose();
          first.dispose();
          resumed?.dispose();
        }
      },
    );
  });
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sameWeights(a: Weights, b: Weights): boolean {
  const p = namedParameters(a);
  const q = namedParameters(b);
  return p.length === q.length && p.every((x, i) => sameArray(x.tensor.data, q[i]!.tensor.data));
}

function spoil(weights: Weights): void {
  for (const { tensor } of namedParameters(weights)) tensor.data.fill(7);
}

const MOMENTUM = PROBE_OPTIMIZERS[1]!;

/**
 * Results stay what they were: every value an engine returns or is given is its own copy. Each
 * method is called twice (the second time on other inputs), and what the first call returned —
 * and the model — must be unchanged; arrays handed in are spoiled after the call.
 */
export function immutabilityProbe(engine: Engine, id: string): RunCheck {
  return new CheckBuilder('results and inputs are copies: each method called twice, returned and given arrays spoiled', 'immutability', 0, id).run((check) => {
    const spec = STEP_CASE.spec;
    const training = STEP_TRAINING(MOMENTUM);
    const given = cloneWeights(STEP_CASE.weights, engine.dtype);
    const model = engine.createModel(spec, given, training);
    try {
      const initial = cloneWeights(STEP_CASE.weights, engine.dtype);
      spoil(given);
      check.expect(sameWeights(model.getWeights(), initial), 'createModel: changing the weights passed in afterwards changed the model');
      const w1 = model.getWeights();
      spoil(w1);
      check.expect(sameWeights(model.getWeights(), initial), 'getWeights: changing the returned weights changed the model');
      const a = inDType(rowsBatch(STEP_BATCH, { order: STEP_ORDER, start: 0, end: 3 }), engine.dtype);
      const b = inDType(rowsBatch(STEP_BATCH, { order: STEP_ORDER, start: 3, end: 6 }), engine.dtype);
      const p1 = model.predict(a.x);
      const p1copy = Float64Array.from(p1.data);
      const p2 = model.predict(b.x);
      check.expect(sameArray(p1.data, p1copy), 'predict: a second call changed the first call’s result');
      const p2copy = Float64Array.from(p2.data);
      p2.data.fill(7);
      check.expect(sameArray(model.predict(b.x).data, p2copy), 'predict: changing the returned outputs changed the next result');
      const g1 = model.lossAndGradients(a);
      const g1copy = cloneWeights(g1.gradients);
      const g2 = model.lossAndGradients(b);
      check.expect(sameWeights(g1.gradients, g1copy), 'lossAndGradients: a second call changed the first call’s gradients');
      spoil(g2.gradients);
      check.expect(sameWeights(model.lossAndGradients(a).gradients, g1copy), 'lossAndGradients: changing returned gradients changed the next result');
      check.expect(sameWeights(model.getWeights(), initial), 'lossAndGradients changed the weights');
      train(model, 0, 1);
      const s1 = model.getOptimizerState();
      const s1copy = cloneState(s1);
      const afterOne = model.getWeights();
      train(model, 1, 2);
      check.expect(Object.entries(s1.slots).every(([k, w]) => sameWeights(w, s1copy.slots[k]!)), 'getOptimizerState: a later step changed a state returned earlier');
      const s2 = model.getOptimizerState();
      const s2copy = cloneState(s2);
      for (const w of Object.values(s2.slots)) spoil(w);
      check.expect(
        Object.entries(model.getOptimizerState().slots).every(([k, w]) => sameWeights(w, s2copy.slots[k]!)),
        'getOptimizerState: changing the returned state changed the model',
      );
      const restore = cloneWeights(afterOne);
      model.setWeights(restore);
      spoil(restore);
      check.expect(sameWeights(model.getWeights(), afterOne), 'setWeights: changing the weights passed in afterwards changed the model');
      const state = cloneState(s1copy);
      model.setOptimizerState(state);
      for (const w of Object.values(state.slots)) spoil(w);
      check.expect(
        Object.entries(model.getOptimizerState().slots).every(([k, w]) => sameWeights(w, s1copy.slots[k]!)),
        'setOptimizerState: changing the state passed in afterwards changed the model',
      );
    } finally {
      model.dispose();
    }
  });
}

/**
 * Two models in one process: built from the same weights they predict alike; training one leaves
 * the other (and a third built afterwards) exactly at the initial weights; trained alike, they end
 * alike.
 */
export function isolationProbe(engine: Engine, id: string): RunCheck {
  return new CheckBuilder('two models in one process start alike and share no buffers', 'isolation', 0, id).run((check) => {
    const training = STEP_TRAINING(PROBE_OPTIMIZERS[3]!);
    const initial = cloneWeights(STEP_CASE.weights, engine.dtype);
    const one = engine.createModel(STEP_CASE.spec, cloneWeights(initial), training);
    const two = engine.createModel(STEP_CASE.spec, cloneWeights(initial), training);
    let three: Model | undefined;
    try {
      const x = inDType(STEP_BATCH, engine.dtype).x;
      const before = Float64Array.from(two.predict(x).data);
      check.expect(sameArray(one.predict(x).data, before), 'two models from the same weights predict differently');
      train(one, 0, 3);
      check.expect(sameWeights(two.getWeights(), initial), 'training one model changed the weights of another');
      check.expect(sameArray(two.predict(x).data, before), 'training one model changed the predictions of another');
      check.expect(two.getOptimizerState().step === 0, 'training one model advanced the optimizer of another');
      three = engine.createModel(STEP_CASE.spec, cloneWeights(initial), training);
      check.expect(sameWeights(three.getWeights(), initial), 'a model built after another trained does not start at its weights');
      train(two, 0, 3);
      check.expect(sameWeights(two.getWeights(), one.getWeights()), 'two models trained alike from the same weights end differently');
    } finally {
      one.dispose();
      two.dispose();
      three?.dispose();
    }
  });
}

/** Every probe of one engine. */
export function engineProbes(engine: Engine, id: string, shared: SharedCode): RunCheck[] {
  return [...formulaProbes(engine, id, shared), ...optimizerProbes(engine, id), ...restoreProbes(engine, id), immutabilityProbe(engine, id), isolationProbe(engine, id)];
}
