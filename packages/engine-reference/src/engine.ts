import { DTYPES, SpecError, type Activation, type DType, type Engine, type ModelSpec, type TrainingConfig, type Weights } from '@twinprop/core';
import { ACTIVATION_FUNCTIONS, type ActivationFunction, type ActivationTable } from './activations.js';
import { BACKEND_NAME, ENGINE_NAME, ReferenceModel } from './model.js';

export interface ReferenceEngineOptions {
  /** Precision of every buffer and of the arithmetic's results (default `float32`, like TensorFlow.js). */
  readonly dtype?: DType;
  /**
   * Activation records to use instead of the engine's own, by name — for checking that a harness
   * catches a wrong derivative (a planted fault) without touching the shared table. Each record's
   * `name` must match its key.
   */
  readonly activations?: Partial<Record<Activation, ActivationFunction>>;
}

/**
 * The from-scratch engine: hand-written forward and backward passes on typed arrays, no ML
 * dependency. Backend `js`. In float64 it is the engine gradient checks run in.
 */
export class ReferenceEngine implements Engine {
  readonly name = ENGINE_NAME;
  readonly backend = BACKEND_NAME;
  readonly dtype: DType;
  private readonly activations: ActivationTable;

  constructor(options: ReferenceEngineOptions = {}) {
    const dtype = options.dtype ?? 'float32';
    if (!(DTYPES as readonly string[]).includes(dtype)) {
      throw new SpecError('dtype', `unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
    }
    this.dtype = dtype;
    for (const [name, record] of Object.entries(options.activations ?? {})) {
      if (record.name !== name) throw new SpecError(`activations.${name}`, `the record is named ${JSON.stringify(record.name)}`);
    }
    this.activations = { ...ACTIVATION_FUNCTIONS, ...options.activations };
  }

  /** Validates the spec, the training config and the weights' shapes, and copies the weights in. */
  createModel(spec: ModelSpec, weights: Weights, training: TrainingConfig): ReferenceModel {
    return new ReferenceModel(spec, weights, training, this.dtype, this.activations);
  }
}

/** `createReferenceEngine({ dtype: 'float64' })`. */
export function createReferenceEngine(options: ReferenceEngineOptions = {}): ReferenceEngine {
  return new ReferenceEngine(options);
}
