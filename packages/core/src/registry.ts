/**
 * The engine registry: engines are chosen by id, never constructed by the apps that use them (as
 * tfjs-core registers backends by name). An id is `<engine>/<variant>` — `reference/float64`,
 * `tfjs/wasm` — or just `<engine>` (or `<engine>/auto`) for the engine's first variant that loads
 * here.
 *
 * An engine package exports an {@link EngineProvider}; whoever wires an application together
 * registers the providers it wants:
 *
 * ```ts
 * const engines = new EngineRegistry().register(referenceEngineProvider).register(tfjsEngineProvider);
 * const engine = await engines.create('tfjs/wasm');
 * ```
 *
 * A third-party engine package does exactly the same: it exports a provider, and is registered.
 */
import { BackendUnavailableError, UnknownEngineError } from './errors.js';
import type { Engine } from './engine.js';
import { DTYPES, type DType } from './weights.js';

/** One way an engine can run: a precision, a compute backend. */
export interface EngineVariant {
  /** The part of the id after the slash: `float64`, `wasm`. Never `auto`. */
  readonly name: string;
  /** The precision its models compute in. */
  readonly dtype: DType;
  /** One line for listings: `plain JavaScript, Float64Array`. */
  readonly description: string;
}

/** Whether a variant loads in this process; when it does not, why. */
export type VariantAvailability =
  | { readonly variant: string; readonly available: true; readonly detail: string }
  | { readonly variant: string; readonly available: false; readonly reason: string };

/** What an engine package exports so that it can be registered. */
export interface EngineProvider {
  /** The part of the id before the slash: `reference`, `tfjs`. Lower case, no slash. */
  readonly name: string;
  /** One line for listings. */
  readonly description: string;
  /** Every variant, in order of preference: `<name>` alone means the first that loads. */
  readonly variants: readonly EngineVariant[];
  /**
   * Whether each variant loads here (trying each at most once per process; loading may be slow,
   * so a provider loads its heavy code only here and in `create`).
   */
  availability(): Promise<readonly VariantAvailability[]>;
  /** An engine of one of `variants` (by name). Throws {@link BackendUnavailableError} when it cannot load. */
  create(options: { readonly variant: string }): Promise<Engine>;
}

/** What a user asks for: an id, or an engine name narrowed by variant and precision. */
export interface EngineSelector {
  /** `reference`, `tfjs`, or a full id such as `tfjs/wasm`. */
  readonly engine: string;
  /** A variant name (`wasm`), or `auto`/undefined for the first that fits and loads. */
  readonly variant?: string | undefined;
  /** Only variants of this precision. */
  readonly dtype?: DType | undefined;
}

/** A created engine and the id it was resolved to (never `…/auto`). */
export interface ResolvedEngine {
  readonly id: string;
  readonly variant: EngineVariant;
  readonly engine: Engine;
}

/** One registered variant and whether it loads here. */
export type EngineStatus = { readonly id: string; readonly engine: string; readonly variant: EngineVariant } & (
  | { readonly available: true; readonly detail: string }
  | { readonly available: false; readonly reason: string }
);

export const AUTO_VARIANT = 'auto';

/** `tfjs/wasm` → `{ engine: 'tfjs', variant: 'wasm' }`; `reference` → `{ engine: 'reference' }`. */
export function parseEngineId(id: string): { engine: string; variant: string | undefined } {
  const trimmed = id.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) return { engine: trimmed, variant: undefined };
  const variant = trimmed.slice(slash + 1);
  return { engine: trimmed.slice(0, slash), variant: variant === '' || variant === AUTO_VARIANT ? undefined : variant };
}

export function engineId(engine: string, variant: string): string {
  return `${engine}/${variant}`;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The first sentence of an availability reason — what a listing shows; the rest (install help,
 * mirrors) follows it in the full reason.
 */
export function reasonHeadline(text: string): string {
  const end = text.indexOf('. ');
  return end < 0 ? text : text.slice(0, end + 1);
}

export class EngineRegistry {
  private readonly byName = new Map<string, EngineProvider>();

  /** Adds a provider; its name must be new, its variants unique and none called `auto`. */
  register(provider: EngineProvider): this {
    if (!NAME.test(provider.name)) {
      throw new TypeError(`engine provider name ${JSON.stringify(provider.name)} must be lower case letters, digits and dashes`);
    }
    if (this.byName.has(provider.name)) throw new TypeError(`an engine named ${JSON.stringify(provider.name)} is already registered`);
    const seen = new Set<string>();
    for (const v of provider.variants) {
      if (!NAME.test(v.name) || v.name === AUTO_VARIANT) throw new TypeError(`${provider.name}: variant name ${JSON.stringify(v.name)} is not allowed`);
      if (seen.has(v.name)) throw new TypeError(`${provider.name}: variant ${v.name} is listed twice`);
      if (!(DTYPES as readonly string[]).includes(v.dtype)) throw new TypeError(`${provider.name}/${v.name}: unknown dtype ${String(v.dtype)}`);
      seen.add(v.name);
    }
    if (seen.size === 0) throw new TypeError(`${provider.name}: a provider needs at least one variant`);
    this.byName.set(provider.name, provider);
    return this;
  }

  /** The registered providers, in registration order. */
  providers(): readonly EngineProvider[] {
    return [...this.byName.values()];
  }

  /** The provider called `name`; throws {@link UnknownEngineError} listing the known ones. */
  provider(name: string): EngineProvider {
    const provider = this.byName.get(name);
    if (provider === undefined) {
      throw new UnknownEngineError(name, `unknown engine ${JSON.stringify(name)}; registered engines: ${[...this.byName.keys()].join(', ')}`);
    }
    return provider;
  }

  /** Every registered id, `<engine>/<variant>`, in registration and preference order. */
  ids(): string[] {
    return this.providers().flatMap((p) => p.variants.map((v) => engineId(p.name, v.name)));
  }

  /** Whether each registered variant (or each of `ids`) loads here, with the reason for each that does not. */
  async availability(ids?: readonly string[]): Promise<EngineStatus[]> {
    const wanted =
      ids === undefined
        ? undefined
        : new Set(ids.flatMap((id) => { const c = this.candidates(id); return c.variants.map((v) => engineId(c.provider.name, v.name)); }));
    const out: EngineStatus[] = [];
    for (const provider of this.providers()) {
      const variants = provider.variants.filter((v) => wanted === undefined || wanted.has(engineId(provider.name, v.name)));
      if (variants.length === 0) continue;
      const statuses = await provider.availability();
      for (const variant of variants) {
        const id = engineId(provider.name, variant.name);
        const status = statuses.find((s) => s.variant === variant.name);
        if (status === undefined) out.push({ id, engine: provider.name, variant, available: false, reason: `${provider.name} did not report on ${variant.name}` });
        else if (status.available) out.push({ id, engine: provider.name, variant, available: true, detail: status.detail });
        else out.push({ id, engine: provider.name, variant, available: false, reason: status.reason });
      }
    }
    return out;
  }

  /**
   * The variants a selector allows, in preference order. Throws {@link UnknownEngineError} for an
   * unknown engine or variant and for a precision the engine does not offer.
   */
  candidates(selector: string | EngineSelector): { provider: EngineProvider; variants: EngineVariant[] } {
    const request = typeof selector === 'string' ? { engine: selector } : selector;
    const parsed = parseEngineId(request.engine);
    const provider = this.provider(parsed.engine);
    const fromId = parsed.variant;
    const given = request.variant === undefined || request.variant === AUTO_VARIANT ? undefined : request.variant;
    if (fromId !== undefined && given !== undefined && fromId !== given) {
      throw new UnknownEngineError(request.engine, `${request.engine} names variant ${fromId}, but variant ${given} was asked for too`);
    }
    const variantName = fromId ?? given;
    const names = provider.variants.map((v) => v.name).join(', ');
    let variants = [...provider.variants];
    if (variantName !== undefined) {
      variants = variants.filter((v) => v.name === variantName);
      if (variants.length === 0) {
        throw new UnknownEngineError(engineId(provider.name, variantName), `the ${provider.name} engine has no variant ${JSON.stringify(variantName)}; it offers ${names}`);
      }
    }
    if (request.dtype !== undefined) {
      const dtype = request.dtype;
      const fitting = variants.filter((v) => v.dtype === dtype);
      if (fitting.length === 0) {
        const which = variantName === undefined ? `the ${provider.name} engine` : engineId(provider.name, variantName);
        const offered = [...new Set(variants.map((v) => v.dtype))].join(', ');
        throw new UnknownEngineError(request.engine, `${which} computes in ${offered} only, not ${dtype}`);
      }
      variants = fitting;
    }
    return { provider, variants };
  }

  /**
   * Creates the engine a selector names. With no variant, the first allowed variant that loads is
   * taken; if none loads, {@link BackendUnavailableError} lists each variant's reason.
   */
  async resolve(selector: string | EngineSelector): Promise<ResolvedEngine> {
    const { provider, variants } = this.candidates(selector);
    const only = variants.length === 1 ? variants[0] : undefined;
    if (only !== undefined) {
      return { id: engineId(provider.name, only.name), variant: only, engine: await provider.create({ variant: only.name }) };
    }
    const statuses = await provider.availability();
    const reasons: string[] = [];
    for (const variant of variants) {
      const status = statuses.find((s) => s.variant === variant.name);
      if (status !== undefined && !status.available) {
        reasons.push(`${variant.name}: ${reasonHeadline(status.reason)}`);
        continue;
      }
      return { id: engineId(provider.name, variant.name), variant, engine: await provider.create({ variant: variant.name }) };
    }
    throw new BackendUnavailableError(AUTO_VARIANT, `no variant of the ${provider.name} engine loads here — ${reasons.join(' | ')}`);
  }

  /** {@link resolve}, keeping only the engine. */
  async create(selector: string | EngineSelector): Promise<Engine> {
    return (await this.resolve(selector)).engine;
  }
}
