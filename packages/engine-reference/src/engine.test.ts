import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_DEFINITIONS,
  createWeights,
  DisposedError,
  ForeignDataError,
  matrix,
  mlp,
  optimizer,
  SpecError,
  type DType,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import { ACTIVATION_FUNCTIONS, type ActivationFunction } from './activations.js';
import { ReferenceEngine } from './engine.js';

const MSE: TrainingConfig = { loss: 'meanSquaredError', optimizer: optimizer('sgd') };
const tanhSpec = mlp(1, [], [1, 'tanh']);
/** Kernel 1, bias 0: the output of a 1-unit model is σ(x). */
const unitWeights = (dtype: DType = 'float64'): Weights => createWeights(tanhSpec, dtype, (_layer, part) => (part === 'kernel' ? 1 : 0));
const zs = [-2, -0.5, 0.3, 1.5];
const x = matrix(zs.length, 1, zs);

/** A planted fault: "tanh" that computes 2·tanh z, with the matching derivative. */
const doubledTanh: ActivationFunction = {
  ...ACTIVATION_FUNCTIONS.tanh,
  forward(z, h, rows, cols) {
    for (let i = 0; i < rows * cols; i++) h[i] = 2 * Math.tanh(z[i]!);
  },
};

describe('ReferenceEngine', () => {
  it('uses a swapped-in activation record for its own models only; the shared table and other engines are untouched', () => {
    const original = ACTIVATION_FUNCTIONS.tanh;
    const faulty = new ReferenceEngine({ dtype: 'float64', activations: { tanh: doubledTanh } });
    const plain = new ReferenceEngine({ dtype: 'float64' });
    const tanh = ACTIVATION_DEFINITIONS.tanh.value!;

    const before = plain.createModel(tanhSpec, unitWeights(), MSE);
    const swapped = faulty.createModel(tanhSpec, unitWeights(), MSE);
    const after = new ReferenceEngine({ dtype: 'float64' }).createModel(tanhSpec, unitWeights(), MSE);
    expect(Array.from(swapped.predict(x).data)).toEqual(zs.map((z) => 2 * Math.tanh(z)));
    for (const model of [before, after]) expect(Array.from(model.predict(x).data)).toEqual(zs.map(tanh));
    // Other activations of the faulty engine are its ordinary ones.
    const sigmoidSpec = mlp(1, [], [1, 'sigmoid']);
    const sigmoidWeights = unitWeights();
    expect(Array.from(faulty.createModel(sigmoidSpec, sigmoidWeights, MSE).predict(x).data)).toEqual(
      Array.from(plain.createModel(sigmoidSpec, sigmoidWeights, MSE).predict(x).data),
    );
    expect(ACTIVATION_FUNCTIONS.tanh).toBe(original);
    const h = new Float64Array(1);
    ACTIVATION_FUNCTIONS.tanh.forward(Float64Array.of(0.5), h, 1, 1);
    expect(h[0]).toBe(Math.tanh(0.5));
  });

  it('refuses an activation record whose name does not match its key', () => {
    const act = (): ReferenceEngine => new ReferenceEngine({ activations: { tanh: ACTIVATION_FUNCTIONS.sigmoid } });
    expect(act).toThrow(SpecError);
    expect(act).toThrow(/activations\.tanh: the record is named "sigmoid"/);
    expect(() => new ReferenceEngine({ activations: { tanh: { ...ACTIVATION_FUNCTIONS.tanh } } })).not.toThrow();
  });

  it('treats data prepared by a model of the other dtype as foreign (a different engine id), and checks disposal first', () => {
    const batch = { x, y: matrix(zs.length, 1, [0, 0, 1, 1]) };
    const rows = { order: Int32Array.from([0, 1, 2, 3]), start: 0, end: 4 };
    const f32 = new ReferenceEngine({ dtype: 'float32' }).createModel(tanhSpec, unitWeights('float32'), MSE);
    const f64 = new ReferenceEngine({ dtype: 'float64' }).createModel(tanhSpec, unitWeights(), MSE);
    const data = f32.prepare(batch);
    expect(() => f64.trainStep(data, rows)).toThrow(ForeignDataError);
    expect(() => f64.trainStep(data, rows)).toThrow(/prepared by a float32 model, this model computes in float64/);
    data.dispose();
    expect(() => f64.trainStep(data, rows)).toThrow(DisposedError);
  });
});
