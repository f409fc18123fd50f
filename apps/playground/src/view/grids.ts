import { INPUT_FEATURE_DEFINITIONS, type InputFeature, type Matrix } from '@twinprop/core';
import { gridPoints } from './heatmap.js';

/**
 * The points the heatmaps show. The output heatmap has the Playground's `DENSITY` of 100 × 100
 * points (drawn from the reference engine); the engines' own heatmaps and the agreement use every
 * 2nd of those points (50 × 50, computed by each engine); the neurons' thumbnails every 5th (20 × 20).
 */
export const DENSITY = 100;
export const CARD_FACTOR = 2;
export const THUMB_FACTOR = 5;
export const CARD_DENSITY = DENSITY / CARD_FACTOR;
export const THUMB_DENSITY = DENSITY / THUMB_FACTOR;

/** The raw (x₁, x₂) of the three grids. */
export interface Grids {
  readonly main: Matrix;
  readonly card: Matrix;
  readonly thumb: Matrix;
}

export function makeGrids(): Grids {
  const main: Matrix = { rows: DENSITY * DENSITY, cols: 2, data: gridPoints(DENSITY) };
  return { main, card: subsample(main, DENSITY, CARD_FACTOR), thumb: subsample(main, DENSITY, THUMB_FACTOR) };
}

/** Every `factor`-th point of a `density × density` grid in both directions (rows of `m` are grid points). */
export function subsample(m: Matrix, density: number, factor: number): Matrix {
  const small = density / factor;
  const data = new Float64Array(small * small * m.cols);
  for (let j = 0; j < small; j++) {
    for (let i = 0; i < small; i++) {
      const from = (j * factor * density + i * factor) * m.cols;
      for (let c = 0; c < m.cols; c++) data[(j * small + i) * m.cols + c] = m.data[from + c]!;
    }
  }
  return { rows: small * small, cols: m.cols, data };
}

/** Column `c` of a matrix. */
export function column(m: Matrix, c: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) out[r] = m.data[r * m.cols + c]!;
  return out;
}

/** An input feature's value at every point of a grid (what its thumbnail shows). */
export function featureGrid(feature: InputFeature, grid: Matrix): Float64Array {
  const f = INPUT_FEATURE_DEFINITIONS[feature];
  const out = new Float64Array(grid.rows);
  for (let r = 0; r < grid.rows; r++) out[r] = f.of(grid.data[2 * r]!, grid.data[2 * r + 1]!);
  return out;
}
