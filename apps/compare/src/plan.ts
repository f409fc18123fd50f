import { engineId, parseEngineId, reasonHeadline, UnknownEngineError, type DType, type EngineRegistry, type EngineStatus, type EngineVariant } from '@twinprop/core';
import { kerasGap } from './keras.js';
import { assertUniqueNames, type Scenario } from './scenario.js';
import { SUITE_DEFINITIONS, type Suite, type SuiteName } from './scenarios.js';
import { precisionOf, type Precision } from './tolerances.js';

/**
 * Planning a run: which engines, which pairs of them, which scenarios — and whether the engines
 * load here — before anything trains.
 */

/** The engines of the default matrix: the reference engine (baselines) against each tfjs backend. */
export const REFERENCE_ENGINE = 'reference';
export const TFJS_ENGINE = 'tfjs';

/** An engine by its registry id, and the precision it computes in. */
export interface EngineRef {
  readonly id: string;
  readonly dtype: DType;
}

/** Two engines compared with each other; `precision` picks the tolerances (tolerances.ts). */
export interface EnginePair {
  readonly baseline: EngineRef;
  readonly engine: EngineRef;
  readonly precision: Precision;
}

/** An engine the run considered, and whether it loads here (when not, why). */
export type EngineAvailability =
  | { readonly id: string; readonly dtype: DType; readonly available: true; readonly detail: string }
  | { readonly id: string; readonly dtype: DType; readonly available: false; readonly reason: string };

export interface PlanOptions {
  readonly suite?: SuiteName;
  /** Run these scenarios instead of the suite's (its dtypes and backend policy still apply). */
  readonly scenarios?: readonly Scenario[];
  /**
   * Engine ids (`reference/float64`, `tfjs/wasm`, `tfjs` for the first tfjs backend that loads):
   * the first is the baseline, every other one is compared with it. Default: the suite's matrix,
   * the reference engine in each of the suite's dtypes against tfjs on its backends.
   */
  readonly engines?: readonly string[];
  /** Restrict the tfjs backends of the default matrix (unavailable ones are skipped with their reason). */
  readonly backends?: readonly string[];
  /** Reference dtypes of the default matrix (default: the suite's). */
  readonly dtypes?: readonly DType[];
  /** Keep only rows whose name contains this (case-insensitive). */
  readonly filter?: string;
  /** Run the Keras third opinion where a scenario asks for it (default true). */
  readonly keras?: boolean;
  /** Progress lines (the CLI prints them on stderr). */
  readonly onProgress?: (line: string) => void;
}

export interface PlannedScenario {
  readonly scenario: Scenario;
  readonly pairs: readonly EnginePair[];
  /** Every engine its pairs name, each once, baselines first: each trains once and serves all its pairs. */
  readonly engines: readonly EngineRef[];
  /** The tfjs backends of its pairs' non-baseline engines, on which Keras trains (empty when it does not). */
  readonly kerasBackends: readonly string[];
  /** Why a scenario that asks for the Keras opinion does not get it. */
  readonly kerasGap?: string;
}

export interface ComparisonPlan {
  readonly suite: Suite;
  readonly description: string;
  /** Every engine considered, in order; skipped ones carry their reason. */
  readonly engines: readonly EngineAvailability[];
  /** The pairs compared (before `--filter`). */
  readonly pairs: readonly EnginePair[];
  readonly scenarios: readonly PlannedScenario[];
}

/** Raised for a run that cannot start (unknown or unavailable engine, nothing matched the filter). */
export class HarnessUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessUsageError';
  }
}

/** `<scenario> · <baseline id> vs <engine id>` — what `--filter` matches. */
export function pairName(scenario: Scenario, pair: { readonly baseline: EngineRef; readonly engine: EngineRef }): string {
  return `${scenario.name} · ${pair.baseline.id} vs ${pair.engine.id}`;
}

function makePair(baseline: EngineRef, engine: EngineRef): EnginePair {
  return { baseline: { id: baseline.id, dtype: baseline.dtype }, engine: { id: engine.id, dtype: engine.dtype }, precision: precisionOf(baseline.dtype, engine.dtype) };
}


/** The registry's candidates for an id, its own error message turned into a usage error. */
function candidates(registry: EngineRegistry, selector: string | { engine: string; dtype: DType }): { name: string; variants: EngineVariant[] } {
  try {
    const found = registry.candidates(selector);
    return { name: found.provider.name, variants: found.variants };
  } catch (error) {
    if (error instanceof UnknownEngineError) throw new HarnessUsageError(error.message);
    throw error;
  }
}

function statusOf(statuses: readonly EngineStatus[], id: string, dtype: DType): EngineAvailability {
  const status = statuses.find((s) => s.id === id);
  if (status === undefined) return { id, dtype, available: false, reason: `the registry did not report on ${id}` };
  return status.available ? { id, dtype, available: true, detail: status.detail } : { id, dtype, available: false, reason: status.reason };
}

/**
 * An id as the run will use it: `tfjs` (or `tfjs/auto`) becomes the first variant that loads here.
 * Without `statuses` (listing only) nothing is loaded and `auto` stays `auto`.
 */
function resolveId(registry: EngineRegistry, id: string, statuses: readonly EngineStatus[] | undefined): EngineAvailability {
  const { name, variants } = candidates(registry, id);
  const only = variants.length === 1 ? variants[0] : undefined;
  if (statuses === undefined) {
    const dtype = variants[0]?.dtype ?? 'float32';
    return { id: only === undefined ? engineId(name, 'auto') : engineId(name, only.name), dtype, available: true, detail: 'not checked' };
  }
  if (only !== undefined) return statusOf(statuses, engineId(name, only.name), only.dtype);
  for (const variant of variants) {
    const status = statusOf(statuses, engineId(name, variant.name), variant.dtype);
    if (status.available) return status;
  }
  const reasons = variants.map((v) => {
    const status = statusOf(statuses, engineId(name, v.name), v.dtype);
    return `${v.name}: ${status.available ? 'available' : reasonHeadline(status.reason)}`;
  });
  return { id, dtype: variants[0]?.dtype ?? 'float32', available: false, reason: `no variant of the ${name} engine loads here — ${reasons.join(' | ')}` };
}

interface Pairs {
  readonly pairs: readonly EnginePair[];
  readonly engines: readonly EngineAvailability[];
}

/** `--engines a,b,c`: a is the baseline of (a, b) and (a, c). Every engine named must load. */
async function explicitPairs(ids: readonly string[], options: PlanOptions, registry: EngineRegistry, check: boolean): Promise<Pairs> {
  if (options.backends !== undefined) {
    throw new HarnessUsageError('--backend restricts the default matrix; with --engines name the tfjs backends as ids instead (tfjs/wasm, tfjs/cpu)');
  }
  if (ids.length < 2) throw new HarnessUsageError(`--engines needs at least two ids, the baseline first (got ${ids.length === 0 ? 'none' : ids.join(', ')})`);
  for (const id of ids) candidates(registry, id); // unknown engines and variants fail before anything loads
  const statuses = check ? await registry.availability(ids) : undefined;
  const engines = ids.map((id) => resolveId(registry, id, statuses));
  for (const e of engines) {
    if (!e.available) throw new HarnessUsageError(`${e.id} is not available here: ${e.reason}`);
  }
  const seen = new Set<string>();
  for (const e of engines) {
    if (seen.has(e.id)) throw new HarnessUsageError(`--engines names ${e.id} twice (an engine is not compared with itself)`);
    seen.add(e.id);
  }
  const [baseline, ...others] = engines;
  if (baseline === undefined) throw new HarnessUsageError('--engines names no engine');
  return { pairs: others.map((e) => makePair(baseline, e)), engines };
}

/** The default matrix: the reference engine in each dtype against tfjs on the suite's backends. */
async function matrixPairs(suite: Suite, options: PlanOptions, registry: EngineRegistry, check: boolean): Promise<Pairs> {
  const baselines = (options.dtypes ?? suite.dtypes).map((dtype): EngineRef => {
    const variant = candidates(registry, { engine: REFERENCE_ENGINE, dtype }).variants[0];
    if (variant === undefined) throw new HarnessUsageError(`the ${REFERENCE_ENGINE} engine has no ${dtype} variant`);
    return { id: engineId(REFERENCE_ENGINE, variant.name), dtype: variant.dtype };
  });
  const tfjs = candidates(registry, TFJS_ENGINE).variants;
  for (const backend of options.backends ?? []) {
    if (!tfjs.some((v) => v.name === backend)) {
      throw new HarnessUsageError(`unknown tfjs backend ${JSON.stringify(backend)}; expected ${tfjs.map((v) => v.name).join(', ')}`);
    }
  }
  const requested = tfjs.filter((v) => options.backends === undefined || options.backends.includes(v.name)).map((v): EngineRef => ({ id: engineId(TFJS_ENGINE, v.name), dtype: v.dtype }));
  if (!check) {
    const engines = [...baselines, ...requested].map((e): EngineAvailability => ({ ...e, available: true, detail: 'not checked' }));
    return { pairs: baselines.flatMap((b) => requested.map((e) => makePair(b, e))), engines };
  }
  const statuses = await registry.availability([...baselines, ...requested].map((e) => e.id));
  const baseStatus = baselines.map((b) => statusOf(statuses, b.id, b.dtype));
  for (const b of baseStatus) if (!b.available) throw new HarnessUsageError(`${b.id} is not available here: ${b.reason}`);
  const tfjsStatus = requested.map((e) => statusOf(statuses, e.id, e.dtype));
  for (const s of tfjsStatus) if (!s.available) options.onProgress?.(`skipping ${s.id}: ${s.reason}`);
  let usable = tfjsStatus.filter((s) => s.available);
  if (suite.backends === 'best' && options.backends === undefined) usable = usable.slice(0, 1);
  if (usable.length === 0) {
    throw new HarnessUsageError(
      `no requested TensorFlow.js backend is available (asked for ${options.backends?.join(', ') ?? 'any'}); ` +
        tfjsStatus.map((s) => `${s.id}: ${s.available ? 'available' : s.reason}`).join(' | '),
    );
  }
  return { pairs: baselines.flatMap((b) => usable.map((e) => makePair(b, e))), engines: [...baseStatus, ...tfjsStatus] };
}

function unique(refs: readonly EngineRef[]): EngineRef[] {
  const byId = new Map<string, EngineRef>();
  for (const r of refs) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()];
}

function planScenario(scenario: Scenario, pairs: readonly EnginePair[], keras: boolean): PlannedScenario {
  const engines = unique([...pairs.map((p) => p.baseline), ...pairs.map((p) => p.engine)]);
  const gap = keras && scenario.keras ? kerasGap(scenario) : undefined;
  const kerasBackends =
    keras && scenario.keras && gap === undefined
      ? [
          ...new Set(
            pairs.flatMap((p) => {
              const { engine, variant } = parseEngineId(p.engine.id);
              return engine === TFJS_ENGINE && variant !== undefined ? [variant] : [];
            }),
          ),
        ]
      : [];
  return { scenario, pairs, engines, kerasBackends, ...(gap === undefined ? {} : { kerasGap: gap }) };
}

/**
 * Plans a run. With `check` (running), asks the registry which engines load: an engine named in
 * `engines` that does not is a usage error, a tfjs backend of the default matrix that does not is
 * skipped with its reason. Without (listing), nothing is loaded.
 */
export async function planComparison(options: PlanOptions, registry: EngineRegistry, check = true): Promise<ComparisonPlan> {
  const suite = SUITE_DEFINITIONS[options.suite ?? 'quick'];
  const scenarios = options.scenarios ?? suite.scenarios;
  assertUniqueNames(scenarios);
  const { pairs, engines } =
    options.engines === undefined ? await matrixPairs(suite, options, registry, check) : await explicitPairs(options.engines, options, registry, check);
  const filter = options.filter?.toLowerCase();
  const planned = scenarios
    .map((scenario) => planScenario(scenario, pairs.filter((p) => filter === undefined || pairName(scenario, p).toLowerCase().includes(filter)), options.keras !== false))
    .filter((p) => p.pairs.length > 0);
  if (planned.length === 0 && scenarios.length > 0) throw new HarnessUsageError(`no comparison of the ${suite.name} suite matches --filter ${JSON.stringify(options.filter)}`);
  return { suite, description: options.scenarios === undefined ? suite.description : 'custom scenarios', engines, pairs, scenarios: planned };
}
