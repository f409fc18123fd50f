import {
  cloneWeights,
  defaultLossFor,
  namedParameters,
  optimizer,
  parameterCount,
  relativeError as coreRelativeError,
  Rng,
  SpecError,
  type Batch,
  type LossName,
  type Model,
  type ModelSpec,
  type Regularization,
  type Weights,
} from '@twinprop/core';
import { ReferenceEngine } from './engine.js';

/**
 * Gradient checking: compare the analytic gradient (backprop) with central finite differences
 *
 *   ∂L/∂θᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h
 *
 * for every parameter θᵢ (or a seeded sample of them). Works on any core {@link Model}: it
 * perturbs one parameter at a time through `setWeights` and calls `model.loss`, so nothing
 * engine-specific is needed. Run it in float64 — in float32 the differences are mostly rounding
 * noise (use {@link referenceGradientCheck}, or a float64 engine).
 *
 * Errors, per parameter:
 * - absolute: |analytic − numeric|;
 * - relative: core's `relativeError(analytic, numeric, floor·max(1, |L|))` =
 *   |analytic − numeric| / max(|analytic|, |numeric|, floor·max(1, |L|)), 0 when they are equal,
 *   where L is the loss at the unperturbed weights; NaN when either is not finite.
 * The check passes when every checked parameter's relative error is ≤ `tolerance` (default 1e-6).
 *
 * Why a floor: in float64 with h = 1e-6 the difference quotient carries rounding noise of about
 * ε·|L|/h ≈ 2e-10·|L|, whatever the size of the gradient, so a gradient of 1e-8 can never be
 * confirmed to 1e-6 relative. Below |gradient| = floor·max(1, |L|) (default floor 1e-3) the
 * criterion therefore becomes absolute, |analytic − numeric| ≤ 1e-9·max(1, |L|) — for losses
 * up to 1 the bounds of torch.autograd.gradcheck-style `atol + rtol·|numeric|` with rtol 1e-6
 * and atol 1e-9, and scaled with the loss above that, as the noise is.

 * Kinks (ReLU at 0, L1 at w = 0) have no derivative; a difference that straddles one is wrong by
 * construction. Keep inputs away from kinks by more than h times the input scale.
 */
export interface GradientCheckOptions {
  /** h, the perturbation; default 1e-6. */
  readonly step?: number;
  /** Largest relative error that passes; default 1e-6. */
  readonly tolerance?: number;
  /** Smallest denominator of the relative error, times max(1, |L|); default 1e-3 (see above). */
  readonly floor?: number;
  /**
   * Check at most this many parameters (default 5000): a seeded sample spread over the parameter
   * tensors in proportion to their sizes, at least one from each. Every parameter when the model
   * has no more.
   */
  readonly maxParameters?: number;
  /** Seeds the sample; default 0. */
  readonly seed?: number;
}

export interface ParameterCheck {
  /** `dense_ℓ/kernel` or `dense_ℓ/bias`. */
  readonly name: string;
  /** Flat index inside the tensor (row-major: kernel [in, out] → in·out + out). */
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  readonly absoluteError: number;
  readonly relativeError: number;
}

export interface TensorCheck {
  readonly name: string;
  readonly size: number;
  readonly checked: number;
  readonly maxAbsoluteError: number;
  readonly maxRelativeError: number;
  readonly passed: boolean;
}

export interface GradientCheckReport {
  readonly passed: boolean;
  /** The loss at the unperturbed weights. */
  readonly loss: number;
  readonly step: number;
  readonly tolerance: number;
  /** The smallest denominator actually used: floor·max(1, |L|). */
  readonly floor: number;
  /** Parameters checked, out of `total`. */
  readonly checked: number;
  readonly total: number;
  readonly maxAbsoluteError: number;
  readonly maxRelativeError: number;
  /** The parameter with the largest relative error. */
  readonly worst: ParameterCheck | undefined;
  readonly tensors: readonly TensorCheck[];
  readonly parameters: readonly ParameterCheck[];
}

/**
 * Core's {@link coreRelativeError} — the same formula, `|a − n| / max(|a|, |n|, floor)`, 0 when
 * equal — except that it is NaN (core: Infinity, or 0 for two equal infinities) whenever either
 * side is not finite, as this report has always said.
 */
function relativeError(analytic: number, numeric: number, floor: number): number {
  return Number.isFinite(analytic) && Number.isFinite(numeric) ? coreRelativeError(analytic, numeric, floor) : Number.NaN;
}

/** Sorted indices to check in a tensor of `size` values. */
function sampleIndices(size: number, count: number, rng: Rng): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  return Array.from(rng.permutation(size).subarray(0, count)).sort((a, b) => a - b);
}

/** Checks `model`'s gradient on `batch` against central finite differences of `model.loss`. Restores the weights afterwards. */
export function gradientCheck(model: Model, batch: Batch, options: GradientCheckOptions = {}): GradientCheckReport {
  const step = options.step ?? 1e-6;
  const tolerance = options.tolerance ?? 1e-6;
  const floor = options.floor ?? 1e-3;
  const maxParameters = options.maxParameters ?? 5000;
  if (!(step > 0 && Number.isFinite(step))) throw new SpecError('step', `must be a finite number > 0 (got ${step})`);
  if (!(Number.isInteger(maxParameters) && maxParameters >= 1)) throw new SpecError('maxParameters', `must be an integer ≥ 1 (got ${maxParameters})`);

  const { loss, gradients } = model.lossAndGradients(batch);
  const denominatorFloor = floor * Math.max(1, Math.abs(loss));
  const original = model.getWeights();
  const probe = cloneWeights(original, 'float64');
  const total = parameterCount(model.spec);
  const rng = new Rng(options.seed ?? 0);
  const analyticTensors = namedParameters(gradients);
  const parameters: ParameterCheck[] = [];
  const tensors: TensorCheck[] = [];

  /** L at the probe weights, and the probe's value as the model stores it (rounded in float32). */
  const lossAt = (tensorIndex: number, index: number): { loss: number; value: number } => {
    const inModel = cloneWeights(probe, model.dtype);
    model.setWeights(inModel);
    return { loss: model.loss(batch), value: namedParameters(inModel)[tensorIndex]!.tensor.data[index]! };
  };

  try {
    namedParameters(probe).forEach(({ name, tensor }, t) => {
      const size = tensor.data.length;
      const count = total <= maxParameters ? size : Math.min(size, Math.max(1, Math.floor((maxParameters * size) / total)));
      const analyticData = analyticTensors[t]!.tensor.data;
      let maxAbsoluteError = 0;
      let maxRelativeError = 0;
      for (const index of sampleIndices(size, count, rng)) {
        const theta = tensor.data[index]!;
        tensor.data[index] = theta + step;
        const plus = lossAt(t, index);
        tensor.data[index] = theta - step;
        const minus = lossAt(t, index);
        tensor.data[index] = theta;
        // Divide by the perturbation actually applied (float32 rounds θ ± h).
        const numeric = (plus.loss - minus.loss) / (plus.value - minus.value);
        const analytic = analyticData[index]!;
        const check: ParameterCheck = {
          name,
          index,
          analytic,
          numeric,
          absoluteError: Math.abs(analytic - numeric),
          relativeError: relativeError(analytic, numeric, denominatorFloor),
        };
        parameters.push(check);
        maxAbsoluteError = Math.max(maxAbsoluteError, check.absoluteError);
        maxRelativeError = Math.max(maxRelativeError, check.relativeError);
      }
      tensors.push({ name, size, checked: count, maxAbsoluteError, maxRelativeError, passed: maxRelativeError <= tolerance });
    });
  } finally {
    model.setWeights(original);
  }

  let worst: ParameterCheck | undefined;
  for (const p of parameters) if (worst === undefined || p.relativeError > worst.relativeError || Number.isNaN(p.relativeError)) worst = p;
  const maxRelativeError = worst?.relativeError ?? 0;
  return {
    passed: parameters.every((p) => p.relativeError <= tolerance),
    loss,
    step,
    tolerance,
    floor: denominatorFloor,
    checked: parameters.length,
    total,
    maxAbsoluteError: parameters.reduce((m, p) => Math.max(m, p.absoluteError), 0),
    maxRelativeError,
    worst,
    tensors,
    parameters,
  };
}

export interface ReferenceGradientCheckOptions extends GradientCheckOptions {
  /** Default: the loss that pairs with the output activation. */
  readonly loss?: LossName;
  readonly regularization?: Regularization;
}

/** {@link gradientCheck} on a float64 reference-engine model built from `spec` and `weights`. */
export function referenceGradientCheck(
  spec: ModelSpec,
  weights: Weights,
  batch: Batch,
  options: ReferenceGradientCheckOptions = {},
): GradientCheckReport {
  const model = new ReferenceEngine({ dtype: 'float64' }).createModel(spec, weights, {
    loss: options.loss ?? defaultLossFor(spec.output.activation),
    optimizer: optimizer('sgd'),
    ...(options.regularization === undefined ? {} : { regularization: options.regularization }),
  });
  try {
    return gradientCheck(model, batch, options);
  } finally {
    model.dispose();
  }
}
