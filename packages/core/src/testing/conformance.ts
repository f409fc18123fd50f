/**
 * The one conformance suite every engine runs (`@twinprop/core/testing`). It checks an engine
 * against the contracts and formulas written down in core — never against another engine — so a
 * passing engine is right on its own terms. Engines call it at the top level of a test file:
 *
 * ```ts
 * runConformanceSuite({ name: 'reference', dtypes: ['float32', 'float64'], createEngine: (dtype) => new ReferenceEngine({ dtype }) });
 * ```
 *
 * Known gaps are an explicit list `{ 'test name': 'reason' }`: those tests are skipped and the
 * reason is printed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { trainOnBatch, type Batch, type Engine, type Model, type TrainingConfig } from '../engine.js';
import { ShapeError, SpecError, UnsupportedFeatureError } from '../errors.js';
import { fit } from '../fit.js';
import { initializeWeights } from '../init.js';
import type { LossName, Regularization } from '../loss.js';
import { accuracy } from '../metrics.js';
import { optimizer, type OptimizerConfig } from '../optimizer.js';
import { Rng } from '../rng.js';
import { LEAKY_RELU_ALPHA, type Activation } from '../activations.js';
import { mlp, type ModelSpec } from '../spec.js';
import { cloneWeights, createWeights, matrix, matrixFromRows, namedParameters, type DType, type Matrix, type Weights } from '../weights.js';

export interface ConformanceOptions {
  /** Shown in test names, e.g. `tfjs/wasm`. */
  readonly name: string;
  readonly dtypes: readonly DType[];
  readonly createEngine: (dtype: DType) => Engine | Promise<Engine>;
  /** Tests this engine is known to fail, each with the reason. They are skipped, and the reason is printed. */
  readonly knownGaps?: Readonly<Record<string, string>>;
}

/**
 * Tolerances per dtype. `exact` is for values an engine computes with a handful of operations
 * (forward values, loss formulas, optimizer updates): a few ulps of the dtype. `fd` bounds the
 * relative error between analytic gradients and central finite differences of the engine's own
 * loss: float64 differences with h = 1e-6 are good to ~1e-8; float32 differences need h = 1e-2
 * and are only good to about 1e-2.
 */
export const CONFORMANCE_TOLERANCE: Record<DType, { exact: number; fdStep: number; fd: number; fdAbs: number }> = {
  float64: { exact: 1e-12, fdStep: 1e-6, fd: 1e-6, fdAbs: 1e-9 },
  float32: { exact: 2e-6, fdStep: 1e-2, fd: 3e-2, fdAbs: 2e-3 },
};

/** Asserts |a − e| ≤ atol + rtol·|e| element-wise, with a message naming the first bad index. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: { rtol: number; atol: number }, what = 'value'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const e = expected[i] ?? Number.NaN;
    const bound = tolerance.atol + tolerance.rtol * Math.abs(e);
    if (!(Math.abs(a - e) <= bound)) {
      expect.fail(`${what}[${i}] = ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${bound})`);
    }
  }
}

const sgd = (learningRate = 0.1): TrainingConfig => ({ loss: 'binaryCrossEntropy', optimizer: optimizer('sgd', { learningRate }) });

function training(loss: LossName, opt: OptimizerConfig = optimizer('sgd', { learningRate: 0.1 }), regularization?: Regularization): TrainingConfig {
  return { loss, optimizer: opt, ...(regularization === undefined ? {} : { regularization }) };
}

/** The truth tables of the lecture's gates. */
const TWO_INPUTS = matrixFromRows([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);

function weightsOf(spec: ModelSpec, dtype: DType, values: ReadonlyArray<{ kernel: number[]; bias: number[] }>): Weights {
  return createWeights(spec, dtype, (layer, part, index) => values[layer]?.[part][index] ?? 0);
}

function randomBatch(spec: ModelSpec, loss: LossName, rows: number, rng: Rng, dtype: DType): Batch {
  const x = matrix(rows, spec.inputSize, Array.from({ length: rows * spec.inputSize }, () => rng.uniform(-1, 1)), dtype);
  const k = spec.output.units;
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (loss === 'softmaxCrossEntropy') {
      const c = rng.int(k);
      for (let j = 0; j < k; j++) y.push(j === c ? 1 : 0);
    } else if (loss === 'binaryCrossEntropy') {
      for (let j = 0; j < k; j++) y.push(rng.int(2));
    } else {
      for (let j = 0; j < k; j++) y.push(rng.uniform(-1, 1));
    }
  }
  return { x, y: matrix(rows, k, y, dtype) };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function activationFormula(activation: Activation, z: number): number {
  switch (activation) {
    case 'step':
      return z > 0 ? 1 : 0;
    case 'linear':
      return z;
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(0, z);
    case 'leakyRelu':
      return z > 0 ? z : LEAKY_RELU_ALPHA * z;
    case 'softmax':
      throw new Error('softmax is not element-wise');
  }
}

/** Central finite differences of `model.loss(batch)` in every parameter, perturbing through setWeights. */
function finiteDifferences(model: Model, batch: Batch, step: number): Weights {
  const base = model.getWeights();
  const gradient = cloneWeights(base, 'float64');
  const probe = cloneWeights(base, 'float64');
  const params = namedParameters(probe);
  const out = namedParameters(gradient);
  params.forEach(({ tensor }, p) => {
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      const saved = data[i] ?? 0;
      data[i] = saved + step;
      model.setWeights(cloneWeights(probe, model.dtype));
      const plus = model.loss(batch);
      data[i] = saved - step;
      model.setWeights(cloneWeights(probe, model.dtype));
      const minus = model.loss(batch);
      data[i] = saved;
      const target = out[p]?.tensor.data;
      if (target !== undefined) target[i] = (plus - minus) / (2 * step);
    }
  });
  model.setWeights(base);
  return gradient;
}

function weightsData(weights: Weights): number[] {
  return namedParameters(weights).flatMap((p) => Array.from(p.tensor.data));
}

export function runConformanceSuite(options: ConformanceOptions): void {
  for (const dtype of options.dtypes) {
    describe(`conformance: ${options.name} (${dtype})`, () => {
      const tol = CONFORMANCE_TOLERANCE[dtype];
      const exact = { rtol: tol.exact, atol: tol.exact };
      let engine: Engine;
      beforeAll(async () => {
        engine = await options.createEngine(dtype);
      });

      const test = (name: string, body: () => void | Promise<void>, timeout?: number): void => {
        const gap = options.knownGaps?.[name];
        if (gap !== undefined) {
          it.skip(`${name} — known gap: ${gap}`, () => undefined);
          console.warn(`[conformance ${options.name} ${dtype}] skipping "${name}": ${gap}`);
          return;
        }
        it(name, body, timeout);
      };

      test('reports its name, backend and dtype', () => {
        expect(typeof engine.name).toBe('string');
        expect(engine.name.length).toBeGreaterThan(0);
        expect(typeof engine.backend).toBe('string');
        expect(engine.dtype).toBe(dtype);
        const model = engine.createModel(mlp(2, [], [1, 'sigmoid']), initializeWeights(mlp(2, [], [1, 'sigmoid']), new Rng(1), dtype), sgd());
        expect(model.engine).toBe(engine.name);
        expect(model.backend).toBe(engine.backend);
        expect(model.dtype).toBe(dtype);
        model.dispose();
      });

      test('weights go in and come out unchanged', () => {
        const spec = mlp(3, [[5, 'tanh'], [4, 'relu']], [2, 'linear']);
        const weights = initializeWeights(spec, new Rng(7), dtype);
        const model = engine.createModel(spec, weights, training('meanSquaredError'));
        const out = model.getWeights();
        expect(out.dtype).toBe(dtype);
        expect(out.layers.map((l) => [l.kernel.shape, l.bias.shape])).toEqual(weights.layers.map((l) => [l.kernel.shape, l.bias.shape]));
        expect(weightsData(out)).toEqual(weightsData(weights));
        const other = initializeWeights(spec, new Rng(8), dtype);
        model.setWeights(other);
        expect(weightsData(model.getWeights())).toEqual(weightsData(other));
        model.dispose();
      });

      test('rejects weights whose shapes do not match the spec', () => {
        const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
        const wrong = initializeWeights(mlp(2, [[4, 'tanh']], [1, 'sigmoid']), new Rng(1), dtype);
        expect(() => engine.createModel(spec, wrong, sgd())).toThrow(ShapeError);
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), sgd());
        expect(() => model.setWeights(wrong)).toThrow(ShapeError);
        model.dispose();
      });

      test('rejects a loss that does not fit the output layer', () => {
        const spec = mlp(2, [], [3, 'softmax']);
        expect(() => engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), training('binaryCrossEntropy'))).toThrow(SpecError);
      });

      test('rejects data of the wrong width', () => {
        const spec = mlp(2, [], [1, 'sigmoid']);
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), sgd());
        expect(() => model.predict(matrix(1, 3, [1, 2, 3], dtype))).toThrow(ShapeError);
        expect(() => model.loss({ x: matrix(1, 2, [1, 2], dtype), y: matrix(1, 2, [0, 1], dtype) })).toThrow(ShapeError);
        model.dispose();
      });

      test("computes the lecture's perceptron gates: AND (w=1,1 b=−1.5), OR (b=−0.5), NOT (w=−1 b=0.5)", () => {
        const gate = mlp(2, [], [1, 'step']);
        const and = engine.createModel(gate, weightsOf(gate, dtype, [{ kernel: [1, 1], bias: [-1.5] }]), training('meanSquaredError'));
        expect(Array.from(and.predict(TWO_INPUTS).data)).toEqual([0, 0, 0, 1]);
        const or = engine.createModel(gate, weightsOf(gate, dtype, [{ kernel: [1, 1], bias: [-0.5] }]), training('meanSquaredError'));
        expect(Array.from(or.predict(TWO_INPUTS).data)).toEqual([0, 1, 1, 1]);
        const notSpec = mlp(1, [], [1, 'step']);
        const not = engine.createModel(notSpec, weightsOf(notSpec, dtype, [{ kernel: [-1], bias: [0.5] }]), training('meanSquaredError'));
        expect(Array.from(not.predict(matrixFromRows([[0], [1]])).data)).toEqual([1, 0]);
        for (const m of [and, or, not]) m.dispose();
      });

      test('refuses gradient training of step layers, saying why', () => {
        const gate = mlp(2, [], [1, 'step']);
        const model = engine.createModel(gate, weightsOf(gate, dtype, [{ kernel: [1, 1], bias: [-1.5] }]), training('meanSquaredError'));
        const batch = { x: TWO_INPUTS, y: matrix(4, 1, [0, 0, 0, 1]) };
        expect(() => model.lossAndGradients(batch)).toThrow(UnsupportedFeatureError);
        expect(() => model.lossAndGradients(batch)).toThrow(/step/);
        expect(() => trainOnBatch(model, batch)).toThrow(UnsupportedFeatureError);
        model.dispose();
      });

      test('every element-wise activation matches its formula', () => {
        const zs = [-3, -0.5, -1e-3, 0, 1e-3, 0.25, 2, 5];
        for (const activation of ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'step'] as const) {
          // One input, one unit, kernel 1, bias 0: the output is σ(x).
          const spec = mlp(1, [], [1, activation]);
          const model = engine.createModel(spec, weightsOf(spec, dtype, [{ kernel: [1], bias: [0] }]), training('meanSquaredError'));
          const out = model.predict(matrix(zs.length, 1, zs, dtype));
          const expected = zs.map((z) => activationFormula(activation, dtype === 'float32' ? Math.fround(z) : z));
          expectClose(out.data, expected, exact, activation);
          model.dispose();
        }
      });

      test('a hidden activation feeds the next layer: 2-2-1 sigmoid forward pass by hand', () => {
        const spec = mlp(2, [[2, 'sigmoid']], [1, 'sigmoid']);
        const w = [
          { kernel: [0.1, -0.2, 0.3, 0.4], bias: [0.05, -0.05] },
          { kernel: [0.7, -0.6], bias: [0.2] },
        ];
        const model = engine.createModel(spec, weightsOf(spec, dtype, w), sgd());
        const [x1, x2] = [0.5, -1.5];
        // h_j = σ(x1·W[0][j] + x2·W[1][j] + b_j); kernel is [in, out] row-major.
        const h1 = sigmoid(x1 * 0.1 + x2 * 0.3 + 0.05);
        const h2 = sigmoid(x1 * -0.2 + x2 * 0.4 - 0.05);
        const yHat = sigmoid(h1 * 0.7 + h2 * -0.6 + 0.2);
        expectClose(model.predict(matrix(1, 2, [x1, x2], dtype)).data, [yHat], exact, 'ŷ');
        model.dispose();
      });

      test('softmax outputs are probabilities that sum to 1', () => {
        const spec = mlp(3, [[6, 'tanh']], [4, 'softmax']);
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(3), dtype), training('softmaxCrossEntropy'));
        const out = model.predict(matrix(5, 3, Array.from({ length: 15 }, (_, i) => Math.sin(i)), dtype));
        expect([out.rows, out.cols]).toEqual([5, 4]);
        for (let r = 0; r < out.rows; r++) {
          const row = Array.from(out.data.subarray(r * 4, r * 4 + 4));
          for (const p of row) expect(p).toBeGreaterThan(0);
          expectClose([row.reduce((a, b) => a + b, 0)], [1], exact, `row ${r} sum`);
        }
        model.dispose();
      });

      test('loss values match their formulas (mean over the batch)', () => {
        // Identity output layer: logits z equal the inputs, so each loss is a formula of x and y.
        const z = [2, -1, 0.5, -3];
        const ident = (k: number): Weights => createWeights(mlp(k, [], [k, 'linear']), dtype, (_l, part, i) => (part === 'kernel' && i % (k + 1) === 0 ? 1 : 0));
        const bceSpec = mlp(1, [], [1, 'sigmoid']);
        const bce = engine.createModel(bceSpec, ident(1), training('binaryCrossEntropy'));
        const yBce = [1, 0, 0, 1];
        const expectedBce = z.reduce((s, zi, i) => s - (yBce[i]! * Math.log(sigmoid(zi)) + (1 - yBce[i]!) * Math.log(1 - sigmoid(zi))), 0) / 4;
        expectClose([bce.loss({ x: matrix(4, 1, z, dtype), y: matrix(4, 1, yBce, dtype) })], [expectedBce], exact, 'BCE');

        const smSpec = mlp(2, [], [2, 'softmax']);
        const sm = engine.createModel(smSpec, ident(2), training('softmaxCrossEntropy'));
        // Rows (2, −1) with class 0 and (0.5, −3) with class 1.
        const ce = (a: number, b: number, cls: number): number => Math.log(Math.exp(a) + Math.exp(b)) - (cls === 0 ? a : b);
        const expectedCe = (ce(2, -1, 0) + ce(0.5, -3, 1)) / 2;
        expectClose([sm.loss({ x: matrix(2, 2, z, dtype), y: matrix(2, 2, [1, 0, 0, 1], dtype) })], [expectedCe], exact, 'softmax CE');

        const mseSpec = mlp(2, [], [2, 'linear']);
        const mse = engine.createModel(mseSpec, ident(2), training('meanSquaredError'));
        const yMse = [1, 1, 0, -2];
        const expectedMse = z.reduce((s, zi, i) => s + (zi - yMse[i]!) ** 2, 0) / 4;
        expectClose([mse.loss({ x: matrix(2, 2, z, dtype), y: matrix(2, 2, yMse, dtype) })], [expectedMse], exact, 'MSE');
        for (const m of [bce, sm, mse]) m.dispose();
      });

      test('losses stay finite for logits of ±1000', () => {
        const bceSpec = mlp(1, [], [1, 'sigmoid']);
        const bce = engine.createModel(bceSpec, weightsOf(bceSpec, dtype, [{ kernel: [1], bias: [0] }]), training('binaryCrossEntropy'));
        const x = matrix(4, 1, [1000, -1000, 1000, -1000], dtype);
        const lossBce = bce.loss({ x, y: matrix(4, 1, [0, 1, 1, 0], dtype) });
        // Two rows are wrong by a logit of 1000 (loss 1000 each), two are right (loss ≈ 0).
        expectClose([lossBce], [500], { rtol: 1e-6, atol: 0 }, 'BCE at ±1000');
        const g = bce.lossAndGradients({ x, y: matrix(4, 1, [0, 1, 1, 0], dtype) });
        for (const p of weightsData(g.gradients)) expect(Number.isFinite(p)).toBe(true);

        const smSpec = mlp(2, [], [2, 'softmax']);
        const sm = engine.createModel(smSpec, weightsOf(smSpec, dtype, [{ kernel: [1, 0, 0, 1], bias: [0, 0] }]), training('softmaxCrossEntropy'));
        const xs = matrix(2, 2, [1000, -1000, -1000, 1000], dtype);
        const lossSm = sm.loss({ x: xs, y: matrix(2, 2, [0, 1, 0, 1], dtype) });
        // Row 1 is wrong by 2000 in logit difference, row 2 is right: mean ≈ 1000.
        expectClose([lossSm], [1000], { rtol: 1e-6, atol: 0 }, 'softmax CE at ±1000');
        const gs = sm.lossAndGradients({ x: xs, y: matrix(2, 2, [0, 1, 0, 1], dtype) });
        for (const p of weightsData(gs.gradients)) expect(Number.isFinite(p)).toBe(true);
        bce.dispose();
        sm.dispose();
      });

      test("the lecture's BCE gradient: ∂ℓ/∂w₁ = (ŷ − y)·x₁ and ∂ℓ/∂b = ŷ − y", () => {
        const spec = mlp(2, [], [1, 'sigmoid']);
        const model = engine.createModel(spec, weightsOf(spec, dtype, [{ kernel: [0.3, -0.8], bias: [0.1] }]), sgd());
        const [x1, x2, y] = [1.5, 0.5, 1];
        const yHat = sigmoid(1.5 * 0.3 + 0.5 * -0.8 + 0.1);
        const { loss, gradients } = model.lossAndGradients({ x: matrix(1, 2, [x1, x2], dtype), y: matrix(1, 1, [y], dtype) });
        expectClose([loss], [-Math.log(yHat)], exact, 'loss');
        expectClose(gradients.layers[0]!.kernel.data, [(yHat - y) * x1, (yHat - y) * x2], exact, '∂ℓ/∂w');
        expectClose(gradients.layers[0]!.bias.data, [yHat - y], exact, '∂ℓ/∂b');
        model.dispose();
      });

      const smooth: Array<{ spec: ModelSpec; loss: LossName }> = [
        { spec: mlp(3, [[4, 'tanh']], [1, 'sigmoid']), loss: 'binaryCrossEntropy' },
        { spec: mlp(2, [[5, 'sigmoid'], [3, 'tanh']], [3, 'softmax']), loss: 'softmaxCrossEntropy' },
        { spec: mlp(4, [[3, 'tanh']], [2, 'linear']), loss: 'meanSquaredError' },
        { spec: mlp(2, [[4, 'relu'], [4, 'leakyRelu']], [1, 'tanh']), loss: 'meanSquaredError' },
      ];
      smooth.forEach(({ spec, loss }, index) => {
        test(`gradients match central finite differences of the engine's own loss (case ${index + 1}: ${loss})`, () => {
          const rng = new Rng(100 + index);
          const model = engine.createModel(spec, initializeWeights(spec, rng, dtype), training(loss));
          const batch = randomBatch(spec, loss, 5, rng, dtype);
          const analytic = weightsData(model.lossAndGradients(batch).gradients);
          const numeric = weightsData(finiteDifferences(model, batch, tol.fdStep));
          const half = weightsData(finiteDifferences(model, batch, tol.fdStep / 2));
          // A difference quotient whose interval crosses a ReLU/leakyReLU kink is not a derivative.
          // Such components show up as quotients at h and h/2 that disagree; they are excluded
          // (and counted) rather than loosening the tolerance for every component.
          const smoothAt = numeric.map((n, i) => Math.abs(n - (half[i] ?? 0)) <= tol.fd * Math.abs(n) + tol.fdAbs);
          const kept = (v: number[]): number[] => v.filter((_, i) => smoothAt[i]);
          expect(smoothAt.filter((ok) => !ok).length, 'components excluded as non-smooth at this step').toBeLessThanOrEqual(Math.ceil(numeric.length / 10));
          expectClose(kept(analytic), kept(numeric), { rtol: tol.fd, atol: tol.fdAbs }, 'gradient');
          model.dispose();
        });
      });

      test('L1 and L2 regularization: loss + λ₁Σ|w| + λ₂·½Σw² on kernels only, gradient + λ₁·sign(w) + λ₂·w', () => {
        const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
        const weights = initializeWeights(spec, new Rng(11), dtype);
        const batch = randomBatch(spec, 'binaryCrossEntropy', 4, new Rng(12), dtype);
        const plain = engine.createModel(spec, weights, training('binaryCrossEntropy'));
        const [l1, l2] = [0.01, 0.03];
        const reg = engine.createModel(spec, weights, training('binaryCrossEntropy', optimizer('sgd'), { l1, l2 }));
        const base = plain.lossAndGradients(batch);
        const withReg = reg.lossAndGradients(batch);
        let penalty = 0;
        for (const layer of weights.layers) for (const w of layer.kernel.data) penalty += l1 * Math.abs(w) + l2 * 0.5 * w * w;
        expectClose([withReg.loss], [base.loss + penalty], { rtol: tol.exact * 10, atol: tol.exact * 10 }, 'regularized loss');
        weights.layers.forEach((layer, i) => {
          const expectedKernel = Array.from(layer.kernel.data, (w, j) => (base.gradients.layers[i]!.kernel.data[j] ?? 0) + l1 * Math.sign(w) + l2 * w);
          expectClose(withReg.gradients.layers[i]!.kernel.data, expectedKernel, { rtol: tol.exact * 10, atol: tol.exact * 10 }, `dense_${i}/kernel`);
          expectClose(withReg.gradients.layers[i]!.bias.data, base.gradients.layers[i]!.bias.data, exact, `dense_${i}/bias (not regularized)`);
        });
        plain.dispose();
        reg.dispose();
      });

      const optimizerCases: OptimizerConfig[] = [
        optimizer('sgd', { learningRate: 0.5 }),
        optimizer('momentum', { learningRate: 0.1, momentum: 0.9 }),
        optimizer('momentum', { learningRate: 0.1, momentum: 0.8, nesterov: true }),
        optimizer('adam', { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
      ];
      for (const opt of optimizerCases) {
        const label = opt.kind === 'momentum' && opt.nesterov ? 'momentum (nesterov)' : opt.kind;
        test(`${label}: three steps follow the update formula written in core`, () => {
          const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
          const start = initializeWeights(spec, new Rng(21), dtype);
          const batch = randomBatch(spec, 'binaryCrossEntropy', 6, new Rng(22), dtype);
          const model = engine.createModel(spec, start, training('binaryCrossEntropy', opt));
          const probe = engine.createModel(spec, start, training('binaryCrossEntropy', opt));
          let theta = weightsData(start);
          const slotA = theta.map(() => 0); // momentum accumulator, or Adam's m
          const slotB = theta.map(() => 0); // Adam's v
          for (let t = 1; t <= 3; t++) {
            probe.setWeights(model.getWeights());
            const g = weightsData(probe.lossAndGradients(batch).gradients);
            const before = probe.loss(batch);
            const reported = trainOnBatch(model, batch);
            expectClose([reported], [before], exact, `loss reported by step ${t}`);
            theta = theta.map((w, i) => {
              const gi = g[i] ?? 0;
              switch (opt.kind) {
                case 'sgd':
                  return w - opt.learningRate * gi;
                case 'momentum': {
                  slotA[i] = opt.momentum * (slotA[i] ?? 0) + gi;
                  return opt.nesterov ? w - opt.learningRate * (gi + opt.momentum * slotA[i]) : w - opt.learningRate * slotA[i];
                }
                case 'adam': {
                  slotA[i] = opt.beta1 * (slotA[i] ?? 0) + (1 - opt.beta1) * gi;
                  slotB[i] = opt.beta2 * (slotB[i] ?? 0) + (1 - opt.beta2) * gi * gi;
                  const mHat = slotA[i] / (1 - opt.beta1 ** t);
                  const vHat = slotB[i] / (1 - opt.beta2 ** t);
                  return w - (opt.learningRate * mHat) / (Math.sqrt(vHat) + opt.epsilon);
                }
              }
            });
            // float32 engines round every intermediate; allow a few ulps of the parameter scale.
            expectClose(weightsData(model.getWeights()), theta, { rtol: tol.exact * 50, atol: tol.exact * 50 }, `weights after step ${t}`);
          }
          expect(model.getOptimizerState().step).toBe(3);
          model.dispose();
          probe.dispose();
        });
      }

      test('optimizer state round-trips: a restored model continues bit-identically', () => {
        const spec = mlp(2, [[4, 'tanh']], [1, 'sigmoid']);
        const opt = optimizer('adam', { learningRate: 0.05 });
        const batch = randomBatch(spec, 'binaryCrossEntropy', 8, new Rng(31), dtype);
        const a = engine.createModel(spec, initializeWeights(spec, new Rng(30), dtype), training('binaryCrossEntropy', opt));
        for (let i = 0; i < 3; i++) trainOnBatch(a, batch);
        const state = a.getOptimizerState();
        expect(state.kind).toBe('adam');
        expect(Object.keys(state.slots).sort()).toEqual(['firstMoment', 'secondMoment']);
        const b = engine.createModel(spec, a.getWeights(), training('binaryCrossEntropy', opt));
        b.setOptimizerState(state);
        for (let i = 0; i < 3; i++) {
          trainOnBatch(a, batch);
          trainOnBatch(b, batch);
        }
        expect(weightsData(b.getWeights())).toEqual(weightsData(a.getWeights()));
        a.dispose();
        b.dispose();
      });

      test('trainStep uses exactly the rows it is given, in any order', () => {
        const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
        const start = initializeWeights(spec, new Rng(41), dtype);
        const all = randomBatch(spec, 'binaryCrossEntropy', 10, new Rng(42), dtype);
        const a = engine.createModel(spec, start, sgd(0.3));
        const data = a.prepare(all);
        const order = Int32Array.from([9, 2, 5, 7, 0, 1, 3, 4, 6, 8]);
        const lossA = a.trainStep(data, { order, start: 1, end: 4 }, true);
        data.dispose();
        const b = engine.createModel(spec, start, sgd(0.3));
        const rows = [2, 5, 7];
        const pick = (m: Matrix): Matrix =>
          matrix(rows.length, m.cols, rows.flatMap((r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols))), dtype);
        const lossB = trainOnBatch(b, { x: pick(all.x), y: pick(all.y) });
        expectClose([lossA ?? Number.NaN], [lossB], exact, 'loss');
        expectClose(weightsData(a.getWeights()), weightsData(b.getWeights()), exact, 'weights');
        a.dispose();
        b.dispose();
      });

      test('same weights and same batches give bit-identical results', async () => {
        const spec = mlp(2, [[6, 'tanh']], [1, 'sigmoid']);
        const run = async (): Promise<number[]> => {
          const model = engine.createModel(spec, initializeWeights(spec, new Rng(51), dtype), training('binaryCrossEntropy', optimizer('momentum')));
          await fit(model, randomBatch(spec, 'binaryCrossEntropy', 40, new Rng(52), dtype), { epochs: 5, batchSize: 8, seed: 53 });
          const w = weightsData(model.getWeights());
          model.dispose();
          return w;
        };
        expect(await run()).toEqual(await run());
      });

      test('learns XOR: 2-4-1 tanh/sigmoid reaches 100% accuracy', async () => {
        const spec = mlp(2, [[4, 'tanh']], [1, 'sigmoid']);
        const xor = { x: TWO_INPUTS, y: matrix(4, 1, [0, 1, 1, 0]) };
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(2), dtype), training('binaryCrossEntropy', optimizer('adam', { learningRate: 0.05 })));
        await fit(model, xor, { epochs: 400, batchSize: 4, seed: 2 });
        expect(accuracy(model.predict(xor.x), xor.y)).toBe(1);
        model.dispose();
      }, 30_000);

      test('reports NaN or infinite losses instead of hiding them', () => {
        const spec = mlp(1, [], [1, 'linear']);
        const model = engine.createModel(spec, weightsOf(spec, dtype, [{ kernel: [1], bias: [0] }]), training('meanSquaredError', optimizer('sgd', { learningRate: 1e30 })));
        const batch = { x: matrix(2, 1, [1e10, -1e10], dtype), y: matrix(2, 1, [0, 1], dtype) };
        let loss = 0;
        for (let i = 0; i < 5 && Number.isFinite(loss); i++) loss = trainOnBatch(model, batch);
        expect(Number.isFinite(loss)).toBe(false);
        model.dispose();
      });
    });
  }
}
