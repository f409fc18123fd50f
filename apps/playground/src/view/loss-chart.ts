/** One line of the loss chart. */
export interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
}

/**
 * The live loss curve: an appending multi-series line chart on a canvas (the Playground's
 * `AppendingLineChart`: y from the smallest to the largest value seen, x the epoch). Points are
 * kept in typed arrays; a redraw costs one pass over them.
 */
export class LossChart {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly values: number[][];
  private dirty = true;

  constructor(
    private readonly series: readonly Series[],
    private readonly width: number,
    private readonly height: number,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'loss-chart';
    this.canvas = document.createElement('canvas');
    const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
    this.canvas.width = width * ratio;
    this.canvas.height = height * ratio;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const legend = document.createElement('div');
    legend.className = 'legend';
    for (const s of series) {
      const item = document.createElement('span');
      item.innerHTML = `<i style="border-top: 2px ${s.dashed === true ? 'dashed' : 'solid'} ${s.color}"></i>`;
      item.append(s.label);
      legend.append(item);
    }
    this.element.append(this.canvas, legend);
    this.values = series.map(() => []);
  }

  reset(): void {
    for (const v of this.values) v.length = 0;
    this.dirty = true;
  }

  /** Appends one point per series (NaN leaves a gap). */
  add(point: readonly number[]): void {
    this.values.forEach((v, i) => v.push(point[i] ?? Number.NaN));
    this.dirty = true;
  }

  get length(): number {
    return this.values[0]?.length ?? 0;
  }

  draw(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const scale = this.canvas.width / this.width;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of this.values) for (const y of v) if (Number.isFinite(y)) { min = Math.min(min, y); max = Math.max(max, y); }
    const n = this.length;
    if (n === 0 || !Number.isFinite(min)) return;
    if (max === min) max = min + 1e-9;
    const pad = 2;
    const x = (i: number): number => pad + (n === 1 ? 0 : (i / (n - 1)) * (this.width - 2 * pad));
    const y = (v: number): number => this.height - pad - ((v - min) / (max - min)) * (this.height - 2 * pad);
    this.series.forEach((s, k) => {
      const v = this.values[k] ?? [];
      ctx.beginPath();
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(s.dashed === true ? [4, 3] : []);
      let pen = false;
      // Long runs are thinned to about one point per pixel column.
      const stride = Math.max(1, Math.floor(n / this.width));
      for (let i = 0; i < n; i += stride) {
        const value = v[i] ?? Number.NaN;
        if (!Number.isFinite(value)) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(x(i), y(value));
        else ctx.moveTo(x(i), y(value));
        pen = true;
      }
      const last = v[n - 1] ?? Number.NaN;
      if (pen && Number.isFinite(last)) ctx.lineTo(x(n - 1), y(last));
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }
}
