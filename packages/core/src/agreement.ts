import type { FloatArray, Tensor, Weights } from './weights.js';
import { namedParameters } from './weights.js';

/**
 * How two engines' (or an engine's and a formula's) numbers are compared — the one definition
 * that the conformance suite, the compare harness, the tfjs engine's tests and `twinprop
 * gradcheck` all use. Also exported from `@twinprop/core/testing`.
 */

/** A bound on {@link relativeError}: pass when `relativeError(a, b, floor) ≤ rtol`. */
export interface RelTolerance {
  readonly rtol: number;
  readonly floor: number;
}

/**
 * The one error measure every value comparison uses:
 *
 *     err(a, b) = |a − b| / max(|a|, |b|, floor)
 *
 * — a relative error that turns into an absolute one (scaled by `1/floor`) for values smaller
 * than `floor`. A plain relative error would blow up on entries that are zero in exact arithmetic
 * (a bias gradient whose batch contributions cancel, a weight that passes through zero) where
 * float32 leaves rounding noise of the size of the terms that cancelled, not of the result. A
 * non-finite value on either side gives `Infinity` unless both sides are the same value.
 */
export function relativeError(a: number, b: number, floor: number): number {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.POSITIVE_INFINITY;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), floor);
}

/** The largest differences between two arrays of the same length, and where the worst one is. */
export interface ArrayDiff {
  /** max |a − b|. */
  readonly maxAbs: number;
  /** max {@link relativeError}(a, b, floor). */
  readonly maxRel: number;
  /** Index of the entry with the largest relative error (−1 for empty arrays). */
  readonly worstIndex: number;
  readonly worstA: number;
  readonly worstB: number;
}

export function compareArrays(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): ArrayDiff {
  if (a.length !== b.length) throw new RangeError(`cannot compare arrays of length ${a.length} and ${b.length}`);
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = a.length > 0 ? 0 : -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? Number.NaN;
    const y = b[i] ?? Number.NaN;
    const abs = x === y ? 0 : Math.abs(x - y);
    const rel = relativeError(x, y, floor);
    if (!(abs <= maxAbs)) maxAbs = Number.isNaN(abs) ? Number.POSITIVE_INFINITY : abs;
    if (!(rel <= maxRel)) {
      maxRel = rel;
      worstIndex = i;
    }
  }
  return { maxAbs, maxRel, worstIndex, worstA: a[worstIndex] ?? Number.NaN, worstB: b[worstIndex] ?? Number.NaN };
}

/** One parameter tensor compared between two sides: shapes first, then values. */
export interface TensorDiff extends ArrayDiff {
  readonly name: string;
  readonly shape: readonly number[];
  /** False when the two sides disagree on the shape; the values are then not compared. */
  readonly shapeMatches: boolean;
  readonly otherShape: readonly number[];
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]) && a.data.length === b.data.length;
}

/**
 * Compares two sets of weights (or gradients) tensor by tensor, in core's parameter order.
 * A tensor whose shape differs (or that is missing on one side) is reported with
 * `shapeMatches: false` and infinite errors.
 */
export function compareWeights(a: Weights, b: Weights, floor: number): TensorDiff[] {
  const left = namedParameters(a);
  const right = namedParameters(b);
  const count = Math.max(left.length, right.length);
  const out: TensorDiff[] = [];
  for (let i = 0; i < count; i++) {
    const p = left[i];
    const q = right[i];
    const name = p?.name ?? q?.name ?? `parameter ${i}`;
    if (p === undefined || q === undefined || !sameShape(p.tensor, q.tensor)) {
      out.push({
        name,
        shape: p?.tensor.shape ?? [],
        otherShape: q?.tensor.shape ?? [],
        shapeMatches: false,
        maxAbs: Number.POSITIVE_INFINITY,
        maxRel: Number.POSITIVE_INFINITY,
        worstIndex: -1,
        worstA: Number.NaN,
        worstB: Number.NaN,
      });
      continue;
    }
    out.push({ name, shape: p.tensor.shape, otherShape: q.tensor.shape, shapeMatches: true, ...compareArrays(p.tensor.data, q.tensor.data, floor) });
  }
  return out;
}

/** The largest relative error over a list of diffs (0 for none). */
export function worstRel(diffs: readonly ArrayDiff[]): number {
  return diffs.reduce((m, d) => (d.maxRel > m || Number.isNaN(d.maxRel) ? d.maxRel : m), 0);
}

export function worstAbs(diffs: readonly ArrayDiff[]): number {
  return diffs.reduce((m, d) => (d.maxAbs > m || Number.isNaN(d.maxAbs) ? d.maxAbs : m), 0);
}

/** Largest |value| in an array (0 when empty). */
export function maxMagnitude(data: FloatArray | readonly number[]): number {
  let m = 0;
  for (const v of data) m = Math.max(m, Math.abs(v));
  return m;
}

/** True when every entry of `a` is within `tolerance` of `b` (same length required). */
export function withinTolerance(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: RelTolerance): boolean {
  return a.length === b.length && compareArrays(a, b, tolerance.floor).maxRel <= tolerance.rtol;
}
