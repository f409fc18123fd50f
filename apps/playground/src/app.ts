/**
 * The page: the Playground's controls, network and output, trained by two engines in lockstep
 * (the reference engine in float64 and TensorFlow.js on a backend of this browser), with each
 * engine's heatmap and loss and their agreement shown live.
 *
 * One task at a time runs on the page's queue (a slice of training, a step, a restart, a gradient
 * check); the animation frame loop queues a slice of training while playing and redraws whatever
 * changed.
 */
import { INPUT_FEATURE_DEFINITIONS, type EngineStatus, type InputFeature, type Matrix, type ResolvedEngine, type Weights } from '@twinprop/core';
import { isPlaygroundHidden, playgroundPoints } from '@twinprop/datasets/playground';
import { CsvUploadError, parseUploadedCsv, type UploadedPoints } from './data/csv.js';
import { playgroundRunData, runSetup, uploadedRunData, type RunData } from './data/run-data.js';
import { modelFileOf } from './engines/model-file.js';
import { LayerProbe } from './engines/probe.js';
import { engines, REFERENCE_ID, resolveTfjs, tfjsAvailability } from './engines/registry.js';
import { TwinRun, type Agreement, type EngineRun } from './engines/twin.js';
import { plainWeights, type PlaygroundHook, type Snapshot } from './hook.js';
import { hashOf, readHash, writeHash } from './state/hash.js';
import { activeFeatures, freshSeed, offeredFeatures, type Settings } from './state/settings.js';
import { classColor, divergingColor, type Rgb } from './view/colors.js';
import { buildControls, type Controls, type Effect } from './view/controls.js';
import { formatEpoch, formatNumber, h } from './view/dom.js';
import { EnginesPanel, heatmapValues } from './view/engines-panel.js';
import { CARD_FACTOR, column, DENSITY, featureGrid, makeGrids, subsample, THUMB_DENSITY, THUMB_FACTOR, type Grids } from './view/grids.js';
import { Heatmap, type HeatmapValues, type PlotPoint } from './view/heatmap.js';
import { LossChart } from './view/loss-chart.js';
import { MAX_HIDDEN_LAYERS, MAX_NEURONS, NetworkView, type NodeId } from './view/network-view.js';

const NO_POINTS: readonly PlotPoint[] = [];

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class PlaygroundApp {
  private settings: Settings;
  private notices: string[];
  private readonly controls: Controls;
  private readonly network: NetworkView;
  private readonly heatmap = new Heatmap(DENSITY, 300, { points: true, className: 'main' });
  private readonly chart = new LossChart(
    [
      { label: 'reference train', color: '#777' },
      { label: 'reference test', color: '#000' },
      { label: 'tfjs train', color: '#d08a3c', dashed: true },
      { label: 'tfjs test', color: '#8a3c00', dashed: true },
    ],
    300,
    70,
  );
  private readonly panel: EnginesPanel;
  private readonly noticeBox = h('div', { id: 'notices', className: 'notices', role: 'status' });

  // The run.
  private data: RunData | undefined;
  private upload: UploadedPoints | undefined;
  private run: TwinRun | undefined;
  private probe: LayerProbe | undefined;
  private readonly grids: Grids = makeGrids();
  /** The model's inputs at the three grids. */
  private inputs: Grids | undefined;
  private featureGrids = new Map<InputFeature, { main: Float64Array; thumb: Float64Array }>();
  /** The engines' agreement at the last epoch they all completed. */
  private agreement: Agreement | undefined;
  private backends: EngineStatus[] = [];
  private tfjsProblem: string | undefined;

  // What the page is doing.
  private playing = false;
  private busy: Promise<void> = Promise.resolve();
  /** A slice of training is queued or running. */
  private training = false;
  /** A run is being built (the snapshot is not settled). */
  private restarting = false;
  /** The run's training failed; nothing trains until the next restart. */
  private stopped = false;
  private hovered: NodeId | undefined;
  private dirty = true;
  /** The epoch of the last complete drawing, with no epoch in progress (-1: none yet). */
  private drawnEpoch = -1;
  private frames: number[] = [];
  /** When the last lockstep epochs completed while playing. */
  private epochTimes: number[] = [];
  /** How long the last redraws took (ms). */
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
    const shape = (networkShape: number[]): void => void this.change({ networkShape }, 'reset');
    this.network = new NetworkView(
      {
        toggleFeature: (name) => {
          const f = name as InputFeature;
          void this.change({ features: { ...this.settings.features, [f]: !this.settings.features[f] } }, 'reset');
        },
        addLayer: () => {
          if (this.settings.networkShape.length < MAX_HIDDEN_LAYERS) shape([...this.settings.networkShape, 2]);
        },
        removeLayer: () => shape(this.settings.networkShape.slice(0, -1)),
        addNeuron: (layer) => shape(this.settings.networkShape.map((u, i) => (i === layer ? Math.min(MAX_NEURONS, u + 1) : u))),
        removeNeuron: (layer) => shape(this.settings.networkShape.map((u, i) => (i === layer ? Math.max(1, u - 1) : u))),
        hover: (node) => {
          this.hovered = node;
          this.dirty = true;
        },
      },
      THUMB_DENSITY,
    );
    this.panel = new EnginesPanel({
      chooseBackend: (backend) => void this.change({ backend }, 'reset'),
      download: (engine) => this.download(engine),
      gradientCheck: () => this.gradientCheck(),
    });
    this.controls.output.append(this.chart.element, this.heatmap.element);
    this.root.append(
      h(
        'header',
        {},
        h('h1', {}, 'twinprop ', h('span', { textContent: 'playground' })),
        h('p', { textContent: 'The TensorFlow Playground, trained by two engines at once: twinprop’s reference engine (float64) and TensorFlow.js, from the same initial weights, on the same batches.' }),
      ),
      this.noticeBox,
      this.controls.top,
      h('main', { className: 'columns' }, this.controls.data, h('section', { className: 'column network-column' }, h('h4', { textContent: 'Features → hidden layers → output' }), this.network.element), this.controls.output),
      this.panel.element,
    );
    this.showNotices();
    this.drawThumbnails();
  }

  /** Starts the page: checks the tfjs backends, builds the first run, starts the frame loop. */
  async start(): Promise<void> {
    this.controls.show(this.settings, false);
    try {
      this.backends = await tfjsAvailability();
    } catch (error) {
      this.tfjsProblem = message(error);
    }
    this.panel.showBackends(this.backends, this.tfjsProblem, this.settings.backend);
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

  private loadHash(hash: string): Promise<void> {
    if (hash === hashOf(this.settings)) return Promise.resolve();
    const parsed = readHash(hash);
    this.settings = parsed.settings;
    this.notices = [...parsed.notices];
    this.upload = undefined;
    this.showNotices();
    this.controls.show(this.settings, false);
    this.panel.selectBackend(this.settings.backend);
    return this.restart();
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
        // Same weights and optimizer state (dead links), the new learning rate from the next update on.
        await this.queue(() => this.run?.setLearningRate(this.settings.learningRate));
        return;
      case 'reset':
      case 'regenerate':
        await this.restart();
        return;
    }
  }

  /** Runs `task` after whatever the page is doing (one task at a time). */
  private queue(task: () => Promise<void> | void): Promise<void> {
    const next = this.busy.then(task, task);
    this.busy = next.catch((error: unknown) => this.fail(error));
    return this.busy;
  }

  private fail(error: unknown): void {
    this.pause();
    this.restarting = false;
    // A run whose training threw (a loss that became NaN or infinite) stays where it stopped until the next reset.
    this.stopped = true;
    this.notices = [...this.notices.filter((n) => !n.startsWith('Training stopped')), `Training stopped: ${message(error)}`];
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
      this.stopped = false;
      this.notices = this.notices.filter((n) => !n.startsWith('Training stopped'));
      const data = this.upload === undefined ? playgroundRunData(this.settings) : uploadedRunData(this.upload, this.settings);
      this.data = data;
      const classes = data.classNames.length > 2 ? `, ${data.classNames.length} classes` : '';
      this.controls.dataName.textContent = this.upload === undefined ? '' : `Data: ${data.name} (${data.task}, ${data.train.x.rows + data.test.x.rows} points${classes})`;
      const setup = runSetup(this.settings, data);
      const chosen: ResolvedEngine[] = [await engines.resolve(REFERENCE_ID)];
      this.tfjsProblem = undefined;
      try {
        chosen.push(await resolveTfjs(this.settings.backend));
      } catch (error) {
        this.tfjsProblem = message(error);
      }
      const run = new TwinRun(setup, chosen);
      this.run = run;
      this.probe = new LayerProbe(chosen[0]!.engine, setup.spec, setup.weights);
      this.inputs = { main: run.inputsOf(this.grids.main), card: run.inputsOf(this.grids.card), thumb: run.inputsOf(this.grids.thumb) };
      const offered = offeredFeatures(this.settings);
      this.featureGrids = new Map(offered.map((f) => [f, { main: featureGrid(f, this.grids.main), thumb: featureGrid(f, this.grids.thumb) }]));
      const active = activeFeatures(this.settings);
      this.network.build({
        features: offered.map((f) => ({ name: f, label: INPUT_FEATURE_DEFINITIONS[f].label, active: active.includes(f) })),
        hidden: this.settings.networkShape,
        outputs: setup.spec.output.units,
        hideLayerButtons: isPlaygroundHidden(this.settings, 'numHiddenLayers'),
      });
      this.panel.build(run.runs, this.tfjsProblem);
      this.chart.reset();
      this.record();
      this.redraw();
      // The address bar shows the run that is on the page, once it is.
      writeHash(this.settings);
      this.restarting = false;
    });
  }

  play(): void {
    if (this.run === undefined || this.stopped) return;
    this.playing = true;
    this.controls.play.textContent = '⏸';
    this.controls.play.classList.add('playing');
  }

  pause(): void {
    this.playing = false;
    this.controls.play.textContent = '▶';
    this.controls.play.classList.remove('playing');
  }

  /** Trains `n` epochs in lockstep (finishing one in progress first), then redraws. */
  step(n: number): Promise<void> {
    this.pause();
    return this.queue(async () => {
      const run = this.run;
      if (run === undefined || this.stopped) return;
      for (let i = 0; i < n; i++) {
        await run.stepEpoch();
        this.record();
      }
      this.redraw();
    });
  }

  /**
   * Training time per animation frame: what a 60 Hz frame (16.7 ms) leaves after the last redraw
   * and a margin for the browser, at least 2 ms.
   */
  private budget(): number {
    return Math.max(2, 13 - (this.redrawTimes.at(-1) ?? 8));
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
    const [a, b] = this.run?.runs ?? [];
    this.chart.add([a?.trainLoss ?? NaN, a?.testLoss ?? NaN, b?.trainLoss ?? NaN, b?.testLoss ?? NaN]);
    this.dirty = true;
  }

  /**
   * One animation frame: a slice of training while playing (and, after a pause, until the epoch
   * in progress is complete on every engine), and a redraw when something changed.
   */
  private tick(): void {
    const run = this.run;
    if (run !== undefined && !this.stopped && (this.playing || run.midEpoch) && !this.training) {
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

  /** Draws everything from the engines' current weights: heatmaps (output, neurons, engines), links, numbers, chart, agreement. */
  private redraw(): void {
    const run = this.run;
    const inputs = this.inputs;
    if (run === undefined || inputs === undefined) return;
    const started = performance.now();
    this.dirty = false;
    const reference = run.runs[0]!;
    const weights = reference.model.getWeights();
    const main = reference.model.predict(inputs.main);
    const cards = run.runs.map((r, i) => (i === 0 ? subsample(main, DENSITY, CARD_FACTOR) : r.model.predict(inputs.card)));
    const layers = this.probe?.outputs(weights, inputs.thumb) ?? [];
    const outputThumb = subsample(main, DENSITY, THUMB_FACTOR);
    const discretize = this.settings.discretize;
    this.network.update(
      weights,
      (node) => {
        if (node.kind === 'input') {
          const values = this.featureGrids.get(node.name as InputFeature)?.thumb;
          return values === undefined ? undefined : { kind: 'signed', values };
        }
        if (node.layer < layers.length) return { kind: 'signed', values: column(layers[node.layer]!, node.unit) };
        return outputThumb.cols === 1 ? heatmapValues(outputThumb) : { kind: 'signed', values: column(outputThumb, node.unit) };
      },
      discretize,
      run.epoch,
    );
    this.heatmap.draw(this.hovered === undefined ? heatmapValues(main) : this.hoveredValues(this.hovered, main, weights), discretize);
    const data = this.data;
    if (data !== undefined) {
      const colorOf = (label: number): Rgb => (run.setup.fit.task === 'multiclass' ? classColor(label) : divergingColor(label));
      this.heatmap.drawPoints(data.trainPoints, this.settings.showTestData ? data.testPoints : NO_POINTS, colorOf);
    }
    this.panel.update(run.runs, cards, discretize);
    this.controls.epoch.textContent = formatEpoch(run.epoch);
    this.controls.trainLoss.textContent = formatNumber(reference.trainLoss);
    this.controls.testLoss.textContent = formatNumber(reference.testLoss);
    this.chart.draw();
    // Compared only where every engine stands at the same epoch.
    if (!run.midEpoch) this.agreement = run.runs.length < 2 ? undefined : run.agreement(run.runs[0]!, run.runs[1]!, cards[0], cards[1]);
    this.panel.showAgreement(run.runs, this.agreement, this.lockstepRate());
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
      return { kind: 'signed', values: column(this.probe.outputs(weights, this.inputs.main, node.layer), node.unit) };
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

  /** Epochs both engines completed per second of the page's time over the last 2 s of playing. */
  private lockstepRate(): number {
    const now = performance.now();
    while (this.epochTimes.length > 0 && this.epochTimes[0]! < now - 2000) this.epochTimes.shift();
    return this.playing && this.epochTimes.length > 1 ? ((this.epochTimes.length - 1) * 1000) / (now - this.epochTimes[0]!) : Number.NaN;
  }

  private gradientCheck(): void {
    void this.queue(() => {
      const run = this.run;
      if (run === undefined) return;
      try {
        const report = run.gradientCheck();
        this.panel.showGradientCheck(
          report.passed,
          `${report.passed ? 'passed' : 'FAILED'}: largest relative error ${report.maxRelativeError.toExponential(2)} ` +
            `(tolerance ${report.tolerance.toExponential(0)}) over ${report.checked} of ${report.total} parameters, central differences h = ${report.step.toExponential(0)} ` +
            `on the next batch of ${run.nextBatch().x.rows} points, ${run.runs[0]!.id}`,
        );
      } catch (error) {
        this.panel.showGradientCheck(false, message(error));
      }
    });
  }

  private download(engine: EngineRun): void {
    const run = this.run;
    const data = this.data;
    if (run === undefined || data === undefined) return;
    const blob = new Blob([modelFileOf(run, engine, data, { hash: window.location.hash, seed: this.settings.seed })], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `playground-${data.name}-${engine.id.replace('/', '-')}-epoch${run.epoch}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  private async readUpload(file: File): Promise<void> {
    this.controls.csvError.textContent = '';
    try {
      await this.useUpload(parseUploadedCsv(await file.text(), file.name));
    } catch (error) {
      this.controls.csvError.textContent = `${file.name}: ${error instanceof CsvUploadError ? error.message : message(error)}`;
    }
  }

  private async useUpload(upload: UploadedPoints): Promise<void> {
    this.upload = upload;
    this.settings = { ...this.settings, problem: upload.task === 'regression' ? 'regression' : 'classification' };
    this.notices = [
      ...this.notices.filter((n) => !n.startsWith('Uploaded data')),
      `Uploaded data (${upload.name}) are not part of the URL: a link to this page gives the Playground's data, not the file's.`,
    ];
    this.showNotices();
    this.controls.show(this.settings, true);
    await this.restart();
  }

  private async loadSample(): Promise<void> {
    const response = await fetch(new URL('samples/three-classes.csv', document.baseURI));
    await this.useUpload(parseUploadedCsv(await response.text(), 'three-classes.csv'));
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
          while (this.run?.midEpoch === true && !this.stopped) await this.slice();
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
      settled: !this.restarting && (this.stopped || run?.midEpoch !== true),
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
