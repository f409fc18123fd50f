export { runConformanceSuite, expectClose, CONFORMANCE_TOLERANCE, type ConformanceOptions } from './conformance.js';
export {
  compareArrays,
  compareWeights,
  maxMagnitude,
  relativeError,
  withinTolerance,
  worstAbs,
  worstRel,
  type ArrayDiff,
  type RelTolerance,
  type TensorDiff,
} from '../agreement.js';
