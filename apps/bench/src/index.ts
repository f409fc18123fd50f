export * from './flops.js';
export * from './stats.js';
export * from './engines.js';
export * from './report.js';
export * from './profile.js';
export { callsFor, rotate, warmUp, type MeasureSettings, type RawMeasurement } from './measure.js';
