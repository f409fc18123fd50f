import { accuracy, classesOf, compareArrays, type ArrayDiff, type Matrix, type RelTolerance } from '@twinprop/core';

export interface AccuracyComparison {
  /** Test accuracy of side A and side B, as fractions. */
  readonly accuracyA: number;
  readonly accuracyB: number;
  /** |A − B| in percentage points. */
  readonly differencePoints: number;
  /** Fraction of test points on which both predict the same class. */
  readonly agreement: number;
  /** Test points on which they differ. */
  readonly disagreements: number;
  readonly testPoints: number;
  /** The test-set outputs themselves, entry by entry (not only their classes). */
  readonly outputs: ArrayDiff;
  /** False when the scenario compares its final outputs as classes only (the reason is in the scenario). */
  readonly outputsChecked: boolean;
  readonly tolerance: { readonly accuracyPoints: number; readonly agreement: number; readonly testOutputs: RelTolerance };
  readonly passed: boolean;
}

/**
 * Final test accuracy of two trained models (from their test-set outputs) and how often their
 * predicted classes agree, and the largest difference of the test-set outputs themselves. A class is the output above 0.5 (one column) or the arg-max (several).
 */
export function compareAccuracy(
  outputsA: Matrix,
  outputsB: Matrix,
  targets: Matrix,
  tolerance: { readonly accuracyPoints: number; readonly agreement: number; readonly testOutputs: RelTolerance },
  outputsChecked = true,
): AccuracyComparison {
  const accuracyA = accuracy(outputsA, targets);
  const accuracyB = accuracy(outputsB, targets);
  const classesA = classesOf(outputsA);
  const classesB = classesOf(outputsB);
  let same = 0;
  for (let i = 0; i < classesA.length; i++) if (classesA[i] === classesB[i]) same++;
  const testPoints = targets.rows;
  const agreement = testPoints === 0 ? Number.NaN : same / testPoints;
  // Rounded to 1e-9 so that 0.01 − 0.0 style differences compare exactly against the bound.
  const differencePoints = Math.round(Math.abs(accuracyA - accuracyB) * 100 * 1e9) / 1e9;
  const sameShape = outputsA.rows === outputsB.rows && outputsA.cols === outputsB.cols;
  const outputs: ArrayDiff = sameShape
    ? compareArrays(outputsA.data, outputsB.data, tolerance.testOutputs.floor)
    : { maxAbs: Number.POSITIVE_INFINITY, maxRel: Number.POSITIVE_INFINITY, worstIndex: -1, worstA: Number.NaN, worstB: Number.NaN };
  return {
    accuracyA,
    accuracyB,
    differencePoints,
    agreement,
    disagreements: testPoints - same,
    testPoints,
    outputs,
    outputsChecked,
    tolerance,
    passed:
      Number.isFinite(accuracyA) &&
      Number.isFinite(accuracyB) &&
      differencePoints <= tolerance.accuracyPoints &&
      agreement >= tolerance.agreement &&
      (!outputsChecked || outputs.maxRel <= tolerance.testOutputs.rtol),
  };
}
