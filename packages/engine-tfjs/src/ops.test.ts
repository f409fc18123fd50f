import * as tf from '@tensorflow/tfjs-core';
import {
  ACTIVATION_DEFINITIONS,
  ACTIVATIONS,
  batchLoss,
  compareArrays,
  HIDDEN_ACTIVATIONS,
  initializeWeights,
  LOSS_DEFINITIONS,
  LOSSES,
  matrix,
  mlp,
  optimizer,
  OUTPUT_ACTIVATIONS,
  Rng,
  softmaxRow,
  type Activation,
  type LossName,
  type RelTolerance,
} from '@twinprop/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { activateBackend, backendInstance, NEEDED_GRADIENTS } from './backend.js';
import { createTfjsEngine, type TfjsEngine } from './engine.js';
import { ACTIVATION_OPS, DENSE_GRADIENT_KERNELS, LOSS_OPS } from './ops.js';

/**
 * ops.ts against core's tables (values) and against TensorFlow.js itself (which kernels each op
 * leaves on the gradient tape, so `NEEDED_GRADIENTS` is checked, not trusted).
 */

/** float32 ops against core's float64 formulas at float32 inputs: a few float32 roundings. */
const VALUE_TOLERANCE: RelTolerance = { rtol: 2e-6, floor: 1e-6 };

/** Pre-activations over both signs, across the kinks at 0, and large enough to saturate. */
const Z = [-30, -4, -1.5, -0.75, -0.011, -1e-3, 0, 1e-3, 0.011, 0.5, 1, 2.25, 4, 30];

/** Every (loss, output activation it fits) pair in core's tables. */
const LOSS_OUTPUTS: ReadonlyArray<readonly [LossName, Activation]> = LOSSES.flatMap((loss) =>
  OUTPUT_ACTIVATIONS.filter((a) => LOSS_DEFINITIONS[loss].fits(a)).map((a) => [loss, a] as const),
);

interface TapeNodeView {
  readonly kernelName: string;
}

/**
 * The registered kernels (not custom-gradient scopes, which carry their own gradient) that `run`
 * records on tfjs's gradient tape, read from the engine's public `state.activeTape`.
 */
function tapedKernels(run: () => tf.Tensor): Set<string> {
  const state = tf.engine().state as unknown as { activeTape?: TapeNodeView[] };
  let nodes: TapeNodeView[] = [];
  const variable = tf.tidy(() => tf.variable(tf.zeros([1])));
  try {
    tf.tidy(() => {
      tf.variableGrads(() => {
        if (!Array.isArray(state.activeTape)) throw new Error('tfjs-core has no engine.state.activeTape to read: update this test');
        const from = state.activeTape.length;
        const out = run();
        nodes = state.activeTape.slice(from);
        // `variable` keeps the result connected to something variableGrads differentiates.
        return tf.add(tf.sum(variable), tf.sum(out));
      }, [variable]);
    });
  } finally {
    variable.dispose();
  }
  const backend = tf.getBackend();
  return new Set(nodes.map((n) => n.kernelName).filter((name) => tf.getKernel(name, backend) !== undefined));
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`ops.ts on ${backend}`, () => {
    let engine: TfjsEngine;
    beforeAll(async () => {
      engine = await createTfjsEngine({ backend });
    });
    const activate = (): void => activateBackend(backend, backendInstance(backend));

    it.each(ACTIVATIONS)("%s: the op computes core's σ", (activation) => {
      activate();
      const rows = activation === 'softmax' ? [Z.slice(0, 7), Z.slice(7)] : [Z];
      const z32 = rows.map((row) => Array.from(Float32Array.from(row)));
      const value = ACTIVATION_DEFINITIONS[activation].value;
      const expected = z32.flatMap((row) => (value === undefined ? softmaxRow(row) : row.map((v) => value(v))));
      const out = tf.tidy(() => ACTIVATION_OPS[activation].op(tf.tensor2d(z32)));
      const actual = out.dataSync();
      out.dispose();
      const diff = compareArrays(actual, expected, VALUE_TOLERANCE.floor);
      expect(diff.maxRel, `z = ${z32.flat()[diff.worstIndex]}: tfjs ${diff.worstA}, core ${diff.worstB}`).toBeLessThanOrEqual(VALUE_TOLERANCE.rtol);
    });

    it.each(LOSS_OUTPUTS)("%s on a %s output: the op computes core's batch loss", (loss, output) => {
      activate();
      const rng = new Rng(LOSSES.indexOf(loss) * 10 + OUTPUT_ACTIVATIONS.indexOf(output));
      const rows = 5;
      const units = ACTIVATION_DEFINITIONS[output].minUnits + 1;
      const logits = Float32Array.from({ length: rows * units }, () => rng.uniform(-3, 3));
      const targets = Float32Array.from({ length: rows * units }, (_, i) => {
        switch (LOSS_DEFINITIONS[loss].task) {
          case 'multiclass':
            return i % units === Math.floor(i / units) % units ? 1 : 0;
          case 'binary':
            return rng.int(2);
          case 'regression':
            return rng.uniform(-1, 1);
        }
      });
      const out = tf.tidy(() => LOSS_OPS[loss].op(tf.tensor2d(logits, [rows, units]), tf.tensor2d(targets, [rows, units]), output));
      const actual = out.dataSync();
      out.dispose();
      const diff = compareArrays(actual, [batchLoss(loss, output, logits, targets, rows)], VALUE_TOLERANCE.floor);
      expect(diff.maxRel, `tfjs ${diff.worstA}, core ${diff.worstB}`).toBeLessThanOrEqual(VALUE_TOLERANCE.rtol);
    });

    it.each(ACTIVATIONS)('%s: gradientKernels are exactly the kernels the op records on the tape', (activation) => {
      activate();
      const taped = tapedKernels(() => ACTIVATION_OPS[activation].op(tf.tensor2d([Z.slice(0, 7), Z.slice(7)])));
      expect(sorted(taped)).toEqual(sorted(ACTIVATION_OPS[activation].gradientKernels));
    });

    it.each(LOSS_OUTPUTS)('%s on a %s output: gradientKernels (plus what the output activation records) are exactly what the op records', (loss, output) => {
      activate();
      const units = ACTIVATION_DEFINITIONS[output].minUnits + 1;
      const logits = tf.tensor2d(Array.from({ length: 3 * units }, (_, i) => Math.sin(i) * 2), [3, units]);
      const targets = tf.tensor2d(Array.from({ length: 3 * units }, (_, i) => (i % units === 0 ? 1 : 0)), [3, units]);
      const taped = tapedKernels(() => LOSS_OPS[loss].op(logits, targets, output));
      logits.dispose();
      targets.dispose();
      // Kernels the output activation records count only if the loss applies it (meanSquaredError).
      const own = new Set([...taped].filter((k) => LOSS_OPS[loss].gradientKernels.includes(k)));
      const rest = sorted([...taped].filter((k) => !own.has(k)));
      expect(sorted(own)).toEqual(sorted(LOSS_OPS[loss].gradientKernels));
      expect(rest.every((k) => ACTIVATION_OPS[output].gradientKernels.includes(k)), `recorded but listed nowhere: ${rest.join(', ')}`).toBe(true);
    });

    describe("a model's gradient tape", () => {
      const engineGradients = tf.engine().gradients.bind(tf.engine());
      afterEach(() => {
        vi.restoreAllMocks();
      });

      /** What the model's `lossAndGradients` records on the tape, by kernel. */
      function modelTape(spec: ReturnType<typeof mlp>, loss: LossName): Set<string> {
        const rng = new Rng(17);
        const model = engine.createModel(spec, initializeWeights(spec, rng, 'float32'), { loss, optimizer: optimizer('sgd'), regularization: { l1: 0.01, l2: 0.01 } });
        const rows = 4;
        const batch = {
          x: matrix(rows, spec.inputSize, Array.from({ length: rows * spec.inputSize }, () => rng.uniform(-1, 1)), 'float32'),
          y: matrix(rows, spec.output.units, Array.from({ length: rows * spec.output.units }, (_, i) => (i % spec.output.units === 0 ? 1 : 0)), 'float32'),
        };
        const state = tf.engine().state as unknown as { activeTape: TapeNodeView[] };
        let nodes: TapeNodeView[] = [];
        vi.spyOn(tf.engine(), 'gradients').mockImplementation((f, xs, dy, allowNoGradients) =>
          engineGradients(
            () => {
              const out = f();
              nodes = [...state.activeTape];
              return out;
            },
            xs,
            dy,
            allowNoGradients,
          ),
        );
        try {
          model.lossAndGradients(batch);
        } finally {
          model.dispose();
        }
        const name = tf.getBackend();
        return new Set(nodes.map((n) => n.kernelName).filter((k) => tf.getKernel(k, name) !== undefined));
      }

      const specs: ReadonlyArray<readonly [string, ReturnType<typeof mlp>, LossName]> = [
        ...HIDDEN_ACTIVATIONS.map((a) => [`${a} hidden layers`, mlp(3, [[4, a], [3, a]], [1, 'sigmoid']), 'binaryCrossEntropy'] as const),
        ...LOSS_OUTPUTS.map(([loss, output]) => [`${loss} on ${output}`, mlp(2, [[3, 'tanh']], [ACTIVATION_DEFINITIONS[output].minUnits + 1, output]), loss] as const),
      ];

      it.each(specs)('%s: every kernel taped has its gradient in NEEDED_GRADIENTS', (_name, spec, loss) => {
        activate();
        const taped = modelTape(spec, loss);
        // The dense layers are on the tape (the spy saw the model's forward pass) …
        for (const kernel of DENSE_GRADIENT_KERNELS) expect(taped).toContain(kernel);
        // … and nothing is there that the loader does not check for.
        expect(sorted([...taped].filter((k) => !NEEDED_GRADIENTS.includes(k)))).toEqual([]);
      });

      it('every kernel in NEEDED_GRADIENTS has a registered gradient', () => {
        expect(NEEDED_GRADIENTS.length).toBeGreaterThan(DENSE_GRADIENT_KERNELS.length);
        expect(NEEDED_GRADIENTS.filter((k) => tf.getGradient(k) === undefined)).toEqual([]);
      });
    });
  });
}
