import type { Activation, ModelSpec } from '@twinprop/core';
import type { LayerValues } from './forward.js';

/**
 * Dead and saturated hidden units on a dataset — units that pass (almost) no gradient back, so
 * training cannot move the weights into them any more.
 *
 * - **dead** (relu, leakyRelu): the pre-activation z ≤ 0 on every row. A relu unit then outputs 0
 *   and has derivative 0 everywhere on the data; a leakyRelu unit keeps only α = 0.01 of it.
 * - **saturated** (tanh, sigmoid): the output within {@link ACTIVITY_RULES}.margin of a bound of
 *   its range — |tanh z| > 0.999, or sigmoid z < 0.001 or > 0.999 (either bound, row by row) — on
 *   at least {@link ACTIVITY_RULES}.rowFraction of the rows. There σ′ < 0.002 (tanh) or < 0.001
 *   (sigmoid).
 * - linear and step units are not judged: a linear unit always passes its gradient, and a step
 *   unit never does (it is trained by the perceptron rule, not by gradients).
 *
 * The rules are this one object, and the report prints it.
 */
export const ACTIVITY_RULES = {
  /** How close to a bound of tanh's (−1, 1) or sigmoid's (0, 1) an output counts as saturated. */
  margin: 1e-3,
  /** The fraction of rows a unit must be saturated on to count as saturated. */
  rowFraction: 0.99,
} as const;

/** Which rule a hidden activation is judged by. */
export type UnitRule = 'dead' | 'saturated' | 'none';

export function ruleFor(activation: Activation): UnitRule {
  switch (activation) {
    case 'relu':
    case 'leakyRelu':
      return 'dead';
    case 'tanh':
    case 'sigmoid':
      return 'saturated';
    case 'linear':
    case 'step':
    case 'softmax':
      return 'none';
  }
}

/** Whether one output of a tanh or sigmoid unit is within the margin of a bound. */
function isSaturated(activation: Activation, h: number): boolean {
  const m = ACTIVITY_RULES.margin;
  return activation === 'tanh' ? Math.abs(h) > 1 - m : h < m || h > 1 - m;
}

export interface UnitActivity {
  /** 1-based within its layer. */
  readonly unit: number;
  /** Fraction of rows with z > 0 (dead rule). */
  readonly activeFraction?: number;
  /** Fraction of rows whose output is within the margin of a bound (saturated rule). */
  readonly saturatedFraction?: number;
  readonly dead: boolean;
  readonly saturated: boolean;
}

export interface LayerActivity {
  /** 1-based; hidden layers only. */
  readonly layer: number;
  readonly activation: Activation;
  readonly rule: UnitRule;
  readonly units: readonly UnitActivity[];
  /** 1-based numbers of the dead units. */
  readonly dead: readonly number[];
  /** 1-based numbers of the saturated units. */
  readonly saturated: readonly number[];
}

/** The hidden layers' units judged on `rows` rows of layer values (from {@link forwardLayers}). */
export function hiddenActivity(spec: ModelSpec, values: readonly LayerValues[], rows: number): LayerActivity[] {
  return spec.hidden.map((layer, l) => {
    const v = values[l];
    if (v === undefined) throw new Error(`no values for hidden layer ${l + 1}`);
    const rule = ruleFor(layer.activation);
    const units: UnitActivity[] = [];
    for (let j = 0; j < layer.units; j++) {
      let active = 0;
      let saturatedRows = 0;
      for (let r = 0; r < rows; r++) {
        if ((v.preActivation[r * layer.units + j] ?? 0) > 0) active++;
        if (isSaturated(layer.activation, v.output[r * layer.units + j] ?? 0)) saturatedRows++;
      }
      const unit = j + 1;
      if (rule === 'dead') units.push({ unit, activeFraction: active / rows, dead: active === 0, saturated: false });
      else if (rule === 'saturated') {
        units.push({ unit, saturatedFraction: saturatedRows / rows, dead: false, saturated: saturatedRows >= ACTIVITY_RULES.rowFraction * rows });
      } else units.push({ unit, dead: false, saturated: false });
    }
    return {
      layer: l + 1,
      activation: layer.activation,
      rule,
      units,
      dead: units.filter((u) => u.dead).map((u) => u.unit),
      saturated: units.filter((u) => u.saturated).map((u) => u.unit),
    };
  });
}
