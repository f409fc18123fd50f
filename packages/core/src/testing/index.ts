export {
  runConformanceSuite,
  conformanceTestNames,
  CONFORMANCE_AREAS,
  expectClose,
  CONFORMANCE_TOLERANCE,
  type ConformanceArea,
  type ConformanceContext,
  type ConformanceOptions,
  type ConformanceTest,
  type ConformanceTolerances,
} from './conformance.js';
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
export { DelegatingModel, wrapEngine } from '../delegating.js';
