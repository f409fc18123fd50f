import { ACTIVATION_DEFINITIONS, layersOf, type DType, type Matrix, type ModelSpec, type Weights } from '@twinprop/core';

/**
 * Where two training runs stop computing the same function of their weights: the first of the K
 * compared steps at which a pre-activation of a unit with a kink (relu, leakyRelu: core's
 * `ACTIVATION_DEFINITIONS[a].kinks`) lies on one side of the kink in one run and on the other side
 * (or within rounding of it) in the other.
 *
 * Why it matters: the gradient is discontinuous at a kink. Two runs whose weights agree to 1e-7
 * can have one row's pre-activation at −1.2e-6 in float64 and +7.5e-7 in float32 (measured: mnist
 * 784-16-10 relu, Adam, weight seed + 1, step 9, hidden unit 15). From that step on, that unit's
 * gradient differs by one row's whole contribution (−0.025 against −0.009 for its bias), and Adam,
 * whose step is ≈ η whatever the gradient's size, turns it into O(η) differences in all of the
 * unit's weights: 0.148 "relative" weight drift after 10 steps and a loss drift of 5.5e-4 at step
 * 10, where every step before agreed to 3e-7. Neither engine is wrong; the two runs simply took
 * different branches of a piecewise function. So the trajectory check compares the steps before
 * such a crossing (the loss is continuous at a kink, so the loss of the crossing step itself still
 * counts) and reports where it stopped.
 *
 * The pre-activations are computed here, in float64, from each run's own weights before the step
 * — independently of both engines, so a wrong derivative or forward pass in an engine cannot move
 * the horizon. A run computing in dtype d evaluates them with a rounding error of about
 * √n·u_d·(|b| + Σ|h·w|) (n terms summed); a value within that band of the kink is taken as
 * undecided, hence a crossing. The weights before step 1 are the same on both sides, so a crossing
 * there can only come from that band.
 */
export interface KinkCrossing {
  /** The step (1-based) whose gradient is taken at pre-activations on different sides of a kink. */
  readonly step: number;
  /** Layer index (0 = first hidden layer), unit, and batch row (index into the training set). */
  readonly layer: number;
  readonly unit: number;
  readonly row: number;
  /** The pre-activation from each run's weights, and the kink. */
  readonly zA: number;
  readonly zB: number;
  readonly kink: number;
}

const UNIT_ROUNDOFF: { readonly [D in DType]: number } = { float32: 2 ** -24, float64: 2 ** -53 };

/** Pre-activations (and their rounding scales) of `rows` of `x`, layer by layer, in float64. */
function preActivations(spec: ModelSpec, weights: Weights, x: Matrix, rows: ArrayLike<number>): Array<{ z: Float64Array; scale: Float64Array; terms: number }> {
  const layers = layersOf(spec);
  const out: Array<{ z: Float64Array; scale: Float64Array; terms: number }> = [];
  let width = x.cols;
  let h = new Float64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) for (let i = 0; i < width; i++) h[r * width + i] = x.data[(rows[r] ?? 0) * width + i] ?? 0;
  layers.forEach((layer, l) => {
    const w = weights.layers[l];
    if (w === undefined) throw new Error(`kinks: weights have no layer ${l}`);
    const units = layer.units;
    const z = new Float64Array(rows.length * units);
    const scale = new Float64Array(rows.length * units);
    for (let r = 0; r < rows.length; r++) {
      for (let u = 0; u < units; u++) {
        let sum = w.bias.data[u] ?? 0;
        let abs = Math.abs(sum);
        for (let i = 0; i < width; i++) {
          const term = (h[r * width + i] ?? 0) * (w.kernel.data[i * units + u] ?? 0);
          sum += term;
          abs += Math.abs(term);
        }
        z[r * units + u] = sum;
        scale[r * units + u] = abs;
      }
    }
    out.push({ z, scale, terms: width + 1 });
    const definition = ACTIVATION_DEFINITIONS[layer.activation];
    const value = definition.value;
    const next = new Float64Array(rows.length * units);
    if (value === undefined) {
      // softmax (output only): nothing after it needs its values here.
    } else {
      for (let k = 0; k < z.length; k++) next[k] = value(z[k] ?? 0);
    }
    h = next;
    width = units;
  });
  return out;
}

/**
 * Which side of `kink` a value computed with rounding error up to `band` is on: −1, +1, 0 when it
 * is exactly the kink with no rounding at all (every term zero: both runs take the same one-sided
 * derivative), undefined when rounding could put it on either side.
 */
function side(z: number, band: number, kink: number): -1 | 0 | 1 | undefined {
  if (z - band > kink) return 1;
  if (z + band < kink) return -1;
  return band === 0 && z === kink ? 0 : undefined;
}

/**
 * The first step of `batches` (the rows of steps 1 … K) whose pre-activations, computed from the
 * weights each run had before that step (`initial` before step 1, `a[k − 2]`/`b[k − 2]` before step
 * k), sit on different sides of a kink or within rounding of it; undefined when none does.
 */
export function firstKinkCrossing(input: {
  readonly spec: ModelSpec;
  readonly x: Matrix;
  readonly batches: ReadonlyArray<ArrayLike<number>>;
  readonly initial: Weights;
  readonly a: { readonly dtype: DType; readonly stepWeights: readonly Weights[] };
  readonly b: { readonly dtype: DType; readonly stepWeights: readonly Weights[] };
}): KinkCrossing | undefined {
  const { spec, x, batches, initial, a, b } = input;
  const layers = layersOf(spec);
  const kinked = layers.map((layer) => ACTIVATION_DEFINITIONS[layer.activation].kinks);
  if (kinked.every((k) => k.length === 0)) return undefined;
  for (const [index, rows] of batches.entries()) {
    const step = index + 1;
    const weightsA = step === 1 ? initial : a.stepWeights[step - 2];
    const weightsB = step === 1 ? initial : b.stepWeights[step - 2];
    if (weightsA === undefined || weightsB === undefined) return undefined;
    const za = preActivations(spec, weightsA, x, rows);
    const zb = preActivations(spec, weightsB, x, rows);
    for (let l = 0; l < layers.length; l++) {
      const kinks = kinked[l] ?? [];
      const la = za[l];
      const lb = zb[l];
      const units = layers[l]?.units ?? 0;
      if (kinks.length === 0 || la === undefined || lb === undefined) continue;
      const bandA = Math.sqrt(la.terms) * UNIT_ROUNDOFF[a.dtype];
      const bandB = Math.sqrt(lb.terms) * UNIT_ROUNDOFF[b.dtype];
      for (let k = 0; k < la.z.length; k++) {
        const zA = la.z[k] ?? 0;
        const zB = lb.z[k] ?? 0;
        for (const kink of kinks) {
          const sideA = side(zA, bandA * (la.scale[k] ?? 0), kink);
          const sideB = side(zB, bandB * (lb.scale[k] ?? 0), kink);
          if (sideA === undefined || sideB === undefined || sideA !== sideB) {
            const r = Math.floor(k / units);
            return { step, layer: l, unit: k % units, row: rows[r] ?? -1, zA, zB, kink };
          }
        }
      }
    }
  }
  return undefined;
}
