import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, BackendUnavailableError, LOSSES } from '@twinprop/core';
import {
  NATIVE_INSTALL_HELP,
  TFJS_AUTO_BACKENDS,
  TFJS_BACKENDS,
  type TfjsAutoBackend,
  type TfjsBackend,
  type TfjsBackendRequest,
  type TfjsWasmPaths,
} from './names.js';
import { nodeProcess } from './node-builtins.js';
import { requireWithUtilShim } from './node-util-shim.js';
import { ACTIVATION_OPS, DENSE_GRADIENT_KERNELS, LOSS_OPS } from './ops.js';

export { NATIVE_INSTALL_HELP, TFJS_AUTO_BACKENDS, TFJS_BACKENDS, type TfjsAutoBackend, type TfjsBackend, type TfjsBackendRequest, type TfjsWasmPaths };

export type BackendAvailability =
  | { readonly backend: TfjsBackend; readonly available: true; readonly detail: string }
  | { readonly backend: TfjsBackend; readonly available: false; readonly reason: string };

/** How a backend is loaded; only the `wasm` backend takes anything. */
export interface BackendLoadOptions {
  /**
   * Where the `wasm` backend fetches its `.wasm` files (see {@link TfjsWasmPaths}). Under Node the
   * default is the installed package's `dist/` folder; in a browser, tfjs's own default: the
   * folder of the page. It applies to the first load of the `wasm` backend in the page or process.
   */
  readonly wasmPaths?: TfjsWasmPaths;
}

/** Packages that provide the `tensorflow` backend, most capable first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

interface NativeDetail {
  readonly packageName: string;
  readonly version: string;
}

/** One load attempt per backend per process; the outcome (success or failure) is remembered. */
const loads = new Map<TfjsBackend, Promise<string>>();
/** The `wasmPaths` the `wasm` backend was first loaded with (JSON; `undefined` for the default). */
let wasmPathsLoaded: string | undefined;
/**
 * tfjs-core has one global engine; initializing two backends at once can make it drop one
 * (a later `setBackend` supersedes a pending asynchronous initialization), so loads run one at a time.
 */
let loadQueue: Promise<unknown> = Promise.resolve();

function serialized<T>(task: () => Promise<T>): Promise<T> {
  const run = loadQueue.then(task, task);
  loadQueue = run.catch(() => undefined);
  return run;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim();
}

/** Node's `require`, resolving from this file; `undefined` outside Node. */
function nodeRequire(): NodeJS.Require | undefined {
  return nodeProcess()?.getBuiltinModule('node:module').createRequire(import.meta.url);
}

function packageRoot(require: NodeJS.Require, name: string): string | undefined {
  try {
    return nodeProcess()?.getBuiltinModule('node:path').dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

async function initialize(name: TfjsBackend): Promise<void> {
  if (tf.findBackendFactory(name) === null) {
    throw new BackendUnavailableError(name, `the ${name} backend did not register itself with @tensorflow/tfjs-core ${tf.version_core}`);
  }
  // `setBackend` awaits asynchronous initialization (wasm compiles its module here).
  const ok = await tf.setBackend(name);
  if (!ok || tf.findBackend(name) === null) {
    throw new BackendUnavailableError(name, `TensorFlow.js could not initialize its ${name} backend`);
  }
}

async function loadCpu(): Promise<string> {
  await import('@tensorflow/tfjs-backend-cpu');
  await initialize('cpu');
  return 'pure JavaScript';
}

/** Under Node, the folder of the installed package's `.wasm` files (with a trailing separator). */
function installedWasmFolder(): string | undefined {
  const require = nodeRequire();
  const path = nodeProcess()?.getBuiltinModule('node:path');
  if (require === undefined || path === undefined) return undefined;
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
  } catch {
    // Bundled for Node, away from node_modules: tfjs's own lookup is all there is.
    return undefined;
  }
}

async function loadWasm(paths: TfjsWasmPaths | undefined): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Under Node the .wasm binaries are read from the installed package, explicitly, so that
  // nothing is fetched and bundlers that move this file do not break the lookup. In a browser they
  // are fetched: from `paths`, else from tfjs's default (the page's folder).
  const where = paths ?? installedWasmFolder();
  if (where !== undefined) wasm.setWasmPaths(where);
  try {
    await initialize('wasm');
  } catch (error) {
    if (nodeProcess() !== undefined || !(error instanceof BackendUnavailableError)) throw error;
    const from = where === undefined ? "the page's folder (the default)" : JSON.stringify(where);
    throw new BackendUnavailableError(
      'wasm',
      `${error.message}: in a browser its .wasm files (@tensorflow/tfjs-backend-wasm/dist/*.wasm) are fetched from ${from}; ` +
        'serve them and pass their URL as the engine option `wasmPaths` (the browser console shows the failed fetch)',
      { cause: error },
    );
  }
  // tfjs-backend-wasm 4.x never uses threads under Node (WASM_HAS_MULTITHREAD_SUPPORT is false
  // there); SIMD is used when WebAssembly SIMD validates, which it does on Node ≥ 16. In a browser,
  // threads need a cross-origin-isolated page (SharedArrayBuffer).
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `XNNPACK, ${simd === true ? 'SIMD' : 'no SIMD'}, ${threads === true ? `${wasm.getThreadsCount()} threads` : 'single-threaded'}`;
}

/** What WebGL and WebGPU need of a browser, typed here (the package compiles without the DOM library). */
interface GlContext {
  getExtension(name: string): { readonly UNMASKED_RENDERER_WEBGL: number } | null;
  getParameter(name: number): unknown;
}
interface ContextSource {
  getContext(kind: string): GlContext | null;
}
interface BrowserGlobals {
  readonly document?: { createElement(tag: 'canvas'): ContextSource };
  readonly OffscreenCanvas?: new (width: number, height: number) => ContextSource;
  readonly navigator?: { readonly gpu?: { requestAdapter(): Promise<unknown> } | null };
}
const browser = globalThis as BrowserGlobals;

/** Whether this runtime gives a WebGL context: the renderer's name when it does, else why not. */
function probeWebgl(): { readonly renderer: string } | { readonly problem: string } {
  let canvas: ContextSource | undefined;
  try {
    canvas = browser.OffscreenCanvas === undefined ? browser.document?.createElement('canvas') : new browser.OffscreenCanvas(1, 1);
  } catch (error) {
    return { problem: `a canvas could not be created (${firstLine(error)})` };
  }
  if (canvas === undefined) {
    return { problem: nodeProcess() === undefined ? 'WebGL needs a canvas, and this runtime has none' : 'WebGL needs a browser: Node.js has no WebGL (use wasm or cpu, or tensorflow)' };
  }
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (gl === null) {
    return { problem: 'this browser gives no WebGL context: WebGL is turned off, or there is no GPU and no software renderer for it' };
  }
  // The unmasked renderer says whether a GPU or a software rasterizer (SwiftShader) draws.
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = info === null ? undefined : gl.getParameter(info.UNMASKED_RENDERER_WEBGL);
  return { renderer: typeof renderer === 'string' && renderer !== '' ? renderer : 'renderer not disclosed' };
}

async function loadWebgl(): Promise<string> {
  // Asked before tfjs loads: the answer is often "no", and needs nothing of tfjs.
  const probe = probeWebgl();
  if ('problem' in probe) throw new BackendUnavailableError('webgl', probe.problem);
  await loadGradients(); // @tensorflow/tfjs brings and registers tfjs-backend-webgl (in a browser)
  await initialize('webgl');
  const env = tf.env();
  if (!env.getBool('WEBGL_RENDER_FLOAT32_ENABLED')) {
    throw new BackendUnavailableError(
      'webgl',
      'this WebGL renders to float16 textures only (WEBGL_RENDER_FLOAT32_ENABLED is false), and the engine computes in float32: use wasm or cpu',
    );
  }
  return `WebGL ${env.getNumber('WEBGL_VERSION')}, float32 textures, ${probe.renderer}`;
}

async function loadWebgpu(): Promise<string> {
  const gpu = browser.navigator?.gpu;
  if (gpu === undefined || gpu === null) {
    throw new BackendUnavailableError(
      'webgpu',
      nodeProcess() === undefined
        ? 'this browser has no WebGPU (navigator.gpu is absent: an older browser, WebGPU turned off, or Chromium on Linux without --enable-unsafe-webgpu)'
        : 'WebGPU needs a browser: Node.js has no navigator.gpu (use wasm or cpu, or tensorflow)',
    );
  }
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    throw new BackendUnavailableError('webgpu', `navigator.gpu.requestAdapter() failed: ${firstLine(error)}`, { cause: error });
  }
  if (adapter === null || adapter === undefined) {
    throw new BackendUnavailableError('webgpu', 'this browser has WebGPU but gives no adapter (no GPU it may use, e.g. headless with --disable-gpu)');
  }
  await loadGradients();
  if (tf.findBackendFactory('webgpu') === null) {
    throw new BackendUnavailableError(
      'webgpu',
      `the webgpu backend is not registered: this package does not bring it; import '@tensorflow/tfjs-backend-webgpu' (version ${tf.version_core}) in the application before asking for tfjs/webgpu`,
    );
  }
  await initialize('webgpu');
  return 'WebGPU';
}

/** node-pre-gyp puts the addon at `lib/napi-v<N>/tfjs_binding.node`; its absence means the install script did not finish. */
function hasNativeAddon(root: string): boolean {
  const node = nodeProcess();
  if (node === undefined) return false;
  const { existsSync, readdirSync } = node.getBuiltinModule('node:fs');
  const path = node.getBuiltinModule('node:path');
  try {
    return readdirSync(path.join(root, 'lib')).some((dir) => dir.startsWith('napi-v') && existsSync(path.join(root, 'lib', dir, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

function loadNativePackage(require: NodeJS.Require, name: string, root: string): NativeDetail {
  if (!hasNativeAddon(root)) {
    // Checked before requiring: a doomed require would still load all of @tensorflow/tfjs first.
    throw new Error(`its native addon (lib/napi-v*/tfjs_binding.node) is missing, so its install script did not complete (it downloads libtensorflow)`);
  }
  const node = nodeProcess();
  if (node === undefined) throw new Error('it needs Node.js');
  const manifestPath = node.getBuiltinModule('node:path').join(root, 'package.json');
  const manifest = JSON.parse(node.getBuiltinModule('node:fs').readFileSync(manifestPath, 'utf8')) as { version?: unknown };
  const version = typeof manifest.version === 'string' ? manifest.version : 'unknown';
  if (version !== tf.version_core) {
    // tfjs-node registers its backend through its own copy of @tensorflow/tfjs (and so of
    // tfjs-core). tfjs-core keeps one engine and one kernel registry per process (on globalThis),
    // so a matching copy shares them with ours; a different version would mix kernels of one
    // release with an engine of another.
    throw new Error(
      `${name}@${version} does not match @tensorflow/tfjs-core@${tf.version_core} used by @twinprop/engine-tfjs; install ${name}@${tf.version_core}`,
    );
  }
  requireWithUtilShim(require, name, [root]);
  if (tf.findBackendFactory('tensorflow') === null) {
    throw new Error(`${name} loaded but its 'tensorflow' backend is not registered in the @tensorflow/tfjs-core this engine uses`);
  }
  return { packageName: name, version };
}

async function loadNative(): Promise<string> {
  const require = nodeRequire();
  if (require === undefined) {
    throw new BackendUnavailableError(
      'tensorflow',
      "The 'tensorflow' backend needs @tensorflow/tfjs-node (native libtensorflow), which runs under Node.js only, and this runtime is not Node.js (a browser?). Use 'wasm' or 'cpu' here.",
    );
  }
  const problems: string[] = [];
  for (const name of NATIVE_PACKAGES) {
    const root = packageRoot(require, name);
    if (root === undefined) {
      problems.push(`${name} is not installed`);
      continue;
    }
    let detail: NativeDetail;
    try {
      detail = loadNativePackage(require, name, root);
    } catch (error) {
      problems.push(`${name} is installed but failed to load: ${firstLine(error)}`);
      continue;
    }
    await initialize('tensorflow');
    return `${detail.packageName}@${detail.version} (libtensorflow)`;
  }
  throw new BackendUnavailableError(
    'tensorflow',
    `The 'tensorflow' backend needs @tensorflow/tfjs-node (native libtensorflow), which is not available: ${problems.join('; ')}. ${NATIVE_INSTALL_HELP}`,
  );
}

/**
 * Kernels whose registered gradients the engine's models need, derived from ops.ts: the taped
 * dense layer's, every activation's and every loss's. The regularization adds none — its gradient
 * is computed explicitly, outside the tape.
 */
export const NEEDED_GRADIENTS: readonly string[] = [
  ...new Set([
    ...DENSE_GRADIENT_KERNELS,
    ...ACTIVATIONS.flatMap((activation) => ACTIVATION_OPS[activation].gradientKernels),
    ...LOSSES.flatMap((loss) => LOSS_OPS[loss].gradientKernels),
  ]),
];

let gradients: Promise<void> | undefined;

/**
 * Registers tfjs's gradient functions. `@tensorflow/tfjs-core` ships none in its Node build: its
 * `dist/register_all_gradients` is ES-module source meant for bundlers (extensionless imports),
 * which Node cannot load. The union package `@tensorflow/tfjs` registers all of them — the same
 * gradient code tfjs-node users get — into tfjs-core's global registry when it loads.
 */
function loadGradients(): Promise<void> {
  gradients ??= (async () => {
    await import('@tensorflow/tfjs');
    const missing = NEEDED_GRADIENTS.filter((kernel) => tf.getGradient(kernel) === undefined);
    if (missing.length > 0) {
      throw new Error(`@tensorflow/tfjs did not register gradients for ${missing.join(', ')} in the @tensorflow/tfjs-core this engine uses`);
    }
  })();
  return gradients;
}

/** The key under which `wasmPaths` are remembered. */
function wasmPathsKey(paths: TfjsWasmPaths | undefined): string | undefined {
  if (paths === undefined) return undefined;
  return typeof paths === 'string' ? JSON.stringify(paths) : JSON.stringify(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Loads and initializes `backend` once per process. Resolves to a one-line description; rejects
 * with {@link BackendUnavailableError} (cached: asking again gives the same answer). Asking for
 * `wasm` with `wasmPaths` other than those it was first loaded with is a TypeError: tfjs reads
 * them once.
 */
export function loadBackend(backend: TfjsBackend, options: BackendLoadOptions = {}): Promise<string> {
  const cached = loads.get(backend);
  if (backend === 'wasm' && options.wasmPaths !== undefined && cached !== undefined) {
    const asked = wasmPathsKey(options.wasmPaths);
    if (asked !== wasmPathsLoaded) {
      return Promise.reject(
        new TypeError(
          `tfjs engine: the wasm backend was already loaded ${wasmPathsLoaded === undefined ? 'from its default location' : `with wasmPaths ${wasmPathsLoaded}`}; ` +
            `wasmPaths ${asked ?? ''} cannot change it (tfjs fetches its .wasm files once per page or process)`,
        ),
      );
    }
  }
  if (cached !== undefined) return cached;
  if (backend === 'wasm') wasmPathsLoaded = wasmPathsKey(options.wasmPaths);
  const load = serialized(async () => {
    try {
      switch (backend) {
        case 'tensorflow':
          await loadGradients();
          return await loadNative();
        case 'wasm':
          await loadGradients();
          return await loadWasm(options.wasmPaths);
        case 'cpu':
          await loadGradients();
          return await loadCpu();
        case 'webgl':
          return await loadWebgl();
        case 'webgpu':
          return await loadWebgpu();
      }
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw error;
      throw new BackendUnavailableError(backend, `the ${backend} backend could not be loaded: ${firstLine(error)}`, { cause: error });
    }
  });
  loads.set(backend, load);
  return load;
}

/**
 * Resolves `auto` to the first of {@link TFJS_AUTO_BACKENDS} that loads: `tensorflow`, then
 * `wasm`, then `cpu` (never a GPU backend: those are asked for by name).
 */
export async function resolveBackend(request: TfjsBackendRequest, options: BackendLoadOptions = {}): Promise<{ backend: TfjsBackend; detail: string }> {
  if (request !== 'auto') return { backend: request, detail: await loadBackend(request, options) };
  const reasons: string[] = [];
  for (const backend of TFJS_AUTO_BACKENDS) {
    try {
      return { backend, detail: await loadBackend(backend, options) };
    } catch (error) {
      if (error instanceof TypeError) throw error;
      reasons.push(`${backend}: ${firstLine(error)}`);
    }
  }
  throw new BackendUnavailableError('auto', `no TensorFlow.js backend could be loaded — ${reasons.join(' | ')}`);
}

/**
 * Which backends load in this process (trying each, once), with the reason for each that does not:
 * every backend of {@link TFJS_BACKENDS} unless a subset is given. Under Node, `webgl` and
 * `webgpu` are reported unavailable (they need a browser) without loading anything.
 */
export async function availableBackends(backends: readonly TfjsBackend[] = TFJS_BACKENDS, options: BackendLoadOptions = {}): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  for (const backend of backends) {
    try {
      out.push({ backend, available: true, detail: await loadBackend(backend, options) });
    } catch (error) {
      out.push({ backend, available: false, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/** The engine's private field holding the active backend object (not in tfjs-core's public types). */
function activeBackendInstance(): unknown {
  return (tf.engine() as unknown as { backendInstance?: unknown }).backendInstance;
}

/**
 * Makes `backend` the active tfjs backend before a model runs ops. tfjs has one global active
 * backend, and several engines (say `wasm` and `cpu` in one comparison) share it. The common case
 * — already active — costs two property reads. Switching to an initialized backend is synchronous
 * inside `tf.setBackend` (it only awaits a backend that is still initializing), so the switch is
 * complete when this returns; that is verified rather than assumed.
 */
export function activateBackend(backend: TfjsBackend, instance: object): void {
  const engine = tf.engine();
  if (engine.backendName === backend && activeBackendInstance() === instance) return;
  if (tf.findBackend(backend) !== instance) {
    throw new BackendUnavailableError(backend, `the ${backend} backend was removed from TensorFlow.js while a model still used it`);
  }
  tf.setBackend(backend).catch(() => undefined);
  if (engine.backendName !== backend || activeBackendInstance() !== instance) {
    throw new BackendUnavailableError(backend, `TensorFlow.js did not switch to the ${backend} backend`);
  }
}

/** The initialized backend object for `backend` (after {@link loadBackend} resolved). */
export function backendInstance(backend: TfjsBackend): object {
  const instance = tf.findBackend(backend) as object | null;
  if (instance === null) throw new BackendUnavailableError(backend, `the ${backend} backend is not initialized`);
  return instance;
}
