import { Option, type Command } from 'commander';
import { AUTO_VARIANT, DTYPES, engineId, parseEngineId, type DType, type EngineProvider, type EngineSelector } from '@twinprop/core';
import { engines, loadEngineModule } from '@twinprop/toolkit';
import { UsageError } from './errors.js';

/**
 * `--engine`, `--backend`, `--dtype` and `--engine-module` → an {@link EngineSelector} for the
 * shared engine registry. The registry knows the engines; this file only maps the flags onto a
 * selector and words the contradictions between them for a command line.
 */

/** The engine used when `--engine` is not given (and no model file or checkpoint names one). */
export const DEFAULT_ENGINE = 'reference';

export interface EngineOptions {
  /** An engine name (`tfjs`) or id (`tfjs/wasm`). */
  engine: string;
  /** A variant of the engine (for tfjs, its backend), or `auto`. */
  backend: string;
  dtype?: DType;
  /** Packages or files to load engine providers from, in order. */
  engineModule: string[];
}

export function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

/** `dtypeDefault` describes the default for this command's help, e.g. `float32`. */
export function addEngineOptions(command: Command, dtypeDefault = 'float32'): Command {
  const variants = engines
    .providers()
    .map((p) => `${p.name}: ${p.variants.map((v) => v.name).join(', ')}`)
    .join('; ');
  return command
    .option(
      '--engine <id>',
      `engine name or id: ${engines.providers().map((p) => p.name).join(', ')}, or one of ${engines.ids().join(', ')} (or an engine that --engine-module registers)`,
      DEFAULT_ENGINE,
    )
    .option('--backend <name>', `variant of the engine, such as a TensorFlow.js backend (${variants}); auto: the first that loads here`, AUTO_VARIANT)
    .addOption(new Option('--dtype <dtype>', `precision; only variants that compute in it (default: ${dtypeDefault})`).choices(DTYPES))
    .option('--engine-module <specifier>', 'register the engines a package or .js file exports as engine providers (repeatable)', collect, []);
}

/** What the command line asked of the engine; each field `undefined` when not given there. */
export interface EngineRequest {
  /** The engine's name: `--engine`'s part before the slash. */
  readonly engine: string | undefined;
  /** From `--engine <name>/<variant>` or `--backend`. */
  readonly variant: string | undefined;
  readonly variantFrom: '--engine' | '--backend' | undefined;
  readonly dtype: DType | undefined;
}

/**
 * Loads the `--engine-module`s, then reads the engine flags. An unknown engine name is the
 * registry's UnknownEngineError (listing the registered engines); `--engine tfjs/wasm --backend
 * cpu` is a UsageError.
 */
export async function engineRequest(command: Command, options: EngineOptions): Promise<EngineRequest> {
  for (const specifier of options.engineModule) await loadEngineModule(specifier);
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
  const parsed = given('engine') ? parseEngineId(options.engine) : undefined;
  if (parsed !== undefined) engines.provider(parsed.engine);
  const backend = given('backend') && options.backend !== AUTO_VARIANT ? options.backend : undefined;
  if (parsed?.variant !== undefined && backend !== undefined && backend !== parsed.variant) {
    throw new UsageError(`--engine ${options.engine} already chooses the ${parsed.variant} variant, and --backend ${backend} another; give only one of them`);
  }
  const variant = parsed?.variant ?? backend;
  return {
    engine: parsed?.engine,
    variant,
    variantFrom: parsed?.variant !== undefined ? '--engine' : backend !== undefined ? '--backend' : undefined,
    dtype: options.dtype,
  };
}

/**
 * What a model file or checkpoint suggests, used where the command line says nothing and only when
 * it fits: the engine (when `--engine` is not given), a variant (only of that same engine, and
 * only one its provider offers), a precision (only when the chosen engine has a variant in it).
 */
export interface EnginePreference {
  readonly engine?: string | undefined;
  readonly variant?: string | undefined;
  readonly dtype?: DType | undefined;
}

function variantNames(provider: EngineProvider): string {
  return provider.variants.map((v) => v.name).join(', ');
}

/** The ids of every registered variant that computes in `dtype`. */
function idsIn(dtype: DType): string[] {
  return engines.providers().flatMap((p) => p.variants.filter((v) => v.dtype === dtype).map((v) => engineId(p.name, v.name)));
}

/**
 * The selector for a request, with the preference filled in where it fits. Contradictions are
 * UsageErrors worded for the flags: `--engine reference --backend wasm`, `--engine tfjs --dtype
 * float64`, `--engine reference/float64 --dtype float32`. Anything else the registry refuses is
 * its own UnknownEngineError.
 */
export function engineSelector(request: EngineRequest, preference: EnginePreference = {}): EngineSelector {
  const name = request.engine ?? preference.engine ?? DEFAULT_ENGINE;
  const provider = engines.provider(name);

  let variant = request.variant;
  if (variant !== undefined && request.variantFrom === '--backend' && !provider.variants.some((v) => v.name === variant)) {
    const offeredBy = engines.providers().filter((p) => p.variants.some((v) => v.name === variant));
    const other = offeredBy[0];
    throw new UsageError(
      other === undefined
        ? `--backend ${variant}: the ${name} engine has no variant "${variant}"; it offers ${variantNames(provider)}`
        : `--backend ${variant} applies to the ${offeredBy.map((p) => p.name).join(', ')} engine only; the ${name} engine's variants are ${variantNames(provider)} (drop --backend, or add --engine ${other.name})`,
    );
  }
  const dtype = request.dtype;
  if (dtype !== undefined) {
    const fixed = variant === undefined ? undefined : provider.variants.find((v) => v.name === variant);
    const allowed = fixed === undefined ? provider.variants : [fixed];
    if (!allowed.some((v) => v.dtype === dtype)) {
      const offered = [...new Set(allowed.map((v) => v.dtype))].join(', ');
      const alternatives = idsIn(dtype);
      const or = alternatives.length === 0 ? '' : `, or --engine ${alternatives.join(' or ')} for ${dtype}`;
      throw new UsageError(
        fixed === undefined
          ? `the ${name} engine computes in ${offered} only; use --dtype ${offered}${or}`
          : `${engineId(name, fixed.name)} computes in ${fixed.dtype} only, not ${dtype}; drop --dtype${or}`,
      );
    }
  }

  if (variant === undefined && preference.variant !== undefined && preference.engine === name) {
    const preferred = provider.variants.find((v) => v.name === preference.variant);
    if (preferred !== undefined && (dtype === undefined || preferred.dtype === dtype)) variant = preferred.name;
  }
  let chosenDtype = dtype;
  if (chosenDtype === undefined && variant === undefined && preference.dtype !== undefined) {
    const preferredDtype = preference.dtype;
    if (provider.variants.some((v) => v.dtype === preferredDtype)) chosenDtype = preferredDtype;
  }

  const selector: EngineSelector = { engine: name, variant, dtype: chosenDtype };
  engines.candidates(selector); // the registry's own check (an unknown variant named in --engine)
  return selector;
}

/** `true` when the registry has an engine of this name (`--engine-module` may have added it). */
export function isRegisteredEngine(name: string): boolean {
  return engines.providers().some((p) => p.name === name);
}
