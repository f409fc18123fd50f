import { describe, expect, it } from 'vitest';
import type { Batch, BatchRows, Model, PreparedData, TrainingConfig } from './engine.js';
import { NonFiniteLossError, NonFiniteWeightsError } from './errors.js';
import { epochOrder, fit } from './fit.js';
import { optimizer, type OptimizerState } from './optimizer.js';
import { mlp } from './spec.js';
import { matrix, type Matrix, type Weights } from './weights.js';

/**
 * A test double: one linear unit ŷ = x·w + b trained by SGD on MSE, written out by hand, that
 * records which rows each step saw. Enough to test the loop without an engine.
 */
class LinearModel implements Model {
  readonly spec = mlp(1, [], [1, 'linear']);
  readonly training: TrainingConfig = { loss: 'meanSquaredError', optimizer: optimizer('sgd', { learningRate: 0.1 }) };
  readonly engine = 'test';
  readonly backend = 'js';
  readonly dtype = 'float64' as const;
  w = 0;
  b = 0;
  steps = 0;
  seen: number[][] = [];
  constructor(private readonly learningRate = 0.1) {}
  predict(x: Matrix): Matrix {
    return matrix(x.rows, 1, Array.from(x.data, (v) => v * this.w + this.b));
  }
  loss(batch: Batch): number {
    const yHat = Array.from(this.predict(batch.x).data);
    return yHat.reduce((s, v, i) => s + (v - (batch.y.data[i] ?? 0)) ** 2, 0) / yHat.length;
  }
  lossAndGradients(): never {
    throw new Error('not needed');
  }
  prepare(data: Batch): PreparedData & { batch: Batch } {
    return { rows: data.x.rows, batch: data, dispose: () => undefined };
  }
  trainStep(data: PreparedData, rows: BatchRows): number {
    const { batch } = data as PreparedData & { batch: Batch };
    const idx = Array.from(rows.order.subarray(rows.start, rows.end));
    this.seen.push(idx);
    let loss = 0;
    let dw = 0;
    let db = 0;
    for (const r of idx) {
      const x = batch.x.data[r] ?? 0;
      const err = x * this.w + this.b - (batch.y.data[r] ?? 0);
      loss += err * err;
      dw += 2 * err * x;
      db += 2 * err;
    }
    this.w -= (this.learningRate * dw) / idx.length;
    this.b -= (this.learningRate * db) / idx.length;
    this.steps++;
    return loss / idx.length;
  }
  getWeights(): Weights {
    return { dtype: 'float64', layers: [{ kernel: { shape: [1, 1], data: Float64Array.of(this.w) }, bias: { shape: [1], data: Float64Array.of(this.b) } }] };
  }
  setWeights(weights: Weights): void {
    this.w = weights.layers[0]!.kernel.data[0]!;
    this.b = weights.layers[0]!.bias.data[0]!;
  }
  getOptimizerState(): OptimizerState {
    return { kind: 'sgd', step: this.steps, slots: {} };
  }
  setOptimizerState(state: OptimizerState): void {
    this.steps = state.step;
  }
  dispose(): void {}
}

// y = 3x − 1 on 10 points.
const xs = Array.from({ length: 10 }, (_, i) => i / 10);
const line: Batch = { x: matrix(10, 1, xs), y: matrix(10, 1, xs.map((x) => 3 * x - 1)) };

describe('fit', () => {
  it('visits every row once per epoch in minibatches (the last one may be short)', async () => {
    const model = new LinearModel();
    const result = await fit(model, line, { epochs: 2, batchSize: 4, seed: 1, task: 'regression' });
    expect(model.seen.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2]);
    expect(model.seen.slice(0, 3).flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(result.epochsCompleted).toBe(2);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2]);
  });

  it('shuffles with the seed: same seed same order, other seed or epoch another order; no shuffle keeps 0…n−1', () => {
    expect(Array.from(epochOrder(10, 1, 1))).toEqual(Array.from(epochOrder(10, 1, 1)));
    expect(Array.from(epochOrder(10, 1, 1))).not.toEqual(Array.from(epochOrder(10, 2, 1)));
    expect(Array.from(epochOrder(10, 1, 1))).not.toEqual(Array.from(epochOrder(10, 1, 2)));
    expect(Array.from(epochOrder(5, 1, 1, false))).toEqual([0, 1, 2, 3, 4]);
  });

  it('full-batch gradient descent when batchSize ≥ rows, and it learns the line', async () => {
    const model = new LinearModel(0.5);
    const result = await fit(model, line, { epochs: 500, batchSize: 1000, seed: 1, test: line, task: 'regression' });
    expect(model.seen.every((b) => b.length === 10)).toBe(true);
    expect(model.w).toBeCloseTo(3, 3);
    expect(model.b).toBeCloseTo(-1, 3);
    const last = result.history.at(-1)!;
    expect(last.testMse).toBeLessThan(1e-6);
    expect(last.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
  });

  it('resuming at an epoch reaches the same weights as an uninterrupted run', async () => {
    const straight = new LinearModel();
    await fit(straight, line, { epochs: 6, batchSize: 3, seed: 9, task: 'regression' });
    const first = new LinearModel();
    await fit(first, line, { epochs: 4, batchSize: 3, seed: 9, task: 'regression' });
    const resumed = new LinearModel();
    resumed.setWeights(first.getWeights());
    await fit(resumed, line, { epochs: 6, batchSize: 3, seed: 9, initialEpoch: 4, task: 'regression' });
    expect([resumed.w, resumed.b]).toEqual([straight.w, straight.b]);
  });

  it('stops after the current batch when aborted, and resumes mid-epoch to the same weights', async () => {
    const straight = new LinearModel();
    await fit(straight, line, { epochs: 3, batchSize: 2, seed: 4, task: 'regression' });
    const controller = new AbortController();
    const first = new LinearModel();
    const partial = await fit(first, line, {
      epochs: 3,
      batchSize: 2,
      seed: 4,
      task: 'regression',
      signal: controller.signal,
      onBatchEnd: ({ epoch, batch }) => {
        if (epoch === 2 && batch === 1) controller.abort();
      },
    });
    expect(partial.stopped).toBe(true);
    expect([partial.epochsCompleted, partial.batchesCompleted]).toEqual([1, 2]);
    const resumed = new LinearModel();
    resumed.setWeights(first.getWeights());
    await fit(resumed, line, { epochs: 3, batchSize: 2, seed: 4, task: 'regression', initialEpoch: 1, initialBatch: 2 });
    expect([resumed.w, resumed.b]).toEqual([straight.w, straight.b]);
  });

  it('onEpochEnd returning false stops early', async () => {
    const model = new LinearModel();
    const result = await fit(model, line, { epochs: 10, batchSize: 5, seed: 1, task: 'regression', onEpochEnd: (log) => log.epoch < 3 });
    expect(result.epochsCompleted).toBe(3);
    expect(result.stopped).toBe(true);
  });

  it('throws NonFiniteLossError naming the epoch and batch the moment the loss diverges', async () => {
    const model = new LinearModel(50);
    const error = await fit(model, line, { epochs: 100, batchSize: 5, seed: 1, task: 'regression' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect(e.message).toMatch(new RegExp(`at epoch ${e.epoch}, batch ${e.batch}; .*lower learning rate`));
    // Every step before the failing one returned a finite loss: the error came at the first bad batch.
    expect(model.steps).toBe((e.epoch - 1) * 2 + e.batch);
  });

  it('throws NonFiniteWeightsError when the last update of an epoch makes the weights infinite (no later loss would show it)', async () => {
    // One batch per epoch and one epoch: the only loss is computed before the update that diverges.
    const model = new LinearModel(Number.MAX_VALUE);
    const error = await fit(model, line, { epochs: 1, batchSize: 10, seed: 1, task: 'regression' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteWeightsError);
    expect((error as Error).message).toMatch(/weights became -?(Infinity|NaN) \(in dense_0\/kernel\) at epoch 1, batch 1; .*lower learning rate/);
    expect(Number.isFinite(model.w)).toBe(false);
  });

  it('rejects an empty training set and a bad batch size', async () => {
    await expect(fit(new LinearModel(), { x: matrix(0, 1, []), y: matrix(0, 1, []) }, { epochs: 1, batchSize: 1, seed: 1 })).rejects.toThrow(/empty/);
    await expect(fit(new LinearModel(), line, { epochs: 1, batchSize: 0, seed: 1 })).rejects.toThrow(/batch size/);
  });
});

describe("partialBatch 'carry' (the TensorFlow Playground's batching)", () => {
  const rows7: Batch = { x: matrix(7, 1, [0, 1, 2, 3, 4, 5, 6]), y: matrix(7, 1, [0, 0, 0, 0, 0, 0, 0]) };

  it('leaves the rows after the last full batch for the next epoch’s first batch, which takes them first', async () => {
    const model = new LinearModel();
    const result = await fit(model, rows7, { epochs: 3, batchSize: 3, seed: 1, shuffle: false, partialBatch: 'carry' });
    // 7 rows, batch 3: epoch 1 updates on 0-2 and 3-5 (row 6 waits); epochs 2 and 3 start with 6.
    expect(model.seen).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 0, 1, 2],
      [3, 4, 5],
      [6, 0, 1, 2],
      [3, 4, 5],
    ]);
    expect(result.epochsCompleted).toBe(3);
  });

  it('with the default (update) the leftover is a smaller batch of its own', async () => {
    const model = new LinearModel();
    await fit(model, rows7, { epochs: 2, batchSize: 3, seed: 1, shuffle: false });
    expect(model.seen).toEqual([[0, 1, 2], [3, 4, 5], [6], [0, 1, 2], [3, 4, 5], [6]]);
  });

  it('carries the previous epoch’s last rows under shuffling too, and resumes at an epoch boundary to the same batches', async () => {
    const model = new LinearModel();
    await fit(model, rows7, { epochs: 2, batchSize: 2, seed: 9, partialBatch: 'carry' });
    const first = epochOrder(7, 9, 1);
    const second = epochOrder(7, 9, 2);
    expect(model.seen[3]).toEqual([first[6], second[0], second[1]]);
    const resumed = new LinearModel();
    await fit(resumed, rows7, { epochs: 2, batchSize: 2, seed: 9, partialBatch: 'carry', initialEpoch: 1 });
    expect(resumed.seen[0]).toEqual(model.seen[3]);
  });

  it('refuses a batch larger than the training set (no batch would ever fill) and unknown modes', async () => {
    await expect(fit(new LinearModel(), rows7, { epochs: 1, batchSize: 8, seed: 1, partialBatch: 'carry' })).rejects.toThrow(/must not exceed the 7 training rows/);
    await expect(fit(new LinearModel(), rows7, { epochs: 1, batchSize: 2, seed: 1, partialBatch: 'keep' as 'carry' })).rejects.toThrow(/partialBatch must be/);
  });
});

/**
 * A classifier double whose output for row x is its "belief" b(x) = x + shift (one sigmoid-like
 * unit, class 1 when > 0.5); every step adds `drift` to the shift, so the outputs of a batch before
 * its update differ from the outputs after the epoch. Counts which evaluation paths fit used.
 */
class DriftingClassifier extends LinearModel {
  shift = 0;
  calls = { predictRows: 0, loss: 0, evaluate: 0, withOutputs: 0, trainStep: 0 };
  constructor(
    private readonly drift: number,
    private readonly offersOutputs: boolean,
  ) {
    super();
    if (!offersOutputs) (this as { trainStepWithOutputs?: unknown }).trainStepWithOutputs = undefined;
  }
  override predict(x: Matrix): Matrix {
    this.calls.predictRows += x.rows;
    return matrix(x.rows, 1, Array.from(x.data, (v) => v + this.shift));
  }
  override loss(): number {
    this.calls.loss++;
    return 0.25;
  }
  evaluate(batch: Batch): { loss: number; outputs: Matrix } {
    this.calls.evaluate++;
    return { loss: 0.25, outputs: matrix(batch.x.rows, 1, Array.from(batch.x.data, (v) => v + this.shift)) };
  }
  override trainStep(): number {
    this.calls.trainStep++;
    this.shift += this.drift;
    return 0.5;
  }
  trainStepWithOutputs(data: PreparedData, rows: BatchRows, outputs: Float64Array): number {
    this.calls.withOutputs++;
    const { batch } = data as PreparedData & { batch: Batch };
    for (let r = rows.start; r < rows.end; r++) outputs[r - rows.start] = (batch.x.data[rows.order[r]!] ?? 0) + this.shift;
    this.shift += this.drift;
    return 0.5;
  }
}

describe('fit: train accuracy (trainEvaluation)', () => {
  // 10 points x = 0, 0.1, …, 0.9, class 1 when x ≥ 0.35: with shift 0 the model (x > 0.5) gets x = 0.4 and 0.5 wrong.
  const points: Batch = { x: matrix(10, 1, xs), y: matrix(10, 1, xs.map((x) => (x >= 0.35 ? 1 : 0))) };

  it("'batches' (the default) counts each batch's outputs before its update, with no pass over the training set", async () => {
    // Drift 0.1 per step, batches of 5: the first batch is judged at shift 0, the second at 0.1; after the epoch the shift is 0.2.
    const model = new DriftingClassifier(0.1, true);
    const result = await fit(model, points, { epochs: 1, batchSize: 5, seed: 1, task: 'binary', shuffle: false });
    expect(model.calls.withOutputs).toBe(2);
    expect(model.calls.trainStep).toBe(0);
    expect(model.calls.predictRows).toBe(0);
    // Rows 0–4 at shift 0: x = 0.4 wrong (0.4 ≯ 0.5, class 1). Rows 5–9 at shift 0.1: all right. 9 of 10.
    expect(result.history[0]?.trainAccuracy).toBeCloseTo(0.9, 12);
  });

  it("'full' predicts the whole training set after the epoch, with the weights the epoch ended with", async () => {
    const model = new DriftingClassifier(0.1, true);
    const result = await fit(model, points, { epochs: 1, batchSize: 5, seed: 1, task: 'binary', shuffle: false, trainEvaluation: 'full' });
    expect(model.calls.trainStep).toBe(2);
    expect(model.calls.withOutputs).toBe(0);
    expect(model.calls.predictRows).toBe(10);
    // At shift 0.2 the model says class 1 for x ≥ 0.4 (0.3 + 0.2 = 0.5 is not > 0.5): all 10 right (from the batches it would be 0.9).
    expect(result.history[0]?.trainAccuracy).toBe(1);
  });

  it("'none' computes no train accuracy", async () => {
    const model = new DriftingClassifier(0.1, true);
    const result = await fit(model, points, { epochs: 2, batchSize: 5, seed: 1, task: 'binary', trainEvaluation: 'none' });
    expect(result.history.map((h) => h.trainAccuracy)).toEqual([undefined, undefined]);
    expect(model.calls.predictRows).toBe(0);
    expect(model.calls.withOutputs).toBe(0);
  });

  it("an engine without trainStepWithOutputs gets 'full' under 'batches'", async () => {
    const model = new DriftingClassifier(0.1, false);
    const result = await fit(model, points, { epochs: 1, batchSize: 5, seed: 1, task: 'binary', shuffle: false });
    expect(model.calls.trainStep).toBe(2);
    expect(model.calls.predictRows).toBe(10);
    expect(result.history[0]?.trainAccuracy).toBe(1);
  });

  it('evaluates the test set with one evaluate() call per epoch where the engine offers it, else loss() and predict()', async () => {
    const test: Batch = { x: matrix(4, 1, [0.1, 0.45, 0.6, 0.9]), y: matrix(4, 1, [0, 1, 1, 1]) };
    const withEvaluate = new DriftingClassifier(0, true);
    const a = await fit(withEvaluate, points, { epochs: 3, batchSize: 5, seed: 1, task: 'binary', test });
    expect(withEvaluate.calls.evaluate).toBe(3);
    expect(withEvaluate.calls.loss).toBe(0);
    expect(a.history.map((h) => [h.testLoss, h.testAccuracy])).toEqual([[0.25, 0.75], [0.25, 0.75], [0.25, 0.75]]);
    const without = new DriftingClassifier(0, true);
    (without as { evaluate?: unknown }).evaluate = undefined;
    const b = await fit(without, points, { epochs: 3, batchSize: 5, seed: 1, task: 'binary', test });
    expect(without.calls.loss).toBe(3);
    expect(without.calls.predictRows).toBe(12);
    expect(b.history.map((h) => [h.testLoss, h.testAccuracy])).toEqual(a.history.map((h) => [h.testLoss, h.testAccuracy]));
  });

  it("counts a carried first batch (partialBatch 'carry') whole: its rows are more than batchSize", async () => {
    const model = new DriftingClassifier(0, true);
    // 10 rows, batches of 4: epoch 1 trains 8 rows, epoch 2 first takes the 2 left over plus 4.
    const result = await fit(model, points, { epochs: 2, batchSize: 4, seed: 1, task: 'binary', partialBatch: 'carry' });
    expect(model.calls.withOutputs).toBe(4);
    // At shift 0 every row but x = 0.4 and 0.5 (rows 4 and 5) is right.
    const right = (rows: ArrayLike<number>): number => Array.from(rows).filter((r) => r !== 4 && r !== 5).length;
    const [first, second] = [epochOrder(10, 1, 1), epochOrder(10, 1, 2)];
    const epoch2 = [...first.subarray(8), ...second.subarray(0, 8)];
    expect(result.history.map((h) => h.trainAccuracy)).toEqual([right(first.subarray(0, 8)) / 8, right(epoch2) / 10]);
  });

  it('refuses an unknown trainEvaluation', async () => {
    await expect(fit(new DriftingClassifier(0, true), points, { epochs: 1, batchSize: 5, seed: 1, trainEvaluation: 'sometimes' as never })).rejects.toThrow(
      /trainEvaluation must be one of batches, full, none/,
    );
  });
});
