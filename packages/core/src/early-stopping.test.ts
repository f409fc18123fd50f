import { describe, expect, it } from 'vitest';
import { EarlyStopping, resolveEarlyStopping, type EarlyStoppingOptions, type EarlyStoppingState } from './early-stopping.js';
import type { Batch, BatchRows, Model, PreparedData, TrainingConfig } from './engine.js';
import { ModelFileError, SpecError } from './errors.js';
import { fit, type EpochLog, type FitOptions } from './fit.js';
import { modelFileSizeBound, parseModelFile, serializeModelFile, type ModelFile } from './model-file.js';
import { optimizer, type OptimizerState } from './optimizer.js';
import { mlp } from './spec.js';
import { matrix, type Matrix, type Weights } from './weights.js';

/**
 * A test double: one linear unit ŷ = x·w + b trained on MSE by momentum (a ← μ·a + g; θ ← θ − η·a),
 * written out by hand, so that both the weights and the optimizer's accumulator change every step.
 */
class MomentumLine implements Model {
  readonly spec = mlp(1, [], [1, 'linear']);
  readonly training: TrainingConfig = { loss: 'meanSquaredError', optimizer: optimizer('momentum', { learningRate: 0.1, momentum: 0.5 }) };
  readonly engine = 'test';
  readonly backend = 'js';
  readonly dtype = 'float64' as const;
  w = 0;
  b = 0;
  /** The momentum accumulators of w and b. */
  aw = 0;
  ab = 0;
  steps = 0;
  predict(x: Matrix): Matrix {
    return matrix(x.rows, 1, Array.from(x.data, (v) => v * this.w + this.b));
  }
  loss(batch: Batch): number {
    return mseOf(this.w, this.b, batch);
  }
  lossAndGradients(): never {
    throw new Error('not needed');
  }
  prepare(data: Batch): PreparedData & { batch: Batch } {
    return { rows: data.x.rows, batch: data, dispose: () => undefined };
  }
  trainStep(data: PreparedData, rows: BatchRows): number {
    const { batch } = data as PreparedData & { batch: Batch };
    let loss = 0;
    let dw = 0;
    let db = 0;
    for (let i = rows.start; i < rows.end; i++) {
      const r = rows.order[i] ?? 0;
      const x = batch.x.data[r] ?? 0;
      const err = x * this.w + this.b - (batch.y.data[r] ?? 0);
      loss += err * err;
      dw += 2 * err * x;
      db += 2 * err;
    }
    const n = rows.end - rows.start;
    this.aw = 0.5 * this.aw + dw / n;
    this.ab = 0.5 * this.ab + db / n;
    this.w -= 0.1 * this.aw;
    this.b -= 0.1 * this.ab;
    this.steps++;
    return loss / n;
  }
  getWeights(): Weights {
    return pair(this.w, this.b);
  }
  setWeights(weights: Weights): void {
    this.w = weights.layers[0]!.kernel.data[0]!;
    this.b = weights.layers[0]!.bias.data[0]!;
  }
  getOptimizerState(): OptimizerState {
    return { kind: 'momentum', step: this.steps, slots: { accumulation: pair(this.aw, this.ab) } };
  }
  setOptimizerState(state: OptimizerState): void {
    this.steps = state.step;
    const a = state.slots.accumulation!;
    this.aw = a.layers[0]!.kernel.data[0]!;
    this.ab = a.layers[0]!.bias.data[0]!;
  }
  dispose(): void {}
}

function pair(kernel: number, bias: number): Weights {
  return { dtype: 'float64', layers: [{ kernel: { shape: [1, 1], data: Float64Array.of(kernel) }, bias: { shape: [1], data: Float64Array.of(bias) } }] };
}

/** Mean of (x·w + b − y)² over a batch, computed here (not by the code under test). */
function mseOf(w: number, b: number, batch: Batch): number {
  let sum = 0;
  for (let r = 0; r < batch.x.rows; r++) sum += ((batch.x.data[r] ?? 0) * w + b - (batch.y.data[r] ?? 0)) ** 2;
  return sum / batch.x.rows;
}

// Training learns y = 3x − 1 from w = b = 0; the validation rows lie on y = 1.5x − 0.5, which the
// path passes near on its way, so the validation loss falls, then rises: a best epoch in the middle.
const xs = Array.from({ length: 10 }, (_, i) => i / 10);
const train: Batch = { x: matrix(10, 1, xs), y: matrix(10, 1, xs.map((x) => 3 * x - 1)) };
const validation: Batch = { x: matrix(10, 1, xs), y: matrix(10, 1, xs.map((x) => 1.5 * x - 0.5)) };
const base: FitOptions = { epochs: 40, batchSize: 4, seed: 3, task: 'regression', validation };

/** The validation loss after each of the first `epochs` epochs, by training epoch by epoch and measuring by hand. */
async function validationCurve(epochs: number): Promise<number[]> {
  const model = new MomentumLine();
  const curve: number[] = [];
  for (let e = 1; e <= epochs; e++) {
    await fit(model, train, { ...base, validation: undefined, epochs: e, initialEpoch: e - 1 });
    curve.push(mseOf(model.w, model.b, validation));
  }
  return curve;
}

/** Keras's rule, applied by hand: the best epoch and where patience runs out (or undefined). */
function expectedStop(curve: readonly number[], patience: number, minDelta: number): { best: number; stop: number | undefined } {
  let best = 1;
  let bestValue = curve[0] ?? Number.NaN;
  for (let e = 2; e <= curve.length; e++) {
    const value = curve[e - 1] ?? Number.NaN;
    if (value < bestValue - minDelta) {
      best = e;
      bestValue = value;
    } else if (e - best >= patience) {
      return { best, stop: e };
    }
  }
  return { best, stop: undefined };
}

/** Feeds a sequence of values to the tracker through logs of `monitor`; returns the state after each. */
function observeAll(options: EarlyStoppingOptions, values: readonly number[], task: 'binary' | 'regression' = 'regression'): Array<EarlyStoppingState & { exhausted: boolean }> {
  const stopper = new EarlyStopping(resolveEarlyStopping(options, task, true));
  const model = new MomentumLine();
  const monitor = options.monitor ?? 'validationLoss';
  return values.map((value, i) => {
    const log: EpochLog = { epoch: i + 1, trainLoss: 1, [monitor]: value, seconds: 0 };
    model.w = i; // so that each epoch's snapshot is told apart
    stopper.observe(log, model);
    return { ...stopper.state, exhausted: stopper.exhausted };
  });
}

describe('early stopping: the rule', () => {
  it('counts an improvement only beyond minDelta, and stops when patience epochs in a row bring none', () => {
    const states = observeAll({ patience: 3, minDelta: 0.05 }, [1.0, 0.9, 0.95, 0.86, 0.851, 0.855]);
    // 0.9 beats 1.0 by more than 0.05; 0.95, 0.86, 0.851 and 0.855 do not beat 0.9 − 0.05 = 0.85.
    expect(states.map((s) => s.bestEpoch)).toEqual([1, 2, 2, 2, 2, 2]);
    expect(states.map((s) => s.epochsSinceBest)).toEqual([0, 0, 1, 2, 3, 4]);
    expect(states.map((s) => s.exhausted)).toEqual([false, false, false, false, true, true]);
    expect(states[4]?.bestValue).toBe(0.9);
    expect(states[4]?.best?.weights.layers[0]?.kernel.data[0]).toBe(1); // epoch 2's weights (w = 1)
    // Without minDelta every smaller value is an improvement.
    expect(observeAll({ patience: 3 }, [1.0, 0.9, 0.95, 0.86, 0.851, 0.855]).map((s) => s.bestEpoch)).toEqual([1, 2, 2, 4, 5, 5]);
  });

  it('maximizes accuracy: an equal value is no improvement', () => {
    const states = observeAll({ patience: 2, monitor: 'validationAccuracy' }, [0.5, 0.75, 0.75, 0.7], 'binary');
    expect(states.map((s) => [s.bestEpoch, s.epochsSinceBest, s.exhausted])).toEqual([
      [1, 0, false],
      [2, 0, false],
      [2, 1, false],
      [2, 2, true],
    ]);
  });

  it('never counts NaN or Infinity as an improvement; the first finite value is one', () => {
    const states = observeAll({ patience: 5 }, [Number.NaN, Number.POSITIVE_INFINITY, 0.5, Number.NaN]);
    expect(states.map((s) => [s.bestEpoch, s.epochsSinceBest])).toEqual([
      [0, 1],
      [0, 2],
      [3, 0],
      [3, 1],
    ]);
    expect(states[1]?.bestValue).toBeUndefined();
  });

  it('keeps no snapshot with restoreBest: false', () => {
    expect(observeAll({ patience: 1, restoreBest: false }, [1, 2])[1]?.best).toBeUndefined();
  });

  it('refuses bad options and says what to do (SpecError naming the field)', () => {
    const bad: Array<[EarlyStoppingOptions, 'binary' | 'regression', boolean, RegExp]> = [
      [{ patience: 0 }, 'binary', true, /earlyStopping\.patience: must be a whole number ≥ 1.*got 0/],
      [{ patience: -2 }, 'binary', true, /earlyStopping\.patience: .*got -2/],
      [{ patience: 1.5 }, 'binary', true, /earlyStopping\.patience: .*got 1\.5/],
      [{ patience: 3, monitor: 'loss' as 'validationLoss' }, 'binary', true, /earlyStopping\.monitor: unknown metric "loss"; expected one of validationLoss, validationAccuracy, validationMse/],
      [{ patience: 3, monitor: 'validationAccuracy' }, 'regression', true, /a regression task reports no validationAccuracy; monitor one of validationLoss, validationMse/],
      [{ patience: 3, monitor: 'validationMse' }, 'binary', true, /a binary task reports no validationMse; monitor one of validationLoss, validationAccuracy/],
      [{ patience: 3, minDelta: -0.1 }, 'binary', true, /earlyStopping\.minDelta: must be a finite number ≥ 0/],
      [{ patience: 3 }, 'binary', false, /watches validationLoss, which needs a validation set/],
    ];
    for (const [options, task, hasValidation, message] of bad) {
      expect(() => resolveEarlyStopping(options, task, hasValidation)).toThrow(SpecError);
      expect(() => resolveEarlyStopping(options, task, hasValidation)).toThrow(message);
    }
  });
});

describe('early stopping in fit', () => {
  const patience = 4;

  it('validation metrics are in every epoch log, and the test set only when given', async () => {
    const result = await fit(new MomentumLine(), train, { ...base, epochs: 3 });
    expect(result.history.every((h) => h.validationLoss !== undefined && h.validationMse !== undefined && h.testLoss === undefined)).toBe(true);
    expect(result.history.every((h) => h.validationAccuracy === undefined)).toBe(true);
    expect(result.stopReason).toBe('epochs');
    expect(result.bestEpoch).toBeUndefined();
    const curve = await validationCurve(3);
    expect(result.history.map((h) => h.validationLoss)).toEqual(curve);
  });

  it('stops patience epochs after the best and restores that epoch’s weights and optimizer state exactly', async () => {
    const curve = await validationCurve(base.epochs);
    const expected = expectedStop(curve, patience, 0);
    // The scenario is what the test needs: a best epoch in the middle, and a stop before the end.
    expect(expected.best).toBeGreaterThan(2);
    expect(expected.stop).toBeDefined();

    const model = new MomentumLine();
    const ends: Array<{ epoch: number; stopsEarly: boolean; bestEpoch: number | undefined }> = [];
    const result = await fit(model, train, {
      ...base,
      earlyStopping: { patience },
      onEpochEnd: (log, end) => {
        ends.push({ epoch: log.epoch, stopsEarly: end.stopsEarly, bestEpoch: end.earlyStopping?.bestEpoch });
      },
    });
    expect(result.stopReason).toBe('earlyStopping');
    expect(result.stopped).toBe(true);
    expect(result.bestEpoch).toBe(expected.best);
    expect(result.epochsCompleted).toBe(expected.stop);
    expect(result.history).toHaveLength(expected.stop ?? 0);
    expect(ends.at(-1)).toEqual({ epoch: expected.stop, stopsEarly: true, bestEpoch: expected.best });
    expect(ends.slice(0, -1).every((e) => !e.stopsEarly)).toBe(true);

    // A run stopped by hand at the best epoch: the same weights and optimizer state, bit for bit.
    const byHand = new MomentumLine();
    await fit(byHand, train, { ...base, epochs: expected.best });
    expect(model.getWeights()).toEqual(byHand.getWeights());
    expect(model.getOptimizerState()).toEqual(byHand.getOptimizerState());
    // …and not the weights training had when it stopped.
    const unrestored = new MomentumLine();
    await fit(unrestored, train, { ...base, epochs: expected.stop ?? 0 });
    expect(unrestored.getWeights()).not.toEqual(byHand.getWeights());
  });

  it('with restoreBest: false keeps the weights of the epoch it stopped at', async () => {
    const model = new MomentumLine();
    const result = await fit(model, train, { ...base, earlyStopping: { patience, restoreBest: false } });
    const byHand = new MomentumLine();
    await fit(byHand, train, { ...base, epochs: result.epochsCompleted });
    expect(result.stopReason).toBe('earlyStopping');
    expect(model.getWeights()).toEqual(byHand.getWeights());
    expect(result.earlyStopping?.best).toBeUndefined();
  });

  it('reaching epochs first keeps the last weights, and says so (stopReason epochs)', async () => {
    const curve = await validationCurve(base.epochs);
    const { best } = expectedStop(curve, patience, 0);
    const model = new MomentumLine();
    const result = await fit(model, train, { ...base, epochs: best + 1, earlyStopping: { patience } });
    expect(result.stopReason).toBe('epochs');
    expect(result.stopped).toBe(false);
    expect(result.bestEpoch).toBe(best);
    expect(result.earlyStopping?.epochsSinceBest).toBe(1);
    const byHand = new MomentumLine();
    await fit(byHand, train, { ...base, epochs: best + 1 });
    expect(model.getWeights()).toEqual(byHand.getWeights());
  });

  it('resumed in the middle of the patience window (from a model file), it ends exactly as the uninterrupted run', async () => {
    const straight = new MomentumLine();
    const uninterrupted = await fit(straight, train, { ...base, earlyStopping: { patience } });
    const best = uninterrupted.bestEpoch ?? 0;
    const middle = best + 2;
    expect(middle).toBeLessThan(uninterrupted.epochsCompleted);

    const first = new MomentumLine();
    const part = await fit(first, train, { ...base, epochs: middle, earlyStopping: { patience } });
    expect(part.earlyStopping?.epochsSinceBest).toBe(2);
    // Through a model file, as a checkpoint would carry it.
    const file: ModelFile = {
      spec: first.spec,
      training: first.training,
      weights: first.getWeights(),
      optimizerState: first.getOptimizerState(),
      ...(part.earlyStopping === undefined ? {} : { earlyStopping: part.earlyStopping }),
      metadata: { epochsCompleted: middle },
    };
    const back = parseModelFile(serializeModelFile(file));
    const resumed = new MomentumLine();
    resumed.setWeights(back.weights);
    resumed.setOptimizerState(back.optimizerState!);
    const rest = await fit(resumed, train, { ...base, earlyStopping: { patience }, initialEpoch: middle, ...(back.earlyStopping === undefined ? {} : { initialEarlyStopping: back.earlyStopping }) });
    expect([rest.stopReason, rest.bestEpoch, rest.epochsCompleted]).toEqual([uninterrupted.stopReason, best, uninterrupted.epochsCompleted]);
    expect(resumed.getWeights()).toEqual(straight.getWeights());
    expect(resumed.getOptimizerState()).toEqual(straight.getOptimizerState());
    expect([...part.history, ...rest.history].map((h) => h.validationLoss)).toEqual(uninterrupted.history.map((h) => h.validationLoss));
  });

  it('resumed at the epoch where patience ran out, it trains nothing and restores the best epoch', async () => {
    const stopped = await fit(new MomentumLine(), train, { ...base, earlyStopping: { patience } });
    const exhausted = stopped.earlyStopping!;
    expect(exhausted.epochsSinceBest).toBe(patience);
    // Whatever the model holds when resumed, it ends with the best epoch's weights and optimizer state.
    const model = new MomentumLine();
    model.steps = 7;
    const result = await fit(model, train, { ...base, earlyStopping: { patience }, initialEpoch: stopped.epochsCompleted, initialEarlyStopping: exhausted });
    expect(result.stopReason).toBe('earlyStopping');
    expect(result.history).toEqual([]);
    expect(model.getWeights()).toEqual(exhausted.best?.weights);
    expect(model.steps).toBe(exhausted.best?.optimizerState.step);
  });

  it('stopReason says signal and callback, and early stopping wins over a callback that also stops', async () => {
    const controller = new AbortController();
    const aborted = await fit(new MomentumLine(), train, { ...base, signal: controller.signal, onBatchEnd: () => controller.abort() });
    expect(aborted.stopReason).toBe('signal');
    const called = await fit(new MomentumLine(), train, { ...base, onEpochEnd: () => false });
    expect([called.stopReason, called.epochsCompleted]).toEqual(['callback', 1]);
    // A callback that stops at the very epoch early stopping does: early stopping's, and the best epoch is restored.
    const model = new MomentumLine();
    const both = await fit(model, train, { ...base, earlyStopping: { patience }, onEpochEnd: (_log, end) => !end.stopsEarly });
    expect(both.stopReason).toBe('earlyStopping');
    expect(model.getWeights()).toEqual(both.earlyStopping?.best?.weights);
  });

  it('refuses early stopping without a validation set, and a state passed back without options or for another monitor', async () => {
    await expect(fit(new MomentumLine(), train, { ...base, validation: undefined, earlyStopping: { patience: 2 } })).rejects.toThrow(/needs a validation set/);
    const state: EarlyStoppingState = { monitor: 'validationLoss', bestEpoch: 0, epochsSinceBest: 1 };
    await expect(fit(new MomentumLine(), train, { ...base, initialEarlyStopping: state })).rejects.toThrow(/initialEarlyStopping: is given without earlyStopping options/);
    await expect(fit(new MomentumLine(), train, { ...base, earlyStopping: { patience: 2, monitor: 'validationMse' }, initialEarlyStopping: state })).rejects.toThrow(
      /initialEarlyStopping\.monitor: is validationLoss, but early stopping watches validationMse/,
    );
    await expect(
      fit(new MomentumLine(), train, { ...base, earlyStopping: { patience: 2 }, initialEarlyStopping: { monitor: 'validationLoss', bestEpoch: 3, bestValue: 0.5, epochsSinceBest: 0 } }),
    ).rejects.toThrow(/initialEarlyStopping\.best: is missing/);
  });
});

describe('early stopping in the model file', () => {
  const model = new MomentumLine();
  model.w = 0.1 + 0.2; // not a short decimal: checks the round trip is exact
  const state: EarlyStoppingState = {
    monitor: 'validationMse',
    bestEpoch: 12,
    bestValue: 1 / 3,
    epochsSinceBest: 3,
    best: { weights: pair(Math.PI, -Math.E), optimizerState: { kind: 'momentum', step: 36, slots: { accumulation: pair(1e-300, -7 / 3) } } },
  };
  const file: ModelFile = {
    spec: model.spec,
    training: model.training,
    weights: model.getWeights(),
    optimizerState: model.getOptimizerState(),
    earlyStopping: state,
    metadata: { epochsCompleted: 15, bestEpoch: 12, stopReason: 'epochs' },
  };
  const text = serializeModelFile(file);

  it('round-trips the state bit for bit, and the best epoch and stop reason in the metadata', () => {
    const back = parseModelFile(text);
    expect(back.earlyStopping).toEqual(state);
    expect(back.metadata.bestEpoch).toBe(12);
    expect(back.metadata.stopReason).toBe('epochs');
    const none = parseModelFile(serializeModelFile({ ...file, earlyStopping: { monitor: 'validationLoss', bestEpoch: 0, epochsSinceBest: 2 } }));
    expect(none.earlyStopping).toEqual({ monitor: 'validationLoss', bestEpoch: 0, epochsSinceBest: 2 });
  });

  const mutate = (fn: (json: { earlyStopping: Record<string, unknown> & { best: { weights: { dtype: string }; optimizerState: { slots: Record<string, unknown> } } } }) => void): string => {
    const json = JSON.parse(text) as Parameters<typeof fn>[0];
    fn(json);
    return JSON.stringify(json);
  };
  const bad: Array<[string, string, RegExp]> = [
    ['an unknown monitor', mutate((j) => (j.earlyStopping.monitor = 'loss')), /earlyStopping\.monitor/],
    ['a best value without a best epoch', mutate((j) => (j.earlyStopping.bestEpoch = 0)), /earlyStopping\.bestEpoch: is 0 \(no best epoch yet\), but a best value or best weights are given/],
    ['a best epoch without its value', mutate((j) => delete j.earlyStopping.bestValue), /earlyStopping\.bestValue: is missing for best epoch 12/],
    ['best weights of another precision', mutate((j) => (j.earlyStopping.best.weights.dtype = 'float32')), /earlyStopping\.best\.weights\.dtype: is float32, but the weights are float64/],
    ['a best optimizer state without its slot', mutate((j) => (j.earlyStopping.best.optimizerState.slots = {})), /earlyStopping\.best\.optimizerState\.slots: missing slot "accumulation"/],
    ['an unknown stop reason', JSON.stringify({ ...JSON.parse(text), metadata: { stopReason: 'boredom' } }), /metadata\.stopReason/],
  ];
  for (const [what, malformed, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => parseModelFile(malformed, 'm.json')).toThrow(ModelFileError);
      expect(() => parseModelFile(malformed, 'm.json')).toThrow(message);
    });
  }

  it('refuses to save a non-finite best weight', () => {
    const broken = { ...file, earlyStopping: { ...state, best: { ...state.best!, weights: pair(Number.NaN, 0) } } };
    expect(() => serializeModelFile(broken)).toThrow(/earlyStopping\.best\.weights\/dense_0\/kernel: refusing to save a non-finite value \(NaN\)/);
  });

  it('the size bound doubles when the file also keeps the best epoch', () => {
    const spec = mlp(4, [[8, 'tanh']], [3, 'softmax']);
    const training: TrainingConfig = { loss: 'softmaxCrossEntropy', optimizer: optimizer('adam') };
    const single = modelFileSizeBound(spec, training, 'float32');
    const double = modelFileSizeBound(spec, training, 'float32', { earlyStoppingSnapshot: true });
    // Both bounds hold the fixed 4096-byte allowance once.
    expect(double - 4096).toBe(2 * (single - 4096));
    expect(serializeModelFile(file).length).toBeLessThan(modelFileSizeBound(model.spec, model.training, 'float64', { earlyStoppingSnapshot: true }));
  });
});
