import { accessSync, constants, lstatSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Checks of the files a command will write, made before any work starts (so a mistake costs no
 * training): an output must be a new path or a regular file — never a symbolic link, a device, a
 * folder — and never one of the command's inputs (by path, and by inode, so a symlink or a hard
 * link to the dataset counts). Two outputs may not be the same file. Every file twinprop writes is
 * then written atomically (core's writeFileAtomic).
 */

export interface Output {
  /** The flag that names it, for messages: `--out`. */
  readonly flag: string;
  readonly path: string;
  /** A file, or a folder that files are written into (`--plot`). */
  readonly kind?: 'file' | 'dir';
}

export interface Input {
  readonly flag: string;
  readonly path: string;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function kindOf(info: Stats): string {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isDirectory()) return 'a directory';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function sameFile(a: Stats | undefined, b: Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** The nearest folder of `path` that exists, and whether it can be written to. */
function checkFolder(output: Output, path: string): void {
  let dir = dirname(resolve(path));
  for (;;) {
    const info = statOrUndefined(dir);
    if (info !== undefined) {
      if (!info.isDirectory()) throw new UsageError(`${output.flag} ${output.path}: ${dir} is not a directory`);
      try {
        accessSync(dir, constants.W_OK);
      } catch {
        throw new UsageError(`${output.flag} ${output.path}: cannot write into ${dir} (permission denied)`);
      }
      return;
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function checkFile(output: Output, path: string, inputs: readonly Input[]): void {
  const info = lstatOrUndefined(path);
  if (info !== undefined && !info.isFile()) {
    throw new UsageError(
      `${output.flag} ${output.path} is ${kindOf(info)}; twinprop writes a new regular file there (replacing it atomically), so give a regular file or a new path`,
    );
  }
  const target = statOrUndefined(path);
  for (const input of inputs) {
    if (resolve(input.path) === resolve(path) || sameFile(target, statOrUndefined(input.path))) {
      throw new UsageError(`${output.flag} ${output.path} is the ${input.flag} file; writing it would destroy the input — give another path`);
    }
  }
  checkFolder(output, path);
}

/** Refuses outputs that would destroy an input, replace a link or a device, or collide. UsageError naming the flags. */
export function checkOutputs(outputs: readonly Output[], inputs: readonly Input[]): void {
  const files: Array<{ output: Output; path: string }> = [];
  for (const output of outputs) {
    if (output.kind === 'dir') {
      const info = lstatOrUndefined(output.path);
      if (info !== undefined && !info.isDirectory()) throw new UsageError(`${output.flag} ${output.path} is ${kindOf(info)}, not a directory`);
      if (info === undefined) checkFolder(output, resolve(output.path, 'x'));
      for (const name of ['loss.png', 'decision-boundary.png']) files.push({ output, path: resolve(output.path, name) });
    } else {
      files.push({ output, path: output.path });
    }
  }
  for (const { output, path } of files) checkFile(output, path, inputs);
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      const a = files[i];
      const b = files[j];
      if (a === undefined || b === undefined || a.output === b.output) continue;
      if (resolve(a.path) === resolve(b.path) || sameFile(statOrUndefined(a.path), statOrUndefined(b.path))) {
        throw new UsageError(`${a.output.flag} and ${b.output.flag} name the same file (${a.path}); give each its own`);
      }
    }
  }
}
