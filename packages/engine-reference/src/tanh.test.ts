import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lambertConvergent, tanh, TANH_TABLE } from './tanh.js';

/** Distance between two doubles in units in the last place (counting representable doubles between them). */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  // Map the sign-magnitude bit patterns onto a line where neighbouring doubles are 1 apart.
  const line = (offset: number): bigint => {
    const bits = view.getBigInt64(offset);
    return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
  };
  const d = line(0) - line(8);
  return Number(d < 0n ? -d : d);
}

/** The next double above x (x finite, positive). */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

describe('tanh from + − × ÷ (the engine’s own, tanh.ts)', () => {
  it('uses the 7-level convergent of Lambert’s continued fraction, folded by hand', () => {
    // f/(1 + u/(3 + u/(5 + u/(7 + u/(9 + u/(11 + u/13)))))) with u = f², multiplied out on paper:
    // 13 → 11 + u/13 = (143 + u)/13 → … down to 1 + u/(…).
    const { p, q } = lambertConvergent(7);
    expect(p).toEqual([135135, 17325, 378, 1]);
    expect(q).toEqual([135135, 62370, 3150, 28]);
    // The smallest ones, by hand: 1 level is tanh f ≈ f; 2 levels f/(1 + u/3) = 3f/(3 + u).
    expect(lambertConvergent(1)).toEqual({ p: [1], q: [1] });
    expect(lambertConvergent(2)).toEqual({ p: [3], q: [3, 1] });
    // tanh's code writes t = f − f·u·R(u)/Q(u) with R = (Q − P)/u: 45045 + 2772u + 27u².
    expect(q.map((c, i) => c - (p[i] ?? 0))).toEqual([0, 45045, 2772, 27]);
  });

  it('its table holds tanh(j/4) and 1 − tanh²(j/4) to within one unit of Math.tanh', () => {
    const { tanhOfQuarters, oneMinusTanhSquared } = TANH_TABLE;
    expect(tanhOfQuarters.length).toBe(80);
    expect(tanhOfQuarters[0]).toBe(0);
    expect(oneMinusTanhSquared[0]).toBe(1);
    for (let j = 1; j < 80; j++) {
      expect(ulps(tanhOfQuarters[j]!, Math.tanh(j / 4)), `tanh(${j}/4)`).toBeLessThanOrEqual(1);
      // 1 − tanh² a = 1/cosh² a, an independent way to the same number.
      expect(Math.abs(oneMinusTanhSquared[j]! * Math.cosh(j / 4) ** 2 - 1), `1 − tanh²(${j}/4)`).toBeLessThan(1e-15);
    }
  });

  it('gives the textbook values: tanh(ln 2) = 3/5, tanh(ln 3) = 4/5, tanh(½ ln 3) = 1/2', () => {
    // tanh(ln a) = (a² − 1)/(a² + 1); the inputs are ln rounded to a double, which moves tanh by
    // less than a unit.
    expect(ulps(tanh(Math.LN2), 0.6)).toBeLessThanOrEqual(1);
    expect(ulps(tanh(Math.log(3)), 0.8)).toBeLessThanOrEqual(1);
    expect(ulps(tanh(Math.log(3) / 2), 0.5)).toBeLessThanOrEqual(1);
    expect(ulps(tanh(-Math.LN2), -0.6)).toBeLessThanOrEqual(1);
  });

  it('keeps the special values: ±0, ±∞, NaN, tiny and saturated inputs', () => {
    expect(Object.is(tanh(0), 0)).toBe(true);
    expect(Object.is(tanh(-0), -0)).toBe(true);
    expect(tanh(Infinity)).toBe(1);
    expect(tanh(-Infinity)).toBe(-1);
    expect(tanh(Number.NaN)).toBeNaN();
    expect(tanh(5e-324)).toBe(5e-324);
    expect(tanh(-1e-300)).toBe(-1e-300);
    expect(tanh(20)).toBe(1);
    expect(tanh(-1e308)).toBe(-1);
    expect(tanh(19.999999)).toBe(Math.tanh(19.999999));
  });

  it('is within 3 units in the last place of Math.tanh, and odd, for any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -30, max: 30 }), (x) => {
        expect(ulps(tanh(x), Math.tanh(x))).toBeLessThanOrEqual(3);
        expect(tanh(-x)).toBe(-tanh(x));
      }),
      { numRuns: 20_000, seed: 42 },
    );
    // And densely where the pieces meet: either side of every table point j/4 and of 20.
    for (let j = 1; j <= 80; j++) {
      let x = j / 4 - 1e-12;
      for (let i = 0; i < 200; i++, x = nextUp(x)) expect(ulps(tanh(x), Math.tanh(x)), `x = ${x}`).toBeLessThanOrEqual(3);
    }
  });

  it('never steps back by more than one unit (Math.tanh is monotone; this one is to within its rounding)', () => {
    // Across and either side of every table point, 2,000 consecutive doubles each: the value may
    // step back by one unit in the last place (rounding in the two divisions, measured 15 times in
    // these 158,000 steps), never by more — no jump where one piece hands over to the next.
    let backSteps = 0;
    for (let j = 1; j < 80; j++) {
      let x = j / 4 - 1e-13;
      let previous = tanh(x);
      for (let i = 0; i < 2000; i++) {
        x = nextUp(x);
        const value = tanh(x);
        if (value < previous) {
          backSteps++;
          expect(ulps(value, previous), `tanh at ${x}`).toBe(1);
        }
        previous = value;
      }
    }
    expect(backSteps).toBeLessThan(100);
    // On a grid whose steps move tanh by far more than its error (on |x| ≤ 10, by more than 10⁻¹¹), it increases.
    const xs = Array.from({ length: 4_001 }, (_, i) => -10 + i * 0.005);
    xs.slice(1).forEach((x, i) => expect(tanh(x)).toBeGreaterThan(tanh(xs[i]!)));
  });
});
