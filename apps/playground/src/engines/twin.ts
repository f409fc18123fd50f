/**
 * The engine-driving part of the page, in one module: two (or more) engines train the same model
 * from the same initial weights on the same batches, one Playground epoch at a time, in lockstep.
 * Each epoch is core's `fit` for one epoch (`initialEpoch: e, epochs: e + 1`, no shuffle, the
 * Playground's carried partial batch), so the page trains exactly as `twinprop train` does.
 */
import {
  applyInputFeatures,
  cloneWeights,
  compareWeights,
  fit,
  worstAbs,
  type Batch,
  type Engine,
  type FitOptions,
  type InputFeature,
  type Matrix,
  type Model,
  type ModelSpec,
  type TrainingConfig,
  type ResolvedEngine,
  type Weights,
} from '@twinprop/core';
import { playgroundLoss } from '@twinprop/datasets/playground';
import { gradientCheck, type GradientCheckReport } from '@twinprop/engine-reference';

/** Everything one run needs: the model, its first weights, the data and the batching. */
export interface RunSetup {
  readonly spec: ModelSpec;
  /** Initial weights in float64; each engine gets them rounded to its own dtype. */
  readonly weights: Weights;
  readonly training: TrainingConfig;
  /** Raw points (x₁, x₂) and their targets; the model's inputs are `features` of them. */
  readonly train: Batch;
  readonly test: Batch;
  readonly features: readonly InputFeature[];
  /** How an epoch is trained: the Playground's batch size, no shuffling, carried partial batches. */
  readonly fit: Pick<FitOptions, 'batchSize' | 'seed' | 'shuffle' | 'partialBatch'> & { readonly task: 'binary' | 'multiclass' | 'regression' };
}

/** One engine of the twin and what it has done. */
export class EngineRun {
  /** The engine that made {@link model} (to make it again with another training config). */
  readonly engine: Engine;
  trainLoss = Number.NaN;
  testLoss = Number.NaN;
  /** Milliseconds of this engine's own work in its epochs: updates and the epoch's evaluation. */
  busyMs = 0;
  epochs = 0;
  /** Batches of the epoch in progress already trained (time slicing, see {@link TwinRun.advance}). */
  batchesDone = 0;
  /** Whether this engine has finished the epoch in progress. */
  epochDone = false;
  constructor(
    readonly id: string,
    engine: Engine,
    public model: Model,
  ) {
    this.engine = engine;
  }

  get backend(): string {
    return this.engine.backend;
  }

  /** Epochs per second of this engine's own time. */
  get epochsPerSecond(): number {
    return this.busyMs > 0 ? (this.epochs * 1000) / this.busyMs : Number.NaN;
  }
}

/** What the agreement panel shows. */
export interface Agreement {
  /** max |w_ref − w_other| over every parameter. */
  readonly maxWeightDiff: number;
  readonly trainLossDiff: number;
  readonly testLossDiff: number;
  /** Share of heatmap grid points both engines put in the same class (sign, or arg max). */
  readonly gridAgreement: number;
}

/**
 * The loss the page shows: the Playground's — the mean over points of ½(ŷ − y)², without the
 * regularization term — for every task but multiclass (twinprop only), where it is the model's own
 * loss: the mean cross-entropy plus the regularization term, if any.
 */
export function displayLoss(model: Model, data: Batch, task: RunSetup['fit']['task']): number {
  return task === 'multiclass' ? model.loss(data) : playgroundLoss(model.predict(data.x), data.y);
}

export class TwinRun {
  readonly runs: EngineRun[];
  /** Model inputs (the derived features) of the training and test sets. */
  readonly train: Batch;
  readonly test: Batch;
  epoch = 0;
  private disposed = false;

  constructor(
    public setup: RunSetup,
    engines: readonly ResolvedEngine[],
  ) {
    this.train = { x: applyInputFeatures(setup.features, setup.train.x), y: setup.train.y };
    this.test = { x: applyInputFeatures(setup.features, setup.test.x), y: setup.test.y };
    this.runs = engines.map(({ id, engine }) => new EngineRun(id, engine, engine.createModel(setup.spec, cloneWeights(setup.weights, engine.dtype), setup.training)));
    for (const run of this.runs) this.evaluate(run);
  }

  /** Inputs of the model for raw points (rows × 2). */
  inputsOf(raw: Matrix): Matrix {
    return applyInputFeatures(this.setup.features, raw);
  }

  private evaluate(run: EngineRun): void {
    run.trainLoss = displayLoss(run.model, this.train, this.setup.fit.task);
    run.testLoss = this.test.x.rows > 0 ? displayLoss(run.model, this.test, this.setup.fit.task) : Number.NaN;
  }

  /** Whether an epoch is in progress (some engine has started it, not all have finished it). */
  get midEpoch(): boolean {
    return this.runs.some((r) => r.epochDone || r.batchesDone > 0);
  }

  /** One whole Playground epoch on every engine (finishing the one in progress, if any). */
  async stepEpoch(): Promise<void> {
    while (!this.disposed && !(await this.advance(Number.POSITIVE_INFINITY)));
  }

  /**
   * Trains for about `budgetMs` of the page's time, keeping the engines in lockstep: each engine in
   * turn trains batches of the epoch in progress until it has finished it or the time is up; the
   * next epoch starts only when every engine has finished this one. An engine's epoch is core's
   * `fit` for that epoch (`initialEpoch: e, epochs: e + 1`, resumed at `initialBatch` after a pause),
   * without shuffling and with the Playground's carried partial batch. Returns true when the
   * epoch in progress was completed by every engine.
   *
   * Each engine's time is that of its updates (as `fit` measures them, without the pauses it gives
   * the page) and of its evaluation after the epoch.
   */
  async advance(budgetMs: number): Promise<boolean> {
    if (this.disposed) return false;
    const deadline = performance.now() + budgetMs;
    const next = this.epoch + 1;
    const rows = this.train.x.rows;
    const batchSize = Math.min(this.setup.fit.batchSize, rows);
    const batches = Math.floor(rows / batchSize);
    const leftover = rows - batches * batchSize;
    // Each call trains at least one batch (so any budget makes progress), then stops when the time is up.
    let trained = false;
    for (const run of this.runs) {
      if (run.epochDone) continue;
      if (trained && performance.now() >= deadline) return false;
      trained = true;
      const stop = new AbortController();
      const first = run.batchesDone;
      const result = await fit(run.model, this.train, {
        epochs: next,
        initialEpoch: this.epoch,
        initialBatch: first,
        ...this.setup.fit,
        batchSize,
        signal: stop.signal,
        onBatchEnd: () => {
          if (performance.now() >= deadline) stop.abort();
        },
      });
      const finished = result.epochsCompleted === next;
      const done = finished ? batches : result.batchesCompleted;
      // Rows updated on in this call: its batches, the first of which (from epoch 2 on) carries the leftover.
      const samples = (done - first) * batchSize + (first === 0 && done > 0 && next > 1 ? leftover : 0);
      if (result.samplesPerSecond > 0) run.busyMs += (samples / result.samplesPerSecond) * 1000;
      if (!finished) {
        run.batchesDone = done;
        return false;
      }
      const t0 = performance.now();
      this.evaluate(run);
      run.busyMs += performance.now() - t0;
      run.epochs++;
      run.batchesDone = 0;
      run.epochDone = true;
    }
    for (const run of this.runs) run.epochDone = false;
    this.epoch = next;
    return true;
  }

  /** The batch the next update would take (the first full batch of the next epoch, carried rows first). */
  nextBatch(): Batch {
    const rows = this.train.x.rows;
    const size = Math.min(this.setup.fit.batchSize, rows);
    const leftover = rows - Math.floor(rows / size) * size;
    const indices = this.epoch > 0 && leftover > 0 ? [...range(rows - leftover, rows), ...range(0, size)] : range(0, size);
    return { x: pick(this.train.x, indices), y: pick(this.train.y, indices) };
  }

  /** Finite differences on the next batch, on the first float64 engine (the reference engine). */
  gradientCheck(): GradientCheckReport {
    const run = this.runs.find((r) => r.model.dtype === 'float64');
    if (run === undefined) throw new Error('no float64 engine in this run: the gradient check needs one');
    return gradientCheck(run.model, this.nextBatch());
  }

  agreement(base: EngineRun, other: EngineRun, baseGrid: Matrix | undefined, otherGrid: Matrix | undefined): Agreement {
    const diffs = compareWeights(base.model.getWeights(), cloneWeights(other.model.getWeights(), 'float64'), 1e-3);
    return {
      maxWeightDiff: worstAbs(diffs),
      trainLossDiff: Math.abs(base.trainLoss - other.trainLoss),
      testLossDiff: Math.abs(base.testLoss - other.testLoss),
      gridAgreement: baseGrid !== undefined && otherGrid !== undefined ? sameClassShare(baseGrid, otherGrid) : Number.NaN,
    };
  }

  /**
   * A new learning rate for the epochs to come (the Playground changes it without a reset): each
   * model is made again with the new rate and given the old one's weights and optimizer state.
   */
  setLearningRate(learningRate: number): void {
    const training: TrainingConfig = { ...this.setup.training, optimizer: { ...this.setup.training.optimizer, learningRate } };
    this.setup = { ...this.setup, training };
    for (const run of this.runs) {
      const old = run.model;
      const model = run.engine.createModel(old.spec, old.getWeights(), training);
      model.setOptimizerState(old.getOptimizerState());
      old.dispose();
      run.model = model;
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const run of this.runs) run.model.dispose();
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function pick(m: Matrix, rows: readonly number[]): Matrix {
  const data = new Float64Array(rows.length * m.cols);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return { rows: rows.length, cols: m.cols, data };
}

/** Share of rows where two outputs give the same class: the sign for one column, else the arg max. */
export function sameClassShare(a: Matrix, b: Matrix): number {
  if (a.rows !== b.rows || a.cols !== b.cols || a.rows === 0) return Number.NaN;
  let same = 0;
  for (let r = 0; r < a.rows; r++) {
    if (a.cols === 1) {
      if ((a.data[r]! >= 0) === (b.data[r]! >= 0)) same++;
      continue;
    }
    if (argmax(a, r) === argmax(b, r)) same++;
  }
  return same / a.rows;
}

function argmax(m: Matrix, r: number): number {
  let best = 0;
  for (let k = 1; k < m.cols; k++) if (m.data[r * m.cols + k]! > m.data[r * m.cols + best]!) best = k;
  return best;
}
