/** How large a model file may be, and how deeply its JSON may nest. */
import type { TrainingConfig } from '../engine.js';
import { OPTIMIZER_SLOTS } from '../optimizer.js';
import { layerShapes, parameterCount, type ModelSpec } from '../spec.js';
import type { DType } from '../weights.js';

/**
 * Files larger than this (500 MiB) are refused before parsing, and {@link modelFileSizeBound} tells
 * before training whether a model's file could exceed it. (JavaScript strings stop a little above
 * 512 MiB, so a larger JSON file could not be parsed at all.)
 */
export const MAX_MODEL_FILE_BYTES = 500 * 1024 * 1024;
/** JSON nested deeper than this (objects and arrays) is refused; a model file needs 6 levels. */
export const MAX_JSON_DEPTH = 64;

/** Characters a number takes at most in the file, with its comma: `-1.2345678e-38,` / `-1.2345678901234567e-308,`. */
const MAX_NUMBER_CHARS: { readonly [D in DType]: number } = { float32: 16, float64: 25 };

/**
 * An upper bound on the size in bytes of the model file for `spec` trained with `training` in
 * `dtype` (weights plus the optimizer's slots, every number at its longest), not counting the
 * metadata. Compare it with {@link MAX_MODEL_FILE_BYTES} before training to refuse a model that
 * could not be saved and read back. `earlyStoppingSnapshot`: the file also keeps early stopping's
 * best weights and optimizer state (a checkpoint of a run that restores the best epoch), twice as much.
 */
export function modelFileSizeBound(spec: ModelSpec, training: TrainingConfig, dtype: DType, options: { readonly earlyStoppingSnapshot?: boolean } = {}): number {
  const copies = (1 + OPTIMIZER_SLOTS[training.optimizer.kind].length) * (options.earlyStoppingSnapshot === true ? 2 : 1);
  const layers = layerShapes(spec).length;
  return parameterCount(spec) * copies * MAX_NUMBER_CHARS[dtype] + 4096 + layers * copies * 200;
}
