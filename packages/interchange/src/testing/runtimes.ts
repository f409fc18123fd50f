/**
 * The real runtimes, for the tests only: TensorFlow.js's own LayersModel loader (reading model.json
 * and its weight files from disk, as its http/file handlers do) and ONNX Runtime (WebAssembly build).
 * Neither is a dependency of the package.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import type { ModelFile } from '@twinprop/core';
import { ExportError } from '../errors.js';
import { exportOnnx } from '../onnx-export.js';
import { exportTfjs } from '../tfjs-export.js';

let tfReady: Promise<unknown> | undefined;
/** TensorFlow.js on its cpu backend, its Node.js banner silenced. */
export async function tfjs(): Promise<typeof tf> {
  if (tfReady === undefined) {
    const warn = console.warn;
    console.warn = (...args: unknown[]): void => {
      if (typeof args[0] === 'string' && args[0].includes('looks like you are running TensorFlow.js in Node.js')) return;
      warn(...args);
    };
    tfReady = tf.setBackend('cpu');
  }
  await tfReady;
  return tf;
}

/** `tf.loadLayersModel` over an IOHandler that reads `model.json` and the files its manifest names. */
export async function loadLayersModelFromDisk(modelJsonPath: string): Promise<tf.LayersModel> {
  const t = await tfjs();
  const handler: tf.io.IOHandler = {
    load: async () => {
      const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return t.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths).map((p) => readFile(join(dirname(modelJsonPath), p))));
        const all = Buffer.concat(buffers);
        return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      });
    },
  };
  return t.loadLayersModel(handler);
}

export async function tfjsPredict(model: tf.LayersModel, rows: readonly number[][]): Promise<number[][]> {
  const t = await tfjs();
  const x = t.tensor2d(rows.map((r) => [...r]), undefined, 'float32');
  const y = model.predict(x) as tf.Tensor;
  const values = (await y.array()) as number[][];
  x.dispose();
  y.dispose();
  return values;
}

let ortReady = false;
/** Runs an ONNX model (its bytes) on rows of raw inputs with ONNX Runtime Web, single-threaded. */
export async function onnxPredict(bytes: Uint8Array, rows: readonly number[][]): Promise<number[][]> {
  if (!ortReady) {
    ort.env.wasm.numThreads = 1;
    ortReady = true;
  }
  const session = await ort.InferenceSession.create(bytes);
  try {
    const cols = rows[0]?.length ?? 0;
    const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, cols]);
    const result = await session.run({ input });
    const output = result.output;
    if (output === undefined) throw new Error(`no "output" in the session's results: ${Object.keys(result).join(', ')}`);
    const width = Number(output.dims[1] ?? 1);
    const data = Array.from(output.data as Float32Array);
    return rows.map((_, r) => data.slice(r * width, (r + 1) * width));
  } finally {
    await session.release();
  }
}

/** Largest |a − b| over two equally shaped row lists (Infinity if their shapes differ). */
export function maxAbsDifference(a: readonly number[][], b: readonly number[][]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  a.forEach((row, r) => {
    const other = b[r] ?? [];
    if (row.length !== other.length) worst = Number.POSITIVE_INFINITY;
    row.forEach((v, c) => {
      const d = Math.abs(v - (other[c] ?? Number.NaN));
      worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
    });
  });
  return worst;
}

/**
 * The forward pass of a model file as the other runtimes compute it: exported (pure functions, in
 * memory) and run by tfjs-layers and by ONNX Runtime on raw input rows.
 */
export async function runExportedForward(model: ModelFile, rows: readonly number[][]): Promise<{ tfjs: number[][] | undefined; onnx: number[][] | undefined }> {
  const t = await tfjs();
  let fromTfjs: number[][] | undefined;
  try {
    const exported = exportTfjs(model);
    const group = exported.modelJson.weightsManifest[0];
    const bytes = exported.weightsBin;
    const layers = await t.loadLayersModel(
      t.io.fromMemory({
        modelTopology: exported.modelJson.modelTopology as unknown as tf.io.ModelJSON['modelTopology'],
        weightSpecs: group === undefined ? [] : group.weights.map((w) => ({ ...w, shape: [...w.shape] })),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      }),
    );
    fromTfjs = await tfjsPredict(layers, rows);
    layers.dispose();
  } catch (error) {
    if (!(error instanceof ExportError)) throw error;
  }
  let fromOnnx: number[][] | undefined;
  try {
    fromOnnx = await onnxPredict(exportOnnx(model).bytes, rows);
  } catch (error) {
    if (!(error instanceof ExportError)) throw error;
  }
  return { tfjs: fromTfjs, onnx: fromOnnx };
}
