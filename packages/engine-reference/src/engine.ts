import {
  DTYPES,
  SpecError,
  type Activation,
  type DType,
  type Engine,
  type LossName,
  type ModelSpec,
  type OptimizerKind,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import { ACTIVATION_FUNCTIONS, type ActivationFunction, type ActivationTable } from './activations.js';
import type { LossFunction, RegularizationFunction } from './losses.js';
import { BACKEND_NAME, ENGINE_NAME, MODEL_TABLES, ReferenceModel, type ModelTables } from './model.js';
import type { OptimizerUpdates } from './update-rules.js';

export interface ReferenceEngineOptions {
  /** Precision of every buffer and of the arithmetic's results (default `float32`, like TensorFlow.js). */
  readonly dtype?: DType;
  /**
   * Activation records to use instead of the engine's own, by name — for checking that a harness
   * catches a wrong derivative (a planted fault) without touching the shared table. Each record's
   * `name` must match its key.
   */
  readonly activations?: Partial<Record<Activation, ActivationFunction>>;
  /** Loss records to use instead of the engine's own, by name (same purpose; `name` must match the key). */
  readonly losses?: Partial<Record<LossName, LossFunction>>;
  /** Optimizer update rules to use instead of the engine's own, by kind (same purpose). */
  readonly optimizers?: Partial<OptimizerUpdates>;
  /** A regularization record to use instead of the engine's own (same purpose). */
  readonly regularization?: RegularizationFunction;
}

/** Checks that every swapped-in record is named for its key. */
function checkNames(field: string, records: Readonly<Record<string, { readonly name: string } | undefined>>): void {
  for (const [name, record] of Object.entries(records)) {
    if (record !== undefined && record.name !== name) throw new SpecError(`${field}.${name}`, `the record is named ${JSON.stringify(record.name)}`);
  }
}

/** Kinds an `optimizers` option may name. */
const OPTIMIZER_KINDS: ReadonlySet<string> = new Set<OptimizerKind>(Object.keys(MODEL_TABLES.optimizers) as OptimizerKind[]);

/**
 * The from-scratch engine: hand-written forward and backward passes on typed arrays, no ML
 * dependency. Backend `js`. In float64 it is the engine gradient checks run in.
 */
export class ReferenceEngine implements Engine {
  readonly name = ENGINE_NAME;
  readonly backend = BACKEND_NAME;
  readonly dtype: DType;
  private readonly activations: ActivationTable;
  private readonly tables: ModelTables;

  constructor(options: ReferenceEngineOptions = {}) {
    const dtype = options.dtype ?? 'float32';
    if (!(DTYPES as readonly string[]).includes(dtype)) {
      throw new SpecError('dtype', `unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
    }
    this.dtype = dtype;
    checkNames('activations', options.activations ?? {});
    checkNames('losses', options.losses ?? {});
    for (const kind of Object.keys(options.optimizers ?? {})) {
      if (!OPTIMIZER_KINDS.has(kind)) throw new SpecError(`optimizers.${kind}`, 'not an optimizer of core');
    }
    this.activations = { ...ACTIVATION_FUNCTIONS, ...options.activations };
    this.tables = {
      losses: { ...MODEL_TABLES.losses, ...options.losses },
      optimizers: { ...MODEL_TABLES.optimizers, ...options.optimizers },
      regularization: options.regularization ?? MODEL_TABLES.regularization,
    };
  }

  /** Validates the spec, the training config and the weights' shapes, and copies the weights in. */
  createModel(spec: ModelSpec, weights: Weights, training: TrainingConfig): ReferenceModel {
    return new ReferenceModel(spec, weights, training, this.dtype, this.activations, this.tables);
  }
}

/** `createReferenceEngine({ dtype: 'float64' })`. */
export function createReferenceEngine(options: ReferenceEngineOptions = {}): ReferenceEngine {
  return new ReferenceEngine(options);
}
