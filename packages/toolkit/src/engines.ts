import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { EngineRegistry, TwinpropError, type EngineProvider } from '@twinprop/core';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { enableThreads, type ThreadPool } from '@twinprop/engine-reference/threads';
import { tfjsEngineProvider } from '@twinprop/engine-tfjs/provider';

/**
 * The one place where twinprop's apps get their engines. Every app asks this registry for an id
 * (`reference/float64`, `tfjs/wasm`, `tfjs` for the best backend that loads) and never constructs
 * an engine itself. TensorFlow.js is loaded only when a tfjs engine is asked for, so the reference
 * engine starts instantly.
 */
export function createEngineRegistry(): EngineRegistry {
  return new EngineRegistry().register(referenceEngineProvider).register(quietTfjs(tfjsEngineProvider));
}

/** The registry the apps share (one per process, so that backends load once). */
export const engines: EngineRegistry = createEngineRegistry();

/**
 * Lets the reference engine share its large matrix products with helper threads: `threads` in
 * all, the calling one included (default: every core, at most 8); 1 keeps everything on one
 * thread. Results are bit-identical for any count. The helpers never keep the process alive.
 */
export function useReferenceThreads(threads?: number): ThreadPool {
  return enableThreads(threads === undefined ? {} : { threads });
}

/**
 * TensorFlow.js's cpu backend greets Node.js users with a multi-line console.warn suggesting
 * tfjs-node. The apps already say which backend they run on, so that one message is dropped (from
 * the moment tfjs is first loaded); every other warning passes through.
 */
function quietTfjs(provider: EngineProvider): EngineProvider {
  return {
    ...provider,
    availability: () => {
      silenceTfjsBanner();
      return provider.availability();
    },
    create: (options) => {
      silenceTfjsBanner();
      return provider.create(options);
    },
  };
}

let silenced = false;
function silenceTfjsBanner(): void {
  if (silenced) return;
  silenced = true;
  const original = console.warn.bind(console);
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].includes('looks like you are running TensorFlow.js in Node.js')) return;
    original(...args);
  };
}

/** A module named by `--engine-module` did not load or does not export a provider. */
export class EngineModuleError extends TwinpropError {
  constructor(specifier: string, message: string, options?: { cause?: unknown }) {
    super('ENGINE_MODULE_INVALID', `--engine-module ${specifier}: ${message}`, options);
  }
}

function isProvider(value: unknown): value is EngineProvider {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<EngineProvider>;
  return typeof p.name === 'string' && Array.isArray(p.variants) && typeof p.create === 'function' && typeof p.availability === 'function';
}

/**
 * Loads a third-party engine package (or a local file) and registers the providers it exports —
 * any export that is an {@link EngineProvider} (by convention `engineProvider`). A path that starts
 * with `.` or `/` is taken relative to the working directory. Returns the names registered.
 */
export async function loadEngineModule(specifier: string, registry: EngineRegistry = engines): Promise<string[]> {
  const target = specifier.startsWith('.') || path.isAbsolute(specifier) ? pathToFileURL(path.resolve(specifier)).href : specifier;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(target)) as Record<string, unknown>;
  } catch (error) {
    // Node says where the import came from ("… imported from <this file>"): not the user's concern.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/ imported from \S+$/, '');
    throw new EngineModuleError(specifier, `could not be imported: ${message}`, { cause: error });
  }
  const providers = Object.values(loaded).filter(isProvider);
  if (providers.length === 0) {
    throw new EngineModuleError(specifier, 'exports no engine provider (an object with name, variants, availability() and create())');
  }
  const names: string[] = [];
  for (const provider of providers) {
    if (registry.providers().includes(provider)) continue;
    try {
      registry.register(provider);
    } catch (error) {
      throw new EngineModuleError(specifier, error instanceof Error ? error.message : String(error), { cause: error });
    }
    names.push(provider.name);
  }
  return names;
}
