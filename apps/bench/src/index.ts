export * from './flops.js';
export * from './stats.js';
export * from './contenders.js';
export * from './report/types.js';
export * from './report/ratios.js';
export * from './report/targets.js';
export * from './report/render.js';
export * from './profile.js';
export { callsFor, rotate, warmUp, type MeasureSettings, type RawMeasurement } from './measure.js';
