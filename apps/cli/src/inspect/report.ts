import { describeSchedule, type OptimizerConfig, type Regularization } from '@twinprop/core';
import { formatAccuracy, formatLoss, renderPairs, renderTable } from '@twinprop/toolkit';
import { ACTIVITY_RULES, type LayerActivity } from './activity.js';
import type { LayerRow, ModelSummary } from './summary.js';
import type { LayerStats, TensorStats } from './weight-stats.js';

/** The text `twinprop inspect` prints; every number comes from the same objects `--json` prints. */

/** `hidden 2` or `output`: how a layer is named in every table. */
export function layerName(row: { readonly layer: number; readonly kind: 'hidden' | 'output' }): string {
  return row.kind === 'output' ? 'output' : `hidden ${row.layer}`;
}

const shape = (units: number): string => `(None, ${units})`;

/** A weight statistic: toolkit's 4 significant digits (exponent notation when tiny or huge). */
const value = (v: number): string => (v === 0 ? '0' : formatLoss(v));

function optimizerText(optimizer: OptimizerConfig): string {
  const settings = Object.entries(optimizer)
    .filter(([key]) => key !== 'kind')
    .map(([key, v]) => `${key} ${String(v)}`);
  return `${optimizer.kind}: ${settings.join(', ')}`;
}

function regularizationText(regularization: Regularization | undefined): string {
  const parts: string[] = [];
  if ((regularization?.l1 ?? 0) > 0) parts.push(`l1 ${regularization?.l1}`);
  if ((regularization?.l2 ?? 0) > 0) parts.push(`l2 ${regularization?.l2}`);
  if (regularization?.clampAtZero === true) parts.push("clampAtZero (the Playground's L1: a link the penalty carries across 0 is set to 0 and stays dead)");
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function inputsText(summary: ModelSummary): string {
  const { inputs } = summary;
  if (inputs.derived !== undefined) {
    return `${inputs.size} derived features ${inputs.derived.features.map((f) => f.label).join(', ')}, computed from the raw columns ${inputs.derived.from.join(', ')} before the first layer`;
  }
  return inputs.featureNames === undefined ? `${inputs.size} (no names stored)` : `${inputs.size}: ${inputs.featureNames.join(', ')}`;
}

function finalEpochText(summary: ModelSummary): string | undefined {
  const e = summary.finalEpoch;
  if (e === undefined) return undefined;
  const parts = [`train loss ${formatLoss(e.trainLoss)}`];
  if (e.trainAccuracy !== undefined) parts.push(`train accuracy ${formatAccuracy(e.trainAccuracy)}`);
  if (e.testLoss !== undefined) parts.push(`test loss ${formatLoss(e.testLoss)}`);
  if (e.testAccuracy !== undefined) parts.push(`test accuracy ${formatAccuracy(e.testAccuracy)}`);
  if (e.testMse !== undefined) parts.push(`test mse ${formatLoss(e.testMse)}`);
  return `epoch ${e.epoch}: ${parts.join(', ')} (as recorded during training)`;
}

/** The key–value block: the model, its inputs, the training run's settings and results. */
export function settingsText(path: string, summary: ModelSummary): string {
  const m = summary.metadata;
  const pairs: Array<[string, string]> = [
    ['model', `${path} (${summary.spec}, ${summary.parameters.toLocaleString('en-US')} parameters)`],
    ['inputs', inputsText(summary)],
    ['trained by', `${m.engine ?? 'unknown engine'}${m.backend === undefined ? '' : ` (${m.backend})`}, ${m.dtype} weights`],
  ];
  if (m.dataset !== undefined || m.task !== undefined) {
    const classes = m.classNames === undefined ? '' : `: classes ${m.classNames.join(', ')}`;
    pairs.push(['dataset', `${m.dataset ?? 'not recorded'}${m.task === undefined ? '' : `, ${m.task}${classes}`}`]);
  }
  const epochs = [
    m.epochsCompleted === undefined ? undefined : m.epochs === undefined || m.epochs === m.epochsCompleted ? `${m.epochsCompleted}` : `${m.epochsCompleted} of ${m.epochs}`,
    m.batchSize === undefined ? undefined : `batch size ${m.batchSize}`,
    m.seed === undefined ? undefined : `seed ${m.seed}`,
  ].filter((s): s is string => s !== undefined);
  if (epochs.length > 0) pairs.push(['epochs', epochs.join(', ')]);
  if (m.playground !== undefined) pairs.push(['playground', [m.playground.seed === undefined ? undefined : `seed ${m.playground.seed}`, m.playground.hash].filter((s) => s !== undefined).join(', ')]);
  if (m.createdAt !== undefined) pairs.push(['created', m.createdAt]);
  pairs.push(['loss', summary.training.loss]);
  const state = summary.optimizerState;
  pairs.push(['optimizer', `${optimizerText(summary.training.optimizer)}${state === undefined ? '' : ` (state: step ${state.step})`}`]);
  pairs.push(['regularization', regularizationText(summary.training.regularization)]);
  const schedule = summary.training.schedule;
  if (schedule !== undefined && schedule.kind !== 'constant') pairs.push(['lr schedule', describeSchedule(schedule)]);
  pairs.push(['targets', summary.training.targets === 'signed' ? 'signed (labels −1 and +1; a row’s class is the sign of the output)' : 'zeroOne (class 1 is y = 1)']);
  if (summary.deadLinks !== undefined) {
    const { count, of, perLayer } = summary.deadLinks;
    pairs.push(['dead links', `${count} of ${of} (per layer: ${perLayer.join(', ')})`]);
  }
  const final = finalEpochText(summary);
  if (final !== undefined) pairs.push(['final metrics', final]);
  return renderPairs(pairs);
}

/** Keras's `model.summary()`: one row per layer with its output shape and parameters. */
export function layerTable(summary: ModelSummary): string {
  const row = (l: LayerRow): string[] => [layerName(l), String(l.units), l.activation, shape(l.units), l.parameters.toLocaleString('en-US'), `${l.inputs}·${l.units} + ${l.units}`];
  return [
    renderTable(
      ['layer', 'units', 'activation', 'output shape', 'parameters', '= inputs·units + units'],
      [['input', String(summary.inputs.size), '', shape(summary.inputs.size), '0', ''], ...summary.layers.map(row)],
      { align: ['left', 'right', 'left', 'left', 'right', 'left'] },
    ),
    `total parameters: ${summary.parameters.toLocaleString('en-US')}`,
  ].join('\n');
}

export function weightsTable(summary: ModelSummary, stats: readonly LayerStats[]): string {
  const cells = (name: string, part: string, s: TensorStats): string[] => [
    name,
    part,
    `[${s.shape.join(', ')}]`,
    String(s.count),
    value(s.mean),
    value(s.std),
    value(s.min),
    value(s.max),
    String(s.zeros),
  ];
  const rows = stats.flatMap((s) => {
    const layer = summary.layers[s.layer - 1];
    const name = layer === undefined ? String(s.layer) : layerName(layer);
    return [cells(name, 'kernel', s.kernel), cells(name, 'bias', s.bias)];
  });
  return [
    'weights (std is the population standard deviation; zeros are entries exactly 0)',
    renderTable(['layer', 'tensor', 'shape', 'count', 'mean', 'std', 'min', 'max', 'zeros'], rows, {
      align: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    }),
  ].join('\n');
}

/** `2 (units 1, 4)`, `0`, or `—` where the rule does not apply. */
function unitList(applies: boolean, units: readonly number[]): string {
  if (!applies) return '—';
  if (units.length === 0) return '0';
  const shown = units.length > 12 ? [...units.slice(0, 12).map(String), '…'] : units.map(String);
  return `${units.length} (unit${units.length === 1 ? '' : 's'} ${shown.join(', ')})`;
}

export function rulesText(): string {
  const m = ACTIVITY_RULES.margin;
  const percent = `${ACTIVITY_RULES.rowFraction * 100}%`;
  return (
    `dead: a relu or leakyRelu unit whose pre-activation is ≤ 0 on every row; ` +
    `saturated: a tanh unit with |output| > ${1 - m}, or a sigmoid unit with output < ${m} or > ${1 - m}, on ≥ ${percent} of the rows`
  );
}

export function activityTable(summary: ModelSummary, dataset: string, rows: number, layers: readonly LayerActivity[]): string {
  const head = `hidden units on ${dataset} (${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}; a float64 forward pass over the stored weights)`;
  if (layers.length === 0) return `${head}\nno hidden layers`;
  const table = renderTable(
    ['layer', 'activation', 'units', 'dead', 'saturated'],
    layers.map((l) => [
      layerName(summary.layers[l.layer - 1] ?? { layer: l.layer, kind: 'hidden' }),
      l.activation,
      String(l.units.length),
      unitList(l.rule === 'dead', l.dead),
      unitList(l.rule === 'saturated', l.saturated),
    ]),
    { align: ['left', 'left', 'right', 'left', 'left'] },
  );
  return [head, table, rulesText()].join('\n');
}
