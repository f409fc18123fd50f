/**
 * The model file: versioned JSON holding the spec, the weights and what training left behind (see
 * {@link MODEL_FILE_FORMAT} for its layout). The same file loads into either engine.
 *
 * The parts, in `model-file/`: `schema.ts` (the format, its types and JSON schema), `limits.ts`
 * (size and nesting limits, the size bound before training), `json.ts` (untrusted text to JSON,
 * with positions), `parse.ts` (validation into a {@link ModelFile}), `serialize.ts` (the text, in
 * streamed pieces). Reading and writing files is Node's, in `model-file-node.ts`.
 */
export { MODEL_FILE_FORMAT, MODEL_FILE_VERSION, type ModelFile, type ModelMetadata, type Standardization } from './model-file/schema.js';
export { MAX_JSON_DEPTH, MAX_MODEL_FILE_BYTES, modelFileSizeBound } from './model-file/limits.js';
export { parseModelFile } from './model-file/parse.js';
export { serializeModelFile, serializeModelFileChunks } from './model-file/serialize.js';
