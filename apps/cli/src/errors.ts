import { TwinpropError } from '@twinprop/core';

/** Exit statuses of the `twinprop` command. */
export const EXIT = {
  ok: 0,
  /** Training failed (the loss or the weights became NaN or infinite), or its results could not be written (a full disk). */
  trainingFailed: 1,
  /** A usage or input error: bad flag, unknown dataset or engine, bad CSV or model file, shape mismatch, backend unavailable. */
  usage: 2,
  /** A bug in twinprop (the message carries a stack trace). */
  internal: 70,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15), after writing a checkpoint as for Ctrl-C. */
  terminated: 143,
} as const;

/** A mistake in how the command was called that commander itself cannot see (conflicting flags, …). */
export class UsageError extends TwinpropError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/**
 * The exit status for an error twinprop raised on purpose: 1 when training failed, 2 for every
 * other code (a usage or input error), including codes this list does not name yet. A bug is never
 * a TwinpropError; main.ts gives those 70.
 */
export function exitCodeFor(error: TwinpropError): number {
  switch (error.code) {
    case 'NON_FINITE_LOSS':
    case 'NON_FINITE_WEIGHTS':
    case 'FILE_WRITE_FAILED':
      return EXIT.trainingFailed;
    case 'USAGE':
    case 'SPEC_INVALID':
    case 'MODEL_FILE_INVALID':
    case 'SHAPE_MISMATCH':
    case 'UNSUPPORTED':
    case 'BACKEND_UNAVAILABLE':
    case 'ENGINE_UNKNOWN':
    case 'ENGINE_MODULE_INVALID':
    case 'DATA_INVALID':
      return EXIT.usage;
    default:
      // A TwinpropError with a code this CLI does not know yet is still a deliberate, user-facing error.
      return EXIT.usage;
  }
}

/** A Node.js file-system error (ENOENT, EACCES, EISDIR, …) on a path the user named. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  if (!(error instanceof Error)) return false;
  const e = error as NodeJS.ErrnoException;
  return typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.path === 'string';
}

/** One-line description of a file-system error for the user. */
export function describeFileSystemError(error: NodeJS.ErrnoException & { path: string }): string {
  switch (error.code) {
    case 'ENOENT':
      return `${error.path}: no such file or directory`;
    case 'EACCES':
    case 'EPERM':
      return `${error.path}: permission denied`;
    case 'EISDIR':
      return `${error.path}: is a directory, expected a file`;
    case 'ENOTDIR':
      return `${error.path}: a part of the path is not a directory`;
    case undefined:
    default:
      return `${error.path}: ${error.code ?? 'cannot access'}`;
  }
}
