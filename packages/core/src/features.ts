import { ShapeError } from './errors.js';
import { arrayFor, type DType, type Matrix } from './weights.js';

/**
 * Derived input features of a 2-D point (x₁, x₂): the TensorFlow Playground's input column, in its
 * order — X₁, X₂, X₁², X₂², X₁X₂, sin(X₁), sin(X₂). A model trained on some of them stores their
 * names (model-file metadata `inputFeatures`), so `predict` on raw (x₁, x₂) points computes them
 * the same way before the first layer.
 *
 * The names are the Playground's URL keys (`xSquared=true` turns X₁² on).
 */
export const INPUT_FEATURES = ['x', 'y', 'xSquared', 'ySquared', 'xTimesY', 'sinX', 'sinY'] as const;
export type InputFeature = (typeof INPUT_FEATURES)[number];

export interface InputFeatureDefinition {
  /** How the Playground labels it. */
  readonly label: string;
  /** Its value at the point (x₁, x₂). */
  of(x1: number, x2: number): number;
}

export const INPUT_FEATURE_DEFINITIONS: { readonly [F in InputFeature]: InputFeatureDefinition } = {
  x: { label: 'X₁', of: (x1) => x1 },
  y: { label: 'X₂', of: (_x1, x2) => x2 },
  xSquared: { label: 'X₁²', of: (x1) => x1 * x1 },
  ySquared: { label: 'X₂²', of: (_x1, x2) => x2 * x2 },
  xTimesY: { label: 'X₁X₂', of: (x1, x2) => x1 * x2 },
  sinX: { label: 'sin(X₁)', of: (x1) => Math.sin(x1) },
  sinY: { label: 'sin(X₂)', of: (_x1, x2) => Math.sin(x2) },
};

/** What a model's inputs are made of: two raw columns and the features computed from them. */
export interface InputFeatures {
  /** The raw columns' names (a CSV's headers), x₁ then x₂. */
  readonly from: readonly [string, string];
  /** The model's inputs, in order: one feature per input unit. */
  readonly features: readonly InputFeature[];
}

export function isInputFeature(name: string): name is InputFeature {
  return (INPUT_FEATURES as readonly string[]).includes(name);
}

/** The features of every row of `raw` (rows × 2, x₁ then x₂), computed in float64, stored as `dtype`. */
export function applyInputFeatures(features: readonly InputFeature[], raw: Matrix, dtype: DType = 'float64'): Matrix {
  if (raw.cols !== 2) throw new ShapeError(`derived input features are computed from 2 columns (x₁, x₂); the data has ${raw.cols}`);
  const cols = features.length;
  const data = arrayFor(dtype, raw.rows * cols);
  const definitions = features.map((name) => INPUT_FEATURE_DEFINITIONS[name]);
  for (let r = 0; r < raw.rows; r++) {
    const x1 = raw.data[2 * r] ?? Number.NaN;
    const x2 = raw.data[2 * r + 1] ?? Number.NaN;
    for (let c = 0; c < cols; c++) data[r * cols + c] = definitions[c]!.of(x1, x2);
  }
  return { rows: raw.rows, cols, data };
}
