import { DataError, Rng, type Dataset } from '@twinprop/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  circle,
  gauss,
  MULTIGAUSS_CENTRES,
  multigauss,
  plane,
  PLAYGROUND_DATASETS,
  MAX_URL_NOISE,
  playgroundDataset,
  playgroundPoints,
  playgroundShuffle,
  spiral,
  xor,
} from './playground.js';

/** An Rng whose `next()` replays a script (to pin the order of draws to the Playground's). */
class ScriptedRng extends Rng {
  private i = 0;
  constructor(private readonly script: readonly number[]) {
    super(0);
  }
  override next(): number {
    const u = this.script[this.i++];
    if (u === undefined) throw new Error(`script ran out after ${this.script.length} draws`);
    return u;
  }
  get used(): number {
    return this.i;
  }
}

const px = (d: Dataset, i: number): number => d.x.data[2 * i]!;
const py = (d: Dataset, i: number): number => d.x.data[2 * i + 1]!;
const label = (d: Dataset, i: number): number => d.y.data[i]!;
const radius = (d: Dataset, i: number): number => Math.hypot(px(d, i), py(d, i));
const count = (d: Dataset, k: number): number => Array.from(d.y.data).filter((v) => v === k).length;
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]): number => {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
};
const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('determinism (all generators)', () => {
  it.each(PLAYGROUND_DATASETS)('%s: same seed ⇒ same points, different seed ⇒ different', (name) => {
    const a = playgroundDataset(name, { points: 200, noise: 20, seed: 7 });
    const b = playgroundDataset(name, { points: 200, noise: 20, seed: 7 });
    const c = playgroundDataset(name, { points: 200, noise: 20, seed: 8 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.y.data).toEqual(b.y.data);
    expect(a.x.data).not.toEqual(c.x.data);
    const fromRng = playgroundDataset(name, { points: 200, noise: 20, rng: new Rng(7) });
    expect(fromRng.x.data).toEqual(a.x.data);
  });

  it.each(PLAYGROUND_DATASETS)('%s: shapes, task and the Playground default sizes', (name) => {
    const d = playgroundDataset(name);
    const regression = name === 'plane' || name === 'multigauss';
    expect(d.task).toBe(regression ? 'regression' : 'binary');
    expect(d.x.rows).toBe(regression ? 1200 : 500);
    expect([d.x.cols, d.y.cols, d.y.rows]).toEqual([2, 1, d.x.rows]);
    if (!regression) {
      expect(d.classNames).toEqual(['negative', 'positive']);
      expect(Array.from(d.y.data).every((v) => v === 0 || v === 1)).toBe(true);
    }
    expect(Array.from(d.x.data).every(Number.isFinite)).toBe(true);
  });

  it('refuses bad points and noise with a DataError', () => {
    expect(() => circle({ points: 0 })).toThrow(DataError);
    expect(() => circle({ points: 1.5 })).toThrow(/points/);
    expect(() => xor({ noise: 51 })).toThrow(/noise/);
    expect(() => gauss({ noise: -1 })).toThrow(DataError);
    expect(() => plane({ points: 1 })).not.toThrow();
  });

  it('odd counts: ⌈n/2⌉ positive then ⌊n/2⌋ negative points', () => {
    for (const d of [circle({ points: 7 }), gauss({ points: 7 }), spiral({ points: 7 })]) {
      expect(d.x.rows).toBe(7);
      expect(Array.from(d.y.data)).toEqual([1, 1, 1, 1, 0, 0, 0]);
    }
  });
});

describe('circle', () => {
  it('draws r, angle, noiseX, noiseY per point, x = r·sin(angle), y = r·cos(angle)', () => {
    // inner point: r = 0.4·2.5 = 1, angle = 0.25·2π = π/2 → (1, 0); outer: r = 3.5 + 0.5·1.5 = 4.25, angle = π → (0, −4.25)
    const rng = new ScriptedRng([0.4, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    const d = circle({ points: 2, rng });
    expect(rng.used).toBe(8);
    expect(px(d, 0)).toBeCloseTo(1, 12);
    expect(py(d, 0)).toBeCloseTo(0, 12);
    expect(px(d, 1)).toBeCloseTo(0, 12);
    expect(py(d, 1)).toBeCloseTo(-4.25, 12);
    expect(Array.from(d.y.data)).toEqual([1, 0]);
  });

  it('noise offsets decide the label: a point pushed out of the disc is class 0', () => {
    // inner point at (1, 0); noise 50% → offsets (u·10 − 5)·0.5: u = 1 → +2.5 in x → 3.5 from the centre
    const rng = new ScriptedRng([0.4, 0.25, 0.9999999, 0.5]);
    expect(Array.from(circle({ points: 1, noise: 50, rng }).y.data)).toEqual([0]);
  });

  it('noise 0: half inside r < 2.5 labelled 1, half in 3.5 ≤ r < 5 labelled 0, uniform in r and angle', () => {
    const n = 2000;
    const d = circle({ points: n, seed: 3 });
    const inner = range(n / 2);
    const outer = range(n / 2, n / 2);
    expect(inner.every((i) => radius(d, i) < 2.5 && label(d, i) === 1)).toBe(true);
    expect(outer.every((i) => radius(d, i) >= 3.5 - 1e-12 && radius(d, i) < 5 && label(d, i) === 0)).toBe(true);
    // r ~ U(0, 2.5): mean 1.25, sd 2.5/√12; U(3.5, 5): mean 4.25, sd 1.5/√12 — within 5 standard errors.
    expect(Math.abs(mean(inner.map((i) => radius(d, i))) - 1.25)).toBeLessThan((5 * 2.5) / Math.sqrt(12 * 1000));
    expect(Math.abs(mean(outer.map((i) => radius(d, i))) - 4.25)).toBeLessThan((5 * 1.5) / Math.sqrt(12 * 1000));
    // angle uniform: the mean direction is near 0 (each coordinate mean has sd ≈ r/√(2n))
    expect(Math.abs(mean(range(n).map((i) => px(d, i))))).toBeLessThan(0.3);
    expect(Math.abs(mean(range(n).map((i) => py(d, i))))).toBeLessThan(0.3);
  });

  it('noise 50: some labels flip, most do not', () => {
    const d = circle({ points: 2000, noise: 50, seed: 4 });
    const wrong = range(2000).filter((i) => (radius(d, i) < 2.5 ? 1 : 0) !== label(d, i)).length;
    expect(wrong).toBeGreaterThan(50);
    expect(wrong).toBeLessThan(1000);
  });
});

describe('xor (quadrants)', () => {
  it('pads by 0.3 away from the axes in the direction of the draw', () => {
    // x = 0.6·10 − 5 = 1 → 1.3; y = 0.2·10 − 5 = −3 → −3.3; label x·y < 0 → class 0
    const rng = new ScriptedRng([0.6, 0.2, 0.5, 0.5]);
    const d = xor({ points: 1, rng });
    expect(px(d, 0)).toBeCloseTo(1.3, 12);
    expect(py(d, 0)).toBeCloseTo(-3.3, 12);
    expect(label(d, 0)).toBe(0);
  });

  it('noise 0: |x|, |y| in [0.3, 5.3], class 1 exactly where x·y ≥ 0, quadrants balanced', () => {
    const n = 4000;
    const d = xor({ points: n, seed: 5 });
    const quadrants = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const [x, y] = [px(d, i), py(d, i)];
      expect(Math.abs(x)).toBeGreaterThanOrEqual(0.3);
      expect(Math.abs(x)).toBeLessThanOrEqual(5.3);
      expect(Math.abs(y)).toBeGreaterThanOrEqual(0.3);
      expect(Math.abs(y)).toBeLessThanOrEqual(5.3);
      expect(label(d, i)).toBe(x * y >= 0 ? 1 : 0);
      quadrants[(x > 0 ? 0 : 1) + (y > 0 ? 0 : 2)]!++;
    }
    // each quadrant ~ Binomial(n, 1/4): sd = √(n·3/16) ≈ 27; allow 5 sd
    for (const q of quadrants) expect(Math.abs(q - n / 4)).toBeLessThan(5 * Math.sqrt((n * 3) / 16));
  });

  it('noise 50: points stay padded but some labels disagree with the quadrant', () => {
    const d = xor({ points: 2000, noise: 50, seed: 6 });
    const wrong = range(2000).filter((i) => (px(d, i) * py(d, i) >= 0 ? 1 : 0) !== label(d, i)).length;
    expect(wrong).toBeGreaterThan(50);
    expect(wrong).toBeLessThan(1000);
  });
});

describe('gauss', () => {
  it('uses the polar method with rejection, variance 0.5 at noise 0', () => {
    // (u1, u2) = (1, 1) → v = (1, 1), s = 2 > 1: rejected; (0.75, 0.5) → v = (0.5, 0), s = 0.25
    const z = Math.sqrt((-2 * Math.log(0.25)) / 0.25) * 0.5;
    const rng = new ScriptedRng([1, 1, 0.75, 0.5, 0.75, 0.5]);
    const d = gauss({ points: 1, rng });
    expect(px(d, 0)).toBeCloseTo(2 + Math.sqrt(0.5) * z, 12);
    expect(py(d, 0)).toBeCloseTo(2 + Math.sqrt(0.5) * z, 12);
    expect(label(d, 0)).toBe(1);
  });

  it.each([
    [0, 0.5],
    [25, 2.25],
    [50, 4],
  ])('noise %d: centres (2, 2) for class 1 and (−2, −2) for class 0, variance %d', (noise, expectedVariance) => {
    const n = 4000;
    const d = gauss({ points: n, noise, seed: 9 });
    expect(count(d, 1)).toBe(n / 2);
    for (const [rows, centre] of [
      [range(n / 2), 2],
      [range(n / 2, n / 2), -2],
    ] as const) {
      expect(rows.every((i) => label(d, i) === (centre > 0 ? 1 : 0))).toBe(true);
      for (const coord of [px, py]) {
        const values = rows.map((i) => coord(d, i));
        expect(Math.abs(mean(values) - centre)).toBeLessThan(5 * Math.sqrt(expectedVariance / rows.length));
        // sd of the sample variance ≈ σ²·√(2/(n−1))
        expect(Math.abs(variance(values) - expectedVariance)).toBeLessThan(5 * expectedVariance * Math.sqrt(2 / rows.length));
      }
    }
  });
});

describe('spiral', () => {
  it('noise 0: arm geometry r = 5i/n, t = 1.75·2π·i/n + Δ, x = r·sin t, y = r·cos t', () => {
    const points = 300;
    const n = points / 2;
    const d = spiral({ points, seed: 2 });
    for (let arm = 0; arm < 2; arm++) {
      for (let i = 0; i < n; i++) {
        const row = arm * n + i;
        const r = (5 * i) / n;
        const t = (1.75 * 2 * Math.PI * i) / n + (arm === 0 ? 0 : Math.PI);
        expect(label(d, row)).toBe(arm === 0 ? 1 : 0);
        expect(radius(d, row)).toBeCloseTo(r, 10);
        expect(px(d, row)).toBeCloseTo(r * Math.sin(t), 10);
        expect(py(d, row)).toBeCloseTo(r * Math.cos(t), 10);
      }
    }
    // the second arm is the first rotated by π: point for point, (x, y) → (−x, −y)
    for (let i = 0; i < n; i++) {
      expect(px(d, n + i)).toBeCloseTo(-px(d, i), 10);
      expect(py(d, n + i)).toBeCloseTo(-py(d, i), 10);
    }
  });

  it('noise: each coordinate moves by U(−1, 1)·noise/100 and no more', () => {
    const points = 400;
    const n = points / 2;
    const d = spiral({ points, noise: 40, seed: 2 });
    let largest = 0;
    for (let i = 0; i < points; i++) {
      const k = i % n;
      const t = (1.75 * 2 * Math.PI * k) / n + (i < n ? 0 : Math.PI);
      const r = (5 * k) / n;
      const dx = Math.abs(px(d, i) - r * Math.sin(t));
      const dy = Math.abs(py(d, i) - r * Math.cos(t));
      expect(dx).toBeLessThanOrEqual(0.4);
      expect(dy).toBeLessThanOrEqual(0.4);
      largest = Math.max(largest, dx, dy);
    }
    expect(largest).toBeGreaterThan(0.3);
  });
});

describe('plane (regression)', () => {
  it('noise 0: x1, x2 in [−6, 6), target (x1 + x2)/10', () => {
    const d = plane({ points: 1000, seed: 1 });
    expect(d.task).toBe('regression');
    for (let i = 0; i < 1000; i++) {
      expect(Math.abs(px(d, i))).toBeLessThanOrEqual(6);
      expect(Math.abs(py(d, i))).toBeLessThanOrEqual(6);
      expect(label(d, i)).toBeCloseTo((px(d, i) + py(d, i)) / 10, 12);
    }
    // x ~ U(−6, 6): variance 12²/12 = 12
    expect(Math.abs(variance(range(1000).map((i) => px(d, i))) - 12)).toBeLessThan(2);
  });

  it('noise: the target moves by (noiseX + noiseY)/10 with |noise| ≤ 6·noise/100', () => {
    const d = plane({ points: 1000, noise: 50, seed: 1 });
    const residuals = range(1000).map((i) => label(d, i) - (px(d, i) + py(d, i)) / 10);
    expect(residuals.every((e) => Math.abs(e) <= (2 * 6 * 0.5) / 10 + 1e-12)).toBe(true);
    // (U(−3, 3) + U(−3, 3))/10 has variance 2·36/12/100 = 0.06
    expect(Math.abs(variance(residuals) - 0.06)).toBeLessThan(0.015);
  });
});

describe('multigauss (regression)', () => {
  /** The Playground's rule, restated: the signed bump sign·max(0, 1 − d/2) largest in absolute value. */
  function expected(x: number, y: number): number {
    const candidates = MULTIGAUSS_CENTRES.map(([cx, cy, sign]) => sign * Math.max(0, 1 - Math.hypot(x - cx, y - cy) / 2));
    return candidates.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
  }

  it('the six centres alternate in sign, as in the Playground', () => {
    expect(MULTIGAUSS_CENTRES).toEqual([
      [-4, 2.5, 1],
      [0, 2.5, -1],
      [4, 2.5, 1],
      [-4, -2.5, -1],
      [0, -2.5, 1],
      [4, -2.5, -1],
    ]);
  });

  it('noise 0: target from the nearest bump, in [−1, 1], 0 far from every centre', () => {
    const d = multigauss({ points: 1500, seed: 12 });
    let zeros = 0;
    for (let i = 0; i < 1500; i++) {
      const y = label(d, i);
      expect(y).toBeCloseTo(expected(px(d, i), py(d, i)), 12);
      expect(Math.abs(y)).toBeLessThanOrEqual(1);
      const nearest = Math.min(...MULTIGAUSS_CENTRES.map(([cx, cy]) => Math.hypot(px(d, i) - cx, py(d, i) - cy)));
      if (nearest >= 2) {
        expect(y).toBe(0);
        zeros++;
      }
    }
    // six discs of radius 2 cover 6·4π/144 ≈ 52% of the square; the rest is exactly 0
    expect(zeros / 1500).toBeGreaterThan(0.4);
    expect(zeros / 1500).toBeLessThan(0.56);
  });
});

describe('shuffle', () => {
  it('playgroundShuffle is a permutation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (n, seed) => {
        const order = playgroundShuffle(Int32Array.from(range(n)), new Rng(seed));
        expect(Array.from(order).sort((a, b) => a - b)).toEqual(range(n));
      }),
    );
  });

  it('follows the Playground: index = ⌊u·counter⌋, then swap with the last unswapped', () => {
    // counter 3: u = 0 → swap 2↔0 → [2,1,0]; counter 2: u = 0.99 → index 1, swap 1↔1; counter 1: index 0
    const order = playgroundShuffle(Int32Array.from([0, 1, 2]), new ScriptedRng([0, 0.99, 0.5]));
    expect(Array.from(order)).toEqual([2, 1, 0]);
  });

  it('shuffle: true keeps the same points, draws after generation, and mixes the classes', () => {
    const plain = circle({ points: 100, seed: 1 });
    const mixed = circle({ points: 100, seed: 1, shuffle: true });
    const rows = (d: Dataset): string[] => range(100).map((i) => `${px(d, i)},${py(d, i)},${label(d, i)}`).sort();
    expect(rows(mixed)).toEqual(rows(plain));
    expect(Array.from(mixed.y.data.subarray(0, 50)).some((v) => v === 0)).toBe(true);
  });
});

describe('any RandomSource', () => {
  it('a plain { next } object drives the generators, one draw per Math.random() call', () => {
    let draws = 0;
    const random = { next: (): number => (draws++ % 10) / 10 };
    const d = xor({ points: 3, rng: random });
    expect(draws).toBe(12);
    expect(d.x.rows).toBe(3);
  });
});

describe('playgroundPoints (the Playground’s own labels)', () => {
  it('classification labels are −1 and +1 where playgroundDataset has classes 0 and 1', () => {
    const signed = playgroundPoints('circle', { points: 200, noise: 30, random: new Rng(3), shuffle: false });
    const classes = circle({ points: 200, noise: 30, seed: 3 });
    expect(signed.x).toEqual(classes.x.data);
    expect(Array.from(signed.label, (l) => (l === 1 ? 1 : l === -1 ? 0 : Number.NaN))).toEqual(Array.from(classes.y.data));
  });

  it('shuffle: true is playgroundDataset’s shuffle, regression labels unchanged', () => {
    const points = playgroundPoints('multigauss', { points: 50, noise: 10, random: new Rng(4), shuffle: true });
    const d = multigauss({ points: 50, noise: 10, seed: 4, shuffle: true });
    expect(points.x).toEqual(d.x.data);
    expect(points.label).toEqual(d.y.data);
  });

  it('takes the noise a Playground URL can set (up to 80), not more', () => {
    expect(MAX_URL_NOISE).toBe(80);
    expect(() => playgroundPoints('xor', { points: 10, noise: 80, random: new Rng(1), shuffle: false })).not.toThrow();
    expect(() => playgroundPoints('xor', { points: 10, noise: 81, random: new Rng(1), shuffle: false })).toThrow(DataError);
    expect(() => xor({ points: 10, noise: 80 })).toThrow(/noise must be between 0 and 50/);
  });
});
