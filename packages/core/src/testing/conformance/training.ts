import { expect } from 'vitest';
import { trainOnBatch } from '../../engine.js';
import { ShapeError } from '../../errors.js';
import { fit } from '../../fit.js';
import { initializeWeights } from '../../init.js';
import { accuracy } from '../../metrics.js';
import { optimizer } from '../../optimizer.js';
import { Rng } from '../../rng.js';
import { mlp } from '../../spec.js';
import { matrix, type Matrix } from '../../weights.js';
import { expectClose } from './tolerances.js';
import { type ConformanceArea, expectThrows, randomBatch, TWO_INPUTS, training, weightsData, weightsOf } from './context.js';

const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
const sgd = (learningRate: number): ReturnType<typeof training> => training('binaryCrossEntropy', optimizer('sgd', { learningRate }));

export const trainingArea: ConformanceArea = {
  title: 'trainStep and fit',
  tests: [
    {
      name: 'trainStep uses exactly the rows it is given, in any order',
      run: ({ engine, dtype, tolerance }) => {
        const start = initializeWeights(spec, new Rng(41), dtype);
        const all = randomBatch(spec, 'binaryCrossEntropy', 10, new Rng(42), dtype);
        const a = engine.createModel(spec, start, sgd(0.3));
        const data = a.prepare(all);
        expect(data.rows).toBe(10);
        const order = Int32Array.from([9, 2, 5, 7, 0, 1, 3, 4, 6, 8]);
        const lossA = a.trainStep(data, { order, start: 1, end: 4 }, true);
        data.dispose();
        const b = engine.createModel(spec, start, sgd(0.3));
        const rows = [2, 5, 7];
        const pick = (m: Matrix): Matrix => matrix(rows.length, m.cols, rows.flatMap((r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols))), dtype);
        const lossB = trainOnBatch(b, { x: pick(all.x), y: pick(all.y) });
        expectClose([lossA ?? Number.NaN], [lossB], tolerance.exact, 'loss');
        expectClose(weightsData(a.getWeights()), weightsData(b.getWeights()), tolerance.exact, 'weights');
        a.dispose();
        b.dispose();
      },
    },
    {
      name: 'trainStep returns the loss only when asked, and makes the same update either way',
      run: ({ engine, dtype }) => {
        const start = initializeWeights(spec, new Rng(43), dtype);
        const all = randomBatch(spec, 'binaryCrossEntropy', 6, new Rng(44), dtype);
        const order = Int32Array.from({ length: 6 }, (_, i) => i);
        const [quiet, loud] = [engine.createModel(spec, start, sgd(0.3)), engine.createModel(spec, start, sgd(0.3))];
        const [quietData, loudData] = [quiet.prepare(all), loud.prepare(all)];
        expect(quiet.trainStep(quietData, { order, start: 0, end: 6 })).toBeUndefined();
        expect(quiet.trainStep(quietData, { order, start: 0, end: 6 }, false)).toBeUndefined();
        for (let i = 0; i < 2; i++) expect(typeof loud.trainStep(loudData, { order, start: 0, end: 6 }, true)).toBe('number');
        expect(weightsData(quiet.getWeights())).toEqual(weightsData(loud.getWeights()));
        for (const d of [quietData, loudData]) d.dispose();
        quiet.dispose();
        loud.dispose();
      },
    },
    {
      name: 'trainStepWithOutputs gives the outputs before the update, and the same loss and update as trainStep (softmax, linear and sigmoid outputs)',
      run: async ({ engine, dtype, tolerance }) => {
        // A linear output's activations are its logits: an engine must not lose them to the update.
        const outputs = [
          { output: [3, 'softmax'], loss: 'softmaxCrossEntropy' },
          { output: [2, 'linear'], loss: 'meanSquaredError' },
          { output: [1, 'sigmoid'], loss: 'binaryCrossEntropy' },
        ] as const;
        for (const { output, loss } of outputs) {
          const spec = mlp(2, [[4, 'tanh']], [output[0], output[1]]);
          const units = output[0];
          const start = initializeWeights(spec, new Rng(47), dtype);
          const all = randomBatch(spec, loss, 9, new Rng(48), dtype);
          const config = training(loss, optimizer('adam', { learningRate: 0.05 }));
          const [a, b] = [engine.createModel(spec, start, config), engine.createModel(spec, start, config)];
          if (a.trainStepWithOutputs === undefined) {
            // Optional: without it, fit's default train accuracy must be the full pass through predict.
            if (loss === 'softmaxCrossEntropy') {
              const result = await fit(a, all, { epochs: 1, batchSize: 4, seed: 3, task: 'multiclass' });
              expect(result.history[0]?.trainAccuracy).toBe(accuracy(a.predict(all.x), all.y));
            }
            a.dispose();
            b.dispose();
            continue;
          }
          const [dataA, dataB] = [a.prepare(all), b.prepare(all)];
          const order = Int32Array.from([4, 8, 0, 6, 2, 7, 1, 3, 5]);
          for (const [first, end] of [[0, 4], [4, 9], [2, 7]] as const) {
            const rows = Array.from(order.subarray(first, end));
            const pick = (m: Matrix): Matrix => matrix(rows.length, m.cols, rows.flatMap((r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols))), dtype);
            const before = a.predict(pick(all.x));
            const out = new Float64Array((end - first) * units + 2).fill(-7);
            const lossA = a.trainStepWithOutputs(dataA, { order, start: first, end }, out);
            const lossB = b.trainStep(dataB, { order, start: first, end }, true);
            expectClose(Array.from(out.subarray(0, (end - first) * units)), Array.from(before.data), tolerance.exact, `${output[1]} outputs`);
            expect(Array.from(out.subarray((end - first) * units)), 'values past the batch are left alone').toEqual([-7, -7]);
            expectClose([lossA], [lossB ?? Number.NaN], tolerance.exact, `${output[1]} loss`);
            expectClose(weightsData(a.getWeights()), weightsData(b.getWeights()), tolerance.exact, `${output[1]} weights`);
          }
          // And the model trains on after it (nothing it needs was disposed).
          expect(Number.isFinite(a.trainStep(dataA, { order, start: 0, end: 9 }, true) ?? Number.NaN)).toBe(true);
          expectThrows(() => a.trainStepWithOutputs!(dataA, { order, start: 0, end: 4 }, new Float64Array(4 * units - 1)), ShapeError, 'outputs shorter than the batch');
          for (const d of [dataA, dataB]) d.dispose();
          a.dispose();
          b.dispose();
        }
      },
    },
    {
      name: 'evaluate gives what loss and predict give',
      run: ({ engine, dtype, tolerance }) => {
        const multi = mlp(2, [[5, 'relu']], [3, 'softmax']);
        const model = engine.createModel(multi, initializeWeights(multi, new Rng(49), dtype), training('softmaxCrossEntropy', optimizer('sgd'), { l2: 0.01 }));
        if (model.evaluate === undefined) return expect.fail(`the ${engine.name} engine's models have no evaluate (optional, but then list this test as a known gap)`);
        const batch = randomBatch(multi, 'softmaxCrossEntropy', 11, new Rng(50), dtype);
        const { loss, outputs } = model.evaluate(batch);
        const predicted = model.predict(batch.x);
        expect([outputs.rows, outputs.cols]).toEqual([11, 3]);
        expectClose([loss], [model.loss(batch)], tolerance.exact, 'loss');
        expectClose(Array.from(outputs.data), Array.from(predicted.data), tolerance.exact, 'outputs');
        expectThrows(() => model.evaluate!({ x: batch.x, y: matrix(11, 2, new Array<number>(22).fill(0), dtype) }), ShapeError, 'targets of the wrong width');
        model.dispose();
      },
    },
    {
      name: 'trainStep refuses row ranges that select nothing or run past the order, and row indices outside the data (ShapeError)',
      run: ({ engine, dtype }) => {
        const model = engine.createModel(spec, initializeWeights(spec, new Rng(45), dtype), sgd(0.3));
        const data = model.prepare(randomBatch(spec, 'binaryCrossEntropy', 4, new Rng(46), dtype));
        const order = Int32Array.from([0, 1, 2, 3]);
        const bad = [
          { why: 'an empty range', rows: { order, start: 2, end: 2 } },
          { why: 'a range past the order', rows: { order, start: 2, end: 5 } },
          { why: 'a negative start', rows: { order, start: -1, end: 2 } },
          { why: 'a row index past the data', rows: { order: Int32Array.from([0, 7]), start: 0, end: 2 } },
        ];
        for (const { why, rows } of bad) expectThrows(() => model.trainStep(data, rows), ShapeError, why);
        data.dispose();
        model.dispose();
      },
    },
    {
      name: 'same weights and same batches give bit-identical results',
      run: async ({ engine, dtype }) => {
        const wide = mlp(2, [[6, 'tanh']], [1, 'sigmoid']);
        const run = async (): Promise<number[]> => {
          const model = engine.createModel(wide, initializeWeights(wide, new Rng(51), dtype), training('binaryCrossEntropy', optimizer('momentum')));
          await fit(model, randomBatch(wide, 'binaryCrossEntropy', 40, new Rng(52), dtype), { epochs: 5, batchSize: 8, seed: 53 });
          const w = weightsData(model.getWeights());
          model.dispose();
          return w;
        };
        expect(await run()).toEqual(await run());
      },
    },
    {
      name: 'learns XOR: 2-4-1 tanh/sigmoid reaches 100% accuracy',
      timeout: 30_000,
      run: async ({ engine, dtype }) => {
        const xorSpec = mlp(2, [[4, 'tanh']], [1, 'sigmoid']);
        const xor = { x: TWO_INPUTS, y: matrix(4, 1, [0, 1, 1, 0]) };
        const model = engine.createModel(xorSpec, initializeWeights(xorSpec, new Rng(2), dtype), training('binaryCrossEntropy', optimizer('adam', { learningRate: 0.05 })));
        await fit(model, xor, { epochs: 400, batchSize: 4, seed: 2 });
        expect(accuracy(model.predict(xor.x), xor.y)).toBe(1);
        model.dispose();
      },
    },
    {
      name: 'reports NaN or infinite losses instead of hiding them',
      run: ({ engine, dtype }) => {
        const linear = mlp(1, [], [1, 'linear']);
        const model = engine.createModel(linear, weightsOf(linear, dtype, [{ kernel: [1], bias: [0] }]), training('meanSquaredError', optimizer('sgd', { learningRate: 1e30 })));
        const batch = { x: matrix(2, 1, [1e10, -1e10], dtype), y: matrix(2, 1, [0, 1], dtype) };
        let loss = 0;
        for (let i = 0; i < 5 && Number.isFinite(loss); i++) loss = trainOnBatch(model, batch);
        expect(Number.isFinite(loss)).toBe(false);
        model.dispose();
      },
    },
  ],
};
