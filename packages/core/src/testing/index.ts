export { runConformanceSuite, expectClose, CONFORMANCE_TOLERANCE, type ConformanceOptions } from './conformance.js';
