import { describe, expect, it } from 'vitest';
import { cpuinfoField } from './environment.js';

describe('reading /proc/cpuinfo', () => {
  const info = ['processor\t: 0', 'vendor_id\t: GenuineIntel', 'model\t\t: 167', 'model name\t: Intel(R) Xeon(R) Processor', 'flags\t\t: fpu avx2 ', 'empty\t\t:', '', 'processor\t: 1', 'model name\t: Other'].join('\n');

  it("gives the first processor's value of a field, trimmed, and tells `model` from `model name`", () => {
    expect(cpuinfoField(info, 'model name')).toBe('Intel(R) Xeon(R) Processor');
    expect(cpuinfoField(info, 'model')).toBe('167');
    expect(cpuinfoField(info, 'flags')).toBe('fpu avx2');
  });

  it('gives undefined for a field that is missing or empty', () => {
    expect(cpuinfoField(info, 'cpu family')).toBeUndefined();
    expect(cpuinfoField(info, 'empty')).toBeUndefined();
  });
});
