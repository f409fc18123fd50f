import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf.js';

// Expected bytes are the worked examples of the protobuf encoding guide, not this encoder's output.
describe('the protobuf encoder', () => {
  it('writes varints: field 1 = 150 is 08 96 01; 300 is ac 02', () => {
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    expect(Array.from(new ProtoWriter().int(1, 300).finish())).toEqual([0x08, 0xac, 0x02]);
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect(Array.from(new ProtoWriter().int(3, -1).finish())).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('writes strings and nested messages length-delimited: field 2 = "testing" is 12 07 74 65 73 74 69 6e 67', () => {
    expect(Array.from(new ProtoWriter().string(2, 'testing').finish())).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(Array.from(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish())).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('writes floats as fixed32 little-endian: field 2 = 1.0 is 15 00 00 80 3f', () => {
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
  });
});
