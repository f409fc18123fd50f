import type { EngineStatus, Matrix } from '@twinprop/core';
import type { Agreement, EngineRun } from '../engines/twin.js';
import { formatNumber, h } from './dom.js';
import { Heatmap, type HeatmapValues } from './heatmap.js';
import { CARD_DENSITY } from './grids.js';

export interface EnginesPanelCallbacks {
  chooseBackend(backend: string): void;
  download(run: EngineRun): void;
  gradientCheck(): void;
}

/** A grid of outputs as heatmap values: a ±1 score for one column, class probabilities for several. */
export function heatmapValues(grid: Matrix): HeatmapValues {
  return grid.cols === 1 ? { kind: 'signed', values: grid.data } : { kind: 'classes', classes: grid.cols, probabilities: grid.data };
}

/**
 * What only twinprop has: the tfjs backends of this browser (each that does not load with its
 * reason), a card per engine (its heatmap, losses, speed, model file), the agreement panel and
 * the gradient check.
 */
export class EnginesPanel {
  readonly element: HTMLElement;
  private readonly select = h('select', { id: 'backend' });
  private readonly list = h('ul', { id: 'backend-list', className: 'backend-list' });
  private readonly cards = h('section', { className: 'engines', id: 'engines' });
  private readonly agreement = h('div', { id: 'agreement', className: 'agreement' });
  private readonly gradcheck = h('div', { id: 'gradcheck-result', className: 'gradcheck' });
  private cardParts: Array<{ heatmap: Heatmap; train: HTMLElement; test: HTMLElement; speed: HTMLElement }> = [];

  constructor(private readonly callbacks: EnginesPanelCallbacks) {
    const button = h('button', { id: 'gradcheck-button', type: 'button', textContent: 'Gradient check' });
    button.addEventListener('click', () => this.callbacks.gradientCheck());
    this.select.addEventListener('change', () => this.callbacks.chooseBackend(this.select.value));
    this.element = h(
      'section',
      { className: 'twin' },
      h('h4', { textContent: 'Two engines in lockstep' }),
      h('div', { className: 'backend-pick' }, h('label', { htmlFor: 'backend', textContent: 'TensorFlow.js backend ' }), this.select, this.list),
      h('div', { className: 'twin-row' }, this.cards, h('div', { className: 'twin-side' }, this.agreement, h('div', { className: 'tools' }, button, this.gradcheck))),
    );
    this.list.append(h('li', { textContent: 'checking which TensorFlow.js backends load here…' }));
  }

  /** Every tfjs backend and whether it loads here; `selected` is the settings' backend. */
  showBackends(statuses: readonly EngineStatus[], problem: string | undefined, selected: string): void {
    this.select.replaceChildren(h('option', { value: 'auto', textContent: 'auto (first that loads)' }));
    this.list.replaceChildren();
    for (const status of statuses) {
      const name = status.variant.name;
      this.select.append(h('option', { value: name, textContent: status.available ? name : `${name} (unavailable)`, disabled: !status.available }));
      this.list.append(
        h('li', { className: status.available ? 'available' : 'unavailable', dataset: { backend: name } }, h('b', { textContent: name }), status.available ? ` — ${status.detail}` : ` — unavailable: ${status.reason}`),
      );
    }
    if (problem !== undefined) this.list.append(h('li', { className: 'unavailable', textContent: `TensorFlow.js: ${problem}` }));
    this.selectBackend(selected);
  }

  selectBackend(backend: string): void {
    this.select.value = backend;
  }

  /** A card per engine of the run; a card saying why when the tfjs engine could not be had. */
  build(runs: readonly EngineRun[], tfjsProblem: string | undefined): void {
    this.cards.replaceChildren();
    this.cardParts = [];
    this.gradcheck.textContent = '';
    for (const run of runs) {
      const heatmap = new Heatmap(CARD_DENSITY, 160, { className: 'engine-heatmap' });
      const train = h('span', { className: 'train-loss' });
      const test = h('span', { className: 'test-loss' });
      const speed = h('span', { className: 'speed' });
      const download = h('button', { type: 'button', className: 'download', textContent: 'Download model file', dataset: { engine: run.id } });
      download.addEventListener('click', () => this.callbacks.download(run));
      this.cards.append(
        h(
          'div',
          { className: 'engine-card', dataset: { engine: run.id } },
          h('h5', { textContent: run.id }),
          heatmap.element,
          h(
            'div',
            { className: 'engine-numbers' },
            h('div', {}, 'train loss ', train),
            h('div', {}, 'test loss ', test),
            h('div', { title: "Playground steps (epochs) per second of this engine's own time" }, 'steps/s ', speed),
          ),
          download,
        ),
      );
      this.cardParts.push({ heatmap, train, test, speed });
    }
    if (runs.length < 2) {
      this.cards.append(h('div', { className: 'engine-card unavailable', dataset: { engine: 'tfjs' } }, h('h5', { textContent: 'tfjs' }), h('p', { textContent: `unavailable: ${tfjsProblem ?? 'no backend loads'}` })));
    }
  }

  /** Each engine's heatmap (its outputs at the card grid), losses and speed. */
  update(runs: readonly EngineRun[], grids: readonly Matrix[], discretize: boolean): void {
    runs.forEach((run, i) => {
      const card = this.cardParts[i];
      const grid = grids[i];
      if (card === undefined) return;
      if (grid !== undefined) card.heatmap.draw(heatmapValues(grid), discretize);
      card.train.textContent = formatNumber(run.trainLoss);
      card.test.textContent = formatNumber(run.testLoss);
      card.speed.textContent = formatNumber(run.epochsPerSecond, 1);
    });
  }

  showAgreement(runs: readonly EngineRun[], agreement: Agreement | undefined, lockstepRate: number): void {
    const [reference, other] = runs;
    if (reference === undefined || other === undefined || agreement === undefined) {
      this.agreement.replaceChildren(h('p', { textContent: 'Only one engine is running: nothing to compare.' }));
      return;
    }
    const row = (label: string, value: string, key: string): HTMLElement => h('tr', { dataset: { metric: key } }, h('th', { textContent: label }), h('td', { textContent: value }));
    this.agreement.replaceChildren(
      h('h5', { textContent: `Agreement: ${reference.id} vs ${other.id}` }),
      h(
        'table',
        {},
        row('largest weight difference', agreement.maxWeightDiff.toExponential(2), 'weights'),
        row('train loss difference', agreement.trainLossDiff.toExponential(2), 'train-loss'),
        row('test loss difference', Number.isFinite(agreement.testLossDiff) ? agreement.testLossDiff.toExponential(2) : '—', 'test-loss'),
        row('grid points classified alike', `${(agreement.gridAgreement * 100).toFixed(2)} %`, 'grid'),
        row(`steps/s ${reference.id}`, formatNumber(reference.epochsPerSecond, 1), 'speed-reference'),
        row(`steps/s ${other.id}`, formatNumber(other.epochsPerSecond, 1), 'speed-tfjs'),
        row('lockstep steps/s (both)', formatNumber(lockstepRate, 1), 'speed-lockstep'),
      ),
    );
  }

  showGradientCheck(passed: boolean, text: string): void {
    this.gradcheck.className = `gradcheck ${passed ? 'passed' : 'failed'}`;
    this.gradcheck.textContent = text;
  }
}
