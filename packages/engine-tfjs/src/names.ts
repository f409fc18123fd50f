/*
 * Names only — no TensorFlow.js import — so that the engine registry can list this engine and its
 * backends without loading tfjs (which takes a while).
 */

/** The engine's name in ids (`tfjs/wasm`) and in `Model.engine`. */
export const ENGINE_NAME = 'tfjs';

/**
 * The TensorFlow.js backends this engine can run on, in the registry's order:
 * - `tensorflow` — native libtensorflow through `@tensorflow/tfjs-node` (or `-gpu`), optional; Node only;
 * - `wasm` — `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD where the runtime has it); Node and browsers;
 * - `cpu` — `@tensorflow/tfjs-backend-cpu`, plain JavaScript; anywhere;
 * - `webgl` — `@tensorflow/tfjs-backend-webgl` (which `@tensorflow/tfjs` brings), a browser's GPU
 *   through WebGL; browsers only, and only where WebGL renders to float32 textures;
 * - `webgpu` — `@tensorflow/tfjs-backend-webgpu`, which the application imports itself (this package
 *   does not depend on it); browsers with `navigator.gpu` only.
 */
export const TFJS_BACKENDS = ['tensorflow', 'wasm', 'cpu', 'webgl', 'webgpu'] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number];

/**
 * The backends `auto` tries, in this order: the ones that compute in IEEE float32 wherever they
 * load. They are also the ones that can run under Node. The GPU backends (`webgl`, `webgpu`) are
 * never picked by `auto` — for networks of this size their per-op dispatch costs more than the
 * arithmetic it saves, and WebGL may compute in float16 — so they are asked for by id (`tfjs/webgl`).
 */
export const TFJS_AUTO_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const satisfies readonly TfjsBackend[];
export type TfjsAutoBackend = (typeof TFJS_AUTO_BACKENDS)[number];

/** A backend by name, or `auto`: `tensorflow` if it loads, else `wasm`, else `cpu`. */
export type TfjsBackendRequest = 'auto' | TfjsBackend;

/** The file names of `@tensorflow/tfjs-backend-wasm`'s three binaries (in its `dist/`). */
export const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
export type WasmBinary = (typeof WASM_BINARIES)[number];

/**
 * Where the `wasm` backend fetches its binaries from, as tfjs's `setWasmPaths` takes it: a folder
 * URL ending in `/` (`'/wasm/'`, `'https://cdn.example/tfjs-backend-wasm@4.22.0/dist/'`) holding
 * all three, or one URL per binary (what a bundler's asset import gives, e.g. Vite's `?url`).
 * Under Node it is not needed: the binaries are read from the installed package.
 */
export type TfjsWasmPaths = string | Partial<Readonly<Record<WasmBinary, string>>>;

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

