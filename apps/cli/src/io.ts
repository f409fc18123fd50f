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

/** `twinprop: warning: …` on stderr. */
export function warn(text: string): void {
  err(`twinprop: warning: ${text}`);
}

/** Exactly one JSON document on stdout. */
export function printJson(value: unknown): void {
  out(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2));
}
