import { describe, expect, it } from 'vitest';
import { ASSUMED_VECTOR_PEAK, vectorPeakFromCpuinfo } from './vector-peak.js';

/** The lines of `/proc/cpuinfo` that matter, as Linux prints them (tab before the colon). */
function cpuinfo(vendor: string, family: number, model: number, flags: string): string {
  return [`processor\t: 0`, `vendor_id\t: ${vendor}`, `cpu family\t: ${family}`, `model\t\t: ${model}`, `model name\t: Some CPU`, `flags\t\t: fpu sse sse2 ${flags}`, '', `processor\t: 1`, `flags\t\t: fpu`].join('\n');
}

describe('the hardware float32 peak per cycle, from the CPU flags', () => {
  it('gives an Intel core with AVX-512 two 16-lane FMAs: 2 × 16 × 2 = 64 FLOP per cycle', () => {
    const peak = vectorPeakFromCpuinfo(cpuinfo('GenuineIntel', 6, 143, 'avx avx2 fma avx512f amx_tile'));
    expect(peak.float32FlopsPerCycle).toBe(64);
    expect(peak.basis).toContain('AVX-512');
  });

  it('gives Zen 4 (AMD family 25, AVX-512 in two 256-bit halves) 32, Zen 5 (family 26) 64', () => {
    expect(vectorPeakFromCpuinfo(cpuinfo('AuthenticAMD', 25, 17, 'avx avx2 fma avx512f')).float32FlopsPerCycle).toBe(32);
    expect(vectorPeakFromCpuinfo(cpuinfo('AuthenticAMD', 26, 2, 'avx avx2 fma avx512f')).float32FlopsPerCycle).toBe(64);
  });

  it('gives AVX2 + FMA 32, Zen 1 (and Hygon Dhyana) 16, AVX alone 16, SSE alone 8', () => {
    expect(vectorPeakFromCpuinfo(cpuinfo('GenuineIntel', 6, 60, 'avx avx2 fma')).float32FlopsPerCycle).toBe(32);
    expect(vectorPeakFromCpuinfo(cpuinfo('AuthenticAMD', 23, 1, 'avx avx2 fma')).float32FlopsPerCycle).toBe(16);
    expect(vectorPeakFromCpuinfo(cpuinfo('AuthenticAMD', 23, 49, 'avx avx2 fma')).float32FlopsPerCycle).toBe(32);
    expect(vectorPeakFromCpuinfo(cpuinfo('HygonGenuine', 24, 1, 'avx avx2 fma')).float32FlopsPerCycle).toBe(16);
    expect(vectorPeakFromCpuinfo(cpuinfo('GenuineIntel', 6, 42, 'avx')).float32FlopsPerCycle).toBe(16);
    expect(vectorPeakFromCpuinfo(cpuinfo('GenuineIntel', 6, 23, 'ssse3')).float32FlopsPerCycle).toBe(8);
  });

  it('reads the first processor only, and says when it assumed', () => {
    // avx512f on a later processor's line must not count.
    const mixed = cpuinfo('GenuineIntel', 6, 60, 'avx avx2 fma') + '\nflags\t\t: avx512f';
    expect(vectorPeakFromCpuinfo(mixed).float32FlopsPerCycle).toBe(32);
    expect(vectorPeakFromCpuinfo(undefined)).toBe(ASSUMED_VECTOR_PEAK);
    expect(vectorPeakFromCpuinfo('Processor\t: AArch64 Processor rev 1')).toBe(ASSUMED_VECTOR_PEAK);
    expect(ASSUMED_VECTOR_PEAK.basis).toContain('assumed');
  });
});
