export { EXPORT_FORMATS, ExportError, FORMAT_NAMES, type ExportFormat } from './errors.js';
export { prepareModel, type PreparedLayer, type PreparedModel, type RoundingReport } from './prepare.js';
export type { ExportReport } from './report.js';
export { exportTfjs, TFJS_ACTIVATIONS, TFJS_REFUSALS, TFJS_WEIGHTS_FILE, type TfjsExport, type TfjsModelJson, type TwinpropExportMetadata } from './tfjs-export.js';
export { exportOnnx, ONNX_ACTIVATIONS, ONNX_INPUT, ONNX_IR_VERSION, ONNX_OPSET, ONNX_OUTPUT, ONNX_REFUSALS, type OnnxExport } from './onnx-export.js';
export { checkWeightBytes, importTfjs, planTfjsImport, type ManifestWeight, type TfjsImport, type TfjsImportOptions, type TfjsModelPlan } from './tfjs-import.js';
export { MAX_MODEL_JSON_BYTES, readTfjsModel, writeFileAtomic, writeTfjsExport } from './node.js';
