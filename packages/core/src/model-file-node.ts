import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileWriteError, ModelFileError } from './errors.js';
import { MAX_MODEL_FILE_BYTES, parseModelFile, serializeModelFileChunks, type ModelFile } from './model-file.js';

/** What {@link writeFileAtomic} writes: text (UTF-8), bytes, or pieces of either produced as it goes. */
export type FileContents = string | Uint8Array | Iterable<string | Uint8Array>;

/** Text is gathered into writes of about this many characters. */
const WRITE_CHUNK = 1 << 20;

/** Why a write failed, in words; the path is the caller's. */
function writeProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'the file is too large for this file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'ENOTDIR':
    case 'EEXIST':
      // mkdir -p says EEXIST when a part of the path is a file
      return 'a part of the path is a file, not a directory';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    case 'EIO':
      return 'input/output error';
    case undefined:
    default:
      return error.code === undefined ? error.message : `cannot write (${error.code})`;
  }
}

function asWriteError(path: string, error: unknown): unknown {
  if (error instanceof FileWriteError) return error;
  const e = error as NodeJS.ErrnoException;
  // Only the file system's own errors (with a syscall) are reworded; anything else is passed on.
  if (!(error instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string') return error;
  const kept = e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'EFBIG' || e.code === 'EIO' ? '; any previous file there is unchanged' : '';
  return new FileWriteError(path, `${writeProblem(e)}${kept}`, { reason: e.code, cause: error });
}

/**
 * Writes every byte of `bytes`. A write may be short (a nearly full disk takes what fits and
 * reports success); the loop then writes the rest, and the next write reports the full disk.
 */
async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC', syscall: 'write' });
    offset += bytesWritten;
  }
}

async function writeAll(handle: FileHandle, contents: FileContents): Promise<void> {
  if (typeof contents === 'string') {
    await writeFully(handle, Buffer.from(contents, 'utf8'));
    return;
  }
  if (contents instanceof Uint8Array) {
    await writeFully(handle, contents);
    return;
  }
  let pending = '';
  for (const piece of contents) {
    if (typeof piece === 'string') {
      pending += piece;
      if (pending.length < WRITE_CHUNK) continue;
      await writeFully(handle, Buffer.from(pending, 'utf8'));
      pending = '';
    } else {
      if (pending !== '') await writeFully(handle, Buffer.from(pending, 'utf8'));
      pending = '';
      await writeFully(handle, piece);
    }
  }
  if (pending !== '') await writeFully(handle, Buffer.from(pending, 'utf8'));
}

/**
 * Writes `contents` to `path` atomically: a temporary file in the same folder is written, flushed
 * to disk and renamed over `path`, so a crash or a full disk leaves either the old file or the new
 * one — never half of one, and never the temporary file. Every failure is a {@link FileWriteError}
 * naming `path` (not the temporary file) and saying what is wrong in words (`no space left on
 * device`, `permission denied`, `a part of the path is a file, not a directory`).
 */
export async function writeFileAtomic(path: string, contents: FileContents): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw asWriteError(path, error);
  }
  // Short enough for any file system's name limit, whatever the length of the name.
  const temp = join(dir, `.${basename(path).slice(0, 100)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx');
  } catch (error) {
    throw asWriteError(path, error);
  }
  try {
    try {
      await writeAll(handle, contents);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw asWriteError(path, error);
  }
}

/** How a path that is not a regular file is described in errors. */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads at most `limit` bytes of a file (a regular file or a pipe; devices such as /dev/zero are
 * refused, since they never end). ModelFileError when there is more.
 */
async function readBounded(path: string, limit: number): Promise<Buffer> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(error)})`, {
      file: path,
    });
  }
  if (!info.isFile() && !info.isFIFO()) throw new ModelFileError(`is ${kindOf(info)}, not a model file`, { file: path });
  if (info.size > limit) throw new ModelFileError(`the file is ${info.size} bytes, more than the ${limit}-byte limit for model files`, { file: path });
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(error)})`, { file: path });
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 22, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      chunks.push(chunk.subarray(0, bytesRead));
      if (total > limit) throw new ModelFileError(`the file is more than the ${limit}-byte limit for model files`, { file: path });
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/**
 * Reads and validates a model file; errors name the file. Files over {@link MAX_MODEL_FILE_BYTES},
 * devices and text that is not UTF-8 are refused before parsing.
 */
export async function readModelFile(path: string): Promise<ModelFile> {
  const bytes = await readBounded(path, MAX_MODEL_FILE_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelFileError('is not UTF-8 text (a binary file?)', { file: path });
  }
  return parseModelFile(text, path);
}

/**
 * Saves a model file atomically, streaming it (no single string holds the file, so any model that
 * fits the read limit can be saved). Non-finite weights are refused before anything is written.
 */
export async function writeModelFile(path: string, model: ModelFile): Promise<void> {
  await writeFileAtomic(path, serializeModelFileChunks(model));
}
