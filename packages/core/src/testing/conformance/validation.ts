import { expect } from 'vitest';
import { ACTIVATION_DEFINITIONS, ACTIVATIONS } from '../../activations.js';
import type { Model } from '../../engine.js';
import { ShapeError, SpecError } from '../../errors.js';
import { initializeWeights } from '../../init.js';
import { LOSS_DEFINITIONS, LOSSES } from '../../loss.js';
import { Rng } from '../../rng.js';
import { mlp, type ModelSpec } from '../../spec.js';
import { createWeights, matrix } from '../../weights.js';
import { type ConformanceArea, type ConformanceTest, expectThrows, outputUnits, training } from './context.js';

/** For each loss: accepted on exactly the output activations core's `fits` allows. */
const lossFitTests: ConformanceTest[] = LOSSES.map((loss) => {
  const definition = LOSS_DEFINITIONS[loss];
  const fitting = ACTIVATIONS.filter((a) => definition.fits(a));
  return {
    name: `${loss}: accepted on exactly the outputs core says it fits (${fitting.join(', ')})`,
    run: ({ engine, dtype }) => {
      for (const output of ACTIVATIONS) {
        const spec = mlp(2, [], [outputUnits(output), output]);
        const create = (): Model => engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), training(loss));
        if (definition.fits(output)) create().dispose();
        else expectThrows(create, SpecError, `${loss} on a ${output} output`);
      }
    },
  };
});

/** Specs that break a rule of core's activation table: output-only activations on a hidden layer, too few units. */
function specsTheTableForbids(): Array<{ why: string; spec: ModelSpec }> {
  const out: Array<{ why: string; spec: ModelSpec }> = [];
  for (const activation of ACTIVATIONS) {
    const definition = ACTIVATION_DEFINITIONS[activation];
    if (definition.outputOnly) {
      out.push({
        why: `${activation} on a hidden layer`,
        spec: { inputSize: 2, hidden: [{ units: definition.minUnits, activation }], output: { units: 1, activation: 'linear' } },
      });
    }
    if (definition.minUnits > 1) {
      out.push({
        why: `a ${activation} output of ${definition.minUnits - 1} units`,
        spec: { inputSize: 2, hidden: [], output: { units: definition.minUnits - 1, activation } },
      });
    }
  }
  return out;
}

export const validationArea: ConformanceArea = {
  title: 'validation: specs, shapes, loss and output, data width',
  tests: [
    {
      name: 'rejects weights whose shapes do not match the spec',
      run: ({ engine, dtype }) => {
        const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
        const wrong = initializeWeights(mlp(2, [[4, 'tanh']], [1, 'sigmoid']), new Rng(1), dtype);
        expectThrows(() => engine.createModel(spec, wrong, training('binaryCrossEntropy')), ShapeError, 'createModel');
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), training('binaryCrossEntropy'));
        expectThrows(() => model.setWeights(wrong), ShapeError, 'setWeights');
        model.dispose();
      },
    },
    {
      name: "rejects specs core's activation table forbids (output-only activations on hidden layers, too few units)",
      run: ({ engine, dtype }) => {
        const cases = specsTheTableForbids();
        expect(cases.length, 'forbidden specs derived from the table').toBeGreaterThan(0);
        for (const { why, spec } of cases) {
          const loss = LOSSES.find((l) => LOSS_DEFINITIONS[l].fits(spec.output.activation)) ?? 'meanSquaredError';
          expectThrows(() => engine.createModel(spec, createWeights(spec, dtype), training(loss)), SpecError, why);
        }
      },
    },
    ...lossFitTests,
    {
      name: 'rejects data of the wrong width, mismatched rows and empty batches',
      run: ({ engine, dtype }) => {
        const spec = mlp(2, [], [1, 'sigmoid']);
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), training('binaryCrossEntropy'));
        const x = matrix(2, 2, [1, 2, 3, 4], dtype);
        const y = matrix(2, 1, [0, 1], dtype);
        const bad = [
          { why: '3 features', batch: { x: matrix(2, 3, [1, 2, 3, 4, 5, 6], dtype), y } },
          { why: '2 target columns', batch: { x, y: matrix(2, 2, [0, 1, 1, 0], dtype) } },
          { why: '2 feature rows, 1 target row', batch: { x, y: matrix(1, 1, [0], dtype) } },
          { why: 'no rows', batch: { x: matrix(0, 2, [], dtype), y: matrix(0, 1, [], dtype) } },
        ];
        expectThrows(() => model.predict(matrix(1, 3, [1, 2, 3], dtype)), ShapeError, 'predict with 3 features');
        for (const { why, batch } of bad) {
          expectThrows(() => model.loss(batch), ShapeError, `loss with ${why}`);
          expectThrows(() => model.lossAndGradients(batch), ShapeError, `lossAndGradients with ${why}`);
          expectThrows(() => model.prepare(batch), ShapeError, `prepare with ${why}`);
        }
        const empty = model.predict(matrix(0, 2, [], dtype));
        expect([empty.rows, empty.cols, empty.data.length], 'predict on no rows').toEqual([0, 1, 0]);
        model.dispose();
      },
    },
  ],
};
