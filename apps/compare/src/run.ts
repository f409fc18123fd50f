import type { Engine } from '@twinprop/core';
import { finiteDifferenceCheck, probeFirstBatch, type FiniteDifferenceCheck, type FirstBatchProbe } from './gradients.js';
import { traceKeras } from './keras.js';
import type { EngineRef } from './plan.js';
import type { ScenarioSetup } from './setup.js';
import { traceTraining, type TrainingTrace } from './trajectory.js';

/**
 * Running one engine on one scenario: what it says about the first batch, one full training run,
 * and — for a float64 engine — its gradient against finite differences. Each engine runs once per
 * scenario; every pair it belongs to is computed from this one run.
 */

/** A result, or the error that prevented it (rows report it instead of a value). */
export type Outcome<T> = { readonly ok: true; readonly value: T; readonly seconds: number } | { readonly ok: false; readonly error: string };

export async function attempt<T>(what: string, task: () => T | Promise<T>): Promise<Outcome<T>> {
  const started = performance.now();
  try {
    const value = await task();
    return { ok: true, value, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `${what}: ${message}` };
  }
}

export interface EngineRun {
  readonly engine: EngineRef;
  readonly probe: Outcome<FirstBatchProbe>;
  readonly trace: Outcome<TrainingTrace>;
  /** Float64 engines only: finite differences run in float64. */
  readonly finiteDifferences?: Outcome<FiniteDifferenceCheck>;
}

/** Probes, trains and (in float64) gradient-checks one engine on a scenario. */
export async function runEngine(ref: EngineRef, engine: Outcome<Engine>, setup: ScenarioSetup): Promise<EngineRun> {
  if (!engine.ok) return { engine: ref, probe: engine, trace: engine, ...(ref.dtype === 'float64' ? { finiteDifferences: engine } : {}) };
  const probe = await attempt(`${ref.id} (first batch)`, () => probeFirstBatch(engine.value, setup));
  const trace = await attempt(`${ref.id} (training)`, () => traceTraining(engine.value, setup));
  if (ref.dtype !== 'float64') return { engine: ref, probe, trace };
  const finiteDifferences = await attempt(`${ref.id} (finite differences)`, () => finiteDifferenceCheck(engine.value, setup));
  return { engine: ref, probe, trace, finiteDifferences };
}

/** tfjs-layers' own Keras-style training of the scenario on one tfjs backend. */
export function runKeras(setup: ScenarioSetup, backend: string): Promise<Outcome<TrainingTrace>> {
  return attempt(`keras/${backend}`, () => traceKeras(setup, backend));
}

/** Probe plus training time of a run (0 for what failed). */
export function runSeconds(run: EngineRun): number {
  return (run.probe.ok ? run.probe.seconds : 0) + (run.trace.ok ? run.trace.seconds : 0);
}
