/** Looking into the untyped values of a `model.json`, and failing with a message. */

/** Throws the import's error (a ModelFileError naming model.json) with `message`. */
export type Fail = (message: string) => never;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
