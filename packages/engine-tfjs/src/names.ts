/*
 * Names only — no TensorFlow.js import — so that the engine registry can list this engine and its
 * backends without loading tfjs (which takes a while).
 */

/** The engine's name in ids (`tfjs/wasm`) and in `Model.engine`. */
export const ENGINE_NAME = 'tfjs';

/**
 * The TensorFlow.js backends this engine can run on:
 * - `tensorflow` — native libtensorflow through `@tensorflow/tfjs-node` (or `-gpu`), optional;
 * - `wasm` — `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD where the runtime has it);
 * - `cpu` — `@tensorflow/tfjs-backend-cpu`, plain JavaScript.
 */
export const TFJS_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number];
/** A backend by name, or `auto`: `tensorflow` if it loads, else `wasm`, else `cpu`. */
export type TfjsBackendRequest = 'auto' | TfjsBackend;

/**
 * How to get the native backend. tfjs-node's install script downloads libtensorflow (and a
 * prebuilt addon) from storage.googleapis.com, which fails offline or behind a firewall.
 */
export const NATIVE_INSTALL_HELP =
  'Install it with `npm install @tensorflow/tfjs-node` (or `@tensorflow/tfjs-node-gpu` for CUDA). ' +
  'Its install script downloads libtensorflow from storage.googleapis.com; without direct internet access set ' +
  'TFJS_NODE_CDN_STORAGE to a mirror host (or TFJS_NODE_BASE_URI to the full URL prefix of the libtensorflow archives), ' +
  'in the environment or in .npmrc, before installing. If the package is installed but its native addon is missing, ' +
  'run `npm rebuild @tensorflow/tfjs-node` (with pnpm, allow its build script: `pnpm approve-builds`). ' +
  "Meanwhile the 'wasm' and 'cpu' backends need no native code.";

