// Rough timings of the reference engine's train step (not a test). Run after `pnpm build`:
//   node scripts/timing.mjs            (OPT=adam for Adam, DTYPES=float64 for one dtype)
import { initializeWeights, mlp, optimizer, Rng } from '@twinprop/core';
import { ReferenceEngine } from '../dist/index.js';

const cases = [
  { label: '2-8-8-1 tanh, batch 10', spec: mlp(2, [[8, 'tanh'], [8, 'tanh']], [1, 'sigmoid']), loss: 'binaryCrossEntropy', batch: 10, steps: 20000 },
  { label: '784-128-10 relu/softmax, batch 64', spec: mlp(784, [[128, 'relu']], [10, 'softmax']), loss: 'softmaxCrossEntropy', batch: 64, steps: 200 },
  { label: '784-512-512-10 relu/softmax, batch 128', spec: mlp(784, [[512, 'relu'], [512, 'relu']], [10, 'softmax']), loss: 'softmaxCrossEntropy', batch: 128, steps: 20 },
];

for (const dtype of (process.env.DTYPES ?? 'float32,float64').split(',')) {
  for (const c of cases) {
    const rng = new Rng(1);
    const rows = c.batch * 8;
    const k = c.spec.output.units;
    const x = { rows, cols: c.spec.inputSize, data: Float64Array.from({ length: rows * c.spec.inputSize }, () => rng.uniform(-1, 1)) };
    const y = { rows, cols: k, data: new Float64Array(rows * k) };
    for (let r = 0; r < rows; r++) y.data[r * k + (k === 1 ? 0 : rng.int(k))] = k === 1 ? rng.int(2) : 1;
    const model = new ReferenceEngine({ dtype }).createModel(c.spec, initializeWeights(c.spec, rng, dtype), { loss: c.loss, optimizer: optimizer(process.env.OPT ?? 'sgd') });
    const data = model.prepare({ x, y });
    const order = rng.permutation(rows);
    const step = (i) => {
      const start = (i % 8) * c.batch;
      model.trainStep(data, { order, start, end: start + c.batch }, false);
    };
    for (let i = 0; i < Math.min(c.steps, 50); i++) step(i); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < c.steps; i++) step(i);
    const ms = (performance.now() - t0) / c.steps;
    console.log(`${dtype.padEnd(8)} ${c.label.padEnd(40)} ${(ms * 1000).toFixed(1).padStart(10)} µs/step`);
  }
}
