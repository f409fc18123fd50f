export { TfjsEngine, createTfjsEngine, type TfjsEngineOptions, type TfjsEngineOverrides } from './engine.js';
export {
  ACTIVATION_OPS,
  LOSS_OPS,
  TFJS_OPS,
  type ActivationOp,
  type LossOp,
  type RegularizationOps,
  type TfjsOps,
  type TfjsOpsOverride,
} from './ops.js';
export { accumulatedBeta, TFJS_UPDATES, type TfjsUpdate, type TfjsUpdates } from './optimizers.js';
export {
  availableBackends,
  NATIVE_INSTALL_HELP,
  TFJS_AUTO_BACKENDS,
  TFJS_BACKENDS,
  type BackendAvailability,
  type BackendLoadOptions,
  type TfjsAutoBackend,
  type TfjsBackend,
  type TfjsBackendRequest,
  type TfjsWasmPaths,
} from './backend.js';
export { WASM_BINARIES, type WasmBinary } from './names.js';
export { TfjsModel, TfjsPreparedData } from './model.js';
export { createTfjsEngineProvider, tfjsEngineProvider, type TfjsProviderOptions } from './provider.js';
