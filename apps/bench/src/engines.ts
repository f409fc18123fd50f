import type { DType } from '@twinprop/core';

/**
 * Every contender. `tfjs-*` is twinprop's TensorFlow.js engine on one backend; `raw-tfjs-*` is the
 * same model written directly against tfjs ops with `tf.train.sgd` (see raw-tfjs.ts), which tells
 * what the adapter costs.
 */
export const ENGINE_IDS = [
  'reference-float32',
  'reference-float64',
  'tfjs-tensorflow',
  'tfjs-wasm',
  'tfjs-cpu',
  'raw-tfjs-tensorflow',
  'raw-tfjs-wasm',
  'raw-tfjs-cpu',
] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

export type EngineKind = 'reference' | 'tfjs' | 'raw-tfjs';
export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface EngineDescriptor {
  readonly id: EngineId;
  readonly kind: EngineKind;
  /** `js` for the reference engine, else the tfjs backend. */
  readonly backend: 'js' | TfjsBackendName;
  readonly dtype: DType;
  /** Short column label. */
  readonly label: string;
}

export function describeEngine(id: EngineId): EngineDescriptor {
  switch (id) {
    case 'reference-float32':
      return { id, kind: 'reference', backend: 'js', dtype: 'float32', label: 'ref f32' };
    case 'reference-float64':
      return { id, kind: 'reference', backend: 'js', dtype: 'float64', label: 'ref f64' };
    case 'tfjs-tensorflow':
      return { id, kind: 'tfjs', backend: 'tensorflow', dtype: 'float32', label: 'tfjs tensorflow' };
    case 'tfjs-wasm':
      return { id, kind: 'tfjs', backend: 'wasm', dtype: 'float32', label: 'tfjs wasm' };
    case 'tfjs-cpu':
      return { id, kind: 'tfjs', backend: 'cpu', dtype: 'float32', label: 'tfjs cpu' };
    case 'raw-tfjs-tensorflow':
      return { id, kind: 'raw-tfjs', backend: 'tensorflow', dtype: 'float32', label: 'raw tfjs tensorflow' };
    case 'raw-tfjs-wasm':
      return { id, kind: 'raw-tfjs', backend: 'wasm', dtype: 'float32', label: 'raw tfjs wasm' };
    case 'raw-tfjs-cpu':
      return { id, kind: 'raw-tfjs', backend: 'cpu', dtype: 'float32', label: 'raw tfjs cpu' };
  }
}

export function isEngineId(value: string): value is EngineId {
  return (ENGINE_IDS as readonly string[]).includes(value);
}

/** The raw-tfjs contender on the same backend as a tfjs engine contender, and back. */
export function rawCounterpart(id: EngineId): EngineId | undefined {
  switch (id) {
    case 'tfjs-tensorflow':
      return 'raw-tfjs-tensorflow';
    case 'tfjs-wasm':
      return 'raw-tfjs-wasm';
    case 'tfjs-cpu':
      return 'raw-tfjs-cpu';
    case 'reference-float32':
    case 'reference-float64':
    case 'raw-tfjs-tensorflow':
    case 'raw-tfjs-wasm':
    case 'raw-tfjs-cpu':
      return undefined;
  }
}

/** Whether a contender loads in this process, and if not, why. */
export type EngineAvailability =
  | { readonly engine: EngineId; readonly available: true; readonly detail: string }
  | { readonly engine: EngineId; readonly available: false; readonly reason: string };
