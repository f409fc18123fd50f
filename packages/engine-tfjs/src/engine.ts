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
import { backendInstance, resolveBackend, TFJS_BACKENDS, type TfjsBackend, type TfjsBackendRequest, type TfjsWasmPaths } from './backend.js';
import { TfjsModel } from './model.js';
import { withOps, type TfjsOps, type TfjsOpsOverride } from './ops.js';
import { TFJS_UPDATES, type TfjsUpdates } from './optimizers.js';
import { ENGINE_NAME } from './names.js';

export interface TfjsEngineOptions {
  /**
   * `auto` (default): `tensorflow` if @tensorflow/tfjs-node loads, else `wasm`, else `cpu`. The
   * browser GPU backends `webgl` and `webgpu` are used only when asked for by name.
   */
  readonly backend?: TfjsBackendRequest;
  /**
   * Where the `wasm` backend fetches its `.wasm` files in a browser: a folder URL ending in `/`, or
   * one URL per file (see {@link TfjsWasmPaths}). Not needed under Node (they are read from the
   * installed package). tfjs fetches them once per page: the first `wasm` engine's value applies,
   * and a different value later is an error.
   */
  readonly wasmPaths?: TfjsWasmPaths;
  /** Only `float32` (the default): TensorFlow.js computes in float32. */
  readonly dtype?: DType;
  /**
   * Ops to compute with instead of the engine's own (`ops.ts`), by table and name — for checking
   * that a harness catches a wrong op (a planted fault). Off unless given; affects this engine's
   * models only.
   */
  readonly ops?: TfjsOpsOverride;
  /** Optimizer update rules to use instead of the engine's own (`optimizers.ts`), by kind (same purpose). */
  readonly updates?: Partial<TfjsUpdates>;
}

/** The parts of {@link TfjsEngineOptions} that a loaded backend's engine can take. */
export type TfjsEngineOverrides = Pick<TfjsEngineOptions, 'ops' | 'updates'>;

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
  private readonly ops: TfjsOps;
  private readonly updates: TfjsUpdates;

  constructor(backend: TfjsBackend, backendDetail: string = backend, overrides: TfjsEngineOverrides = {}) {
    this.backend = backend;
    this.backendDetail = backendDetail;
    this.backendObject = backendInstance(backend);
    this.ops = withOps(overrides.ops);
    this.updates = { ...TFJS_UPDATES, ...overrides.updates };
  }

  createModel(spec: ModelSpec, weights: Weights, training: TrainingConfig): Model {
    return new TfjsModel(spec, weights, training, this.backend, this.backendObject, this.ops, this.updates);
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
  const { backend, detail } = await resolveBackend(request, options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths });
  return new TfjsEngine(backend, detail, { ...(options.ops === undefined ? {} : { ops: options.ops }), ...(options.updates === undefined ? {} : { updates: options.updates }) });
}
