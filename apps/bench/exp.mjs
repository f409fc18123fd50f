import { createRunner, initialWeights } from './dist/runners.js';
import { RawTfjsModel } from './dist/raw-tfjs.js';
import { loadWorkloadData, workload } from './dist/workloads.js';
import * as tf from '@tensorflow/tfjs-core';
const wl = process.argv[2] ?? 'mnist', backend = process.argv[3] ?? 'wasm';
const w = workload(wl); const data = loadWorkloadData(w); const weights = initialWeights(w);
const eng = await createRunner(`tfjs-${backend}`, w, data, weights);
const raw = await createRunner(`raw-tfjs-${backend}`, w, data, weights);
const layers = weights.layers.map((l, i) => ({ inputs: l.kernel.shape[0], outputs: l.kernel.shape[1], activation: [...w.spec.hidden, w.spec.output][i].activation, kernel: Float32Array.from(l.kernel.data), bias: Float32Array.from(l.bias.data) }));
const unfusedModel = new RawTfjsModel({ backend, layers, loss: w.loss, learningRate: w.learningRate, x: Float32Array.from(data.train.x.data), y: Float32Array.from(data.train.y.data), rows: data.train.x.rows, fuseRelu: false });
let next = 0;
const unfused = { train(n) { let l; for (let i = 0; i < n; i++) { const s = next * w.batchSize; next = (next + 1) % data.batches; l = unfusedModel.trainStep(data.order, s, s + w.batchSize, i === n - 1); } return l; } };
const c = { engine: eng, raw, unfused };
for (const r of Object.values(c)) r.train(20);
const t = { engine: [], raw: [], unfused: [] };
for (let rep = 0; rep < 7; rep++) for (const [k, r] of Object.entries(c)) { const t0 = performance.now(); r.train(30); t[k].push((performance.now() - t0) / 30); }
for (const [k, v] of Object.entries(t)) { v.sort((a, b) => a - b); console.log(k, v[3].toFixed(2), 'ms/step'); }
console.log('tensors', tf.memory().numTensors);
