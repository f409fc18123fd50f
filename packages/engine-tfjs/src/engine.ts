import {
  SpecError,
  UnsupportedFeatureError,
  type DType,
  type Engine,
  type Model,
  type ModelSpec,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import { backendInstance, resolveBackend, TFJS_BACKENDS, type TfjsBackend, type TfjsBackendRequest } from './backend.js';
import { TfjsModel } from './model.js';
import { ENGINE_NAME } from './names.js';

export interface TfjsEngineOptions {
  /** `auto` (default): `tensorflow` if @tensorflow/tfjs-node loads, else `wasm`, else `cpu`. */
  readonly backend?: TfjsBackendRequest;
  /** Only `float32` (the default): TensorFlow.js computes in float32. */
  readonly dtype?: DType;
}

function assertFloat32(dtype: DType | undefined): void {
  if (dtype !== undefined && dtype !== 'float32') {
    throw new UnsupportedFeatureError(
      ENGINE_NAME,
      `dtype ${String(dtype)}`,
      'TensorFlow.js computes in float32 only; use the reference engine for float64',
    );
  }
}

/**
 * The TensorFlow.js engine. Create it with {@link createTfjsEngine}, which loads the backend; the
 * constructor accepts only a backend that is already loaded and initialized.
 */
export class TfjsEngine implements Engine {
  readonly name = ENGINE_NAME;
  readonly dtype = 'float32' as const;
  /** The backend this engine's models run on (never `auto`). */
  readonly backend: TfjsBackend;
  /** What the backend is, e.g. `XNNPACK, SIMD, single-threaded` or `@tensorflow/tfjs-node@4.22.0 (libtensorflow)`. */
  readonly backendDetail: string;
  private readonly backendObject: object;

  constructor(backend: TfjsBackend, backendDetail: string = backend) {
    this.backend = backend;
    this.backendDetail = backendDetail;
    this.backendObject = backendInstance(backend);
  }

  createModel(spec: ModelSpec, weights: Weights, training: TrainingConfig): Model {
    return new TfjsModel(spec, weights, training, this.backend, this.backendObject);
  }
}

/**
 * Loads the requested backend (once per process) and returns an engine on it. Throws
 * {@link UnsupportedFeatureError} for float64 and `BackendUnavailableError` when the backend
 * cannot load — for `tensorflow`, with what is missing and how to install it.
 */
export async function createTfjsEngine(options: TfjsEngineOptions = {}): Promise<TfjsEngine> {
  assertFloat32(options.dtype);
  const request = options.backend ?? 'auto';
  if (request !== 'auto' && !(TFJS_BACKENDS as readonly string[]).includes(request)) {
    throw new SpecError('backend', `unknown tfjs backend ${JSON.stringify(request)}; expected one of auto, ${TFJS_BACKENDS.join(', ')}`);
  }
  const { backend, detail } = await resolveBackend(request);
  return new TfjsEngine(backend, detail);
}
