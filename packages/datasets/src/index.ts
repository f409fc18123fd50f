export * from './gates.js';
export * from './playground.js';
export * from './iris.js';
export * from './mnist.js';
export * from './csv.js';
export * from './csv-bench.js';
export * from './split.js';
export * from './registry.js';
