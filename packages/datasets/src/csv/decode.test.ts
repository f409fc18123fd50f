import { Readable } from 'node:stream';
import { DataError } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { readCsv } from './read.js';

/** A byte stream, as a file would give it (strings skip the decoder). */
const bytes = (...parts: ReadonlyArray<string | readonly number[]>): Readable =>
  Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from([...p]))));

describe('CSV: encodings a hostile file brings', () => {
  it('refuses invalid UTF-8 (a Latin-1 é) naming line and column, instead of merging classes into U+FFFD', async () => {
    // caf\xe9 and caf\xe8 would both decode to "caf\uFFFD": one class instead of two.
    const latin1 = ['x,y\n1,caf', [0xe9], '\n2,caf', [0xe8], '\n'] as const;
    const error = await readCsv(bytes(...latin1), { file: 'menu.csv' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/^menu\.csv, line 2, column 2: byte 0xE9 .*is not UTF-8.*--encoding latin1/);
    const read = await readCsv(bytes(...latin1), { encoding: 'latin1' });
    expect(read.classNames).toEqual(['cafè', 'café']);
  });

  it('a UTF-8 character split across two chunks is read whole; a file cut inside one is refused', async () => {
    const e = Buffer.from('é', 'utf8');
    const read = await readCsv(bytes('x,y\n1,caf', [e[0]!], [e[1]!, 0x0a], '2,tea\n'));
    expect(read.classNames).toEqual(['café', 'tea']);
    await expect(readCsv(bytes('x,y\n1,a\n2,b', [0xc3]), { file: 'cut.csv' })).rejects.toThrow(/cut\.csv, line 3, column 2: byte 0xC3 is not UTF-8/);
  });

  it('refuses a NUL byte (a binary file, /dev/zero) at once, and an unknown encoding', async () => {
    await expect(readCsv(bytes([0, 0, 0, 0]), { file: 'zero' })).rejects.toThrow(/^zero, line 1, column 1: the file holds a NUL byte/);
    await expect(readCsv(bytes('x,y\n1,2\n'), { encoding: 'klingon' })).rejects.toThrow(/unknown text encoding "klingon"/);
  });
});
