/**
 * The one conformance suite every engine runs (`@twinprop/core/testing`). It checks an engine
 * against the contracts and formulas written down in core — never against another engine — so a
 * passing engine is right on its own terms. Engines call it at the top level of a test file:
 *
 * ```ts
 * runConformanceSuite({ name: 'reference', dtypes: ['float32', 'float64'], createEngine: (dtype) => new ReferenceEngine({ dtype }) });
 * ```
 *
 * The checks are grouped by contract area, one `describe` each (conformance/*.ts). What they cover
 * is derived from core's tables — `ACTIVATION_DEFINITIONS`, `LOSS_DEFINITIONS`,
 * `OPTIMIZER_DEFINITIONS`, `LR_SCHEDULES` — so a new activation, loss or optimizer is tested without
 * an edit here (a new schedule needs its case in conformance/schedules.ts, or it does not compile).
 *
 * Known gaps are an explicit list `{ 'test name': 'reason' }`: those tests are skipped and the
 * reason is printed. A key that names no test is an error, thrown when the suite is set up.
 */
import { beforeAll, describe, it } from 'vitest';
import type { Engine } from '../engine.js';
import { SpecError } from '../errors.js';
import type { DType } from '../weights.js';
import type { ConformanceArea, ConformanceContext } from './conformance/context.js';
import { earlyStoppingArea } from './conformance/early-stopping.js';
import { forwardArea } from './conformance/forward.js';
import { gradientArea } from './conformance/gradients.js';
import { identityArea } from './conformance/identity.js';
import { lifecycleArea } from './conformance/lifecycle.js';
import { lossArea } from './conformance/losses.js';
import { optimizerArea } from './conformance/optimizers.js';
import { regularizationArea } from './conformance/regularization.js';
import { scheduleArea } from './conformance/schedules.js';
import { CONFORMANCE_TOLERANCE } from './conformance/tolerances.js';
import { trainingArea } from './conformance/training.js';
import { validationArea } from './conformance/validation.js';

export { CONFORMANCE_TOLERANCE, expectClose, type ConformanceTolerances } from './conformance/tolerances.js';
export type { ConformanceArea, ConformanceContext, ConformanceTest } from './conformance/context.js';

export interface ConformanceOptions {
  /** Shown in test names, e.g. `tfjs/wasm`. */
  readonly name: string;
  readonly dtypes: readonly DType[];
  readonly createEngine: (dtype: DType) => Engine | Promise<Engine>;
  /**
   * Tests this engine is known to fail, by test name (see {@link conformanceTestNames}), each with
   * the reason. They are skipped, and the reason is printed. An unknown name is an error.
   */
  readonly knownGaps?: Readonly<Record<string, string>>;
}

/** The contract areas, in the order they run. */
export const CONFORMANCE_AREAS: readonly ConformanceArea[] = [
  identityArea,
  validationArea,
  forwardArea,
  lossArea,
  gradientArea,
  regularizationArea,
  optimizerArea,
  scheduleArea,
  trainingArea,
  earlyStoppingArea,
  lifecycleArea,
];

/** Every test's name, the keys `knownGaps` may use. Unique across the suite. */
export function conformanceTestNames(): string[] {
  return CONFORMANCE_AREAS.flatMap((area) => area.tests.map((t) => t.name));
}

/** Throws unless every test name is unique and every gap names a test and gives a reason. */
function checkKnownGaps(knownGaps: Readonly<Record<string, string>>): void {
  const names = conformanceTestNames();
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`conformance suite: two tests are named ${JSON.stringify(name)}`);
    seen.add(name);
  }
  for (const [key, reason] of Object.entries(knownGaps)) {
    if (!seen.has(key)) {
      throw new SpecError(`knownGaps[${JSON.stringify(key)}]`, `names no conformance test; the tests are:\n${names.map((n) => `  ${n}`).join('\n')}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') throw new SpecError(`knownGaps[${JSON.stringify(key)}]`, 'needs a reason');
  }
}

/**
 * Registers the suite: for each dtype a `describe` that creates the engine once, and inside it one
 * `describe` per contract area. Throws {@link SpecError} before registering anything when
 * `knownGaps` names a test that does not exist (listing the valid names) or gives no reason.
 */
export function runConformanceSuite(options: ConformanceOptions): void {
  const knownGaps = options.knownGaps ?? {};
  checkKnownGaps(knownGaps);
  for (const dtype of options.dtypes) {
    describe(`conformance: ${options.name} (${dtype})`, () => {
      let engine: Engine | undefined;
      beforeAll(async () => {
        engine = await options.createEngine(dtype);
      });
      const context = (): ConformanceContext => {
        if (engine === undefined) throw new Error(`conformance: the ${options.name} engine was not created`);
        return { engine, dtype, tolerance: CONFORMANCE_TOLERANCE[dtype] };
      };
      for (const area of CONFORMANCE_AREAS) {
        describe(area.title, () => {
          for (const test of area.tests) {
            const gap = knownGaps[test.name];
            if (gap !== undefined) {
              console.warn(`[conformance ${options.name} ${dtype}] skipping "${test.name}": ${gap}`);
              it.skip(`${test.name} — known gap: ${gap}`, () => undefined);
              continue;
            }
            it(test.name, () => test.run(context()), test.timeout);
          }
        });
      }
    });
  }
}
