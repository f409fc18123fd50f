import { expect } from 'vitest';
import { ACTIVATION_DEFINITIONS, ACTIVATIONS, softmaxRow, type Activation } from '../../activations.js';
import { LOSS_DEFINITIONS, LOSSES, type LossName } from '../../loss.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import { createWeights, matrix, matrixFromRows, type Weights } from '../../weights.js';
import { expectClose } from './tolerances.js';
import { type ConformanceArea, type ConformanceTest, TWO_INPUTS, training, weightsOf } from './context.js';

/**
 * Row-wise activations (no element-wise `value` in core's table) and the formula core gives for
 * them. An activation that has neither gets a test that fails, saying so: nothing is skipped silently.
 */
const ROW_WISE: { readonly [A in Activation]?: { readonly formula: string; readonly row: (z: readonly number[]) => number[] } } = {
  softmax: { formula: 'softmaxRow', row: softmaxRow },
};

/** z values every element-wise activation is evaluated at, besides each side of its kinks. */
const SAMPLE_Z = [-5, -2, -0.5, -1e-3, 0, 1e-3, 0.25, 2, 5];

/** A loss that can be computed on an output of `activation` (forward-only tests need any). */
function anyLossFor(activation: Activation): LossName {
  const loss = LOSSES.find((l) => LOSS_DEFINITIONS[l].fits(activation));
  if (loss === undefined) throw new Error(`conformance: no loss fits a ${activation} output`);
  return loss;
}

/** z = x·W + b of a single-layer model, in float64 from the values as stored. */
function logitsOf(weights: Weights, x: { rows: number; cols: number; data: ArrayLike<number> }): number[][] {
  const { kernel, bias } = weights.layers[0]!;
  const units = bias.data.length;
  return Array.from({ length: x.rows }, (_, r) =>
    Array.from({ length: units }, (_, k) => {
      let z = bias.data[k]!;
      for (let i = 0; i < x.cols; i++) z += x.data[r * x.cols + i]! * kernel.data[i * units + k]!;
      return z;
    }),
  );
}

function elementWiseTest(activation: Activation, value: (z: number) => number): ConformanceTest {
  return {
    name: `${activation}: forward values match core's value(z)`,
    run: ({ engine, dtype, tolerance }) => {
      const zs = [...SAMPLE_Z, ...ACTIVATION_DEFINITIONS[activation].kinks.flatMap((k) => [k - 1e-3, k, k + 1e-3])];
      // One input, one unit, kernel 1, bias 0: the output is σ(x).
      const spec = mlp(1, [], [1, activation]);
      const model = engine.createModel(spec, weightsOf(spec, dtype, [{ kernel: [1], bias: [0] }]), training(anyLossFor(activation)));
      const x = matrix(zs.length, 1, zs, dtype);
      const out = model.predict(x);
      expect([out.rows, out.cols]).toEqual([zs.length, 1]);
      expectClose(out.data, Array.from(x.data, value), tolerance.exact, `${activation}(z)`);
      model.dispose();
    },
  };
}

function rowWiseTest(activation: Activation): ConformanceTest {
  const rowWise = ROW_WISE[activation];
  if (rowWise === undefined) {
    return {
      name: `${activation}: forward values`,
      run: () => {
        expect.fail(`${activation} has no value(z) in core's table and the conformance suite knows no row-wise formula for it`);
      },
    };
  }
  return {
    name: `${activation}: each output row is core's ${rowWise.formula}(z), non-negative and summing to 1`,
    run: ({ engine, dtype, tolerance }) => {
      const units = Math.max(4, ACTIVATION_DEFINITIONS[activation].minUnits);
      const spec = mlp(3, [], [units, activation]);
      const rng = new Rng(3);
      const weights = createWeights(spec, dtype, () => rng.uniform(-1, 1));
      const model = engine.createModel(spec, weights, training(anyLossFor(activation)));
      // Five moderate rows and one whose logits are tens apart (the max must be subtracted first).
      const rows = [...Array.from({ length: 5 }, (_, r) => [Math.sin(3 * r), Math.cos(2 * r), r / 4 - 0.5]), [60, -40, 20]];
      const x = matrixFromRows(rows, dtype);
      const out = model.predict(x);
      expect([out.rows, out.cols]).toEqual([rows.length, units]);
      logitsOf(weights, x).forEach((z, r) => {
        const row = Array.from(out.data.subarray(r * units, (r + 1) * units));
        expectClose(row, rowWise.row(z), tolerance.exact, `row ${r}`);
        for (const p of row) expect(p, `row ${r}`).toBeGreaterThanOrEqual(0);
        expectClose([row.reduce((a, b) => a + b, 0)], [1], tolerance.exact, `row ${r} sum`);
      });
      model.dispose();
    },
  };
}

function hiddenLayerTest(activation: Activation, value: (z: number) => number): ConformanceTest {
  return {
    name: `a hidden ${activation} layer feeds the next: 2-2-1 ${activation}/sigmoid forward pass by hand`,
    run: ({ engine, dtype, tolerance }) => {
      const spec = mlp(2, [[2, activation]], [1, 'sigmoid']);
      const weights = weightsOf(spec, dtype, [
        { kernel: [0.1, -0.2, 0.3, 0.4], bias: [0.05, -0.05] },
        { kernel: [0.7, -0.6], bias: [0.2] },
      ]);
      const model = engine.createModel(spec, weights, training('binaryCrossEntropy'));
      // Rows chosen so that the hidden pre-activations take both signs.
      const x = matrixFromRows([[0.5, -1.5], [1.2, 0.9], [-1, 2]], dtype);
      const sigmoid = ACTIVATION_DEFINITIONS.sigmoid.value!;
      const [w1, b1, w2, b2] = weights.layers.flatMap((l) => [l.kernel.data, l.bias.data]);
      const expected = Array.from({ length: x.rows }, (_, r) => {
        const [x1, x2] = [x.data[2 * r]!, x.data[2 * r + 1]!];
        // h_j = σ(x1·W[0][j] + x2·W[1][j] + b_j); the kernel is [in, out] row-major.
        const h = [0, 1].map((j) => value(x1 * w1![j]! + x2 * w1![2 + j]! + b1![j]!));
        return sigmoid(h[0]! * w2![0]! + h[1]! * w2![1]! + b2![0]!);
      });
      expectClose(model.predict(x).data, expected, tolerance.exact, 'ŷ');
      model.dispose();
    },
  };
}

const activationTests: ConformanceTest[] = ACTIVATIONS.map((activation) => {
  const value = ACTIVATION_DEFINITIONS[activation].value;
  return value === undefined ? rowWiseTest(activation) : elementWiseTest(activation, value);
});

const hiddenTests: ConformanceTest[] = ACTIVATIONS.flatMap((activation) => {
  const { value, outputOnly } = ACTIVATION_DEFINITIONS[activation];
  return value === undefined || outputOnly ? [] : [hiddenLayerTest(activation, value)];
});

export const forwardArea: ConformanceArea = {
  title: 'forward pass and activations',
  tests: [
    ...activationTests,
    ...hiddenTests,
    {
      name: "computes the lecture's perceptron gates: AND (w=1,1 b=−1.5), OR (b=−0.5), NOT (w=−1 b=0.5)",
      run: ({ engine, dtype }) => {
        const gate = mlp(2, [], [1, 'step']);
        const and = engine.createModel(gate, weightsOf(gate, dtype, [{ kernel: [1, 1], bias: [-1.5] }]), training('meanSquaredError'));
        expect(Array.from(and.predict(TWO_INPUTS).data)).toEqual([0, 0, 0, 1]);
        const or = engine.createModel(gate, weightsOf(gate, dtype, [{ kernel: [1, 1], bias: [-0.5] }]), training('meanSquaredError'));
        expect(Array.from(or.predict(TWO_INPUTS).data)).toEqual([0, 1, 1, 1]);
        const notSpec = mlp(1, [], [1, 'step']);
        const not = engine.createModel(notSpec, weightsOf(notSpec, dtype, [{ kernel: [-1], bias: [0.5] }]), training('meanSquaredError'));
        expect(Array.from(not.predict(matrixFromRows([[0], [1]])).data)).toEqual([1, 0]);
        for (const m of [and, or, not]) m.dispose();
      },
    },
  ],
};
