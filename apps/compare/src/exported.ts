import { compareArrays, type ArrayDiff, type Matrix, type ModelFile, type ModelSpec, type RelTolerance, type TrainingConfig, type Weights } from '@twinprop/core';
import { exportOnnx, exportTfjs } from '@twinprop/interchange';
import { runExportedForward } from '@twinprop/interchange/testing';

/**
 * An independent forward-pass opinion: an engine's trained model, exported by
 * `@twinprop/interchange` to a TensorFlow.js LayersModel and to ONNX, then run by those formats'
 * own runtimes — tfjs-layers' `loadLayersModel` and ONNX Runtime — on the test set. None of the
 * engines' code computes these outputs; only the weights travel. A format that cannot express
 * the model (e.g. `step` in a LayersModel) is reported with the reason, not as a failure.
 */

export { EXPORTED_FORWARD } from './tolerances.js';

/** What one runtime said, against the engine's own test-set outputs. */
export type RuntimeOpinion = { readonly runtime: string; readonly diff: ArrayDiff; readonly passed: boolean } | { readonly runtime: string; readonly refused: string };

export interface ExportedForwardCheck {
  /** Whose trained weights were exported (an engine id). */
  readonly engine: string;
  readonly opinions: readonly RuntimeOpinion[];
  readonly tolerance: RelTolerance;
  readonly passed: boolean;
}

/** Why `format` cannot hold the model, or undefined when it can. */
function refusal(write: () => unknown): string | undefined {
  try {
    write();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

/**
 * Exports `weights` (the engine's weights after training) and compares what tfjs-layers and ONNX
 * Runtime predict on `testX` with `testOutputs`, the engine's own predictions.
 */
export async function exportedForward(
  engine: string,
  model: { readonly spec: ModelSpec; readonly training: TrainingConfig; readonly weights: Weights },
  testX: Matrix,
  testOutputs: Matrix,
  tolerance: RelTolerance,
): Promise<ExportedForwardCheck> {
  const file: ModelFile = { spec: model.spec, training: model.training, weights: model.weights, metadata: {} };
  const outputs = await runExportedForward(file, rowsOf(testX));
  const opinion = (runtime: string, predicted: number[][] | undefined, why: () => string | undefined): RuntimeOpinion => {
    if (predicted === undefined) return { runtime, refused: why() ?? 'the format cannot express this model' };
    const diff = compareArrays(predicted.flat(), testOutputs.data, tolerance.floor);
    return { runtime, diff, passed: predicted.length === testOutputs.rows && diff.maxRel <= tolerance.rtol };
  };
  const opinions = [
    opinion('tfjs-layers loadLayersModel', outputs.tfjs, () => refusal(() => exportTfjs(file))),
    opinion('ONNX Runtime', outputs.onnx, () => refusal(() => exportOnnx(file))),
  ];
  return { engine, opinions, tolerance, passed: opinions.every((o) => !('passed' in o) || o.passed) };
}
