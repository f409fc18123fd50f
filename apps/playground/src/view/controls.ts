import { isPlaygroundHidden, PLAYGROUND_ACTIVATIONS, PLAYGROUND_CLASSIFICATION, PLAYGROUND_REGRESSION, type PlaygroundDataset } from '@twinprop/datasets/playground';
import { LEARNING_RATES, REGULARIZATION_RATES, SLIDERS, type Settings } from '../state/settings.js';

/** The datasets by the Playground's own names (its URL's `reg-plane` is the generator `plane`). */
export const DATASET_LABELS: Readonly<Record<PlaygroundDataset, string>> = {
  circle: 'Circle',
  xor: 'Exclusive or',
  gauss: 'Gaussian',
  spiral: 'Spiral',
  plane: 'Plane (regression)',
  multigauss: 'Multi Gaussian (regression)',
};

function isRegression(name: PlaygroundDataset): boolean {
  return (PLAYGROUND_REGRESSION as readonly string[]).includes(name);
}
import { h } from './dom.js';

/**
 * What a change of a control does, as in the Playground: most start the run again (`reset`); the
 * data controls draw new data with a new seed first (`regenerate`); the learning rate changes
 * the running training (`continue`); the view options only redraw (`view`).
 */
export type Effect = 'reset' | 'regenerate' | 'continue' | 'view';

export interface ControlCallbacks {
  change(patch: Partial<Settings>, effect: Effect): void;
  playPause(): void;
  step(): void;
  reset(): void;
  regenerate(): void;
  upload(file: File): void;
  sample(): void;
}

export interface Controls {
  readonly top: HTMLElement;
  readonly data: HTMLElement;
  readonly output: HTMLElement;
  readonly epoch: HTMLElement;
  readonly play: HTMLButtonElement;
  readonly trainLoss: HTMLElement;
  readonly testLoss: HTMLElement;
  readonly csvError: HTMLElement;
  readonly dataName: HTMLElement;
  readonly thumbnails: Map<PlaygroundDataset, HTMLCanvasElement>;
  /** Puts `settings` into every control (without firing changes). */
  show(settings: Settings, uploaded: boolean): void;
}

function select(id: string, options: ReadonlyArray<readonly [string, string]>, onChange: (value: string) => void): HTMLSelectElement {
  const s = h('select', { id });
  for (const [value, label] of options) s.append(h('option', { value, textContent: label }));
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/** Makes sure `value` is one of the select's options (a URL may carry a rate the menu lacks). */
function ensureOption(s: HTMLSelectElement, value: string): void {
  if (![...s.options].some((o) => o.value === value)) s.append(h('option', { value, textContent: value }));
  s.value = value;
}

function slider(id: string, label: string, [min, max, step]: readonly [number, number, number], onInput: (value: number) => void): { wrap: HTMLElement; input: HTMLInputElement; value: HTMLElement } {
  const input = h('input', { id, type: 'range', min: String(min), max: String(max), step: String(step) });
  const value = h('span', { className: 'value' });
  input.addEventListener('input', () => {
    value.textContent = input.value;
    onInput(Number(input.value));
  });
  const wrap = h('div', { className: 'slider', dataset: { control: id } }, h('label', { htmlFor: id }, `${label}: `, value), input);
  return { wrap, input, value };
}

export function buildControls(callbacks: ControlCallbacks): Controls {
  const change = (patch: Partial<Settings>, effect: Effect): void => callbacks.change(patch, effect);
  // Top bar: run controls and hyperparameters.
  const reset = h('button', { id: 'reset-button', type: 'button', title: 'Reset the network', textContent: '↺' });
  reset.addEventListener('click', () => callbacks.reset());
  const play = h('button', { id: 'play-pause-button', type: 'button', title: 'Run/Pause', textContent: '▶' });
  play.addEventListener('click', () => callbacks.playPause());
  const step = h('button', { id: 'next-step-button', type: 'button', title: 'Step one epoch', textContent: '+1' });
  step.addEventListener('click', () => callbacks.step());
  const epoch = h('span', { id: 'iter-number', textContent: '000,000' });
  const learningRate = select('learningRate', LEARNING_RATES.map((r) => [String(r), String(r)]), (v) => change({ learningRate: Number(v) }, 'continue'));
  const activation = select('activations', PLAYGROUND_ACTIVATIONS.map((a) => [a, a === 'relu' ? 'ReLU' : a[0]!.toUpperCase() + a.slice(1)]), (v) => change({ activation: v as Settings['activation'] }, 'reset'));
  const regularization = select('regularizations', [['none', 'None'], ['L1', 'L1'], ['L2', 'L2']], (v) => change({ regularization: v as Settings['regularization'] }, 'reset'));
  const regularizationRate = select('regularRate', REGULARIZATION_RATES.map((r) => [String(r), String(r)]), (v) => change({ regularizationRate: Number(v) }, 'reset'));
  const problem = select('problem', [['classification', 'Classification'], ['regression', 'Regression']], (v) => change({ problem: v as Settings['problem'] }, 'regenerate'));
  const field = (label: string, control: HTMLElement, name: string): HTMLElement =>
    h('div', { className: 'field', dataset: { control: name } }, h('label', { textContent: label }), control);
  const top = h(
    'div',
    { className: 'top-bar' },
    h('div', { className: 'run-buttons' }, reset, play, step),
    h('div', { className: 'field epoch' }, h('label', { textContent: 'Epoch' }), epoch),
    field('Learning rate', learningRate, 'learningRate'),
    field('Activation', activation, 'activation'),
    field('Regularization', regularization, 'regularization'),
    field('Regularization rate', regularizationRate, 'regularizationRate'),
    field('Problem type', problem, 'problem'),
  );

  // Data column.
  const thumbnails = new Map<PlaygroundDataset, HTMLCanvasElement>();
  const thumbRow = h('div', { className: 'datasets', dataset: { control: 'dataset' } });
  for (const name of [...PLAYGROUND_CLASSIFICATION, ...PLAYGROUND_REGRESSION]) {
    const canvas = h('canvas', { width: 100, height: 100, title: DATASET_LABELS[name], dataset: { dataset: name } });
    canvas.addEventListener('click', () => {
      if (isRegression(name)) change({ regDataset: name as Settings['regDataset'], problem: 'regression' }, 'regenerate');
      else change({ dataset: name as Settings['dataset'], problem: 'classification' }, 'regenerate');
    });
    thumbnails.set(name, canvas);
    thumbRow.append(canvas);
  }
  const ratio = slider('percTrainData', 'Ratio of training to test data', SLIDERS.percTrainData, (v) => change({ percTrainData: v }, 'regenerate'));
  const noise = slider('noise', 'Noise', SLIDERS.noise, (v) => change({ noise: v }, 'regenerate'));
  const batch = slider('batchSize', 'Batch size', SLIDERS.batchSize, (v) => change({ batchSize: v }, 'reset'));
  const regenerate = h('button', { id: 'data-regen-button', type: 'button', textContent: 'Regenerate' });
  regenerate.addEventListener('click', () => callbacks.regenerate());
  const file = h('input', { id: 'csv-upload', type: 'file', accept: '.csv,text/csv,text/plain' });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen !== undefined) callbacks.upload(chosen);
    file.value = '';
  });
  const sample = h('button', { id: 'sample-button', type: 'button', textContent: '3-class sample', title: 'Load a three-class CSV (multiclass, softmax)' });
  sample.addEventListener('click', () => callbacks.sample());
  const csvError = h('div', { id: 'csv-error', className: 'error', role: 'alert' });
  const dataName = h('div', { id: 'data-name', className: 'data-name' });
  const data = h(
    'section',
    { className: 'column data' },
    h('h4', { textContent: 'Data' }),
    h('p', { className: 'hint', textContent: 'Which dataset do you want to use?' }),
    thumbRow,
    dataName,
    ratio.wrap,
    noise.wrap,
    batch.wrap,
    regenerate,
    h('div', { className: 'upload' }, h('label', { htmlFor: 'csv-upload', textContent: 'Upload CSV (x1, x2, label)' }), file, sample),
    csvError,
  );

  // Output column (the heatmap is added by the app).
  const trainLoss = h('span', { id: 'loss-train', textContent: '—' });
  const testLoss = h('span', { id: 'loss-test', textContent: '—' });
  const showTest = h('input', { id: 'show-test-data', type: 'checkbox' });
  showTest.addEventListener('change', () => change({ showTestData: showTest.checked }, 'view'));
  const discretize = h('input', { id: 'discretize', type: 'checkbox' });
  discretize.addEventListener('change', () => change({ discretize: discretize.checked }, 'view'));
  const output = h(
    'section',
    { className: 'column output' },
    h('h4', { textContent: 'Output' }),
    h('div', { className: 'losses' }, h('div', {}, 'Test loss ', testLoss), h('div', {}, 'Training loss ', trainLoss)),
  );
  const checkboxes = h(
    'div',
    { className: 'checkboxes' },
    h('label', { dataset: { control: 'showTestData' } }, showTest, ' Show test data'),
    h('label', { dataset: { control: 'discretize' } }, discretize, ' Discretize output'),
  );
  reset.dataset.control = 'resetButton';
  play.dataset.control = 'playButton';
  step.dataset.control = 'stepButton';

  return {
    top,
    data,
    output,
    epoch,
    play,
    trainLoss,
    testLoss,
    csvError,
    dataName,
    thumbnails,
    show(settings, uploaded) {
      ensureOption(learningRate, String(settings.learningRate));
      activation.value = settings.activation;
      regularization.value = settings.regularization;
      ensureOption(regularizationRate, String(settings.regularizationRate));
      problem.value = settings.problem;
      for (const [name, canvas] of thumbnails) {
        const regression = isRegression(name);
        canvas.parentElement?.classList.toggle('regression', settings.problem === 'regression');
        canvas.style.display = regression === (settings.problem === 'regression') ? '' : 'none';
        canvas.classList.toggle('selected', !uploaded && (name === settings.dataset || name === settings.regDataset));
      }
      for (const [s, v] of [[ratio, settings.percTrainData], [noise, settings.noise], [batch, settings.batchSize]] as const) {
        s.input.value = String(v);
        s.value.textContent = String(v);
      }
      showTest.checked = settings.showTestData;
      discretize.checked = settings.discretize;
      if (!output.contains(checkboxes)) output.append(checkboxes);
      // The link's `<control>_hide=true` entries hide controls, as on the Playground.
      for (const element of [top, data, output].flatMap((root) => [...root.querySelectorAll<HTMLElement>('[data-control]')])) {
        element.style.display = isPlaygroundHidden(settings, element.dataset.control ?? '') ? 'none' : '';
      }
    },
  };
}
