import type { DType, Engine } from '@twinprop/core';
import { createReferenceEngine } from '@twinprop/engine-reference';
import { availableBackends, createTfjsEngine, TFJS_BACKENDS, type TfjsBackend } from '@twinprop/engine-tfjs';

/**
 * Where the harness gets its engines. Injectable so that tests can hand it a wrapped engine with a
 * planted fault and check that the harness notices.
 */
export interface EngineFactories {
  /** The from-scratch engine in `dtype` (float64 also runs the finite-difference check). */
  readonly reference: (dtype: DType) => Engine | Promise<Engine>;
  /** The TensorFlow.js engine on `backend` (already known to load). */
  readonly tfjs: (backend: TfjsBackend) => Engine | Promise<Engine>;
}

export const DEFAULT_ENGINES: EngineFactories = {
  reference: (dtype) => createReferenceEngine({ dtype }),
  tfjs: (backend) => createTfjsEngine({ backend }),
};

export interface BackendStatus {
  readonly backend: TfjsBackend;
  readonly available: boolean;
  /** What it is (`XNNPACK, SIMD, single-threaded`), or why it is not available. */
  readonly detail: string;
}

export function isTfjsBackend(name: string): name is TfjsBackend {
  return (TFJS_BACKENDS as readonly string[]).includes(name);
}

/** Loads every tfjs backend once and says which are available (and why the others are not). */
export async function discoverBackends(): Promise<BackendStatus[]> {
  return (await availableBackends()).map((b) =>
    b.available ? { backend: b.backend, available: true, detail: b.detail } : { backend: b.backend, available: false, detail: b.reason },
  );
}
