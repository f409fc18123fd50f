/** Where output goes: results on stdout, progress and messages on stderr. */

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function stdoutIsTty(): boolean {
  return process.stdout.isTTY;
}

export function stderrIsTty(): boolean {
  return process.stderr.isTTY;
}

/**
 * Whether to colour output for a stream: `NO_COLOR` (any non-empty value) turns colour off,
 * `FORCE_COLOR` turns it on (`0` or `false`: off), otherwise only on a terminal. See no-color.org.
 */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env, isTty: boolean = stdoutIsTty()): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTty;
}

/** `twinprop: warning: …` on stderr. */
export function warn(text: string): void {
  err(`twinprop: warning: ${text}`);
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}

/** Exactly one JSON document on stdout. */
export function printJson(value: unknown): void {
  out(jsonText(value));
}

/**
 * A reader closed our stdout early (`twinprop datasets | head -1`): stop quietly, as Unix tools
 * do, instead of dying of an unhandled EPIPE. Errors writing to a closed stderr are ignored.
 */
export function exitQuietlyOnClosedPipes(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.stderr.on('error', () => undefined);
}

/**
 * Whether the command line asked for JSON (`--json` before any `--`): then errors are also printed
 * as one JSON object on stdout, so a script reading stdout always gets JSON.
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** The JSON object an error is under `--json`: `{ "error": { "code", "message", "exitCode" } }`. */
export function printJsonError(code: string, message: string, exitCode: number): void {
  out(jsonText({ error: { code, message, exitCode } }));
}
