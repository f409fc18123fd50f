import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  cloneWeights,
  defaultLossFor,
  deriveSeed,
  describeSpec,
  evaluateModel,
  fit,
  initializeWeights,
  NonFiniteLossError,
  optimizer,
  OPTIMIZERS,
  readModelFile,
  Rng,
  validateSpec,
  validateTrainingConfig,
  writeModelFile,
  type Activation,
  type Dataset,
  type DType,
  type Model,
  type ModelFile,
  type ModelSpec,
  type OptimizerKind,
  type OptimizerState,
  type Task,
  type TrainingConfig,
  type Weights,
  type FitResult,
} from '@twinprop/core';
import { binaryToMulticlass } from '@twinprop/datasets';
import { fitToSpec, loadSource, scaleWith, splitAndScale, standardizeByDefault, type SplitData } from '../data.js';
import { createEngine, isEngineName, type BackendChoice } from '../engines.js';
import { EXIT, UsageError } from '../errors.js';
import { err, out, printJson, stderrIsTty, stdoutIsTty } from '../io.js';
import {
  addDataOptions,
  addEngineOptions,
  addModelOptions,
  configure,
  engineRequest,
  type DataOptions,
  type EngineOptions,
  type ModelOptions,
} from '../options.js';
import { fraction, positiveInteger, positiveNumber } from '@twinprop/toolkit';
import { lossChart } from '../render/chart.js';
import { formatAccuracy, formatLoss, formatRate, formatSeconds } from '@twinprop/toolkit';
import { decisionBoundaryPng, lossCurvePng } from '../render/plots.js';
import { createProgress, type ProgressMode } from '../render/progress.js';
import { renderPairs } from '@twinprop/toolkit';
import { historyEntry, historyOf, modelFileFor, runConfigOf, type HistoryEntry, type RunConfig, type RunState } from '../run-file.js';

interface TrainOptions extends DataOptions, ModelOptions, EngineOptions {
  optimizer: OptimizerKind;
  lr?: number;
  epochs?: number;
  batchSize: number;
  testSplit: number;
  standardize?: boolean;
  out?: string;
  plot?: string;
  checkpointEvery?: number;
  checkpoint?: string;
  resume?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Options that define a run; a checkpoint fixes them, so they cannot be given with --resume. */
const RUN_OPTIONS = [
  'dataset',
  'label',
  'points',
  'noise',
  'seed',
  'hidden',
  'activation',
  'output',
  'loss',
  'l1',
  'l2',
  'optimizer',
  'lr',
  'batchSize',
  'testSplit',
  'standardize',
] as const;

/** Updates per run that the default epoch count aims for on small datasets. */
const DEFAULT_MIN_UPDATES = 2000;
const DEFAULT_EPOCHS = 100;

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function defaultOutputFor(task: Task): Activation {
  switch (task) {
    case 'binary':
      return 'sigmoid';
    case 'multiclass':
      return 'softmax';
    case 'regression':
      return 'linear';
  }
}

/** 100 epochs, or more on small datasets so that training makes at least 2000 updates. */
export function defaultEpochs(trainRows: number, batchSize: number): number {
  const batchesPerEpoch = Math.ceil(trainRows / Math.min(batchSize, trainRows));
  return Math.max(DEFAULT_EPOCHS, Math.ceil(DEFAULT_MIN_UPDATES / batchesPerEpoch));
}

function checkpointPathFor(options: TrainOptions): string {
  if (options.checkpoint !== undefined) return options.checkpoint;
  if (options.out !== undefined) return `${options.out.replace(/\.json$/i, '')}.checkpoint.json`;
  if (options.resume !== undefined) return options.resume;
  return 'twinprop-checkpoint.json';
}

export function trainCommand(): Command {
  const command = new Command('train').description('train a multilayer perceptron on a dataset, then save it, plot it, or resume it later');
  addDataOptions(command, 'built-in dataset (see `twinprop datasets`) or a path to a .csv file');
  addModelOptions(command);
  command
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--lr <rate>', 'learning rate (default: sgd 0.1, momentum 0.05, adam 0.01)', positiveNumber)
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
  twinprop train --dataset data.csv --label species --engine tfjs --backend wasm
  twinprop train --resume model.checkpoint.json`,
    )
    .action(async (options: TrainOptions, self: Command) => {
      await runTrain(options, self);
    });
  return configure(command);
}

interface Setup {
  readonly run: RunConfig;
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly data: Dataset;
  readonly weights: Weights;
  readonly optimizerState: OptimizerState | undefined;
  readonly epochsCompleted: number;
  readonly batchesCompleted: number;
  readonly history: HistoryEntry[];
  readonly engineFallback: { engine?: 'reference' | 'tfjs'; backend?: BackendChoice; dtype?: DType };
  readonly resumedFrom: string | undefined;
}

async function freshSetup(options: TrainOptions): Promise<Setup> {
  if (options.dataset === undefined) {
    throw new UsageError('train needs --dataset <name|file.csv> (see `twinprop datasets`), or --resume <checkpoint>');
  }
  const source = {
    dataset: options.dataset,
    points: options.points,
    noise: options.noise,
    seed: options.seed,
    label: options.label,
  };
  let data = await loadSource(source);
  const output = options.output ?? defaultOutputFor(data.task);
  if (data.task === 'binary' && output === 'softmax') data = binaryToMulticlass(data);
  const spec = validateSpec({
    inputSize: data.x.cols,
    hidden: options.hidden.map((units) => ({ units, activation: options.activation })),
    output: { units: data.y.cols, activation: output },
  });
  const regularization = { ...(options.l1 > 0 ? { l1: options.l1 } : {}), ...(options.l2 > 0 ? { l2: options.l2 } : {}) };
  const training = validateTrainingConfig(spec, {
    loss: options.loss ?? defaultLossFor(output),
    optimizer: optimizer(options.optimizer, options.lr === undefined ? {} : { learningRate: options.lr }),
    ...(Object.keys(regularization).length > 0 ? { regularization } : {}),
  });
  const standardize = options.standardize ?? standardizeByDefault(options.dataset);
  const run: RunConfig = { ...source, testSplit: options.testSplit, standardize, batchSize: options.batchSize, epochs: options.epochs ?? 0 };
  const dtype = options.dtype ?? 'float32';
  return {
    run,
    spec,
    training,
    data,
    weights: initializeWeights(spec, new Rng(deriveSeed(options.seed, 'init')), dtype),
    optimizerState: undefined,
    epochsCompleted: 0,
    batchesCompleted: 0,
    history: [],
    engineFallback: {},
    resumedFrom: undefined,
  };
}

async function resumeSetup(path: string, options: TrainOptions, given: (key: string) => boolean): Promise<Setup> {
  for (const key of RUN_OPTIONS) {
    if (given(key)) {
      throw new UsageError(
        `--${kebab(key)} cannot be given with --resume: the checkpoint fixes the dataset, the model and the optimizer (only --epochs, the engine and the outputs can change)`,
      );
    }
  }
  const file: ModelFile = await readModelFile(path);
  const run = runConfigOf(file, path);
  const data = fitToSpec(await loadSource(run), file.spec);
  const epochsCompleted = file.metadata.epochsCompleted ?? 0;
  const batchesCompleted = file.metadata.batchesCompleted ?? 0;
  const engine = file.metadata.engine;
  const backend = file.metadata.backend;
  return {
    run: { ...run, epochs: options.epochs ?? run.epochs },
    spec: file.spec,
    training: file.training,
    data,
    weights: file.weights,
    optimizerState: file.optimizerState,
    epochsCompleted,
    batchesCompleted,
    history: historyOf(file).filter((h) => h.epoch <= epochsCompleted),
    engineFallback: {
      ...(isEngineName(engine) ? { engine } : {}),
      ...(backend === 'tensorflow' || backend === 'wasm' || backend === 'cpu' ? { backend } : {}),
      dtype: file.weights.dtype,
    },
    resumedFrom: path,
  };
}

function convertState(state: OptimizerState, dtype: DType): OptimizerState {
  return { ...state, slots: Object.fromEntries(Object.entries(state.slots).map(([name, w]) => [name, cloneWeights(w, dtype)])) };
}

async function runTrain(options: TrainOptions, command: Command): Promise<void> {
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
  const setup = options.resume === undefined ? await freshSetup(options) : await resumeSetup(options.resume, options, given);
  const { spec, training, data } = setup;
  const split = splitAndScale(data, setup.run, setup.run.seed);
  const epochs = setup.run.epochs > 0 ? setup.run.epochs : defaultEpochs(split.train.x.rows, setup.run.batchSize);
  const run: RunConfig = { ...setup.run, epochs };
  if (epochs <= setup.epochsCompleted) {
    const partial = setup.batchesCompleted > 0 ? ` (and ${setup.batchesCompleted} batches of epoch ${setup.epochsCompleted + 1})` : '';
    throw new UsageError(
      `${setup.resumedFrom ?? 'the checkpoint'} has already completed ${setup.epochsCompleted} epochs${partial}; pass --epochs greater than ${setup.epochsCompleted} to train further`,
    );
  }

  const request = engineRequest(command, options, setup.engineFallback);
  const engine = await createEngine(request);
  const model = engine.createModel(spec, cloneWeights(setup.weights, engine.dtype), training);
  try {
    if (setup.optimizerState !== undefined) model.setOptimizerState(convertState(setup.optimizerState, engine.dtype));
    await trainModel(model, { options, setup, split, run });
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

async function trainModel(model: Model, context: TrainContext): Promise<void> {
  const { options, setup, split, run } = context;
  const task = split.train.task;
  const mode: ProgressMode = options.quiet === true ? 'quiet' : stderrIsTty() ? 'bar' : options.json === true ? 'quiet' : 'lines';
  const progress = createProgress(mode, process.stderr);
  const history: HistoryEntry[] = [...setup.history];
  const checkpointPath = checkpointPathFor(options);
  const state = (epochsCompleted: number, batchesCompleted: number): RunState => ({
    run,
    task,
    classNames: split.train.classNames,
    featureNames: split.train.featureNames,
    standardization: split.standardization,
    history,
    epochsCompleted,
    batchesCompleted,
  });

  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: stop at once, without waiting for the checkpoint.
      process.exit(EXIT.interrupted);
    }
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  progress.start(setup.epochsCompleted, run.epochs);
  let result: FitResult;
  try {
    result = await fit(model, split.train, {
      epochs: run.epochs,
      batchSize: run.batchSize,
      seed: run.seed,
      task,
      ...(split.test === undefined ? {} : { test: split.test }),
      initialEpoch: setup.epochsCompleted,
      initialBatch: setup.batchesCompleted,
      signal: controller.signal,
      onEpochEnd: async (log) => {
        history.push(historyEntry(log));
        progress.epoch(log);
        if (options.checkpointEvery !== undefined && log.epoch % options.checkpointEvery === 0 && log.epoch < run.epochs) {
          await writeModelFile(checkpointPath, modelFileFor(model, state(log.epoch, 0)));
        }
      },
    });
  } catch (error) {
    progress.stop();
    if (error instanceof NonFiniteLossError) {
      const lr = model.training.optimizer.learningRate;
      err(`twinprop: error: ${error.message}`);
      err(`twinprop: the learning rate was ${lr}; try --lr ${Number((lr / 10).toPrecision(3))} or lower`);
      process.exitCode = EXIT.trainingFailed;
      return;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress.stop();

  if (result.stopped && controller.signal.aborted) {
    await writeModelFile(checkpointPath, modelFileFor(model, state(result.epochsCompleted, result.batchesCompleted)));
    const where = result.batchesCompleted > 0 ? `epoch ${result.epochsCompleted + 1}, after batch ${result.batchesCompleted}` : `the end of epoch ${result.epochsCompleted}`;
    err(`twinprop: interrupted at ${where}; checkpoint saved to ${checkpointPath}`);
    err(`twinprop: resume with: twinprop train --resume ${checkpointPath}`);
    process.exitCode = EXIT.interrupted;
    return;
  }

  const trainEval = evaluateModel(model, split.train, task);
  const testEval = split.test === undefined ? undefined : evaluateModel(model, split.test, task);
  if (options.out !== undefined) await writeModelFile(options.out, modelFileFor(model, state(result.epochsCompleted, 0)));
  const plots = options.plot === undefined ? [] : await writePlots(options.plot, model, split, history);

  const regression = task === 'regression';
  if (options.json === true) {
    printJson({
      engine: model.engine,
      backend: model.backend,
      dtype: model.dtype,
      dataset: run.dataset,
      task,
      model: describeSpec(model.spec),
      parameters: model.getWeights().layers.reduce((n, l) => n + l.kernel.data.length + l.bias.data.length, 0),
      loss: model.training.loss,
      optimizer: model.training.optimizer,
      batchSize: run.batchSize,
      seed: run.seed,
      epochs: result.epochsCompleted,
      trainRows: split.train.x.rows,
      testRows: split.test?.x.rows ?? 0,
      ...(split.testIsTrain ? { testIsTrainingSet: true } : {}),
      trainLoss: trainEval.loss,
      testLoss: testEval?.loss ?? null,
      ...(regression
        ? { trainMse: trainEval.mse ?? null, testMse: testEval?.mse ?? null }
        : { trainAccuracy: trainEval.accuracy ?? null, testAccuracy: testEval?.accuracy ?? null }),
      seconds: result.seconds,
      samplesPerSecond: result.samplesPerSecond,
      ...(setup.resumedFrom === undefined ? {} : { resumedFrom: setup.resumedFrom, resumedAtEpoch: setup.epochsCompleted }),
      ...(options.out === undefined ? {} : { out: options.out }),
      ...(plots.length === 0 ? {} : { plots }),
    });
    return;
  }
  if (options.quiet === true) return;
  const metric = (evaluation: { loss: number; accuracy?: number; mse?: number }): string =>
    regression ? `loss ${formatLoss(evaluation.loss)}  mse ${formatLoss(evaluation.mse)}` : `loss ${formatLoss(evaluation.loss)}  accuracy ${formatAccuracy(evaluation.accuracy)}`;
  const testLabel = split.testIsTrain ? 'test (all rows)' : 'test';
  const pairs: Array<[string, string]> = [
    ['model', `${describeSpec(model.spec)}, ${model.training.loss}, ${model.training.optimizer.kind} lr ${model.training.optimizer.learningRate}`],
    ['engine', `${model.engine} (${model.backend}, ${model.dtype})`],
    ['dataset', `${run.dataset}: ${split.train.x.rows} training rows, ${split.testIsTrain ? 'tested on the whole truth table' : `${split.test?.x.rows ?? 0} test rows`}`],
    ['epochs', setup.resumedFrom === undefined ? String(result.epochsCompleted) : `${result.epochsCompleted} (resumed at ${setup.epochsCompleted})`],
    ['train', metric(trainEval)],
    ...(testEval === undefined ? [] : [[testLabel, metric(testEval)] as [string, string]]),
    ['time', `${formatSeconds(result.seconds)} (${formatRate(result.samplesPerSecond)} samples/s)`],
    ...(options.out === undefined ? [] : [['saved', options.out] as [string, string]]),
    ...(plots.length === 0 ? [] : [['plots', plots.join(', ')] as [string, string]]),
  ];
  out(renderPairs(pairs));
  if (stdoutIsTty() && history.length > 1) {
    out('');
    out(lossChart(history.map((h) => h.trainLoss), split.test === undefined || split.testIsTrain ? undefined : history.map((h) => h.testLoss ?? Number.NaN), true));
  }
}

async function writePlots(dir: string, model: Model, split: SplitData, history: readonly HistoryEntry[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const lossPath = join(dir, 'loss.png');
  const hasTest = split.test !== undefined && !split.testIsTrain;
  await writeFile(
    lossPath,
    lossCurvePng({
      epochs: history.map((h) => h.epoch),
      train: history.map((h) => h.trainLoss),
      test: hasTest ? history.map((h) => h.testLoss ?? Number.NaN) : undefined,
    }),
  );
  written.push(lossPath);
  if (model.spec.inputSize === 2) {
    const boundaryPath = join(dir, 'decision-boundary.png');
    await writeFile(
      boundaryPath,
      decisionBoundaryPng({
        task: split.train.task,
        train: split.rawTrain,
        test: hasTest ? split.rawTest : undefined,
        predict: (x) => model.predict(scaleWith({ ...split.rawTrain, x }, split.standardization).x),
      }),
    );
    written.push(boundaryPath);
  } else {
    err(`twinprop: note: no decision-boundary picture: the data has ${model.spec.inputSize} features, the picture needs 2`);
  }
  return written;
}

