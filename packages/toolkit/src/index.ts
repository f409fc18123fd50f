export * from './engines.js';
export * from './environment.js';
export * from './format.js';
export * from './parse.js';
export * from './table.js';
