import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { ModelFile, Task } from '@twinprop/core';
import { readModelFile, writeFileAtomic } from '@twinprop/core/node';
import { noise, seed } from '@twinprop/toolkit';
import { modelColumns } from '../align.js';
import { isTextData, STDIN, textDataPath } from '../data.js';
import { UsageError } from '../errors.js';
import { out, printJson } from '../io.js';
import { taskOf } from '../model-use.js';
import { addCsvReadOptions, configure, points, type CsvReadFlags } from '../options.js';
import { checkOutputs } from '../outputs.js';
import { ACTIVITY_RULES, hiddenActivity, type LayerActivity } from '../inspect/activity.js';
import { loadForModel, type InspectData } from '../inspect/data.js';
import { forwardLayers } from '../inspect/forward.js';
import { NEURON_SIZE, neuronFileNames, neuronPngs, PLAYGROUND_DOMAIN, rangeOf, type PlotRange } from '../inspect/neuron-plots.js';
import { activityTable, layerTable, settingsText, weightsTable } from '../inspect/report.js';
import { summarize } from '../inspect/summary.js';
import { weightStats } from '../inspect/weight-stats.js';

interface InspectOptions extends CsvReadFlags {
  model?: string;
  dataset?: string;
  points?: number;
  noise?: number;
  seed?: number;
  label?: string;
  plot?: string;
  json?: boolean;
}

/** Flags that only mean something with data. */
const DATA_FLAGS = [
  ['points', '--points'],
  ['noise', '--noise'],
  ['seed', '--seed'],
  ['label', '--label'],
  ['header', '--no-header'],
  ['delimiter', '--delimiter'],
  ['encoding', '--encoding'],
] as const;

export function inspectCommand(): Command {
  const command = new Command('inspect')
    .description('what a saved model is: its layers and parameters, training settings and final metrics, weight statistics, dead or saturated units on a dataset, and a picture per neuron')
    .argument('[model]', 'model file written by `twinprop train --out`')
    .option('-m, --model <file>', 'the model file (instead of the argument)')
    .option('-d, --dataset <name>', 'built-in dataset or .csv file to judge the hidden units on: dead relu units, saturated tanh and sigmoid units')
    .option('--points <n>', 'Playground generators: number of points (default: as in training)', points)
    .option('--noise <percent>', 'Playground generators: noise 0–50 (default: as in training)', noise)
    .option('--seed <n>', 'seed for generated data (default: as in training)', seed)
    .option('--label <column>', 'CSV only: label column, by name or 0-based index (default: the one column that is not a feature)');
  addCsvReadOptions(command)
    .option(
      '--plot <dir>',
      `write a ${NEURON_SIZE}×${NEURON_SIZE} picture of every hidden and output unit over the plane of the model's two input columns (layer1-unit1.png, …, output.png): over the data's range, or [−6, 6]² for a model on the Playground's derived features`,
    )
    .option('--json', 'print everything as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  twinprop inspect xor.json\n  twinprop inspect spiral.json --dataset spiral --plot neurons/\n  twinprop inspect iris.json --dataset iris --json',
    )
    .action(async (model: string | undefined, options: InspectOptions, self: Command) => {
      await runInspect(model, options, self);
    });
  return configure(command);
}

function modelPathOf(argument: string | undefined, flag: string | undefined): string {
  if (argument !== undefined && flag !== undefined && argument !== flag) {
    throw new UsageError(`two model files given (${argument} and --model ${flag}); give one`);
  }
  const path = argument ?? flag;
  if (path === undefined) throw new UsageError('inspect needs a model file: twinprop inspect model.json');
  return path;
}

/** The data the units are judged on and the pictures span: --dataset, else for --plot the training dataset (not for a Playground model, drawn over [−6, 6]²). */
function datasetFor(file: ModelFile, path: string, options: InspectOptions): string | undefined {
  if (options.dataset !== undefined) return options.dataset;
  if (options.plot === undefined || file.metadata.inputFeatures !== undefined) return undefined;
  if (file.metadata.dataset === undefined) {
    throw new UsageError(`--plot draws over the data's range, and ${path} does not say which dataset it was trained on; pass --dataset`);
  }
  return file.metadata.dataset;
}

async function runInspect(argument: string | undefined, options: InspectOptions, command: Command): Promise<void> {
  const path = modelPathOf(argument, options.model);
  if (options.dataset === undefined) {
    const given = DATA_FLAGS.filter(([key]) => command.getOptionValueSource(key) === 'cli').map(([, flag]) => flag);
    if (given.length > 0) throw new UsageError(`${given.join(', ')} appl${given.length === 1 ? 'ies' : 'y'} to the data given with --dataset`);
  }
  if (options.plot === STDIN) throw new UsageError('--plot - is not supported: give a folder for the pictures');
  if (options.plot !== undefined && existsSync(options.plot) && !statSync(options.plot).isDirectory()) {
    throw new UsageError(`--plot ${options.plot} is a file; give a folder for the pictures (it is made if it does not exist)`);
  }
  const file = await readModelFile(path);
  const task: Task = taskOf(file);
  const columns = modelColumns(file);
  if (options.plot !== undefined && columns.count !== 2) {
    const names = columns.names === undefined ? '' : ` (${columns.names.join(', ')})`;
    throw new UsageError(
      `--plot draws each neuron over the plane of two input columns, and ${path} reads ${columns.count}${names}; pictures need a model on 2-D data`,
    );
  }
  const dataset = datasetFor(file, path, options);
  const plotFiles = options.plot === undefined ? [] : neuronFileNames(file).map((name) => join(options.plot ?? '', name));
  if (options.plot !== undefined) {
    const text = dataset !== undefined && isTextData(dataset) ? textDataPath(dataset) : undefined;
    checkOutputs(
      plotFiles.map((p) => ({ flag: '--plot', path: p })),
      [{ flag: 'model', path }, ...(text === undefined ? [] : [{ flag: '--dataset', path: text }])],
    );
  }

  const summary = summarize(file);
  const stats = weightStats(file.weights);
  let data: InspectData | undefined;
  let activity: LayerActivity[] | undefined;
  if (dataset !== undefined) {
    data = await loadForModel(file, path, task, { ...options, dataset });
    activity = hiddenActivity(file.spec, forwardLayers(file.spec, file.weights, data.inputs), data.inputs.rows);
  }
  let range: PlotRange | undefined;
  if (options.plot !== undefined) {
    range = file.metadata.inputFeatures !== undefined || data === undefined ? { x: PLAYGROUND_DOMAIN, y: PLAYGROUND_DOMAIN } : rangeOf(data.columns);
    const pictures = neuronPngs(file, task, range, data === undefined ? undefined : { columns: data.columns, targets: data.targets.y, task: data.targets.task });
    for (const picture of pictures) await writeFileAtomic(join(options.plot, picture.name), picture.png);
  }

  if (options.json === true) {
    printJson({
      model: path,
      ...summary,
      metadata: Object.fromEntries(Object.entries(summary.metadata).map(([key, v]) => [key, v ?? null])),
      inputs: { ...summary.inputs, featureNames: summary.inputs.featureNames ?? null, derived: summary.inputs.derived ?? null },
      training: { ...summary.training, regularization: summary.training.regularization ?? null },
      optimizerState: summary.optimizerState ?? null,
      finalEpoch: summary.finalEpoch ?? null,
      deadLinks: summary.deadLinks ?? null,
      weights: stats,
      activity: data === undefined || activity === undefined ? null : { dataset: data.name, rows: data.inputs.rows, rules: ACTIVITY_RULES, layers: activity },
      plots: options.plot === undefined || range === undefined ? null : { dir: options.plot, size: NEURON_SIZE, range, files: plotFiles },
    });
    return;
  }
  const sections = [settingsText(path, summary), layerTable(summary), weightsTable(summary, stats)];
  if (data !== undefined && activity !== undefined) sections.push(activityTable(summary, data.name, data.inputs.rows, activity));
  if (options.plot !== undefined && range !== undefined) {
    const names = columns.names ?? ['x₁', 'x₂'];
    const span = (axis: readonly [number, number]): string => `[${axis.map((v) => Number(v.toPrecision(3))).join(', ')}]`;
    const shown = plotFiles.length <= 6 ? plotFiles.join(', ') : `${plotFiles.slice(0, 3).join(', ')}, …, ${plotFiles[plotFiles.length - 1] ?? ''}`;
    sections.push(`pictures  ${plotFiles.length} (${shown}), over ${names[0]} ∈ ${span(range.x)}, ${names[1]} ∈ ${span(range.y)}`);
  }
  out(sections.join('\n\n'));
}
