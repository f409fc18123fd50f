/**
 * Running the built CLI the way a user does, for the end-to-end tests: a subprocess per command,
 * its exit status and output, and a temporary folder per test file for the files it writes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';

export const MAIN = fileURLToPath(new URL('../../dist/twinprop.js', import.meta.url));

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the CLI's stdin (else stdin is closed at once). */
  readonly input?: string | Buffer;
  /** Added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export function run(args: readonly string[], options: RunOptions = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI, expects exit 0, and parses stdout as exactly one JSON document. */
export async function runJson<T = Record<string, unknown>>(args: readonly string[]): Promise<T> {
  const result = await run(args);
  expect(result.stderr).not.toMatch(/twinprop: error/);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** A user mistake: the given exit status, one `twinprop: error:` line matching `message`, no stack trace. */
export async function expectFailure(args: readonly string[], code: number, message: RegExp, options: RunOptions = {}): Promise<Result> {
  const result = await run(args, options);
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(/^twinprop: error: /m);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(result.stderr).not.toMatch(/internal error/);
  return result;
}

export interface ModelJson {
  weights: { dtype: string; layers: Array<{ kernel: { data: number[] }; bias: { data: number[] } }> };
  optimizerState?: { step: number };
  metadata: { engine?: string; backend?: string; epochsCompleted?: number; batchesCompleted?: number; classNames?: string[]; standardization?: { mean: number[]; std: number[] } };
}

export async function readModel(path: string): Promise<ModelJson> {
  return JSON.parse(await readFile(path, 'utf8')) as ModelJson;
}

/** Parses the CSV `predict` writes (no quoted fields in these tests). */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const [header = '', ...rows] = text.trim().split('\n');
  return { header: header.split(','), rows: rows.map((r) => r.split(',')) };
}

export const AND_MODEL = ['--dataset', 'and', '--hidden', 'none'];

export interface Workspace {
  /** The test file's temporary folder (set before its tests run). */
  readonly dir: string;
  /** A model file trained once per test file (so tests that only read a model can run alone with -t). */
  modelFile(name: string, args: readonly string[]): Promise<string>;
  /** Records a model file a test trained itself, for {@link modelFile} to reuse. */
  remember(name: string, path: string): void;
}

/** A temporary folder for the calling test file, made before its tests and removed after them. */
export function workspace(): Workspace {
  let dir = '';
  const trained = new Map<string, Promise<string>>();
  beforeAll(async () => {
    expect(existsSync(MAIN), `build the CLI first: ${MAIN} is missing`).toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'twinprop-cli-'));
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    modelFile(name, args) {
      let file = trained.get(name);
      if (file === undefined) {
        const path = join(dir, name);
        file = run(['train', ...args, '--out', path, '--quiet']).then((result) => {
          expect(result.code).toBe(0);
          return path;
        });
        trained.set(name, file);
      }
      return file;
    },
    remember(name, path) {
      trained.set(name, Promise.resolve(path));
    },
  };
}
