import { classesOf, layersOf, type Activation, type Matrix, type ModelFile, type Task } from '@twinprop/core';
import { BLUE, ORANGE } from '../render/plots.js';
import { Canvas, hex, mix, WHITE, type Rgb } from '../render/png.js';
import { modelInputs } from './data.js';
import { forwardLayers } from './forward.js';

/**
 * `inspect --plot`: what each neuron computes over the plane of a model's two raw input columns, as
 * the TensorFlow Playground draws it beside every neuron — one square picture per hidden unit and
 * per output unit, each pixel shaded by that unit's output there: blue for positive, orange for
 * negative, white at the middle of its range.
 */

/** Each picture is this many pixels square. */
export const NEURON_SIZE = 200;
/** The square the Playground draws (x₁, x₂ ∈ [−6, 6]), used for models on its derived features. */
export const PLAYGROUND_DOMAIN: readonly [number, number] = [-6, 6];

const FRAME = hex('#888888');
const OTHER_CLASS = hex('#555555');
/** Points are drawn as a dot of their class's colour in a dark ring, so they show on a region of the same colour. */
const OUTLINE = hex('#333333');

export interface PlotRange {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/** The picture of layer `layer` (1-based), unit `unit` (1-based): `layer1-unit3.png`; the output: `output.png` (one unit) or `output-unit2.png`. */
export function neuronFileName(layer: number, unit: number, file: ModelFile): string {
  const layers = layersOf(file.spec);
  if (layer < layers.length) return `layer${layer}-unit${unit}.png`;
  return file.spec.output.units === 1 ? 'output.png' : `output-unit${unit}.png`;
}

/** The names of every picture `--plot` writes for this model, in layer and unit order. */
export function neuronFileNames(file: ModelFile): string[] {
  return layersOf(file.spec).flatMap((layer, l) => Array.from({ length: layer.units }, (_, j) => neuronFileName(l + 1, j + 1, file)));
}

/** The data's range in each of its two columns, padded by 8% (as the training pictures are). */
export function rangeOf(columns: Matrix): PlotRange {
  const axis = (c: number): [number, number] => {
    let low = Infinity;
    let high = -Infinity;
    for (let r = 0; r < columns.rows; r++) {
      const v = columns.data[r * columns.cols + c] ?? 0;
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    if (!Number.isFinite(low)) return [-1, 1];
    const pad = Math.max((high - low) * 0.08, 1e-6);
    return [low - pad, high + pad];
  };
  return { x: axis(0), y: axis(1) };
}

/**
 * How a unit's outputs map onto the colour scale's [−1, 1]: tanh as it is; sigmoid, softmax and
 * step from [0, 1] (½ is white); relu, leakyRelu and linear, which have no bound, divided by the
 * largest |output| in the picture (0 stays white).
 */
function colourScale(activation: Activation, values: Float64Array): (v: number) => number {
  switch (activation) {
    case 'tanh':
      return (v) => v;
    case 'sigmoid':
    case 'softmax':
    case 'step':
      return (v) => 2 * v - 1;
    case 'relu':
    case 'leakyRelu':
    case 'linear': {
      let largest = 0;
      for (const v of values) largest = Math.max(largest, Math.abs(v));
      return (v) => (largest === 0 ? 0 : v / largest);
    }
  }
}

function colourOf(t: number): Rgb {
  const u = Math.max(-1, Math.min(1, t));
  return u < 0 ? mix(WHITE, ORANGE, -u) : mix(WHITE, BLUE, u);
}

/** Points drawn on the output's pictures: the data's rows in its own units, coloured by class. */
export interface PlotPoints {
  readonly columns: Matrix;
  readonly targets: Matrix;
  readonly task: Task;
}

/** Every picture's PNG bytes, by file name (see {@link neuronFileNames}). */
export function neuronPngs(file: ModelFile, task: Task, range: PlotRange, points?: PlotPoints): Array<{ readonly name: string; readonly png: Buffer }> {
  const size = NEURON_SIZE;
  const [x0, x1] = range.x;
  const [y0, y1] = range.y;
  const grid = new Float64Array(size * size * 2);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      grid[(py * size + px) * 2] = x0 + ((px + 0.5) / size) * (x1 - x0);
      grid[(py * size + px) * 2 + 1] = y1 - ((py + 0.5) / size) * (y1 - y0);
    }
  }
  const values = forwardLayers(file.spec, file.weights, modelInputs(file, { rows: size * size, cols: 2, data: grid }, task));
  const layers = layersOf(file.spec);
  const pictures: Array<{ name: string; png: Buffer }> = [];
  layers.forEach((layer, l) => {
    const output = values[l]?.output ?? new Float64Array(0);
    const isOutput = l === layers.length - 1;
    for (let j = 0; j < layer.units; j++) {
      const unit = new Float64Array(size * size);
      for (let i = 0; i < size * size; i++) unit[i] = output[i * layer.units + j] ?? 0;
      const scale = colourScale(layer.activation, unit);
      const canvas = new Canvas(size, size);
      for (let i = 0; i < size * size; i++) canvas.blend(i % size, Math.floor(i / size), colourOf(scale(unit[i] ?? 0)));
      if (isOutput && points !== undefined && points.task !== 'regression') drawPoints(canvas, range, points);
      frame(canvas);
      pictures.push({ name: neuronFileName(l + 1, j + 1, file), png: canvas.toPng() });
    }
  });
  return pictures;
}

function drawPoints(canvas: Canvas, range: PlotRange, points: PlotPoints): void {
  const [x0, x1] = range.x;
  const [y0, y1] = range.y;
  const classes = classesOf(points.targets);
  for (let r = 0; r < points.columns.rows; r++) {
    const px = (((points.columns.data[r * 2] ?? 0) - x0) / (x1 - x0)) * canvas.width;
    const py = ((y1 - (points.columns.data[r * 2 + 1] ?? 0)) / (y1 - y0)) * canvas.height;
    const k = classes[r] ?? 0;
    canvas.fillCircle(px, py, 3.5, OUTLINE);
    canvas.fillCircle(px, py, 2.5, k === 0 ? ORANGE : k === 1 ? BLUE : OTHER_CLASS);
  }
}

function frame(canvas: Canvas): void {
  canvas.fillRect(0, 0, canvas.width, 1, FRAME);
  canvas.fillRect(0, canvas.height - 1, canvas.width, 1, FRAME);
  canvas.fillRect(0, 0, 1, canvas.height, FRAME);
  canvas.fillRect(canvas.width - 1, 0, 1, canvas.height, FRAME);
}
