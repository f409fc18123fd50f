export { TfjsEngine, createTfjsEngine, type TfjsEngineOptions } from './engine.js';
export {
  availableBackends,
  NATIVE_INSTALL_HELP,
  TFJS_BACKENDS,
  type BackendAvailability,
  type TfjsBackend,
  type TfjsBackendRequest,
} from './backend.js';
export { TfjsModel, TfjsPreparedData } from './model.js';
export { tfjsEngineProvider } from './provider.js';
