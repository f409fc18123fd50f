import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, BackendUnavailableError, LOSSES } from '@twinprop/core';
import { NATIVE_INSTALL_HELP, TFJS_BACKENDS, type TfjsBackend, type TfjsBackendRequest } from './names.js';
import { requireWithUtilShim } from './node-util-shim.js';
import { ACTIVATION_OPS, DENSE_GRADIENT_KERNELS, LOSS_OPS } from './ops.js';

export { NATIVE_INSTALL_HELP, TFJS_BACKENDS, type TfjsBackend, type TfjsBackendRequest };

export type BackendAvailability =
  | { readonly backend: TfjsBackend; readonly available: true; readonly detail: string }
  | { readonly backend: TfjsBackend; readonly available: false; readonly reason: string };

const require = createRequire(import.meta.url);

/** Packages that provide the `tensorflow` backend, most capable first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

interface NativeDetail {
  readonly packageName: string;
  readonly version: string;
}

/** One load attempt per backend per process; the outcome (success or failure) is remembered. */
const loads = new Map<TfjsBackend, Promise<string>>();
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

function packageRoot(name: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
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

async function loadWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries ship inside the package; point the loader at them explicitly so that
  // nothing is fetched and bundlers that move this file do not break the lookup.
  const folder = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
  wasm.setWasmPaths(folder);
  await initialize('wasm');
  // tfjs-backend-wasm 4.x never uses threads under Node (WASM_HAS_MULTITHREAD_SUPPORT is false
  // there); SIMD is used when WebAssembly SIMD validates, which it does on Node ≥ 16.
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `XNNPACK, ${simd === true ? 'SIMD' : 'no SIMD'}, ${threads === true ? `${wasm.getThreadsCount()} threads` : 'single-threaded'}`;
}

/** node-pre-gyp puts the addon at `lib/napi-v<N>/tfjs_binding.node`; its absence means the install script did not finish. */
function hasNativeAddon(root: string): boolean {
  try {
    return readdirSync(path.join(root, 'lib')).some((dir) => dir.startsWith('napi-v') && existsSync(path.join(root, 'lib', dir, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

function loadNativePackage(name: string, root: string): NativeDetail {
  if (!hasNativeAddon(root)) {
    // Checked before requiring: a doomed require would still load all of @tensorflow/tfjs first.
    throw new Error(`its native addon (lib/napi-v*/tfjs_binding.node) is missing, so its install script did not complete (it downloads libtensorflow)`);
  }
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
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
  const problems: string[] = [];
  for (const name of NATIVE_PACKAGES) {
    const root = packageRoot(name);
    if (root === undefined) {
      problems.push(`${name} is not installed`);
      continue;
    }
    let detail: NativeDetail;
    try {
      detail = loadNativePackage(name, root);
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

/**
 * Loads and initializes `backend` once per process. Resolves to a one-line description; rejects
 * with {@link BackendUnavailableError} (cached: asking again gives the same answer).
 */
export function loadBackend(backend: TfjsBackend): Promise<string> {
  const cached = loads.get(backend);
  if (cached !== undefined) return cached;
  const load = serialized(async () => {
    try {
      await loadGradients();
      switch (backend) {
        case 'tensorflow':
          return await loadNative();
        case 'wasm':
          return await loadWasm();
        case 'cpu':
          return await loadCpu();
      }
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw error;
      throw new BackendUnavailableError(backend, `the ${backend} backend could not be loaded: ${firstLine(error)}`, { cause: error });
    }
  });
  loads.set(backend, load);
  return load;
}

/** Resolves `auto` to the first backend that loads: `tensorflow`, then `wasm`, then `cpu`. */
export async function resolveBackend(request: TfjsBackendRequest): Promise<{ backend: TfjsBackend; detail: string }> {
  if (request !== 'auto') return { backend: request, detail: await loadBackend(request) };
  const reasons: string[] = [];
  for (const backend of TFJS_BACKENDS) {
    try {
      return { backend, detail: await loadBackend(backend) };
    } catch (error) {
      reasons.push(`${backend}: ${firstLine(error)}`);
    }
  }
  throw new BackendUnavailableError('auto', `no TensorFlow.js backend could be loaded — ${reasons.join(' | ')}`);
}

/**
 * Which backends load in this process (trying each, once), with the reason for each that does not.
 * Pass a subset to check only those.
 */
export async function availableBackends(backends: readonly TfjsBackend[] = TFJS_BACKENDS): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  for (const backend of backends) {
    try {
      out.push({ backend, available: true, detail: await loadBackend(backend) });
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
