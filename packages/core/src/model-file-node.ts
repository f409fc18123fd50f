import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelFileError } from './errors.js';
import { MAX_MODEL_FILE_BYTES, parseModelFile, serializeModelFile, type ModelFile } from './model-file.js';

/**
 * Writes `contents` to `path` atomically: a temporary file in the same folder is written, flushed
 * to disk and renamed over `path`, so a crash leaves either the old file or the new one — never half
 * of one.
 */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(contents, 'utf8');
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

/** Reads and validates a model file; errors name the file. */
export async function readModelFile(path: string): Promise<ModelFile> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`, { file: path });
  }
  if (size > MAX_MODEL_FILE_BYTES) {
    throw new ModelFileError(`the file is ${size} bytes, more than the ${MAX_MODEL_FILE_BYTES}-byte limit`, { file: path });
  }
  return parseModelFile(await readFile(path, 'utf8'), path);
}

/** Saves a model file atomically. */
export async function writeModelFile(path: string, model: ModelFile): Promise<void> {
  await writeFileAtomic(path, serializeModelFile(model));
}
