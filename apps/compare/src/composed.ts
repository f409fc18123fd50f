import type { Dataset } from '@twinprop/core';
import { datasetInfo, GATE_FUNCTIONS, loadBuiltinDataset, type LoadOptions } from '@twinprop/datasets';

/**
 * Datasets the harness composes from built-in ones: `and+or`, the two-input truth table with AND
 * and OR as two target columns — several sigmoid units under one BCE, where an error between
 * "mean over rows" and "mean over rows × units" shows.
 */
const COMPOSED: Readonly<Record<string, { readonly features: number; readonly outputs: number; load(options: LoadOptions): Dataset }>> = {
  'and+or': {
    features: 2,
    outputs: 2,
    load(options) {
      const and = loadBuiltinDataset('and', options);
      const y = and.x.data instanceof Float32Array ? new Float32Array(and.x.rows * 2) : new Float64Array(and.x.rows * 2);
      for (let r = 0; r < and.x.rows; r++) {
        const a = and.x.data[r * 2]!;
        const b = and.x.data[r * 2 + 1]!;
        y[r * 2] = GATE_FUNCTIONS.and(a, b);
        y[r * 2 + 1] = GATE_FUNCTIONS.or(a, b);
      }
      return { ...and, name: 'and+or', y: { rows: and.x.rows, cols: 2, data: y } };
    },
  },
};

/** Features and outputs of a built-in or composed dataset. */
export function datasetShape(name: string): { features: number; outputs: number } {
  const composed = COMPOSED[name];
  if (composed !== undefined) return composed;
  const info = datasetInfo(name);
  return { features: info.features, outputs: info.outputs };
}

/** Loads a built-in or composed dataset. */
export function loadDataset(name: string, options: LoadOptions): Dataset {
  return COMPOSED[name]?.load(options) ?? loadBuiltinDataset(name, options);
}
