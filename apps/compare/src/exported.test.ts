import { initializeWeights, matrix, mlp, optimizer, Rng } from '@twinprop/core';
import { engines } from '@twinprop/toolkit';
import { describe, expect, it } from 'vitest';
import { exportedForward } from './exported.js';

const TOLERANCE = { rtol: 1e-5, floor: 1e-1 };

describe('the exported-model opinion (tfjs-layers and ONNX Runtime on the exported weights)', () => {
  const spec = mlp(3, [[5, 'tanh'], [4, 'leakyRelu']], [3, 'softmax']);
  const training = { loss: 'softmaxCrossEntropy', optimizer: optimizer('sgd') } as const;
  const weights = initializeWeights(spec, new Rng(4), 'float64');
  const x = matrix(6, 3, Array.from({ length: 18 }, (_, i) => Math.sin(i) * 2));

  it("agrees with the engine's own predictions in both runtimes", async () => {
    const engine = await engines.create('reference/float64');
    const model = engine.createModel(spec, weights, training);
    const check = await exportedForward('reference/float64', { spec, training, weights }, x, model.predict(x), TOLERANCE);
    model.dispose();
    expect(check.opinions.map((o) => o.runtime)).toEqual(['tfjs-layers loadLayersModel', 'ONNX Runtime']);
    for (const o of check.opinions) {
      expect('diff' in o, JSON.stringify(o)).toBe(true);
      if ('diff' in o) expect(o.diff.maxRel).toBeLessThan(1e-6);
    }
    expect(check.passed).toBe(true);
  }, 60_000);

  it('fails when the engine predicts something else (its outputs are not what its weights compute)', async () => {
    const engine = await engines.create('reference/float64');
    const model = engine.createModel(spec, weights, training);
    const outputs = model.predict(x);
    model.dispose();
    const wrong = { ...outputs, data: outputs.data.map((v, i) => (i === 7 ? v * (1 + 1e-3) : v)) };
    const check = await exportedForward('reference/float64', { spec, training, weights }, x, wrong, TOLERANCE);
    expect(check.passed).toBe(false);
    for (const o of check.opinions) if ('diff' in o) expect(o.diff.worstIndex).toBe(7);
  }, 60_000);

  it('a model a format cannot express is reported with the reason, not failed', async () => {
    const gate = mlp(2, [], [1, 'step']);
    const gateWeights = initializeWeights(gate, new Rng(1), 'float64');
    const engine = await engines.create('reference/float64');
    const model = engine.createModel(gate, gateWeights, { loss: 'meanSquaredError', optimizer: optimizer('sgd') });
    const xs = matrix(4, 2, [0, 0, 0, 1, 1, 0, 1, 1]);
    const check = await exportedForward('reference/float64', { spec: gate, training: model.training, weights: gateWeights }, xs, model.predict(xs), TOLERANCE);
    model.dispose();
    const tfjs = check.opinions[0]!;
    expect('refused' in tfjs && tfjs.refused).toMatch(/step/);
    expect(check.passed).toBe(true);
  }, 60_000);
});
