import { DTYPES, SpecError, type DType, type Engine, type ModelSpec, type TrainingConfig, type Weights } from '@twinprop/core';
import { BACKEND_NAME, ENGINE_NAME, ReferenceModel } from './model.js';

export interface ReferenceEngineOptions {
  /** Precision of every buffer and of the arithmetic's results (default `float32`, like TensorFlow.js). */
  readonly dtype?: DType;
}

/**
 * The from-scratch engine: hand-written forward and backward passes on typed arrays, no ML
 * dependency. Backend `js`. In float64 it is the engine gradient checks run in.
 */
export class ReferenceEngine implements Engine {
  readonly name = ENGINE_NAME;
  readonly backend = BACKEND_NAME;
  readonly dtype: DType;

  constructor(options: ReferenceEngineOptions = {}) {
    const dtype = options.dtype ?? 'float32';
    if (!(DTYPES as readonly string[]).includes(dtype)) {
      throw new SpecError('dtype', `unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
    }
    this.dtype = dtype;
  }

  /** Validates the spec, the training config and the weights' shapes, and copies the weights in. */
  createModel(spec: ModelSpec, weights: Weights, training: TrainingConfig): ReferenceModel {
    return new ReferenceModel(spec, weights, training, this.dtype);
  }
}

/** `createReferenceEngine({ dtype: 'float64' })`. */
export function createReferenceEngine(options: ReferenceEngineOptions = {}): ReferenceEngine {
  return new ReferenceEngine(options);
}
