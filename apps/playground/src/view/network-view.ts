import type { Weights } from '@twinprop/core';
import { css, divergingColor } from './colors.js';
import { Heatmap, type HeatmapValues } from './heatmap.js';

/** Where every neuron sits, and what the user may change. */
export interface NetworkLayout {
  /** Every input feature the page offers, in the Playground's order; `active` ones feed the network. */
  readonly features: ReadonlyArray<{ readonly name: string; readonly label: string; readonly active: boolean }>;
  /** Neurons per hidden layer. */
  readonly hidden: readonly number[];
  /** Output units (1, or K for softmax). */
  readonly outputs: number;
  /** The link hides the layer count's buttons (`numHiddenLayers_hide=true`). */
  readonly hideLayerButtons?: boolean;
}

export interface NetworkCallbacks {
  toggleFeature(name: string): void;
  addLayer(): void;
  removeLayer(): void;
  addNeuron(layer: number): void;
  removeNeuron(layer: number): void;
  /** The pointer entered a neuron (its id), or left it (undefined). */
  hover(node: NodeId | undefined): void;
}

/** A neuron: an input feature by name, or unit `unit` of weight layer `layer` (0 = first hidden). */
export type NodeId = { readonly kind: 'input'; readonly name: string } | { readonly kind: 'unit'; readonly layer: number; readonly unit: number };

export const MAX_HIDDEN_LAYERS = 6;
export const MAX_NEURONS = 8;

const NODE = 36;
const GAP_Y = 16;
const COLUMN = 118;
const LEFT = 78;
const TOP = 70;

/** d3's `scale.linear().domain([0, 5]).range([1, 10]).clamp(true)`: a link's width for |w|. */
export function linkWidth(weight: number): number {
  const t = Math.max(0, Math.min(1, Math.abs(weight) / 5));
  return 1 + 9 * t;
}

/**
 * The network as the Playground draws it: input features on the left (click to switch one on or
 * off), hidden layers with a heatmap per neuron and +/− buttons, the output on the right; links
 * whose width and colour follow their weight (orange negative, blue positive) and a small square
 * per neuron for its bias. Rebuilt by {@link build} when the shape changes; {@link update}
 * recolours it.
 */
export class NetworkView {
  readonly element: HTMLDivElement;
  private readonly svg: SVGSVGElement;
  private links: Array<{ path: SVGPathElement; title: SVGTitleElement; layer: number; from: number; to: number }> = [];
  private biases: Array<{ rect: SVGRectElement; title: SVGTitleElement; layer: number; unit: number }> = [];
  private thumbs = new Map<string, Heatmap>();
  private layout: NetworkLayout | undefined;

  constructor(
    private readonly callbacks: NetworkCallbacks,
    private readonly thumbDensity: number,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'network';
    this.svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.svg.classList.add('links');
  }

  static key(node: NodeId): string {
    return node.kind === 'input' ? `in:${node.name}` : `u:${node.layer}:${node.unit}`;
  }

  build(layout: NetworkLayout): void {
    this.layout = layout;
    this.element.replaceChildren(this.svg);
    this.svg.replaceChildren();
    this.links = [];
    this.biases = [];
    this.thumbs = new Map();
    const columns = [layout.features.length, ...layout.hidden, layout.outputs];
    const tallest = Math.max(...columns);
    const height = TOP + tallest * (NODE + GAP_Y) + 10;
    const width = LEFT + (columns.length - 1) * COLUMN + NODE + 10;
    this.element.style.width = `${width}px`;
    this.element.style.height = `${height}px`;
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(height));
    const centre = (column: number, row: number): { x: number; y: number } => ({
      x: LEFT + column * COLUMN + NODE / 2,
      y: TOP + row * (NODE + GAP_Y) + NODE / 2,
    });

    // Header: layer count and its buttons.
    const header = document.createElement('div');
    header.className = 'layers-header';
    header.style.left = `${LEFT + COLUMN - 14}px`;
    header.style.top = '4px';
    if (layout.hideLayerButtons === true) header.style.display = 'none';
    header.append(
      this.button('+', 'add a hidden layer', 'add-layer', () => this.callbacks.addLayer(), layout.hidden.length >= MAX_HIDDEN_LAYERS),
      this.button('−', 'remove a hidden layer', 'remove-layer', () => this.callbacks.removeLayer(), layout.hidden.length === 0),
      Object.assign(document.createElement('span'), {
        className: 'layer-count',
        textContent: `${layout.hidden.length} hidden layer${layout.hidden.length === 1 ? '' : 's'}`,
      }),
    );
    this.element.append(header);

    // Links first (under the nodes). Layer 0's inputs are the active features, in order.
    const active = layout.features.map((f, row) => ({ ...f, row })).filter((f) => f.active);
    let sources = active.map((f) => centre(0, f.row));
    const layers = [...layout.hidden, layout.outputs];
    layers.forEach((units, layer) => {
      const column = layer + 1;
      const targets = Array.from({ length: units }, (_, u) => centre(column, u));
      targets.forEach((to, u) => {
        sources.forEach((from, i) => {
          const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
          const x0 = from.x + NODE / 2 + 2;
          const x1 = to.x - NODE / 2;
          const y1 = to.y + ((i - (sources.length - 1) / 2) / Math.max(1, sources.length)) * 12;
          const mx = (x0 + x1) / 2;
          path.setAttribute('d', `M${x0},${from.y} C${mx},${from.y} ${mx},${y1} ${x1},${y1}`);
          path.classList.add('link');
          path.dataset.link = `${layer}:${i}:${u}`;
          // The weight's value when the pointer rests on the link (the Playground's hover card).
          const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
          path.append(title);
          this.svg.append(path);
          this.links.push({ path, title, layer, from: i, to: u });
        });
        const bias = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
        bias.setAttribute('x', String(to.x - NODE / 2 - 8));
        bias.setAttribute('y', String(to.y + NODE / 2 - 5));
        bias.setAttribute('width', '6');
        bias.setAttribute('height', '6');
        bias.classList.add('bias');
        const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        bias.append(title);
        this.svg.append(bias);
        this.biases.push({ rect: bias, title, layer, unit: u });
      });
      sources = targets;
    });

    // Nodes: inputs, hidden units, outputs.
    layout.features.forEach((feature, row) => {
      const at = centre(0, row);
      const node = this.node({ kind: 'input', name: feature.name }, at, feature.active ? 'input active' : 'input inactive');
      node.title = `${feature.label}: click to ${feature.active ? 'switch off' : 'switch on'}`;
      node.dataset.feature = feature.name;
      node.addEventListener('click', () => this.callbacks.toggleFeature(feature.name));
      const label = document.createElement('span');
      label.className = 'feature-label';
      label.textContent = feature.label;
      node.append(label);
    });
    layers.forEach((units, layer) => {
      for (let u = 0; u < units; u++) this.node({ kind: 'unit', layer, unit: u }, centre(layer + 1, u), layer === layout.hidden.length ? 'output' : 'hidden');
    });
    layout.hidden.forEach((units, layer) => {
      const controls = document.createElement('div');
      controls.className = 'neuron-controls';
      controls.style.left = `${LEFT + (layer + 1) * COLUMN - 14}px`;
      controls.style.top = `${TOP - 30}px`;
      controls.append(
        this.button('+', `add a neuron to layer ${layer + 1}`, `add-neuron-${layer}`, () => this.callbacks.addNeuron(layer), units >= MAX_NEURONS),
        this.button('−', `remove a neuron from layer ${layer + 1}`, `remove-neuron-${layer}`, () => this.callbacks.removeNeuron(layer), units <= 1),
        Object.assign(document.createElement('span'), { textContent: `${units} neuron${units === 1 ? '' : 's'}` }),
      );
      this.element.append(controls);
    });
  }

  private node(id: NodeId, at: { x: number; y: number }, className: string): HTMLDivElement {
    const heatmap = new Heatmap(this.thumbDensity, NODE, { className: 'thumb' });
    const node = document.createElement('div');
    node.className = `node ${className}`;
    node.dataset.node = NetworkView.key(id);
    node.style.left = `${at.x - NODE / 2}px`;
    node.style.top = `${at.y - NODE / 2}px`;
    node.append(heatmap.element);
    node.addEventListener('mouseenter', () => this.callbacks.hover(id));
    node.addEventListener('mouseleave', () => this.callbacks.hover(undefined));
    this.element.append(node);
    this.thumbs.set(NetworkView.key(id), heatmap);
    return node;
  }

  private button(text: string, title: string, testId: string, onClick: () => void, disabled: boolean): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.dataset.testid = testId;
    b.disabled = disabled;
    b.addEventListener('click', onClick);
    return b;
  }

  /** Recolours links and biases from `weights` and repaints every thumbnail `valuesOf` gives. */
  update(weights: Weights | undefined, valuesOf: (node: NodeId) => HeatmapValues | undefined, discretize: boolean, epoch: number): void {
    if (this.layout === undefined) return;
    for (const link of this.links) {
      const kernel = weights?.layers[link.layer]?.kernel;
      const outputs = kernel?.shape[1] ?? 1;
      const w = kernel?.data[link.from * outputs + link.to] ?? 0;
      link.path.style.stroke = css(divergingColor(w));
      link.path.style.strokeWidth = String(linkWidth(w));
      link.path.style.strokeDashoffset = String(-epoch / 3);
      link.title.textContent = `Weight ${w.toPrecision(3)}`;
    }
    for (const bias of this.biases) {
      const b = weights?.layers[bias.layer]?.bias.data[bias.unit] ?? 0;
      bias.rect.style.fill = css(divergingColor(b));
      bias.title.textContent = `Bias ${b.toPrecision(3)}`;
    }
    for (const [key, heatmap] of this.thumbs) {
      const id = parseKey(key);
      const values = valuesOf(id);
      if (values !== undefined) heatmap.draw(values, discretize);
    }
  }
}

function parseKey(key: string): NodeId {
  if (key.startsWith('in:')) return { kind: 'input', name: key.slice(3) };
  const [, layer, unit] = key.split(':');
  return { kind: 'unit', layer: Number(layer), unit: Number(unit) };
}
