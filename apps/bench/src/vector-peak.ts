/**
 * The hardware's float32 peak per cycle and core, derived from what the CPU says it is (Linux's
 * `/proc/cpuinfo`): JavaScript cannot run vector code, so this is never measured, only derived,
 * and the report says from what. It is an upper bound: the ratio against it shows how far the
 * reference engine's scalar code is from the silicon, not a target.
 *
 * - AVX-512 on Intel: two 512-bit FMA units (Xeon Scalable Gold/Platinum and later; some smaller
 *   parts have one, so this can overstate them 2×) — 2 × 16 lanes × 2 FLOP = 64.
 * - AVX-512 on AMD family 25 (Zen 4): executed as two 256-bit halves — 32. Family 26 (Zen 5): full
 *   512-bit datapaths — 64.
 * - AVX2 with FMA (Haswell, Zen 2 and later): two 256-bit FMAs — 32 (Zen 1 — family 23 below
 *   model 0x30, and Hygon's family 24 — splits them: 16).
 * - AVX without FMA: one 8-lane add and one 8-lane multiply per cycle — 16. SSE only: 8.
 */
import { cpuinfoField } from '@twinprop/toolkit';

export interface VectorPeak {
  readonly float32FlopsPerCycle: number;
  /** How it was derived, for the report: `CPU flags: AVX-512 (Intel): two 16-lane FMAs`. */
  readonly basis: string;
}

/** What the report assumes when the CPU does not say (no `/proc/cpuinfo`, not x86-64). */
export const ASSUMED_VECTOR_PEAK: VectorPeak = { float32FlopsPerCycle: 32, basis: 'assumed two 8-lane FMAs: the CPU did not say' };

export function vectorPeakFromCpuinfo(cpuinfo: string | undefined): VectorPeak {
  if (cpuinfo === undefined) return ASSUMED_VECTOR_PEAK;
  const flagsText = cpuinfoField(cpuinfo, 'flags');
  if (flagsText === undefined) return ASSUMED_VECTOR_PEAK;
  const flags = new Set(flagsText.split(/\s+/));
  const vendor = cpuinfoField(cpuinfo, 'vendor_id');
  const family = Number(cpuinfoField(cpuinfo, 'cpu family'));
  const model = Number(cpuinfoField(cpuinfo, 'model'));
  const amd = vendor === 'AuthenticAMD' || vendor === 'HygonGenuine';
  if (flags.has('avx512f')) {
    if (amd && family === 25) return { float32FlopsPerCycle: 32, basis: 'CPU flags: AVX-512 on AMD family 25 (Zen 4: two 256-bit halves): two 8-lane FMAs' };
    return { float32FlopsPerCycle: 64, basis: `CPU flags: AVX-512 (${amd ? 'AMD' : 'Intel'}): two 16-lane FMAs` };
  }
  if (flags.has('avx2') && flags.has('fma')) {
    // Zen 1 and Zen+ (family 23 below model 0x30) and Hygon's Dhyana (family 24, a Zen 1) split 256-bit work into 128-bit halves.
    if (amd && ((family === 23 && model < 0x30) || family === 24)) return { float32FlopsPerCycle: 16, basis: 'CPU flags: AVX2 on a Zen 1 core (two 128-bit halves): two 4-lane FMAs' };
    return { float32FlopsPerCycle: 32, basis: 'CPU flags: AVX2 with FMA: two 8-lane FMAs' };
  }
  if (flags.has('avx')) return { float32FlopsPerCycle: 16, basis: 'CPU flags: AVX without FMA: one 8-lane add and one 8-lane multiply' };
  if (flags.has('sse2')) return { float32FlopsPerCycle: 8, basis: 'CPU flags: SSE: one 4-lane add and one 4-lane multiply' };
  return ASSUMED_VECTOR_PEAK;
}
