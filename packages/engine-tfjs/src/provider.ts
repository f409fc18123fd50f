import type { EngineProvider, VariantAvailability } from '@twinprop/core';
import { ENGINE_NAME, TFJS_BACKENDS, type TfjsBackend, type TfjsWasmPaths } from './names.js';

const DESCRIPTIONS: Readonly<Record<TfjsBackend, string>> = {
  tensorflow: 'native libtensorflow through @tensorflow/tfjs-node (optional; install it yourself; Node only)',
  wasm: 'WebAssembly (XNNPACK) through @tensorflow/tfjs-backend-wasm',
  cpu: 'plain JavaScript through @tensorflow/tfjs-backend-cpu',
  webgl: "a browser's GPU through WebGL (@tensorflow/tfjs-backend-webgl; browsers only, asked for by id)",
  webgpu: "a browser's GPU through WebGPU (import @tensorflow/tfjs-backend-webgpu yourself; browsers only, asked for by id)",
};

function isBackend(name: string): name is TfjsBackend {
  return (TFJS_BACKENDS as readonly string[]).includes(name);
}

/** What {@link createTfjsEngineProvider} takes: options every engine it creates shares. */
export interface TfjsProviderOptions {
  /** Where the `wasm` backend fetches its `.wasm` files in a browser (see `TfjsEngineOptions.wasmPaths`). */
  readonly wasmPaths?: TfjsWasmPaths;
}

/**
 * The TensorFlow.js engine for the engine registry: one variant per backend (`tfjs/tensorflow`,
 * `tfjs/wasm`, `tfjs/cpu`, `tfjs/webgl`, `tfjs/webgpu`), all float32. `tfjs` alone gives the first
 * that loads in this order — never a GPU backend under Node, where `webgl` and `webgpu` report
 * that they need a browser, and in a browser `cpu` comes before them. Creating the provider loads
 * no TensorFlow.js code; asking for availability or an engine does (once per page or process).
 *
 * In a browser, pass `wasmPaths` so that `tfjs/wasm` finds its `.wasm` files.
 */
export function createTfjsEngineProvider(options: TfjsProviderOptions = {}): EngineProvider {
  const load = options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths };
  return {
    name: ENGINE_NAME,
    description: 'the same contracts over TensorFlow.js',
    variants: TFJS_BACKENDS.map((backend) => ({ name: backend, dtype: 'float32' as const, description: DESCRIPTIONS[backend] })),
    async availability(): Promise<VariantAvailability[]> {
      const { availableBackends } = await import('./backend.js');
      return (await availableBackends(TFJS_BACKENDS, load)).map((b) =>
        b.available ? { variant: b.backend, available: true, detail: b.detail } : { variant: b.backend, available: false, reason: b.reason },
      );
    },
    async create({ variant }) {
      if (!isBackend(variant)) throw new TypeError(`tfjs engine: unknown backend ${JSON.stringify(variant)}`);
      const { createTfjsEngine } = await import('./engine.js');
      return createTfjsEngine({ backend: variant, ...load });
    },
  };
}

/** {@link createTfjsEngineProvider} with the defaults (under Node, nothing to configure). */
export const tfjsEngineProvider: EngineProvider = createTfjsEngineProvider();
