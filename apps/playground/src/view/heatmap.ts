import { classShade, HEATMAP_ALPHA, SHADES, shadeIndex, type Rgb } from './colors.js';

/** The square the Playground draws: x₁, x₂ ∈ [−6, 6]. */
export const DOMAIN: readonly [number, number] = [-6, 6];

/**
 * The grid a heatmap shows, `density × density` points: column i has x₁ = −6 + 12·i/(density−1),
 * row j has x₂ = 6 − 12·j/(density−1) (top row is x₂ = 6), as the Playground's
 * `updateDecisionBoundary`. Values are stored row by row (index j·density + i).
 */
export function gridPoints(density: number): Float64Array {
  const out = new Float64Array(density * density * 2);
  const [lo, hi] = DOMAIN;
  for (let j = 0; j < density; j++) {
    for (let i = 0; i < density; i++) {
      const p = (j * density + i) * 2;
      out[p] = lo + ((hi - lo) * i) / (density - 1);
      out[p + 1] = hi - ((hi - lo) * j) / (density - 1);
    }
  }
  return out;
}

/** What one heatmap pixel shows: a value in [−1, 1], or K class probabilities. */
export type HeatmapValues =
  | { readonly kind: 'signed'; readonly values: ArrayLike<number> }
  | { readonly kind: 'classes'; readonly classes: number; readonly probabilities: ArrayLike<number> };

/** A point drawn over a heatmap: its position and its label (±1, a target, or a class index). */
export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  readonly label: number;
}

/**
 * A canvas heatmap of `density × density` cells scaled to `size` CSS pixels, with an optional
 * overlay of points (train: white outline; test: black outline, as the Playground).
 */
export class Heatmap {
  readonly element: HTMLDivElement;
  private readonly background: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement | undefined;
  private readonly image: ImageData;
  private readonly context: CanvasRenderingContext2D;

  constructor(
    private readonly density: number,
    private readonly size: number,
    options: { readonly points?: boolean; readonly className?: string } = {},
  ) {
    this.element = document.createElement('div');
    this.element.className = `heatmap ${options.className ?? ''}`.trim();
    this.element.style.width = `${size}px`;
    this.element.style.height = `${size}px`;
    this.background = document.createElement('canvas');
    this.background.width = density;
    this.background.height = density;
    this.background.style.width = `${size}px`;
    this.background.style.height = `${size}px`;
    this.element.append(this.background);
    const context = this.background.getContext('2d');
    if (context === null) throw new Error('this browser gives no 2-D canvas context');
    this.context = context;
    this.image = context.createImageData(density, density);
    if (options.points === true) {
      this.overlay = document.createElement('canvas');
      const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
      this.overlay.width = size * ratio;
      this.overlay.height = size * ratio;
      this.overlay.style.width = `${size}px`;
      this.overlay.style.height = `${size}px`;
      this.overlay.className = 'points';
      this.element.append(this.overlay);
    }
  }

  /** Paints the cells; `discretize` shows only the sign (or the most likely class). */
  draw(values: HeatmapValues, discretize: boolean): void {
    const pixels = this.image.data;
    const cells = this.density * this.density;
    for (let c = 0; c < cells; c++) {
      let rgb: Rgb;
      if (values.kind === 'signed') {
        const v = values.values[c] ?? 0;
        rgb = SHADES[shadeIndex(discretize ? (v >= 0 ? 1 : -1) : v)] ?? SHADES[0]!;
      } else {
        const k = values.classes;
        let best = 0;
        let bestP = -1;
        for (let q = 0; q < k; q++) {
          const p = values.probabilities[c * k + q] ?? 0;
          if (p > bestP) {
            bestP = p;
            best = q;
          }
        }
        rgb = classShade(best, discretize ? 1 : bestP, k);
      }
      const o = c * 4;
      pixels[o] = rgb[0];
      pixels[o + 1] = rgb[1];
      pixels[o + 2] = rgb[2];
      pixels[o + 3] = HEATMAP_ALPHA;
    }
    this.context.putImageData(this.image, 0, 0);
  }

  private drawn: { train: readonly PlotPoint[]; test: readonly PlotPoint[] } | undefined;

  /** Draws the points (train and test) over the heatmap; colours by `colorOf(label)`. Nothing to do when they are the ones drawn. */
  drawPoints(train: readonly PlotPoint[], test: readonly PlotPoint[], colorOf: (label: number) => Rgb): void {
    const canvas = this.overlay;
    if (canvas === undefined) return;
    if (this.drawn?.train === train && this.drawn.test === test) return;
    this.drawn = { train, test };
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    const scale = canvas.width / this.size;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, this.size, this.size);
    const [lo, hi] = DOMAIN;
    const toPx = (v: number): number => ((v - lo) / (hi - lo)) * this.size;
    const dot = (p: PlotPoint, stroke: string): void => {
      if (p.x < lo || p.x > hi || p.y < lo || p.y > hi) return;
      const rgb = colorOf(p.label);
      ctx.beginPath();
      ctx.arc(toPx(p.x), this.size - toPx(p.y), 3, 0, 2 * Math.PI);
      ctx.fillStyle = `rgba(${rgb[0]},${rgb[1]},${rgb[2]},0.9)`;
      ctx.fill();
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 1;
      ctx.stroke();
    };
    for (const p of train) dot(p, 'rgba(255,255,255,0.8)');
    for (const p of test) dot(p, 'rgba(0,0,0,0.6)');
  }
}
