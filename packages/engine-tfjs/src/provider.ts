import type { EngineProvider, VariantAvailability } from '@twinprop/core';
import { ENGINE_NAME, TFJS_BACKENDS, type TfjsBackend } from './names.js';

const DESCRIPTIONS: Readonly<Record<TfjsBackend, string>> = {
  tensorflow: 'native libtensorflow through @tensorflow/tfjs-node (optional; install it yourself)',
  wasm: 'WebAssembly (XNNPACK) through @tensorflow/tfjs-backend-wasm',
  cpu: 'plain JavaScript through @tensorflow/tfjs-backend-cpu',
};

function isBackend(name: string): name is TfjsBackend {
  return (TFJS_BACKENDS as readonly string[]).includes(name);
}

/**
 * The TensorFlow.js engine for the engine registry: one variant per backend, in the order `auto`
 * tries them (`tfjs/tensorflow`, `tfjs/wasm`, `tfjs/cpu`), all float32. Importing this module loads
 * no TensorFlow.js code; asking for availability or an engine does (once per process).
 */
export const tfjsEngineProvider: EngineProvider = {
  name: ENGINE_NAME,
  description: 'the same contracts over TensorFlow.js',
  variants: TFJS_BACKENDS.map((backend) => ({ name: backend, dtype: 'float32' as const, description: DESCRIPTIONS[backend] })),
  async availability(): Promise<VariantAvailability[]> {
    const { availableBackends } = await import('./backend.js');
    return (await availableBackends()).map((b) =>
      b.available ? { variant: b.backend, available: true, detail: b.detail } : { variant: b.backend, available: false, reason: b.reason },
    );
  },
  async create({ variant }) {
    if (!isBackend(variant)) throw new TypeError(`tfjs engine: unknown backend ${JSON.stringify(variant)}`);
    const { createTfjsEngine } = await import('./engine.js');
    return createTfjsEngine({ backend: variant });
  },
};
