/** `@twinprop/engine-tfjs/provider`: the registry entry alone, loading no TensorFlow.js code until asked. */
export { tfjsEngineProvider } from './provider.js';
export { ENGINE_NAME, NATIVE_INSTALL_HELP, TFJS_BACKENDS, type TfjsBackend, type TfjsBackendRequest } from './names.js';
