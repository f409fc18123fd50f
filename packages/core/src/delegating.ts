import type { Batch, BatchRows, Engine, Evaluation, LossAndGradients, Model, PreparedData } from './engine.js';
import type { OptimizerState } from './optimizer.js';
import type { DType, Matrix, Weights } from './weights.js';

/**
 * A model that forwards everything to `inner`. Subclass it and override what a planted fault
 * breaks, to check that a test suite or a comparison notices — a check that cannot fail proves
 * nothing.
 *
 * Of the optional methods it offers `evaluate` through its own `loss` and `predict` (so an
 * override of either is seen), and not `trainStepWithOutputs` (which would bypass an overridden
 * `trainStep`): `fit` then evaluates train accuracy with a full pass through `predict`.
 */
export class DelegatingModel implements Model {
  readonly spec: Model['spec'];
  readonly training: Model['training'];
  readonly engine: string;
  readonly backend: string;
  readonly dtype: DType;

  constructor(protected readonly inner: Model) {
    this.spec = inner.spec;
    this.training = inner.training;
    this.engine = inner.engine;
    this.backend = inner.backend;
    this.dtype = inner.dtype;
  }

  predict(x: Matrix): Matrix {
    return this.inner.predict(x);
  }
  loss(batch: Batch): number {
    return this.inner.loss(batch);
  }
  evaluate(batch: Batch): Evaluation {
    return { loss: this.loss(batch), outputs: this.predict(batch.x) };
  }
  lossAndGradients(batch: Batch): LossAndGradients {
    return this.inner.lossAndGradients(batch);
  }
  prepare(data: Batch): PreparedData {
    return this.inner.prepare(data);
  }
  trainStep(data: PreparedData, rows: BatchRows, returnLoss?: boolean): number | undefined {
    return this.inner.trainStep(data, rows, returnLoss);
  }
  getWeights(): Weights {
    return this.inner.getWeights();
  }
  setWeights(weights: Weights): void {
    this.inner.setWeights(weights);
  }
  getOptimizerState(): OptimizerState {
    return this.inner.getOptimizerState();
  }
  setOptimizerState(state: OptimizerState): void {
    this.inner.setOptimizerState(state);
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** An engine whose models are `wrap(model)` of `engine`'s (same name, backend and dtype). */
export function wrapEngine(engine: Engine, wrap: (model: Model) => Model): Engine {
  return {
    name: engine.name,
    backend: engine.backend,
    dtype: engine.dtype,
    createModel: (spec, weights, training) => wrap(engine.createModel(spec, weights, training)),
  };
}
