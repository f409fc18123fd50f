import { expect } from 'vitest';
import { relativeError, type RelTolerance } from '../../agreement.js';
import type { DType } from '../../weights.js';

/**
 * Every bound the conformance suite uses, per dtype, in core's one error measure
 * {@link relativeError}: a value passes when `|a − e| / max(|a|, |e|, floor) ≤ rtol`.
 */
export interface ConformanceTolerances {
  /**
   * Values an engine computes with a handful of operations: forward values, loss values,
   * hand-worked gradients, the loss a step reports. A few ulps of the dtype.
   */
  readonly exact: RelTolerance;
  /** Regularized losses and gradients: sums over every kernel entry on top of `exact` values. */
  readonly regularized: RelTolerance;
  /** Weights and optimizer slots after three steps, every intermediate rounded in the dtype. */
  readonly update: RelTolerance;
  /** Loss values at logits of ±1000 (hundreds to a million; no floor is needed). */
  readonly extreme: RelTolerance;
  /** h of the central differences `(L(θ + h) − L(θ − h)) / 2h`. */
  readonly fdStep: number;
  /** Analytic gradients against central differences. */
  readonly fd: RelTolerance;
}

/*
 * How these were mapped from the bounds the suite used before, `|a − e| ≤ atol + rtol·|e|`:
 * the new bound is `r·max(|a|, |e|, f)`, and it is never looser when r ≤ rtol/(1 + rtol) and
 * r·f ≤ atol. Passing means |a − e| ≤ r·max(|a|, |e|, f). If the max is f or |e|, that is ≤ atol
 * or ≤ rtol·|e|. If it is |a| > |e|, then |a − e| ≤ r·|a| ≤ r·|e| + r·|a − e|, so
 * |a − e| ≤ r/(1 − r)·|e| ≤ rtol·|e|. (With r = rtol the last case would allow rtol/(1 − rtol)·|e|,
 * looser by a hair — by 3 % for the float32 finite-difference bound — hence r just below rtol, and
 * the floor f = atol/r rounded down.)
 * Old values are given beside each, and the worst relativeError measured with this suite on the
 * reference engine and on tfjs (cpu and wasm backends) as "worst". The float32 bounds in particular
 * have room to spare; they are kept (not tightened) for backends not measured here.
 */
export const CONFORMANCE_TOLERANCE: { readonly [D in DType]: ConformanceTolerances } = {
  float64: {
    // was atol 1e-12 + rtol 1e-12·|e|; worst 2.2e-16 (reference)
    exact: { rtol: 9e-13, floor: 1 },
    // was atol 1e-11 + rtol 1e-11·|e|; worst 0
    regularized: { rtol: 9e-12, floor: 1 },
    // was atol 5e-11 + rtol 5e-11·|e|; worst 1.4e-17 (weights), 2.3e-17 (slots)
    update: { rtol: 4.5e-11, floor: 1 },
    // was rtol 1e-6·|e|, atol 0; worst 3.5e-8 (reference, both dtypes)
    extreme: { rtol: 9e-7, floor: 0 },
    // float64 differences with h = 1e-6 are good to ~1e-8.
    fdStep: 1e-6,
    // was atol 1e-9 + rtol 1e-6·|e|; worst 1.1e-7
    fd: { rtol: 9e-7, floor: 1e-3 },
  },
  float32: {
    // was atol 2e-6 + rtol 2e-6·|e|; worst 7.0e-8 (reference), 1.4e-7 (tfjs cpu and wasm)
    exact: { rtol: 1.9e-6, floor: 1 },
    // was atol 2e-5 + rtol 2e-5·|e|; worst 3.9e-8 (reference), 2.1e-8 (tfjs)
    regularized: { rtol: 1.9e-5, floor: 1 },
    // was atol 1e-4 + rtol 1e-4·|e|; worst 3.4e-7 (weights, all three), 1.3e-7 (slots)
    update: { rtol: 9.9e-5, floor: 1 },
    // was rtol 1e-6·|e|, atol 0; worst 7.0e-8 (tfjs cpu)
    extreme: { rtol: 9e-7, floor: 0 },
    // float32 differences need h = 1e-2 and are only good to about 1e-2.
    fdStep: 1e-2,
    // was atol 2e-3 + rtol 3e-2·|e|; worst 8.1e-5 (reference), 1.3e-4 (tfjs cpu), 1.9e-4 (tfjs wasm)
    fd: { rtol: 2.9e-2, floor: 0.068 },
  },
};

/**
 * Asserts `relativeError(actual[i], expected[i], floor) ≤ rtol` for every i (lengths first), with
 * a message naming the first bad index, both values, the error and the bound.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: RelTolerance, what = 'value'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const e = expected[i] ?? Number.NaN;
    const error = relativeError(a, e, tolerance.floor);
    if (!(error <= tolerance.rtol)) {
      expect.fail(`${what}[${i}] = ${a}, expected ${e}: relative error ${error} > ${tolerance.rtol} (floor ${tolerance.floor})`);
    }
  }
}
