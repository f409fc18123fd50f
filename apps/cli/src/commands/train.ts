import { Command, Option } from 'commander';
import { cloneWeights, DEFAULT_LEARNING_RATE, evaluateModel, OPTIMIZERS, type Model } from '@twinprop/core';
import { engines, fraction, positiveInteger, positiveNumber } from '@twinprop/toolkit';
import { splitAndScale, type SplitData } from '../data.js';
import { addEngineOptions, engineRequest, engineSelector } from '../engine-options.js';
import { EXIT, UsageError } from '../errors.js';
import { err } from '../io.js';
import { addDataOptions, addModelOptions, configure } from '../options.js';
import type { RunConfig } from '../run-file.js';
import { checkpointPathFor, describeStop, saveRun } from './train/checkpoints.js';
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
    .option('--no-standardize', 'never standardize features');
  addEngineOptions(command);
  command
    .option('-o, --out <file>', 'save the trained model (JSON) here')
    .option('--plot <dir>', 'write loss.png and, for 2-D data, decision-boundary.png into this folder')
    .option('--checkpoint-every <epochs>', 'write a checkpoint every this many epochs', positiveInteger)
    .option('--checkpoint <file>', 'checkpoint file (default: <out>.checkpoint.json, or the --resume file, or twinprop-checkpoint.json)')
    .option('--resume <file>', 'continue training from a checkpoint or model file (its dataset, model and optimizer are reused)')
    .option('--json', 'print one JSON object with the results on stdout (and no progress lines)')
    .option('-q, --quiet', 'print nothing but errors (and the result with --json)')
    .addHelpText(
      'after',
      `
Examples:
  twinprop train --dataset xor --hidden 4
  twinprop train --dataset spiral --hidden 8,8 --noise 10 --epochs 300 --plot plots/
  twinprop train --dataset iris --hidden 8 --out iris.json
  twinprop train --dataset data.csv --label species --engine tfjs/wasm
  twinprop train --resume model.checkpoint.json`,
    )
    .action(async (options: TrainOptions, self: Command) => {
      await runTrain(options, self);
    });
  return configure(command);
}

async function runTrain(options: TrainOptions, command: Command): Promise<void> {
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
  const request = await engineRequest(command, options);
  const setup = options.resume === undefined ? await freshSetup(options) : await resumeSetup(options.resume, options, given);
  const split = splitAndScale(setup.data, setup.run, setup.run.seed);
  const epochs = setup.run.epochs > 0 ? setup.run.epochs : defaultEpochs(split.train.x.rows, setup.run.batchSize);
  const run: RunConfig = { ...setup.run, epochs };
  if (epochs <= setup.epochsCompleted) {
    const partial = setup.batchesCompleted > 0 ? ` (and ${setup.batchesCompleted} batches of epoch ${setup.epochsCompleted + 1})` : '';
    throw new UsageError(
      `${setup.resumedFrom ?? 'the checkpoint'} has already completed ${setup.epochsCompleted} epochs${partial}; pass --epochs greater than ${setup.epochsCompleted} to train further`,
    );
  }

  const resolved = await engines.resolve(engineSelector(request, setup.enginePreference));
  const { engine } = resolved;
  const weights = setup.weights ?? initialWeights(setup.spec, run.seed, engine.dtype);
  const model = engine.createModel(setup.spec, cloneWeights(weights, engine.dtype), setup.training);
  try {
    if (setup.optimizerState !== undefined) model.setOptimizerState(convertState(setup.optimizerState, engine.dtype));
    await trainAndReport(model, resolved.id, { options, setup, split, run });
  } finally {
    model.dispose();
  }
}

interface TrainContext {
  readonly options: TrainOptions;
  readonly setup: Setup;
  readonly split: SplitData;
  readonly run: RunConfig;
}

async function trainAndReport(model: Model, engineId: string, context: TrainContext): Promise<void> {
  const { options, setup, split, run } = context;
  const checkpointPath = checkpointPathFor(options);
  const outcome = await trainSession(model, {
    run,
    split,
    epochsCompleted: setup.epochsCompleted,
    batchesCompleted: setup.batchesCompleted,
    history: setup.history,
    checkpointPath,
    checkpointEvery: options.checkpointEvery,
    progress: progressMode(options),
  });
  switch (outcome.kind) {
    case 'diverged': {
      const lr = model.training.optimizer.learningRate;
      err(`twinprop: error: ${outcome.error.message}`);
      err(`twinprop: the learning rate was ${lr}; try --lr ${Number((lr / 10).toPrecision(3))} or lower`);
      process.exitCode = EXIT.trainingFailed;
      return;
    }
    case 'interrupted':
      err(`twinprop: interrupted at ${describeStop(outcome.result.epochsCompleted, outcome.result.batchesCompleted)}; checkpoint saved to ${checkpointPath}`);
      err(`twinprop: resume with: twinprop train --resume ${checkpointPath}`);
      process.exitCode = EXIT.interrupted;
      return;
    case 'finished':
      break;
  }

  const { result, history } = outcome;
  const task = split.train.task;
  const train = evaluateModel(model, split.train, task);
  const test = split.test === undefined ? undefined : evaluateModel(model, split.test, task);
  if (options.out !== undefined) await saveRun(options.out, model, { run, split, history }, result.epochsCompleted);
  const plots = options.plot === undefined ? [] : await writePlots(options.plot, model, split, history);
  const report = {
    model,
    engineId,
    run,
    split,
    result,
    train,
    test,
    history,
    resumed: setup.resumedFrom === undefined ? undefined : { from: setup.resumedFrom, atEpoch: setup.epochsCompleted },
    out: options.out,
    plots,
  };
  if (options.json === true) printTrainJson(report);
  else if (options.quiet !== true) printTrainSummary(report);
}
