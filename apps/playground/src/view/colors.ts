/**
 * The TensorFlow Playground's colours: orange for −1, grey for 0, blue for +1 (`colorScale` and
 * the heatmap's 30 shades in `playground.ts` / `heatmap.ts`), and a palette for K classes.
 */

export type Rgb = readonly [number, number, number];

export const NEGATIVE: Rgb = [0xf5, 0x93, 0x22];
export const NEUTRAL: Rgb = [0xe8, 0xea, 0xeb];
export const POSITIVE: Rgb = [0x08, 0x77, 0xbd];

/** Number of shades between −1 and +1 in a heatmap (the Playground's `NUM_SHADES`). */
export const NUM_SHADES = 30;
/** Alpha of heatmap pixels (the Playground's 160 of 255), so the page's white shows through. */
export const HEATMAP_ALPHA = 160;

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

/** d3's `scale.linear().domain([-1, 0, 1]).range([orange, grey, blue]).clamp(true)`. */
export function divergingColor(value: number): Rgb {
  const v = Number.isNaN(value) ? 0 : Math.max(-1, Math.min(1, value));
  return v < 0 ? mix(NEUTRAL, NEGATIVE, -v) : mix(NEUTRAL, POSITIVE, v);
}

export function css(rgb: Rgb): string {
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}

/**
 * The heatmap's quantized scale: d3's `scale.quantize().domain([-1, 1])` over the 31 colours of
 * `d3.range(0, 1 + 1e-9, 1/30)` through the diverging scale. Index = ⌊(v + 1)/2 · 31⌋, clamped.
 */
export const SHADES: readonly Rgb[] = Array.from({ length: NUM_SHADES + 1 }, (_, i) => divergingColor((i / NUM_SHADES) * 2 - 1));

export function shadeIndex(value: number): number {
  if (Number.isNaN(value)) return Math.floor(SHADES.length / 2);
  const i = Math.floor(((value + 1) / 2) * SHADES.length);
  return Math.max(0, Math.min(SHADES.length - 1, i));
}

/** Colours of classes 0 … K−1 for multiclass data: the Playground's two first, then distinct hues. */
export const CLASS_COLORS: readonly Rgb[] = [
  NEGATIVE,
  POSITIVE,
  [0x2c, 0xa0, 0x2c],
  [0xd6, 0x27, 0x28],
  [0x94, 0x67, 0xbd],
  [0x8c, 0x56, 0x4b],
  [0xe3, 0x77, 0xc2],
  [0x7f, 0x7f, 0x7f],
  [0xbc, 0xbd, 0x22],
  [0x17, 0xbe, 0xcf],
];

export function classColor(k: number): Rgb {
  return CLASS_COLORS[k % CLASS_COLORS.length] ?? NEUTRAL;
}

/** A class's colour faded towards grey by how unsure the model is (p = its probability, 1/K … 1). */
export function classShade(k: number, p: number, classes: number): Rgb {
  const floor = 1 / classes;
  const t = classes <= 1 ? 1 : Math.max(0, Math.min(1, (p - floor) / (1 - floor)));
  return mix(NEUTRAL, classColor(k), t);
}
