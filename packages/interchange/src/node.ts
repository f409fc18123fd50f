import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelFileError } from '@twinprop/core';
import { checkWeightBytes, importTfjs, planTfjsImport, type TfjsImport, type TfjsImportOptions } from './tfjs-import.js';
import { TFJS_WEIGHTS_FILE, type TfjsExport } from './tfjs-export.js';

/** model.json files larger than this are refused before reading (the topology of an MLP is a few kB). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Writes bytes (or text) atomically: a temporary file in the same folder, flushed, then renamed over `path`. */
export async function writeFileAtomic(path: string, contents: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Writes a TensorFlow.js export into `dir` (created if needed): weights.bin, then model.json. Returns both paths. */
export async function writeTfjsExport(dir: string, exported: TfjsExport): Promise<{ modelJson: string; weights: string }> {
  const weights = join(dir, TFJS_WEIGHTS_FILE);
  const modelJson = join(dir, 'model.json');
  await writeFileAtomic(weights, exported.weightsBin);
  await writeFileAtomic(modelJson, exported.modelJsonText);
  return { modelJson, weights };
}

async function sizeOf(path: string, role: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ModelFileError(`${role} is not a file`, { file: path });
    return info.size;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(`${role} ${code === 'ENOENT' ? 'is missing (no such file)' : `cannot be read (${code ?? String(error)})`}`, { file: path });
  }
}

/**
 * Reads a TensorFlow.js LayersModel from disk — `model.json` and the weight files its manifest
 * names, relative to its folder — into a twinprop model file. Sizes are checked against the
 * manifest before any weights are read. Errors are {@link ModelFileError}s naming the file.
 */
export async function readTfjsModel(path: string, options: Omit<TfjsImportOptions, 'file' | 'weightsFile'> = {}): Promise<TfjsImport> {
  const size = await sizeOf(path, 'model.json');
  if (size > MAX_MODEL_JSON_BYTES) throw new ModelFileError(`the file is ${size} bytes, more than the ${MAX_MODEL_JSON_BYTES}-byte limit for a model.json`, { file: path });
  const plan = planTfjsImport(await readFile(path, 'utf8'), path);
  const files = plan.paths.map((p) => join(dirname(path), p));
  const sizes: number[] = [];
  for (const file of files) sizes.push(await sizeOf(file, `the weights file named in ${path}`));
  const total = sizes.reduce((a, b) => a + b, 0);
  const weightsFile = files.join(' + ');
  checkWeightBytes(plan, total, path, weightsFile);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const file of files) {
    const bytes = await readFile(file);
    data.set(bytes.subarray(0, Math.min(bytes.length, total - offset)), offset);
    offset += bytes.length;
  }
  if (offset !== total) throw new ModelFileError(`changed size while being read`, { file: weightsFile });
  return importTfjs(plan, data, { ...options, file: path, weightsFile });
}
