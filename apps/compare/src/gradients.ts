import { cloneWeights, namedParameters, type Engine, type Matrix, type Weights } from '@twinprop/core';
import { gradientCheck } from '@twinprop/engine-reference';
import { compareArrays, compareWeights, maxMagnitude, relativeError, worstAbs, worstRel, type ArrayDiff, type TensorDiff } from '@twinprop/core';
import type { ScenarioSetup } from './setup.js';
import { FINITE_DIFFERENCES, type RelTolerance } from './tolerances.js';

/** What one engine says about the first batch, before any update. */
export interface FirstBatchProbe {
  /** Mean loss of the batch (plus regularization). */
  readonly loss: number;
  /** Output-layer activations for the batch's rows. */
  readonly outputs: Matrix;
  /** ∂loss/∂θ for every parameter. */
  readonly gradients: Weights;
}

/** Creates a model from the shared initial weights and asks it for outputs, loss and gradients of the first batch. */
export function probeFirstBatch(engine: Engine, setup: ScenarioSetup): FirstBatchProbe {
  const model = engine.createModel(setup.scenario.spec, cloneWeights(setup.initialWeights, engine.dtype), setup.scenario.training);
  try {
    const outputs = model.predict(setup.firstBatch.x);
    const { loss, gradients } = model.lossAndGradients(setup.firstBatch);
    return { loss, outputs, gradients };
  } finally {
    model.dispose();
  }
}

export interface ForwardComparison {
  readonly lossA: number;
  readonly lossB: number;
  /** relativeError of the two losses. */
  readonly lossRel: number;
  /** Output activations, entry by entry. */
  readonly outputs: ArrayDiff;
  /** The larger of `lossRel` and `outputs.maxRel`. */
  readonly maxRel: number;
  readonly tolerance: RelTolerance;
  readonly passed: boolean;
}

export function compareForward(a: FirstBatchProbe, b: FirstBatchProbe, tolerance: RelTolerance): ForwardComparison {
  const shapeOk = a.outputs.rows === b.outputs.rows && a.outputs.cols === b.outputs.cols;
  const outputs: ArrayDiff = shapeOk
    ? compareArrays(a.outputs.data, b.outputs.data, tolerance.floor)
    : { maxAbs: Number.POSITIVE_INFINITY, maxRel: Number.POSITIVE_INFINITY, worstIndex: -1, worstA: Number.NaN, worstB: Number.NaN };
  const lossRel = relativeError(a.loss, b.loss, tolerance.floor);
  const maxRel = Math.max(lossRel, outputs.maxRel);
  return { lossA: a.loss, lossB: b.loss, lossRel, outputs, maxRel, tolerance, passed: maxRel <= tolerance.rtol };
}

export interface GradientComparison {
  /** Per parameter tensor (`dense_ℓ/kernel`, `dense_ℓ/bias`): shape first, then values. */
  readonly parameters: readonly TensorDiff[];
  readonly maxRel: number;
  readonly maxAbs: number;
  /** Largest |∂L/∂θ| on side A, for scale. */
  readonly scale: number;
  readonly tolerance: RelTolerance;
  readonly passed: boolean;
}

export function compareGradients(a: Weights, b: Weights, tolerance: RelTolerance): GradientComparison {
  const parameters = compareWeights(a, b, tolerance.floor);
  const maxRel = worstRel(parameters);
  const scale = namedParameters(a).reduce((m, p) => Math.max(m, maxMagnitude(p.tensor.data)), 0);
  return {
    parameters,
    maxRel,
    maxAbs: worstAbs(parameters),
    scale,
    tolerance,
    passed: parameters.every((p) => p.shapeMatches) && maxRel <= tolerance.rtol,
  };
}

/** One parameter tensor checked against finite differences. */
export interface FiniteDifferenceParameter {
  readonly name: string;
  /** Entries checked (a seeded sample when the model is large). */
  readonly checked: number;
  readonly total: number;
  readonly maxAbs: number;
  readonly maxRel: number;
}

export interface FiniteDifferenceCheck {
  readonly parameters: readonly FiniteDifferenceParameter[];
  readonly maxRel: number;
  readonly checked: number;
  readonly total: number;
  readonly step: number;
  readonly tolerance: RelTolerance;
  readonly passed: boolean;
}

/**
 * The float64 reference engine's analytic gradient of the first batch against central finite
 * differences of its own loss, `(L(θ + h·e_i) − L(θ − h·e_i)) / 2h`, everything in float64 — by
 * the reference engine's own `gradientCheck`, with the harness's step, tolerance and floor.
 * `engine` must be a float64 engine (it may be a wrapped one).
 */
export function finiteDifferenceCheck(engine: Engine, setup: ScenarioSetup): FiniteDifferenceCheck {
  if (engine.dtype !== 'float64') throw new Error(`finite differences run in float64; got a ${engine.dtype} engine`);
  const { step, tolerance, maxParameters } = FINITE_DIFFERENCES;
  const model = engine.createModel(setup.scenario.spec, cloneWeights(setup.initialWeights, 'float64'), setup.scenario.training);
  try {
    const report = gradientCheck(model, setup.firstBatch, {
      step,
      tolerance: tolerance.rtol,
      floor: tolerance.floor,
      maxParameters,
      seed: setup.scenario.seed,
    });
    const parameters = report.tensors.map(
      (t): FiniteDifferenceParameter => ({ name: t.name, checked: t.checked, total: t.size, maxAbs: t.maxAbsoluteError, maxRel: t.maxRelativeError }),
    );
    const maxRel = Number.isNaN(report.maxRelativeError) ? Number.POSITIVE_INFINITY : report.maxRelativeError;
    return {
      parameters,
      maxRel,
      checked: report.checked,
      total: report.total,
      step,
      tolerance,
      passed: report.passed && maxRel <= tolerance.rtol,
    };
  } finally {
    model.dispose();
  }
}
