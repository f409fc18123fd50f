import { expect } from 'vitest';
import type { Batch, BatchRows, Model, PreparedData } from '../../engine.js';
import { DisposedError, ForeignDataError, ShapeError } from '../../errors.js';
import { initializeWeights } from '../../init.js';
import type { OptimizerState } from '../../optimizer.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import type { Weights } from '../../weights.js';
import { type ConformanceArea, expectThrows, randomBatch, training, weightsData } from './context.js';

/** What the calls below need, all made while the model was alive. */
interface Fixtures {
  readonly batch: Batch;
  readonly data: PreparedData;
  readonly rows: BatchRows;
  readonly weights: Weights;
  readonly state: OptimizerState;
}

/** Every method of {@link Model} but `dispose`: adding one to the interface fails to compile until it is listed here. */
type ModelMethod = { [K in keyof Model]-?: Model[K] extends (...args: never[]) => unknown ? K : never }[keyof Model];
const CALLS: { readonly [K in Exclude<ModelMethod, 'dispose'>]: (model: Model, f: Fixtures) => unknown } = {
  predict: (model, f) => model.predict(f.batch.x),
  loss: (model, f) => model.loss(f.batch),
  lossAndGradients: (model, f) => model.lossAndGradients(f.batch),
  prepare: (model, f) => model.prepare(f.batch),
  trainStep: (model, f) => model.trainStep(f.data, f.rows, true),
  getWeights: (model) => model.getWeights(),
  setWeights: (model, f) => model.setWeights(f.weights),
  getOptimizerState: (model) => model.getOptimizerState(),
  setOptimizerState: (model, f) => model.setOptimizerState(f.state),
};

const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
const config = training('binaryCrossEntropy');
const allRows = (n: number): BatchRows => ({ order: Int32Array.from({ length: n }, (_, i) => i), start: 0, end: n });

/**
 * Prepared data is the engine's, not the model's: a model accepts data prepared by another model
 * of the same engine (same backend, same dtype) whose feature and target widths match its own,
 * and refuses other widths with a ShapeError. Data from anywhere else — another engine, another
 * backend or dtype of the same engine, or an object no `prepare()` returned — is foreign.
 */
export const lifecycleArea: ConformanceArea = {
  title: 'errors and disposal',
  tests: [
    {
      name: "every model method after dispose() throws DisposedError (what: 'model'); a second dispose() is harmless",
      run: ({ engine, dtype }) => {
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(1), dtype), config);
        const batch = randomBatch(spec, 'binaryCrossEntropy', 4, new Rng(2), dtype);
        const fixtures: Fixtures = { batch, data: model.prepare(batch), rows: allRows(4), weights: model.getWeights(), state: model.getOptimizerState() };
        model.dispose();
        model.dispose();
        for (const [method, call] of Object.entries(CALLS)) {
          const error = expectThrows(() => call(model, fixtures), DisposedError, `${method} after dispose()`);
          expect([error.code, error.what, error.engine], method).toEqual(['DISPOSED', 'model', engine.name]);
        }
      },
    },
    {
      name: "trainStep with prepared data that was disposed throws DisposedError (what: 'data')",
      run: ({ engine, dtype }) => {
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(3), dtype), config);
        const data = model.prepare(randomBatch(spec, 'binaryCrossEntropy', 4, new Rng(4), dtype));
        data.dispose();
        data.dispose();
        const error = expectThrows(() => model.trainStep(data, allRows(4), true), DisposedError, 'trainStep');
        expect([error.code, error.what, error.engine]).toEqual(['DISPOSED', 'data', engine.name]);
        model.dispose();
      },
    },
    {
      name: 'trainStep with data no prepare() returned throws ForeignDataError',
      run: ({ engine, dtype }) => {
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(5), dtype), config);
        const before = weightsData(model.getWeights());
        const error = expectThrows(() => model.trainStep({ rows: 4, dispose: () => undefined }, allRows(4), true), ForeignDataError, 'trainStep');
        expect([error.code, error.engine]).toEqual(['FOREIGN_DATA', engine.name]);
        expect(weightsData(model.getWeights()), 'weights unchanged').toEqual(before);
        model.dispose();
      },
    },
    {
      name: 'data prepared by another model of the same engine is accepted when its widths fit, and refused with ShapeError when not',
      run: ({ engine, dtype }) => {
        const batch = randomBatch(spec, 'binaryCrossEntropy', 6, new Rng(6), dtype);
        const donor = engine.createModel(spec, initializeWeights(spec, new Rng(7), dtype), config);
        const shared = donor.prepare(batch);
        // Other hidden layers, same widths: the same update as with its own prepared data.
        const deeper = mlp(2, [[4, 'relu'], [2, 'tanh']], [1, 'sigmoid']);
        const start = initializeWeights(deeper, new Rng(8), dtype);
        const borrower = engine.createModel(deeper, start, config);
        const owner = engine.createModel(deeper, start, config);
        const own = owner.prepare(batch);
        expect(borrower.trainStep(shared, allRows(6), true)).toBe(owner.trainStep(own, allRows(6), true));
        expect(weightsData(borrower.getWeights())).toEqual(weightsData(owner.getWeights()));
        for (const other of [mlp(3, [[3, 'tanh']], [1, 'sigmoid']), mlp(2, [[3, 'tanh']], [2, 'sigmoid'])]) {
          const model = engine.createModel(other, initializeWeights(other, new Rng(9), dtype), config);
          expectThrows(() => model.trainStep(shared, allRows(6), true), ShapeError, `data of 2 features and 1 target into a ${other.inputSize}-input, ${other.output.units}-output model`);
          model.dispose();
        }
        for (const m of [donor, borrower, owner]) m.dispose();
      },
    },
  ],
};
