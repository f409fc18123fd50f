/**
 * Bytes to text for the CSV parser: UTF-8 checked (a byte sequence that is not UTF-8 is a
 * DataError naming its line and column, never a silent U+FFFD), other encodings through
 * TextDecoder, and a NUL byte refused in any encoding (the file is binary).
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { DataError } from '@twinprop/core';
import type { Where } from './errors.js';

/** A byte position in the input as a DataError shows it: the line, and the field (column) on it. */
class BytePosition {
  private line = 1;
  /** Bytes of the current line seen so far (kept to count fields when a problem is found). */
  private lineStart: Buffer[] = [];

  constructor(private readonly delimiter: number) {}

  /** Moves past `bytes`. */
  advance(bytes: Buffer): void {
    let from = 0;
    for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a, from)) {
      this.line++;
      from = nl + 1;
      this.lineStart = [];
    }
    if (from < bytes.length) this.lineStart.push(bytes.subarray(from));
  }

  /** The line and field of `bytes[offset]` (bytes follow what was advanced past). */
  at(bytes: Buffer, offset: number): { line: number; column: number } {
    const before = bytes.subarray(0, offset);
    const lastBreak = before.lastIndexOf(0x0a);
    let line = this.line;
    for (let nl = before.indexOf(0x0a); nl >= 0; nl = before.indexOf(0x0a, nl + 1)) line++;
    const prefix = lastBreak >= 0 ? before.subarray(lastBreak + 1) : Buffer.concat([...this.lineStart, before]);
    let column = 1;
    let quoted = false;
    for (const b of prefix) {
      if (b === 0x22) quoted = !quoted;
      else if (b === this.delimiter && !quoted) column++;
    }
    return { line, column };
  }
}

/** Bytes at the end of `bytes` that start a UTF-8 sequence the chunk does not finish. */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** The offset of the first byte that is not valid UTF-8 (the input is known to hold one). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/**
 * Bytes to text for the parser: UTF-8 checked (natively; the slow scan runs only to locate a bad
 * byte), other encodings through TextDecoder. A NUL byte or invalid UTF-8 fails the stream with a
 * DataError at its line and column.
 */
export class Decoder extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private readonly position: BytePosition;
  private readonly decoder: TextDecoder | undefined;
  private readonly utf8: boolean;

  constructor(
    encoding: string,
    delimiter: string,
    private readonly where: (line: number, column: number) => Where,
  ) {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
    let label: string;
    try {
      label = new TextDecoder(encoding).encoding;
    } catch {
      throw new DataError(`unknown text encoding ${JSON.stringify(encoding)} (try utf-8, latin1, windows-1252 or utf-16le)`);
    }
    this.utf8 = label === 'utf-8';
    this.decoder = this.utf8 ? undefined : new TextDecoder(label);
    this.position = new BytePosition(delimiter.charCodeAt(0));
  }

  private fail(bytes: Buffer, offset: number, message: string): DataError {
    const { line, column } = this.position.at(bytes, offset);
    return new DataError(message, this.where(line, column));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      if (this.decoder !== undefined) {
        const nul = this.decoder.encoding.startsWith('utf-16') ? -1 : chunk.indexOf(0);
        if (nul >= 0) throw this.fail(chunk, nul, 'the file holds a NUL byte: it is not a text file');
        this.position.advance(chunk);
        done(null, this.decoder.decode(chunk, { stream: true }));
        return;
      }
      const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
      const nul = bytes.indexOf(0);
      const end = bytes.length - incompleteTail(bytes);
      const whole = bytes.subarray(0, nul >= 0 ? nul : end);
      if (!isUtf8(whole)) {
        const bad = firstInvalidUtf8(whole);
        throw this.fail(bytes, bad, invalidUtf8Message(bytes, bad));
      }
      if (nul >= 0) throw this.fail(bytes, nul, 'the file holds a NUL byte: it is not a text file');
      this.carry = Buffer.from(bytes.subarray(end));
      this.position.advance(whole);
      done(null, whole.toString('utf8'));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) {
      done(this.fail(this.carry, 0, invalidUtf8Message(this.carry, 0)));
      return;
    }
    done(null, this.decoder?.decode() ?? '');
  }
}

function invalidUtf8Message(bytes: Buffer, offset: number): string {
  const shown = Array.from(bytes.subarray(offset, offset + 2), (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
  return `byte ${shown} is not UTF-8 (a Latin-1 or Windows-1252 file?); convert the file to UTF-8, or name its encoding (--encoding latin1)`;
}
