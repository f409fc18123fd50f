import { classesOf, type Matrix, type Task } from '@twinprop/core';
import { BLACK, Canvas, GLYPH_HEIGHT, hex, mix, textWidth, WHITE, type Rgb } from './png.js';

/** Sizes of the pictures `--plot` writes, in pixels. */
export const BOUNDARY_SIZE = { width: 400, height: 400 } as const;
export const LOSS_SIZE = { width: 600, height: 300 } as const;

/** The Playground's colours: orange for class 0 (its −1), blue for class 1 (its +1). */
export const ORANGE = hex('#f59322');
export const BLUE = hex('#0877bd');
/** Colours of classes 0, 1, 2, … (orange and blue first, as in the Playground). */
const PALETTE: readonly Rgb[] = [ORANGE, BLUE, hex('#2ca02c'), hex('#9467bd'), hex('#d62728'), hex('#8c564b'), hex('#e377c2'), hex('#7f7f7f'), hex('#bcbd22'), hex('#17becf')];
const GRID = hex('#e6e6e6');
const AXIS = hex('#888888');
const TEXT = hex('#333333');
/** How strongly a region is tinted at full confidence (points stay more saturated than regions). */
const REGION_STRENGTH = 0.6;

function classColor(k: number): Rgb {
  return PALETTE[k % PALETTE.length] ?? BLACK;
}

/** A diverging map: −1 orange, 0 white, +1 blue. */
function diverging(t: number, strength: number): Rgb {
  return t < 0 ? mix(WHITE, ORANGE, -t * strength) : mix(WHITE, BLUE, t * strength);
}

export interface PlotPoints {
  /** Two feature columns, in the data's own units. */
  readonly x: Matrix;
  readonly y: Matrix;
}

export interface BoundaryOptions {
  readonly task: Task;
  readonly train: PlotPoints;
  readonly test?: PlotPoints | undefined;
  /** Model outputs for rows of raw (unstandardized) 2-D points. */
  readonly predict: (x: Matrix) => Matrix;
  /** A one-unit output in [−1, 1] (tanh, the Playground's ±1 labels) rather than a probability. */
  readonly signed?: boolean;
  /** Both axes' range instead of the points' (the Playground draws [−6, 6]²). */
  readonly domain?: readonly [number, number];
}

function bounds(sets: readonly (PlotPoints | undefined)[], column: number): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const set of sets) {
    if (set === undefined) continue;
    for (let r = 0; r < set.x.rows; r++) {
      const v = set.x.data[r * set.x.cols + column] ?? 0;
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
  }
  if (!Number.isFinite(low)) return [-1, 1];
  const pad = Math.max((high - low) * 0.08, 1e-6);
  return [low - pad, high + pad];
}

/**
 * The TensorFlow Playground's picture: every pixel shaded by the model's prediction there (orange
 * for class 0, blue for class 1, white where the model is undecided; a colour per class for more
 * classes; for regression, orange below and blue above the middle of the targets), training points
 * filled, test points as rings.
 */
export function decisionBoundaryPng(options: BoundaryOptions): Buffer {
  const { width, height } = BOUNDARY_SIZE;
  const canvas = new Canvas(width, height);
  const [x0, x1] = options.domain ?? bounds([options.train, options.test], 0);
  const [y0, y1] = options.domain ?? bounds([options.train, options.test], 1);
  const toX = (px: number): number => x0 + ((px + 0.5) / width) * (x1 - x0);
  const toY = (py: number): number => y1 - ((py + 0.5) / height) * (y1 - y0);
  const grid = new Float64Array(width * height * 2);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      grid[(py * width + px) * 2] = toX(px);
      grid[(py * width + px) * 2 + 1] = toY(py);
    }
  }
  const outputs = options.predict({ rows: width * height, cols: 2, data: grid });
  const targets = [options.train, options.test].filter((s): s is PlotPoints => s !== undefined);
  let yLow = Infinity;
  let yHigh = -Infinity;
  for (const set of targets) {
    for (const v of set.y.data) {
      yLow = Math.min(yLow, v);
      yHigh = Math.max(yHigh, v);
    }
  }
  const yMid = (yLow + yHigh) / 2;
  const yHalf = Math.max((yHigh - yLow) / 2, 1e-12);
  const valueColor = (v: number, strength: number): Rgb => diverging(Math.max(-1, Math.min(1, (v - yMid) / yHalf)), strength);

  const k = outputs.cols;
  for (let i = 0; i < width * height; i++) {
    let color: Rgb;
    if (options.task === 'regression') {
      color = valueColor(outputs.data[i * k] ?? 0, REGION_STRENGTH);
    } else if (k === 1) {
      const v = outputs.data[i] ?? (options.signed === true ? 0 : 0.5);
      color = diverging(options.signed === true ? Math.max(-1, Math.min(1, v)) : 2 * v - 1, REGION_STRENGTH);
    } else {
      let best = 0;
      let bestP = -Infinity;
      for (let c = 0; c < k; c++) {
        const p = outputs.data[i * k + c] ?? 0;
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
      const confidence = (bestP - 1 / k) / (1 - 1 / k);
      color = k === 2 ? diverging(best === 1 ? confidence : -confidence, REGION_STRENGTH) : mix(WHITE, classColor(best), confidence * REGION_STRENGTH);
    }
    canvas.blend(i % width, Math.floor(i / width), color);
  }

  const toPx = (x: number): number => ((x - x0) / (x1 - x0)) * width;
  const toPy = (y: number): number => ((y1 - y) / (y1 - y0)) * height;
  const drawPoints = (set: PlotPoints, isTest: boolean): void => {
    const classes = options.task === 'regression' ? undefined : classesOf(set.y, options.signed === true ? 0 : 0.5);
    for (let r = 0; r < set.x.rows; r++) {
      const px = toPx(set.x.data[r * set.x.cols] ?? 0);
      const py = toPy(set.x.data[r * set.x.cols + 1] ?? 0);
      const color = classes === undefined ? valueColor(set.y.data[r * set.y.cols] ?? 0, 1) : classColor(classes[r] ?? 0);
      if (isTest) {
        canvas.strokeCircle(px, py, 3.5, 3.2, BLACK);
        canvas.fillCircle(px, py, 3.2, WHITE);
        canvas.strokeCircle(px, py, 3, 1.8, color);
      } else {
        canvas.fillCircle(px, py, 4, WHITE);
        canvas.fillCircle(px, py, 3, color);
      }
    }
  };
  drawPoints(options.train, false);
  if (options.test !== undefined) drawPoints(options.test, true);
  frame(canvas, 0, 0, width, height);
  return canvas.toPng();
}

function frame(canvas: Canvas, x: number, y: number, w: number, h: number): void {
  canvas.fillRect(x, y, w, 1, AXIS);
  canvas.fillRect(x, y + h - 1, w, 1, AXIS);
  canvas.fillRect(x, y, 1, h, AXIS);
  canvas.fillRect(x + w - 1, y, 1, h, AXIS);
}

/** A short label for an axis tick: `0`, `0.25`, `1.5`, `120`, `2e-4`. */
function tickLabel(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-2 && abs < 1e5) return String(Number(value.toPrecision(3)));
  return value.toExponential(0).replace('e', 'e');
}

/** "Nice" tick spacing: 1, 2 or 5 × 10ⁿ giving about `count` ticks over `range`. */
function niceStep(range: number, count: number): number {
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

export interface LossSeries {
  readonly epochs: readonly number[];
  readonly train: readonly number[];
  /** Same length as `epochs`; NaN where there is no test loss. */
  readonly test?: readonly number[] | undefined;
  /** The second series' name in the legend (default `test loss`; `validation loss` when it is the validation set's). */
  readonly testLabel?: string | undefined;
}

/** Train (blue) and test (orange) loss per epoch, on linear axes starting at 0, with a legend. */
export function lossCurvePng(series: LossSeries): Buffer {
  const { width, height } = LOSS_SIZE;
  const canvas = new Canvas(width, height);
  const left = 56;
  const right = 16;
  const top = 16;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = [...series.train, ...(series.test ?? [])].filter((v) => Number.isFinite(v));
  const yMax = values.length === 0 ? 1 : Math.max(...values, 1e-12) * 1.05;
  const firstEpoch = series.epochs[0] ?? 1;
  const lastEpoch = series.epochs[series.epochs.length - 1] ?? 1;
  const xMin = Math.min(firstEpoch, lastEpoch - 1, 0);
  const xMax = Math.max(lastEpoch, xMin + 1);
  const toPx = (epoch: number): number => left + ((epoch - xMin) / (xMax - xMin)) * plotW;
  const toPy = (loss: number): number => top + plotH - (Math.min(loss, yMax) / yMax) * plotH;

  const yStep = niceStep(yMax, 5);
  for (let v = 0; v <= yMax + 1e-12; v += yStep) {
    const py = Math.round(toPy(v));
    canvas.fillRect(left, py, plotW, 1, GRID);
    const label = tickLabel(v);
    canvas.text(left - 6 - textWidth(label), py - Math.floor(GLYPH_HEIGHT / 2), label, TEXT);
  }
  const xStep = Math.max(1, niceStep(xMax - xMin, 6));
  for (let e = Math.ceil(xMin / xStep) * xStep; e <= xMax + 1e-9; e += xStep) {
    const px = Math.round(toPx(e));
    canvas.fillRect(px, top, 1, plotH, GRID);
    const label = tickLabel(e);
    canvas.text(px - textWidth(label) / 2, top + plotH + 6, label, TEXT);
  }
  canvas.text(left + plotW / 2 - textWidth('epoch') / 2, height - GLYPH_HEIGHT - 4, 'epoch', TEXT);
  canvas.fillRect(left, top + plotH, plotW, 1, AXIS);
  canvas.fillRect(left, top, 1, plotH, AXIS);

  const drawSeries = (ys: readonly number[], color: Rgb): void => {
    let previous: [number, number] | undefined;
    ys.forEach((loss, i) => {
      const epoch = series.epochs[i];
      if (epoch === undefined || !Number.isFinite(loss)) {
        previous = undefined;
        return;
      }
      const point: [number, number] = [toPx(epoch), toPy(loss)];
      if (previous !== undefined) canvas.line(previous[0], previous[1], point[0], point[1], color, 2);
      else if (ys.length === 1) canvas.fillCircle(point[0], point[1], 2.5, color);
      previous = point;
    });
  };
  if (series.test !== undefined) drawSeries(series.test, ORANGE);
  drawSeries(series.train, BLUE);

  // Legend, top right.
  const legend: Array<[string, Rgb]> = [['train loss', BLUE]];
  if (series.test !== undefined && series.test.some((v) => Number.isFinite(v))) legend.push([series.testLabel ?? 'test loss', ORANGE]);
  const legendWidth = Math.max(...legend.map(([label]) => textWidth(label)));
  legend.forEach(([label, color], i) => {
    const y = top + 10 + i * 14;
    const x = left + plotW - 10 - legendWidth - 26;
    canvas.line(x, y, x + 18, y, color, 2);
    canvas.text(x + 24, y - Math.floor(GLYPH_HEIGHT / 2), label, TEXT);
  });
  return canvas.toPng();
}
