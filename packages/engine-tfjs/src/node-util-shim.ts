import { requireNodeProcess } from './node-builtins.js';

/**
 * `@tensorflow/tfjs-node` 4.22.0 calls `util.isNullOrUndefined` (and `util.isArray`) — APIs that
 * Node deprecated long ago, made runtime-deprecated in Node 22 and removed in Node 23
 * (tensorflow/tfjs#8609; the upstream fix, tensorflow/tfjs#8425, is merged but unreleased).
 *
 * Why not simply put the functions back on `require('util')`? That is Node's shared module
 * object: every package in the process would see `util.isNullOrUndefined` reappear, and code
 * that feature-detects it would change behaviour. And why not a shim that exists only *while*
 * tfjs-node loads? Because tfjs-node does not call these functions while loading: each of its
 * files keeps the `util` module object it required (`var util_1 = require("util")`) and reads
 * `util_1.isNullOrUndefined` at call time, when an op runs — long after loading finished.
 *
 * So we do both halves narrowly: while tfjs-node's modules load (a synchronous `require`, so
 * nothing else runs meanwhile), a `require('util')` issued *from a file inside the tfjs-node
 * package* returns an overlay — an object whose prototype is the real `util` and which adds
 * its own `isNullOrUndefined` and `isArray`. tfjs-node's files keep that overlay for good; every
 * other module, before, during and after, gets Node's untouched `util`. The hook on
 * `Module._load` is removed in a `finally`, whether loading succeeds or throws.
 *
 * The overlay's functions are always ours (even on Node 20/22 where Node still has them), which
 * also spares tfjs-node users Node 22's DEP0051/DEP0044 deprecation warnings.
 *
 * Node's modules are looked up when called (`process.getBuiltinModule`), not imported, so that this
 * file, reachable from the engine's entry point, bundles for a browser.
 */

/** The functions tfjs-node 4.22.0 reads from `util` that Node 23 removed or deprecated. */
export const LEGACY_UTIL_FUNCTIONS = {
  isNullOrUndefined: (value: unknown): boolean => value === null || value === undefined,
  isArray: (value: unknown): boolean => Array.isArray(value),
} as const;

/** An object that behaves as Node's `util` plus {@link LEGACY_UTIL_FUNCTIONS}, without touching `util`. */
export function utilOverlay(base: object = requireNodeProcess('the util overlay').getBuiltinModule('node:util')): object {
  const overlay: object = Object.create(base) as object;
  for (const [name, fn] of Object.entries(LEGACY_UTIL_FUNCTIONS)) {
    Object.defineProperty(overlay, name, { value: fn, enumerable: true, writable: false, configurable: false });
  }
  return overlay;
}

type ModuleLoad = (request: string, parent: { filename?: string | null } | null | undefined, isMain: boolean) => unknown;
interface ModuleInternals {
  _load: ModuleLoad;
}

function isInside(file: string | null | undefined, roots: readonly string[], sep: string): boolean {
  if (typeof file !== 'string') return false;
  return roots.some((root) => file === root || file.startsWith(root.endsWith(sep) ? root : root + sep));
}

/**
 * `require(id)` through `requireFrom`, where every `require('util')` / `require('node:util')` made
 * by a file under one of `packageRoots` during this call returns a {@link utilOverlay}. The hook
 * exists only for the duration of this synchronous call.
 */
export function requireWithUtilShim(requireFrom: NodeJS.Require, id: string, packageRoots: readonly string[]): unknown {
  const node = requireNodeProcess('the util shim');
  const path = node.getBuiltinModule('node:path');
  const { realpathSync } = node.getBuiltinModule('node:fs');
  const realPath = (file: string): string => {
    try {
      return realpathSync(file);
    } catch {
      return path.resolve(file);
    }
  };
  // `node:module` is the CommonJS `Module` class (as `require('node:module')` gives it), whose
  // static `_load` resolves and loads every `require` call.
  const Module = node.getBuiltinModule('node:module') as unknown as ModuleInternals;
  const originalLoad = Module._load;
  const overlay = utilOverlay();
  // Node reports module filenames by their real path (symlinks resolved, as pnpm installs).
  const roots = [...new Set(packageRoots.flatMap((root) => [path.resolve(root), realPath(root)]))];
  const patchedLoad: ModuleLoad = function (this: unknown, request, parent, isMain) {
    if ((request === 'util' || request === 'node:util') && isInside(parent?.filename, roots, path.sep)) return overlay;
    return originalLoad.call(this, request, parent, isMain);
  };
  Module._load = patchedLoad;
  try {
    return requireFrom(id);
  } finally {
    Module._load = originalLoad;
  }
}
