// Fingerprint of training results (not a test): trains a few networks from a fixed seed and prints
// sha256 of the final weights' bytes, the losses and the predictions. Run after `pnpm build`:
//   node scripts/weights-hash.mjs
// Optimizations of the engine must leave every line unchanged (the sums keep their order).
import { createHash } from 'node:crypto';
import { initializeWeights, mlp, optimizer, Rng } from '@twinprop/core';
import { ReferenceEngine } from '../dist/index.js';

const cases = [
  { label: '2-8-8-1 tanh/sigmoid bce b10', spec: mlp(2, [[8, 'tanh'], [8, 'tanh']], [1, 'sigmoid']), loss: 'binaryCrossEntropy', batch: 10, steps: 60 },
  { label: '2-8-8-1 tanh/sigmoid bce b7', spec: mlp(2, [[8, 'tanh'], [8, 'tanh']], [1, 'sigmoid']), loss: 'binaryCrossEntropy', batch: 7, steps: 60 },
  { label: '3-5-4 relu/linear mse b5', spec: mlp(3, [[5, 'relu']], [4, 'linear']), loss: 'meanSquaredError', batch: 5, steps: 40 },
  { label: '784-128-10 relu/softmax b64', spec: mlp(784, [[128, 'relu']], [10, 'softmax']), loss: 'softmaxCrossEntropy', batch: 64, steps: 30 },
];

for (const dtype of ['float32', 'float64']) {
  for (const opt of ['sgd', 'adam', 'momentum']) {
    for (const c of cases) {
      const rng = new Rng(7);
      const rows = c.batch * 8;
      const k = c.spec.output.units;
      const x = { rows, cols: c.spec.inputSize, data: Float64Array.from({ length: rows * c.spec.inputSize }, () => rng.uniform(-1, 1)) };
      const y = { rows, cols: k, data: new Float64Array(rows * k) };
      for (let r = 0; r < rows; r++) {
        if (c.loss === 'meanSquaredError') for (let j = 0; j < k; j++) y.data[r * k + j] = rng.uniform(-1, 1);
        else y.data[r * k + (k === 1 ? 0 : rng.int(k))] = k === 1 ? rng.int(2) : 1;
      }
      const model = new ReferenceEngine({ dtype }).createModel(c.spec, initializeWeights(c.spec, rng, dtype), { loss: c.loss, optimizer: optimizer(opt) });
      const data = model.prepare({ x, y });
      const order = rng.permutation(rows);
      const hash = createHash('sha256');
      const losses = [];
      for (let i = 0; i < c.steps; i++) {
        const start = (i % 8) * c.batch;
        const l = model.trainStep(data, { order, start, end: start + c.batch }, i % 5 === 0);
        if (l !== undefined) losses.push(l);
      }
      for (const layer of model.getWeights().layers) {
        hash.update(new Uint8Array(layer.kernel.data.buffer, layer.kernel.data.byteOffset, layer.kernel.data.byteLength));
        hash.update(new Uint8Array(layer.bias.data.buffer, layer.bias.data.byteOffset, layer.bias.data.byteLength));
      }
      hash.update(Float64Array.from(losses));
      const p = model.predict(x).data;
      hash.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
      hash.update(Float64Array.of(model.loss({ x, y })));
      console.log(`${dtype.padEnd(8)} ${opt.padEnd(9)} ${c.label.padEnd(30)} ${hash.digest('hex').slice(0, 32)}`);
    }
  }
}
