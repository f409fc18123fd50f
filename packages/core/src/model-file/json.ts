/**
 * A model file's text to a JSON value, refusing what could harm a reader: a syntax error is named
 * by line and column (or as truncation), nesting is bounded, and prototype keys are rejected.
 */
import { ModelFileError } from '../errors.js';
import { jsonErrorOffset } from '../json-position.js';
import { MAX_JSON_DEPTH } from './limits.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

export function parseJson(text: string, file: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (text.trim() === '') throw new ModelFileError('the file is empty', { file });
    // The position finder below recurses; bound the nesting first.
    const deep = nestingBeyond(text, MAX_JSON_DEPTH);
    if (deep >= 0) {
      const { line, column } = lineAndColumn(text, deep);
      throw new ModelFileError(`nested more than ${MAX_JSON_DEPTH} levels deep at line ${line}, column ${column}; a model file needs far fewer`, { file });
    }
    const offset = jsonErrorOffset(text);
    if (offset >= text.trimEnd().length) {
      throw new ModelFileError('unexpected end of JSON — the file looks truncated', { file });
    }
    const { line, column } = lineAndColumn(text, Math.max(0, offset));
    throw new ModelFileError(`not valid JSON at line ${line}, column ${column} (${message.split(', "')[0] ?? message})`, { file });
  }
}

/**
 * Rejects keys that could pollute prototypes if a consumer merged the object naively, and nesting
 * deeper than {@link MAX_JSON_DEPTH}. Iterative (an explicit stack), so no input can overflow the
 * call stack; arrays of numbers (the weights) are skipped in one pass.
 */
export function rejectForbiddenKeys(root: unknown, file: string | undefined): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path, depth } = top;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new ModelFileError(`nested more than ${MAX_JSON_DEPTH} levels deep; a model file needs far fewer`, { field: path, file });
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null) stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) throw new ModelFileError(`forbidden key "${key}"`, { field, file });
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
}

/** The deepest nesting of objects and arrays in JSON text (strings skipped), and where it first exceeds `limit`. */
function nestingBeyond(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}
