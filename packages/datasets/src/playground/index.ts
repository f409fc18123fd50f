/**
 * The TensorFlow Playground in one browser-safe entry point (`@twinprop/datasets/playground`): its
 * dataset generators, its URL state and its run set-up — nothing here imports a Node.js module.
 */
export * from '../playground.js';
export * from './state.js';
export * from './run.js';
export * from './training.js';
