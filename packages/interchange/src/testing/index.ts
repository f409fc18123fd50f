/**
 * `@twinprop/interchange/testing`: run an exported model in the runtimes that read its format —
 * TensorFlow.js's `tf.loadLayersModel` and ONNX Runtime Web — for tests and cross-checks (such as a
 * comparison harness's independent forward pass). Needs the optional peers `@tensorflow/tfjs` and
 * `onnxruntime-web`; the main entry point needs neither.
 */
export { loadLayersModelFromDisk, maxAbsDifference, onnxPredict, runExportedForward, tfjs, tfjsPredict } from './runtimes.js';
