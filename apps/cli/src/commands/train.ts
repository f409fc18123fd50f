import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import {
  cloneWeights,
  DEFAULT_LEARNING_RATE,
  describeSpec,
  evaluateModel,
  MAX_MODEL_FILE_BYTES,
  ModelFileError,
  modelFileSizeBound,
  OPTIMIZERS,
  parameterCount,
  TRAIN_EVALUATIONS,
  type Model,
} from '@twinprop/core';
import { engines, fraction, positiveInteger, positiveNumber, useReferenceThreads } from '@twinprop/toolkit';
import { isTextData, splitAndScale, STDIN, textDataPath, type SplitData } from '../data.js';
import { addEngineOptions, engineRequest, engineSelector } from '../engine-options.js';
import { EXIT, UsageError } from '../errors.js';
import { err, printJsonError } from '../io.js';
import { addDataOptions, addModelOptions, configure } from '../options.js';
import { checkOutputs, type Output } from '../outputs.js';
import type { RunConfig, RunOutputs } from '../run-file.js';
import { addScheduleOptions, scheduledTraining } from '../schedule-options.js';
import { addValidationOptions, checkEarlyStoppingResume } from '../validation.js';
import { checkpointPathFor, describeStop, saveRunOrRescue, STOP_SIGNALS } from './train/checkpoints.js';
import { historyFormat, historyRecords, writeHistory } from './train/history.js';
import { runPlaygroundTrain } from './train/playground.js';
import { writePlots } from './train/plots.js';
import { printTrainJson, printTrainSummary } from './train/report.js';
import { progressMode, trainSession } from './train/session.js';
import {
  convertState,
  DEFAULT_EPOCHS,
  DEFAULT_MIN_UPDATES,
  defaultEpochs,
  freshSetup,
  initialWeights,
  resumeSetup,
  type Setup,
  type TrainOptions,
} from './train/setup.js';

/**
 * `twinprop train`: the command and the order of a run — set-up (fresh or resumed, in
 * train/setup.ts), the engine from the registry, the training run (train/session.ts, with
 * checkpoints and Ctrl-C from train/checkpoints.ts), then the saved model, the plots
 * (train/plots.ts) and the report (train/report.ts).
 */
export function trainCommand(): Command {
  const command = new Command('train').description('train a multilayer perceptron on a dataset, then save it, plot it, or resume it later');
  addDataOptions(command, 'built-in dataset (see `twinprop datasets`) or a path to a .csv file');
  addModelOptions(command);
  command
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--lr <rate>', `learning rate (default: ${OPTIMIZERS.map((kind) => `${kind} ${DEFAULT_LEARNING_RATE[kind]}`).join(', ')})`, positiveNumber)
    .option('--epochs <n>', `epochs to train (default: ${DEFAULT_EPOCHS}, or enough for ${DEFAULT_MIN_UPDATES} updates on small datasets)`, positiveInteger)
    .option('--batch-size <n>', 'rows per update', positiveInteger, 10)
    .option('--test-split <fraction>', 'fraction of the rows held out for testing (stratified by class)', fraction, 0.2)
    .option('--standardize', 'standardize features with mean and std of the training part (default for iris and CSV files)')
    .option('--no-standardize', 'never standardize features')
    .addOption(
      new Option(
        '--train-eval <mode>',
        "each epoch's train accuracy: batches = from the epoch's own batches, before each update (free); full = a pass over the whole training set after the epoch; none",
      )
        .choices(TRAIN_EVALUATIONS)
        .default('batches'),
    );
  addScheduleOptions(command);
  addValidationOptions(command);
  addEngineOptions(command);
  command.option(
    '--threads <n>',
    "threads for the reference engine's large matrix products, this one included (default: every core; 1: one thread; results are bit-identical for any number)",
    positiveInteger,
  );
  command
    .option('-o, --out <file>', 'save the trained model (JSON) here (a new path or a regular file, never an input)')
    .option('--plot <dir>', 'write loss.png and, for 2-D data, decision-boundary.png into this folder')
    .option('--checkpoint-every <epochs>', 'write a checkpoint every this many epochs', positiveInteger)
    .option('--checkpoint <file>', 'checkpoint file (default: <out>.checkpoint.json, or the --resume file, or twinprop-checkpoint.json)')
    .option('--resume <file>', 'continue training from a checkpoint or model file (its dataset, model, optimizer and outputs are reused)')
    .option('--playground <url>', "reproduce a playground.tensorflow.org run: its URL (or the #hash part) sets the data, the network and the training; --epochs counts the Playground's epochs (default 100)")
    .option('--json', 'print one JSON object with the results on stdout (and no progress lines)')
    .option('-q, --quiet', 'print nothing but errors (and the result with --json)')
    .addHelpText(
      'after',
      `
Examples:
  twinprop train --dataset xor --hidden 4
  twinprop train --dataset spiral --hidden 8,8 --noise 10 --epochs 300 --plot plots/
  twinprop train --dataset iris --hidden 8 --out iris.json
  twinprop train --dataset spiral --hidden 8,8 --epochs 200 --lr-schedule cosine --lr-warmup-epochs 5 --lr-min 0.0001
  twinprop train --dataset circle --noise 30 --validation-split 0.2 --early-stopping 10 --history run.csv
  twinprop train --dataset data.csv --label species --engine tfjs/wasm
  twinprop train --resume model.checkpoint.json
  twinprop train --playground 'https://playground.tensorflow.org/#activation=tanh&dataset=xor&networkShape=4,2&seed=0.5' --epochs 50 --dtype float64
  some-command | twinprop train --dataset - --label y`,
    )
    .action(async (options: TrainOptions, self: Command) => {
      await runTrain(options, self);
    });
  return configure(command);
}

/** A word for the shell: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The outputs of this run: the command line's, else (resuming) the original run's. Paths made absolute. */
function runOutputs(options: TrainOptions, given: (key: string) => boolean, stored: RunOutputs): RunOutputs {
  const pick = <K extends keyof RunOutputs>(key: K, value: RunOutputs[K]): RunOutputs[K] => (given(key) ? value : (stored[key] ?? value));
  const out = pick('out', options.out);
  const plot = pick('plot', options.plot);
  const history = pick('history', options.history);
  const absolute = (path: string | undefined): string | undefined => (path === undefined ? undefined : resolve(path));
  const checkpoint = given('checkpoint') || stored.checkpoint === undefined ? checkpointPathFor({ ...options, out }) : stored.checkpoint;
  return {
    out: absolute(out),
    plot: absolute(plot),
    checkpoint: absolute(checkpoint),
    checkpointEvery: pick('checkpointEvery', options.checkpointEvery),
    ...(history === undefined ? {} : { history: absolute(history) }),
  };
}

/** Refuses, before training, a model whose file could not be saved and read back. */
function checkModelSize(setup: Setup, dtype: 'float32' | 'float64'): void {
  const bound = modelFileSizeBound(setup.spec, setup.training, dtype, { earlyStoppingSnapshot: setup.run.earlyStopping !== undefined });
  if (bound <= MAX_MODEL_FILE_BYTES) return;
  const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024)).toLocaleString('en-US')} MiB`;
  throw new UsageError(
    `a ${describeSpec(setup.spec)} model has ${parameterCount(setup.spec).toLocaleString('en-US')} parameters; with ${setup.training.optimizer.kind} in ${dtype} ` +
      `its file could reach ${mb(bound)}, more than the ${mb(MAX_MODEL_FILE_BYTES)} a model file may have, so it could not be saved — use fewer or smaller layers` +
      (setup.training.optimizer.kind === 'sgd' ? '' : ' (or --optimizer sgd, which keeps no extra state)'),
  );
}

/**
 * Checks that resuming continues the same run: the same data (its fingerprint), and counters that
 * fit it (batches of an epoch, the optimizer's step count).
 */
function checkResume(setup: Setup, split: SplitData, batchSize: number): void {
  const path = setup.resumedFrom;
  if (path === undefined) return;
  if (setup.storedSha256 === undefined) {
    err(`twinprop: warning: ${path} has no fingerprint of its data (written by an older twinprop); cannot check that ${setup.run.dataset} is unchanged`);
  } else if (setup.storedSha256 !== setup.dataSha256) {
    throw new UsageError(
      `the data of ${setup.run.dataset} is not what ${path} was trained on (its rows' fingerprint differs); resuming would continue on other data — restore the data, or start a new run without --resume`,
    );
  }
  checkEarlyStoppingResume(path, setup.run, setup.earlyStopping, setup.epochsCompleted);
  const rows = split.train.x.rows;
  const batchesPerEpoch = Math.ceil(rows / Math.min(batchSize, rows));
  if (setup.batchesCompleted >= batchesPerEpoch) {
    throw new ModelFileError(`is ${setup.batchesCompleted}, but an epoch of this run has ${batchesPerEpoch} batches`, { field: 'metadata.batchesCompleted', file: path });
  }
  const step = setup.optimizerState?.step;
  const updates = setup.epochsCompleted * batchesPerEpoch + setup.batchesCompleted;
  if (step !== undefined && step !== updates) {
    throw new ModelFileError(
      `is ${step}, but ${setup.epochsCompleted} epochs of ${batchesPerEpoch} batches and ${setup.batchesCompleted} more make ${updates} updates; the file's counters disagree`,
      { field: 'optimizerState.step', file: path },
    );
  }
}

async function runTrain(options: TrainOptions, command: Command): Promise<void> {
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
  const request = await engineRequest(command, options);
  if (options.playground !== undefined) {
    await runPlaygroundTrain({ ...options, playground: options.playground }, request, given, progressMode(options));
    return;
  }
  for (const [flag, value] of [['--out', options.out], ['--checkpoint', options.checkpoint], ['--plot', options.plot], ['--history', options.history]] as const) {
    if (value === STDIN) throw new UsageError(`${flag} - is not supported: stdout carries the summary; give a file name`);
  }
  const setup = options.resume === undefined ? await freshSetup(options) : await resumeSetup(options.resume, options, given);
  const outputs = runOutputs(options, given, setup.storedOutputs);
  const dataFile = isTextData(setup.run.dataset) ? textDataPath(setup.run.dataset) : undefined;
  const planned: Output[] = [
    ...(outputs.out === undefined ? [] : [{ flag: '--out', path: outputs.out }]),
    ...(outputs.checkpoint === undefined ? [] : [{ flag: '--checkpoint', path: outputs.checkpoint }]),
    ...(outputs.plot === undefined ? [] : [{ flag: '--plot', path: outputs.plot, kind: 'dir' as const }]),
    ...(outputs.history === undefined ? [] : [{ flag: '--history', path: outputs.history }]),
  ];
  if (options.history !== undefined) historyFormat(options.history);
  checkOutputs(planned, dataFile === undefined ? [] : [{ flag: '--dataset', path: dataFile }]);
  const split = splitAndScale(setup.data, setup.run, setup.run.seed);
  const epochs = setup.run.epochs > 0 ? setup.run.epochs : defaultEpochs(split.train.x.rows, setup.run.batchSize);
  const run: RunConfig = { ...setup.run, epochs };
  checkResume(setup, split, run.batchSize);
  const training = scheduledTraining(setup.training, options, { trainRows: split.train.x.rows, batchSize: run.batchSize, epochs });
  if (epochs <= setup.epochsCompleted) {
    const partial = setup.batchesCompleted > 0 ? ` (and ${setup.batchesCompleted} batches of epoch ${setup.epochsCompleted + 1})` : '';
    throw new UsageError(
      `${setup.resumedFrom ?? 'the checkpoint'} has already completed ${setup.epochsCompleted} epochs${partial}; pass --epochs greater than ${setup.epochsCompleted} to train further`,
    );
  }

  const resolved = await engines.resolve(engineSelector(request, setup.enginePreference));
  const { engine } = resolved;
  if (engine.name === 'reference') useReferenceThreads(options.threads);
  checkModelSize(setup, engine.dtype);
  const weights = setup.weights ?? initialWeights(setup.spec, run.seed, engine.dtype);
  const model = engine.createModel(setup.spec, cloneWeights(weights, engine.dtype), training);
  try {
    if (setup.optimizerState !== undefined) model.setOptimizerState(convertState(setup.optimizerState, engine.dtype));
    await trainAndReport(model, resolved.id, { options, setup, split, run, outputs, given });
  } finally {
    model.dispose();
  }
}

/** The command that continues an interrupted run: its checkpoint, and what the file cannot hold (engine modules, an engine chosen here). */
function resumeCommand(checkpoint: string, options: TrainOptions, given: (key: string) => boolean, outputs: RunOutputs): string {
  const words = ['twinprop', 'train', '--resume', checkpoint];
  if (given('epochs') && options.epochs !== undefined) words.push('--epochs', String(options.epochs));
  for (const specifier of options.engineModule) words.push('--engine-module', specifier);
  if (given('engine')) words.push('--engine', options.engine);
  if (given('backend')) words.push('--backend', options.backend);
  if (given('dtype') && options.dtype !== undefined) words.push('--dtype', options.dtype);
  if (outputs.out !== undefined) words.push('--out', outputs.out);
  if (outputs.plot !== undefined) words.push('--plot', outputs.plot);
  if (outputs.checkpointEvery !== undefined) words.push('--checkpoint-every', String(outputs.checkpointEvery));
  if (outputs.history !== undefined) words.push('--history', outputs.history);
  if (options.json === true) words.push('--json');
  if (options.quiet === true) words.push('--quiet');
  return words.map(shellWord).join(' ');
}

interface TrainContext {
  readonly options: TrainOptions;
  readonly setup: Setup;
  readonly split: SplitData;
  readonly run: RunConfig;
  readonly outputs: RunOutputs;
  readonly given: (key: string) => boolean;
}

async function trainAndReport(model: Model, engineId: string, context: TrainContext): Promise<void> {
  const { options, setup, split, run, outputs, given } = context;
  const checkpointPath = outputs.checkpoint ?? resolve(checkpointPathFor(options));
  const outcome = await trainSession(model, {
    run,
    split,
    epochsCompleted: setup.epochsCompleted,
    batchesCompleted: setup.batchesCompleted,
    history: setup.history,
    earlyStopping: setup.earlyStopping,
    checkpointPath,
    checkpointEvery: outputs.checkpointEvery,
    progress: progressMode(options),
    trainEvaluation: options.trainEval,
    dataSha256: setup.dataSha256,
    outputs,
  });
  switch (outcome.kind) {
    case 'diverged': {
      const lr = model.training.optimizer.learningRate;
      err(`twinprop: error: ${outcome.error.message}`);
      err(`twinprop: the learning rate was ${lr}; try --lr ${Number((lr / 10).toPrecision(3))} or lower`);
      if (options.json === true) printJsonError(outcome.error.code, outcome.error.message, EXIT.trainingFailed);
      process.exitCode = EXIT.trainingFailed;
      return;
    }
    case 'interrupted': {
      if (outputs.history !== undefined) await writeHistory(outputs.history, historyRecords(outcome.history, model.training.optimizer.learningRate));
      const where = describeStop(outcome.result.epochsCompleted, outcome.result.batchesCompleted);
      const command = resumeCommand(checkpointPath, options, context.given, outputs);
      const how = outcome.signal === 'SIGINT' ? 'interrupted' : `stopped by ${outcome.signal}`;
      err(`twinprop: ${how} at ${where}; checkpoint saved to ${checkpointPath}`);
      err(`twinprop: resume with: ${command}`);
      const code = STOP_SIGNALS[outcome.signal];
      if (options.json === true) printJsonError('INTERRUPTED', `${how} at ${where}; checkpoint saved to ${checkpointPath}; resume with: ${command}`, code);
      process.exitCode = code;
      return;
    }
    case 'finished':
      break;
  }

  const { result, history } = outcome;
  const task = split.train.task;
  const train = evaluateModel(model, split.train, task);
  const test = split.test === undefined ? undefined : evaluateModel(model, split.test, task);
  const validation = split.validation === undefined ? undefined : evaluateModel(model, split.validation, task);
  const record = {
    run,
    split,
    history,
    dataSha256: setup.dataSha256,
    outputs,
    stopReason: result.stopReason,
    // Early stopping ended it: the model holds the best epoch, and there is no patience window left to resume.
    ...(result.stopReason === 'earlyStopping' ? { bestEpoch: result.bestEpoch } : { earlyStopping: result.earlyStopping }),
  };
  if (outputs.out !== undefined) await saveRunOrRescue(outputs.out, model, record, result.epochsCompleted, 0, 'the trained model');
  const records = historyRecords(history, model.training.optimizer.learningRate);
  if (outputs.history !== undefined) await writeHistory(outputs.history, records);
  const plots = outputs.plot === undefined ? [] : await writePlots(outputs.plot, model, split, history);
  const report = {
    model,
    engineId,
    run,
    split,
    result,
    train,
    test,
    validation,
    history,
    records,
    resumed: setup.resumedFrom === undefined ? undefined : { from: setup.resumedFrom, atEpoch: setup.epochsCompleted },
    out: outputs.out === undefined ? undefined : given('out') ? options.out : outputs.out,
    historyFile: outputs.history === undefined ? undefined : given('history') ? options.history : outputs.history,
    plots,
  };
  if (options.json === true) printTrainJson(report);
  else if (options.quiet !== true) printTrainSummary(report);
}
