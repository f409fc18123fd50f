/**
 * `@twinprop/core/node`: what needs Node's file system — reading and writing model files, and the
 * atomic write underneath. The main entry point imports nothing of Node's, so it also loads in a
 * browser; this subpath does not.
 */
export { readModelFile, writeFileAtomic, writeModelFile, type FileContents } from './model-file-node.js';
