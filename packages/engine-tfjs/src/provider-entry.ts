/** `@twinprop/engine-tfjs/provider`: the registry entry alone, loading no TensorFlow.js code until asked. */
export { createTfjsEngineProvider, tfjsEngineProvider, type TfjsProviderOptions } from './provider.js';
export {
  ENGINE_NAME,
  NATIVE_INSTALL_HELP,
  TFJS_AUTO_BACKENDS,
  TFJS_BACKENDS,
  WASM_BINARIES,
  type TfjsAutoBackend,
  type TfjsBackend,
  type TfjsBackendRequest,
  type TfjsWasmPaths,
  type WasmBinary,
} from './names.js';
