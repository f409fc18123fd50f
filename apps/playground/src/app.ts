/**
 * The page: the Playground's controls, network and output, trained by two engines in lockstep
 * (the reference engine in float64 and TensorFlow.js on a backend of this browser), with each
 * engine's heatmap and loss and their agreement shown live.
 */
import { serializeModelFile, type EngineStatus, type Matrix, type ModelFile, type ResolvedEngine, type Weights } from '@twinprop/core';
import { isPlaygroundHidden, playgroundPoints } from '@twinprop/datasets/playground';
import { parseUploadedCsv, CsvUploadError, type UploadedPoints } from './data/csv.js';
import { playgroundRunData, runSetup, uploadedRunData, type RunData } from './data/run-data.js';
import { LayerProbe } from './engines/probe.js';
import { engines, REFERENCE_ID, resolveTfjs, tfjsAvailability } from './engines/registry.js';
import { TwinRun, type Agreement, type EngineRun } from './engines/twin.js';
import { hashOf, readHash, writeHash } from './state/hash.js';
import { activeFeatures, freshSeed, offeredFeatures, type Settings } from './state/settings.js';
import { classColor, divergingColor, type Rgb } from './view/colors.js';
import { buildControls, type Controls, type Effect } from './view/controls.js';
import { formatEpoch, formatNumber, h } from './view/dom.js';
import { gridPoints, Heatmap, type HeatmapValues, type PlotPoint } from './view/heatmap.js';
import { LossChart } from './view/loss-chart.js';
import { NetworkView, MAX_HIDDEN_LAYERS, MAX_NEURONS, type NodeId } from './view/network-view.js';
import { INPUT_FEATURE_DEFINITIONS, type InputFeature } from '@twinprop/core';

/**
 * Heatmap resolutions: the output heatmap has the Playground's `DENSITY` of 100 × 100 points (the
 * reference engine); the engines' own heatmaps and the agreement use every 2nd of those points
 * (50 × 50, each engine computes them); the neurons' thumbnails every 5th (20 × 20).
 */
const DENSITY = 100;
const CARD_FACTOR = 2;
const THUMB_FACTOR = 5;
const CARD_DENSITY = DENSITY / CARD_FACTOR;
const THUMB_DENSITY = DENSITY / THUMB_FACTOR;

/** A JSON-able snapshot of the run, for tests and the console (`window.playground.state()`). */
export interface Snapshot {
  readonly epoch: number;
  readonly playing: boolean;
  /** No run being built and no epoch in progress: every engine stands at `epoch`. */
  readonly settled: boolean;
  /** The epoch the page last drew (heatmaps, numbers, agreement panel); -1 before the first drawing of a run. */
  readonly drawnEpoch: number;
  readonly hash: string;
  readonly data: { readonly name: string; readonly task: string; readonly train: number; readonly test: number };
  readonly spec: unknown;
  readonly engines: ReadonlyArray<{
    readonly id: string;
    readonly backend: string;
    readonly trainLoss: number;
    readonly testLoss: number;
    readonly epochsPerSecond: number;
    readonly weights: { readonly dtype: string; readonly layers: ReadonlyArray<{ kernel: { shape: number[]; data: number[] }; bias: { shape: number[]; data: number[] } }> };
  }>;
  readonly agreement: Agreement | undefined;
  readonly backends: ReadonlyArray<{ readonly id: string; readonly available: boolean; readonly detail: string }>;
  readonly notices: readonly string[];
  /** Heatmap redraws per second over the last second (while playing). */
  readonly framesPerSecond: number;
  /** Mean time of the last (up to 60) redraws, in ms. */
  readonly redrawMs: number;
}

export interface PlaygroundHook {
  /** Resolves when the first run is ready. */
  readonly ready: Promise<void>;
  /** Trains `n` Playground epochs (pausing first), then redraws. */
  step(n: number): Promise<void>;
  state(): Snapshot;
  play(): void;
  /** Pauses; resolves when every engine has finished the epoch in progress. */
  pause(): Promise<void>;
  reset(): Promise<void>;
}

function plainWeights(w: EngineRun['model'] extends { getWeights(): infer W } ? W : never): Snapshot['engines'][number]['weights'] {
  return {
    dtype: w.dtype,
    layers: w.layers.map((l) => ({
      kernel: { shape: [...l.kernel.shape], data: Array.from(l.kernel.data) },
      bias: { shape: [...l.bias.shape], data: Array.from(l.bias.data) },
    })),
  };
}

export class PlaygroundApp {
  private settings: Settings;
  private notices: string[] = [];
  private readonly controls: Controls;
  private readonly network: NetworkView;
  private readonly heatmap = new Heatmap(DENSITY, 300, { points: true, className: 'main' });
  private readonly chart: LossChart;
  private readonly noticeBox = h('div', { id: 'notices', className: 'notices', role: 'status' });
  private readonly enginePanel = h('section', { className: 'engines', id: 'engines' });
  private readonly agreementBox = h('div', { id: 'agreement', className: 'agreement' });
  private readonly gradcheckBox = h('div', { id: 'gradcheck-result', className: 'gradcheck' });
  private readonly backendSelect = h('select', { id: 'backend' });
  private readonly backendList = h('ul', { id: 'backend-list', className: 'backend-list' });
  private engineCards: Array<{ root: HTMLElement; heatmap: Heatmap; train: HTMLElement; test: HTMLElement; speed: HTMLElement }> = [];

  private data: RunData | undefined;
  private upload: UploadedPoints | undefined;
  private run: TwinRun | undefined;
  private probe: LayerProbe | undefined;
  private readonly gridRaw: Matrix = { rows: DENSITY * DENSITY, cols: 2, data: gridPoints(DENSITY) };
  private readonly cardRaw: Matrix = subsample(this.gridRaw, DENSITY, CARD_FACTOR);
  private readonly thumbRaw: Matrix = subsample(this.gridRaw, DENSITY, THUMB_FACTOR);
  /** The model's inputs at the three grids. */
  private inputs: { main: Matrix; card: Matrix; thumb: Matrix } | undefined;
  private featureGrids = new Map<InputFeature, { main: Float64Array; thumb: Float64Array }>();
  /** Each engine's outputs at the card grid (the agreement compares these). */
  private cardGrids: Matrix[] = [];
  /** The engines' agreement at the last epoch they all completed. */
  private agreement: Agreement | undefined;
  private hovered: NodeId | undefined;
  private backends: EngineStatus[] = [];
  private tfjsProblem: string | undefined;
  private playing = false;
  private busy: Promise<void> = Promise.resolve();
  private training = false;
  /** A run is being built (the snapshot is not settled). */
  private restarting = false;
  /** The epoch of the last complete drawing, with no epoch in progress (-1: none yet). */
  private drawnEpoch = -1;
  private dirty = true;
  private frames: number[] = [];
  /** When the last lockstep epochs completed while playing. */
  private epochTimes: number[] = [];
  /** How long the last redraws took (ms), for the snapshot. */
  private redrawTimes: number[] = [];
  private resolveReady: () => void = () => undefined;
  readonly ready: Promise<void> = new Promise((resolve) => (this.resolveReady = resolve));

  constructor(private readonly root: HTMLElement) {
    const parsed = readHash(window.location.hash);
    this.settings = parsed.settings;
    this.notices = [...parsed.notices];
    this.controls = buildControls({
      change: (patch, effect) => void this.change(patch, effect),
      playPause: () => (this.playing ? this.pause() : this.play()),
      step: () => void this.step(1),
      reset: () => void this.restart(),
      regenerate: () => void this.change({ seed: freshSeed() }, 'reset'),
      upload: (file) => void this.readUpload(file),
      sample: () => void this.loadSample(),
    });
    this.network = new NetworkView(
      {
        toggleFeature: (name) => {
          const f = name as InputFeature;
          void this.change({ features: { ...this.settings.features, [f]: !this.settings.features[f] } }, 'reset');
        },
        addLayer: () => {
          if (this.settings.networkShape.length < MAX_HIDDEN_LAYERS) void this.change({ networkShape: [...this.settings.networkShape, 2] }, 'reset');
        },
        removeLayer: () => void this.change({ networkShape: this.settings.networkShape.slice(0, -1) }, 'reset'),
        addNeuron: (layer) => void this.change({ networkShape: this.settings.networkShape.map((u, i) => (i === layer ? Math.min(MAX_NEURONS, u + 1) : u)) }, 'reset'),
        removeNeuron: (layer) => void this.change({ networkShape: this.settings.networkShape.map((u, i) => (i === layer ? Math.max(1, u - 1) : u)) }, 'reset'),
        hover: (node) => {
          this.hovered = node;
          this.dirty = true;
        },
      },
      THUMB_DENSITY,
    );
    this.chart = new LossChart(
      [
        { label: 'reference train', color: '#777' },
        { label: 'reference test', color: '#000' },
        { label: 'tfjs train', color: '#d08a3c', dashed: true },
        { label: 'tfjs test', color: '#8a3c00', dashed: true },
      ],
      300,
      70,
    );
    this.layout();
    this.drawThumbnails();
  }

  private layout(): void {
    const gradcheck = h('button', { id: 'gradcheck-button', type: 'button', textContent: 'Gradient check' });
    gradcheck.addEventListener('click', () => this.gradientCheck());
    this.backendSelect.addEventListener('change', () => void this.change({ backend: this.backendSelect.value }, 'reset'));
    this.controls.output.append(this.chart.element, this.heatmap.element);
    const network = h('section', { className: 'column network-column' }, h('h4', { textContent: 'Features → hidden layers → output' }), this.network.element);
    this.root.append(
      h('header', {}, h('h1', {}, 'twinprop ', h('span', { textContent: 'playground' })), h('p', { textContent: 'The TensorFlow Playground, trained by two engines at once: twinprop’s reference engine (float64) and TensorFlow.js, from the same initial weights, on the same batches.' })),
      this.noticeBox,
      this.controls.top,
      h('main', { className: 'columns' }, this.controls.data, network, this.controls.output),
      h(
        'section',
        { className: 'twin' },
        h('h4', { textContent: 'Two engines in lockstep' }),
        h('div', { className: 'backend-pick' }, h('label', { htmlFor: 'backend', textContent: 'TensorFlow.js backend ' }), this.backendSelect, this.backendList),
        h('div', { className: 'twin-row' }, this.enginePanel, h('div', { className: 'twin-side' }, this.agreementBox, h('div', { className: 'tools' }, gradcheck, this.gradcheckBox))),
      ),
    );
    this.showNotices();
  }

  private showNotices(): void {
    this.noticeBox.replaceChildren(...this.notices.map((n) => h('p', { className: 'notice', textContent: n })));
    this.noticeBox.style.display = this.notices.length === 0 ? 'none' : '';
  }

  private drawThumbnails(): void {
    // As the Playground: 200 points without noise per dataset (from an unseeded stream: only a picture).
    for (const [name, canvas] of this.controls.thumbnails) {
      const ctx = canvas.getContext('2d');
      if (ctx === null) continue;
      const { x, label } = playgroundPoints(name, { points: 200, noise: 0, random: { next: Math.random }, shuffle: false });
      for (let r = 0; r < label.length; r++) {
        const c = divergingColor(label[r]!);
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fillRect((100 * (x[2 * r]! + 6)) / 12, (100 * (x[2 * r + 1]! + 6)) / 12, 4, 4);
      }
    }
  }

  /** Starts the page: checks the tfjs backends, builds the first run, starts the frame loop. */
  async start(): Promise<void> {
    this.controls.show(this.settings, false);
    this.backendList.replaceChildren(h('li', { textContent: 'checking which TensorFlow.js backends load here…' }));
    try {
      this.backends = await tfjsAvailability();
    } catch (error) {
      this.backends = [];
      this.tfjsProblem = error instanceof Error ? error.message : String(error);
    }
    this.showBackends();
    await this.restart();
    // A Playground link pasted into the address bar of the open page: its run, from the start.
    window.addEventListener('hashchange', () => void this.loadHash(window.location.hash));
    this.resolveReady();
    const frame = (): void => {
      this.tick();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  private loadHash(hash: string): Promise<void> {
    if (hash === hashOf(this.settings)) return Promise.resolve();
    const parsed = readHash(hash);
    this.settings = parsed.settings;
    this.notices = [...parsed.notices];
    this.upload = undefined;
    this.showNotices();
    this.controls.show(this.settings, false);
    this.backendSelect.value = this.settings.backend;
    return this.restart();
  }

  private showBackends(): void {
    this.backendSelect.replaceChildren(h('option', { value: 'auto', textContent: 'auto (first that loads)' }));
    this.backendList.replaceChildren();
    for (const status of this.backends) {
      const name = status.variant.name;
      const option = h('option', { value: name, textContent: status.available ? name : `${name} (unavailable)`, disabled: !status.available });
      this.backendSelect.append(option);
      this.backendList.append(
        h('li', { className: status.available ? 'available' : 'unavailable', dataset: { backend: name } }, h('b', { textContent: name }), status.available ? ` — ${status.detail}` : ` — unavailable: ${status.reason}`),
      );
    }
    if (this.tfjsProblem !== undefined) this.backendList.append(h('li', { className: 'unavailable', textContent: `TensorFlow.js: ${this.tfjsProblem}` }));
    this.backendSelect.value = this.settings.backend;
  }

  private async change(patch: Partial<Settings>, effect: Effect): Promise<void> {
    this.settings = { ...this.settings, ...patch };
    if (effect === 'regenerate') {
      this.settings = { ...this.settings, seed: freshSeed() };
      if (patch.problem !== undefined || patch.dataset !== undefined || patch.regDataset !== undefined) this.upload = undefined;
    }
    this.controls.show(this.settings, this.upload !== undefined);
    switch (effect) {
      case 'view':
        writeHash(this.settings);
        this.dirty = true;
        return;
      case 'continue':
        writeHash(this.settings);
        await this.queue(() => this.retrain());
        return;
      case 'reset':
      case 'regenerate':
        await this.restart();
        return;
    }
  }

  /** Runs `task` after whatever training is in progress (one at a time). */
  private queue(task: () => Promise<void> | void): Promise<void> {
    const next = this.busy.then(task, task);
    this.busy = next.catch((error: unknown) => this.fail(error));
    return this.busy;
  }

  private fail(error: unknown): void {
    this.pause();
    this.restarting = false;
    const message = error instanceof Error ? error.message : String(error);
    this.notices = [...this.notices.filter((n) => !n.startsWith('Training stopped')), `Training stopped: ${message}`];
    this.showNotices();
  }

  /** Builds the run from the settings (the same settings give the same data and weights). */
  restart(): Promise<void> {
    this.pause();
    this.restarting = true;
    this.drawnEpoch = -1;
    return this.queue(async () => {
      this.run?.dispose();
      this.probe?.dispose();
      this.run = undefined;
      this.notices = this.notices.filter((n) => !n.startsWith('Training stopped'));
      const data = this.upload === undefined ? playgroundRunData(this.settings) : uploadedRunData(this.upload, this.settings);
      this.data = data;
      this.controls.dataName.textContent = this.upload === undefined ? '' : `Data: ${data.name} (${data.task}, ${data.train.x.rows + data.test.x.rows} points${data.classNames.length > 2 ? `, ${data.classNames.length} classes` : ''})`;
      const setup = runSetup(this.settings, data);
      const engineList: ResolvedEngine[] = [await engines.resolve(REFERENCE_ID)];
      this.tfjsProblem = undefined;
      try {
        engineList.push(await resolveTfjs(this.settings.backend));
      } catch (error) {
        this.tfjsProblem = error instanceof Error ? error.message : String(error);
      }
      this.run = new TwinRun(setup, engineList);
      this.probe = new LayerProbe(engineList[0]!.engine, setup.spec, setup.weights);
      this.inputs = { main: this.run.inputsOf(this.gridRaw), card: this.run.inputsOf(this.cardRaw), thumb: this.run.inputsOf(this.thumbRaw) };
      this.featureGrids = new Map(offeredFeatures(this.settings).map((f) => [f, { main: featureGrid(f, this.gridRaw), thumb: featureGrid(f, this.thumbRaw) }]));
      this.network.build({
        features: offeredFeatures(this.settings).map((f) => ({ name: f, label: INPUT_FEATURE_DEFINITIONS[f].label, active: activeFeatures(this.settings).includes(f) })),
        hidden: this.settings.networkShape,
        outputs: setup.spec.output.units,
        hideLayerButtons: isPlaygroundHidden(this.settings, 'numHiddenLayers'),
      });
      this.buildEngineCards();
      this.chart.reset();
      this.record();
      this.dirty = true;
      this.redraw();
      // The address bar shows the run that is on the page, once it is.
      writeHash(this.settings);
      this.restarting = false;
    });
  }

  /** The learning rate changed: same weights and optimizer state (dead links), new training config. */
  private retrain(): void {
    this.run?.setLearningRate(this.settings.learningRate);
  }

  private buildEngineCards(): void {
    const run = this.run;
    this.enginePanel.replaceChildren();
    this.engineCards = [];
    if (run === undefined) return;
    for (const r of run.runs) {
      const heatmap = new Heatmap(CARD_DENSITY, 160, { className: 'engine-heatmap' });
      const train = h('span', { className: 'train-loss' });
      const test = h('span', { className: 'test-loss' });
      const speed = h('span', { className: 'speed' });
      const download = h('button', { type: 'button', className: 'download', textContent: 'Download model file', dataset: { engine: r.id } });
      download.addEventListener('click', () => this.download(r));
      const root = h(
        'div',
        { className: 'engine-card', dataset: { engine: r.id } },
        h('h5', { textContent: r.id }),
        heatmap.element,
        h('div', { className: 'engine-numbers' }, h('div', {}, 'train loss ', train), h('div', {}, 'test loss ', test), h('div', { title: "Playground steps (epochs) per second of this engine's own time" }, 'steps/s ', speed)),
        download,
      );
      this.enginePanel.append(root);
      this.engineCards.push({ root, heatmap, train, test, speed });
    }
    if (run.runs.length < 2) {
      this.enginePanel.append(
        h('div', { className: 'engine-card unavailable', dataset: { engine: 'tfjs' } }, h('h5', { textContent: 'tfjs' }), h('p', { textContent: `unavailable: ${this.tfjsProblem ?? 'no backend loads'}` })),
      );
    }
  }

  play(): void {
    if (this.run === undefined) return;
    this.playing = true;
    this.controls.play.textContent = '⏸';
    this.controls.play.classList.add('playing');
  }

  pause(): void {
    this.playing = false;
    this.controls.play.textContent = '▶';
    this.controls.play.classList.remove('playing');
  }

  /** Trains `n` epochs in lockstep, then redraws. */
  step(n: number): Promise<void> {
    this.pause();
    return this.queue(async () => {
      for (let i = 0; i < n; i++) await this.epoch();
      this.dirty = true;
      this.redraw();
    });
  }

  private async epoch(): Promise<void> {
    const run = this.run;
    if (run === undefined) return;
    await run.stepEpoch();
    this.record();
  }

  /**
   * Training time per animation frame: what a 60 Hz frame (16.7 ms) leaves after the last redraw
   * and a margin for the browser, at least 2 ms.
   */
  private budget(): number {
    const redraw = this.redrawTimes.at(-1) ?? 8;
    return Math.max(2, 13 - redraw);
  }

  /** One slice of training, in lockstep; records the losses when an epoch completes. */
  private async slice(): Promise<void> {
    const run = this.run;
    // Queued behind a step or a pause, it may find nothing left to do.
    if (run === undefined || !(this.playing || run.midEpoch)) return;
    if (await run.advance(this.budget())) {
      this.epochTimes.push(performance.now());
      this.record();
    }
    this.dirty = true;
  }

  private record(): void {
    const run = this.run;
    if (run === undefined) return;
    const [a, b] = run.runs;
    this.chart.add([a?.trainLoss ?? NaN, a?.testLoss ?? NaN, b?.trainLoss ?? NaN, b?.testLoss ?? NaN]);
    this.dirty = true;
  }

  /**
   * One animation frame: a slice of training while playing (and, after a pause, until the epoch
   * in progress is complete on every engine), and a redraw when something changed.
   */
  private tick(): void {
    const run = this.run;
    if (run !== undefined && (this.playing || run.midEpoch) && !this.training) {
      this.training = true;
      void this.queue(() => this.slice()).finally(() => (this.training = false));
    }
    if (this.dirty) {
      this.redraw();
      const now = performance.now();
      this.frames.push(now);
      while (this.frames.length > 0 && this.frames[0]! < now - 1000) this.frames.shift();
    }
  }

  private redraw(): void {
    const run = this.run;
    const inputs = this.inputs;
    if (run === undefined || inputs === undefined) return;
    const started = performance.now();
    this.dirty = false;
    const task = run.setup.fit.task;
    const reference = run.runs[0]!;
    const weights = reference.model.getWeights();
    const main = reference.model.predict(inputs.main);
    const mainHalf = subsample(main, DENSITY, CARD_FACTOR);
    this.cardGrids = run.runs.map((r, i) => (i === 0 ? mainHalf : r.model.predict(inputs.card)));
    const layers = this.probe?.outputs(weights, inputs.thumb) ?? [];
    const outputThumb = subsample(main, DENSITY, THUMB_FACTOR);
    const asValues = (grid: Matrix): HeatmapValues =>
      grid.cols === 1 ? { kind: 'signed', values: grid.data } : { kind: 'classes', classes: grid.cols, probabilities: grid.data };
    const discretize = this.settings.discretize;
    this.network.update(
      weights,
      (node) => {
        if (node.kind === 'input') {
          const values = this.featureGrids.get(node.name as InputFeature)?.thumb;
          return values === undefined ? undefined : { kind: 'signed', values };
        }
        if (node.layer < layers.length) return { kind: 'signed', values: column(layers[node.layer]!, node.unit) };
        return outputThumb.cols === 1 ? asValues(outputThumb) : { kind: 'signed', values: column(outputThumb, node.unit) };
      },
      discretize,
      run.epoch,
    );
    this.heatmap.draw(this.hovered === undefined ? asValues(main) : this.hoveredValues(this.hovered, main, weights), discretize);
    const data = this.data;
    if (data !== undefined) {
      const colorOf = (label: number): Rgb => (task === 'multiclass' ? classColor(label) : divergingColor(label));
      this.heatmap.drawPoints(data.trainPoints, this.settings.showTestData ? data.testPoints : NO_POINTS, colorOf);
    }
    run.runs.forEach((r, i) => {
      const card = this.engineCards[i];
      const grid = this.cardGrids[i];
      if (card === undefined) return;
      if (grid !== undefined) card.heatmap.draw(asValues(grid), discretize);
      card.train.textContent = formatNumber(r.trainLoss);
      card.test.textContent = formatNumber(r.testLoss);
      card.speed.textContent = formatNumber(r.epochsPerSecond, 1);
    });
    this.controls.epoch.textContent = formatEpoch(run.epoch);
    this.controls.trainLoss.textContent = formatNumber(reference.trainLoss);
    this.controls.testLoss.textContent = formatNumber(reference.testLoss);
    this.chart.draw();
    // Compared only where every engine stands at the same epoch.
    if (!run.midEpoch) this.agreement = run.runs.length < 2 ? undefined : run.agreement(run.runs[0]!, run.runs[1]!, this.cardGrids[0], this.cardGrids[1]);
    this.showAgreement();
    this.drawnEpoch = run.midEpoch ? -1 : run.epoch;
    this.redrawTimes.push(performance.now() - started);
    if (this.redrawTimes.length > 60) this.redrawTimes.shift();
  }

  /** The output heatmap while the pointer is on a neuron: that neuron at full resolution. */
  private hoveredValues(node: NodeId, main: Matrix, weights: Weights): HeatmapValues {
    if (node.kind === 'input') {
      const values = this.featureGrids.get(node.name as InputFeature)?.main;
      return { kind: 'signed', values: values ?? new Float64Array(DENSITY * DENSITY) };
    }
    const hidden = this.run?.setup.spec.hidden.length ?? 0;
    if (node.layer < hidden && this.inputs !== undefined && this.probe !== undefined) {
      const layer = this.probe.outputs(weights, this.inputs.main, node.layer);
      return { kind: 'signed', values: column(layer, node.unit) };
    }
    return main.cols === 1 ? { kind: 'signed', values: main.data } : { kind: 'signed', values: column(main, node.unit) };
  }

  /** The agreement of the first two engines now, from their outputs at the card grid (computed afresh). */
  private agreementNow(): Agreement | undefined {
    const run = this.run;
    const inputs = this.inputs;
    if (run === undefined || run.runs.length < 2 || inputs === undefined) return undefined;
    const [a, b] = run.runs as [EngineRun, EngineRun];
    return run.agreement(a, b, a.model.predict(inputs.card), b.model.predict(inputs.card));
  }

  private showAgreement(): void {
    const run = this.run;
    const a = this.agreement;
    if (run === undefined || a === undefined) {
      this.agreementBox.replaceChildren(h('p', { textContent: 'Only one engine is running: nothing to compare.' }));
      return;
    }
    const [ref, tf] = run.runs as [EngineRun, EngineRun];
    const row = (label: string, value: string, key: string): HTMLElement => h('tr', { dataset: { metric: key } }, h('th', { textContent: label }), h('td', { textContent: value }));
    this.agreementBox.replaceChildren(
      h('h5', { textContent: `Agreement: ${ref.id} vs ${tf.id}` }),
      h(
        'table',
        {},
        row('largest weight difference', a.maxWeightDiff.toExponential(2), 'weights'),
        row('train loss difference', a.trainLossDiff.toExponential(2), 'train-loss'),
        row('test loss difference', Number.isFinite(a.testLossDiff) ? a.testLossDiff.toExponential(2) : '—', 'test-loss'),
        row('grid points classified alike', `${(a.gridAgreement * 100).toFixed(2)} %`, 'grid'),
        row(`steps/s ${ref.id}`, formatNumber(ref.epochsPerSecond, 1), 'speed-reference'),
        row(`steps/s ${tf.id}`, formatNumber(tf.epochsPerSecond, 1), 'speed-tfjs'),
        row('lockstep steps/s (both)', formatNumber(this.lockstepRate(), 1), 'speed-lockstep'),
      ),
    );
  }

  /** Epochs both engines completed per second of the page's time over the last 2 s of playing. */
  private lockstepRate(): number {
    const now = performance.now();
    while (this.epochTimes.length > 0 && this.epochTimes[0]! < now - 2000) this.epochTimes.shift();
    return this.playing && this.epochTimes.length > 1 ? ((this.epochTimes.length - 1) * 1000) / (now - this.epochTimes[0]!) : Number.NaN;
  }

  private gradientCheck(): void {
    const run = this.run;
    if (run === undefined) return;
    void this.queue(() => {
      try {
        const report = run.gradientCheck();
        this.gradcheckBox.className = `gradcheck ${report.passed ? 'passed' : 'failed'}`;
        this.gradcheckBox.textContent =
          `${report.passed ? 'passed' : 'FAILED'}: largest relative error ${report.maxRelativeError.toExponential(2)} ` +
          `(tolerance ${report.tolerance.toExponential(0)}) over ${report.checked} of ${report.total} parameters, central differences h = ${report.step.toExponential(0)} ` +
          `on the next batch of ${run.nextBatch().x.rows} points, ${run.runs[0]!.id}`;
      } catch (error) {
        this.gradcheckBox.className = 'gradcheck failed';
        this.gradcheckBox.textContent = error instanceof Error ? error.message : String(error);
      }
    });
  }

  private download(r: EngineRun): void {
    const run = this.run;
    const data = this.data;
    if (run === undefined || data === undefined) return;
    const file: ModelFile = {
      spec: r.model.spec,
      training: r.model.training,
      weights: r.model.getWeights(),
      optimizerState: r.model.getOptimizerState(),
      metadata: {
        engine: r.model.engine,
        backend: r.model.backend,
        dataset: data.name,
        task: run.setup.fit.task,
        batchSize: run.setup.fit.batchSize,
        epochs: run.epoch,
        epochsCompleted: run.epoch,
        batchesCompleted: 0,
        featureNames: ['x1', 'x2'],
        inputFeatures: { from: ['x1', 'x2'], features: [...run.setup.features] },
        ...(data.classNames.length > 0 ? { classNames: [...data.classNames] } : {}),
        createdAt: new Date().toISOString(),
        extra: { playgroundHash: window.location.hash, seed: this.settings.seed },
      },
    };
    const blob = new Blob([serializeModelFile(file)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `playground-${data.name}-${r.id.replace('/', '-')}-epoch${run.epoch}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  private async readUpload(file: File): Promise<void> {
    this.controls.csvError.textContent = '';
    try {
      const upload = parseUploadedCsv(await file.text(), file.name);
      await this.useUpload(upload);
    } catch (error) {
      this.controls.csvError.textContent = error instanceof CsvUploadError ? `${file.name}: ${error.message}` : `${file.name}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private async useUpload(upload: UploadedPoints): Promise<void> {
    this.upload = upload;
    this.settings = { ...this.settings, problem: upload.task === 'regression' ? 'regression' : 'classification' };
    this.notices = [...this.notices.filter((n) => !n.startsWith('Uploaded data')), `Uploaded data (${upload.name}) are not part of the URL: a link to this page gives the Playground's data, not the file's.`];
    this.showNotices();
    this.controls.show(this.settings, true);
    await this.restart();
  }

  private async loadSample(): Promise<void> {
    const response = await fetch(new URL('samples/three-classes.csv', document.baseURI));
    const text = await response.text();
    await this.useUpload(parseUploadedCsv(text, 'three-classes.csv'));
  }

  hook(): PlaygroundHook {
    return {
      ready: this.ready,
      step: (n) => this.step(n),
      state: () => this.snapshot(),
      play: () => this.play(),
      pause: () => {
        this.pause();
        // The epoch in progress is finished first, so that every engine stands at the same epoch.
        return this.queue(async () => {
          while (this.run?.midEpoch === true) await this.slice();
        });
      },
      reset: () => this.restart(),
    };
  }

  private snapshot(): Snapshot {
    const run = this.run;
    const data = this.data;
    const now = performance.now();
    return {
      epoch: run?.epoch ?? 0,
      playing: this.playing,
      settled: !this.restarting && run?.midEpoch !== true,
      drawnEpoch: this.drawnEpoch,
      hash: window.location.hash,
      data: { name: data?.name ?? '', task: data?.task ?? '', train: data?.train.x.rows ?? 0, test: data?.test.x.rows ?? 0 },
      spec: run?.setup.spec,
      engines: (run?.runs ?? []).map((r) => ({
        id: r.id,
        backend: r.backend,
        trainLoss: r.trainLoss,
        testLoss: r.testLoss,
        epochsPerSecond: r.epochsPerSecond,
        weights: plainWeights(r.model.getWeights()),
      })),
      agreement: run?.midEpoch === true ? this.agreement : this.agreementNow(),
      backends: this.backends.map((b) => ({ id: b.id, available: b.available, detail: b.available ? b.detail : b.reason })),
      notices: [...this.notices],
      framesPerSecond: this.frames.filter((t) => t > now - 1000).length,
      redrawMs: this.redrawTimes.length === 0 ? Number.NaN : this.redrawTimes.reduce((a, b) => a + b, 0) / this.redrawTimes.length,
    };
  }
}

const NO_POINTS: readonly PlotPoint[] = [];

/** Every `factor`-th point of a `density × density` grid in both directions (rows of `m` are grid points). */
function subsample(m: Matrix, density: number, factor: number): Matrix {
  const small = density / factor;
  const data = new Float64Array(small * small * m.cols);
  for (let j = 0; j < small; j++) {
    for (let i = 0; i < small; i++) {
      const from = (j * factor * density + i * factor) * m.cols;
      for (let c = 0; c < m.cols; c++) data[(j * small + i) * m.cols + c] = m.data[from + c]!;
    }
  }
  return { rows: small * small, cols: m.cols, data };
}

function column(m: Matrix, c: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) out[r] = m.data[r * m.cols + c]!;
  return out;
}

function featureGrid(feature: InputFeature, grid: Matrix): Float64Array {
  const f = INPUT_FEATURE_DEFINITIONS[feature];
  const out = new Float64Array(grid.rows);
  for (let r = 0; r < grid.rows; r++) out[r] = f.of(grid.data[2 * r]!, grid.data[2 * r + 1]!);
  return out;
}
