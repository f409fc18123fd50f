import { join, resolve } from 'node:path';
import {
  accuracy,
  applyInputFeatures,
  classThreshold,
  cloneWeights,
  describeSpec,
  FileWriteError,
  fit,
  initializeWeights,
  NonFiniteLossError,
  NonFiniteWeightsError,
  SpecError,
  validateSpec,
  type Batch,
  type DType,
  type EpochLog,
  type InputFeature,
  type Matrix,
  type Model,
  type ModelFile,
} from '@twinprop/core';
import { writeFileAtomic, writeModelFile } from '@twinprop/core/node';
import {
  parsePlaygroundHash,
  playgroundData,
  playgroundFitOptions,
  playgroundHash,
  playgroundInitializers,
  playgroundLoss,
  playgroundSpec,
  playgroundTraining,
  PLAYGROUND_CLASS_NAMES,
  type PlaygroundState,
} from '@twinprop/datasets/playground';
import { engines, formatLoss } from '@twinprop/toolkit';
import { engineSelector, type EngineRequest } from '../../engine-options.js';
import { EXIT, UsageError } from '../../errors.js';
import { err, out, printJson, printJsonError } from '../../io.js';
import { checkOutputs, type Output } from '../../outputs.js';
import { decisionBoundaryPng, lossCurvePng } from '../../render/plots.js';
import { createProgress, type ProgressMode } from '../../render/progress.js';
import { SCHEDULE_OPTION_KEYS } from '../../schedule-options.js';
import { interruptOnSignals, STOP_SIGNALS } from './checkpoints.js';

/**
 * `twinprop train --playground '<playground.tensorflow.org URL or its #hash>'`: the Playground's run,
 * reproduced — its data from the seed, its split, its first weights, its updates (datasets'
 * `playground` setup and training conventions), on any engine. `--epochs N` counts the
 * Playground's epochs (passes over the training points); the losses reported are the Playground's
 * (mean ½(output − label)² over the points, no regularization term).
 */

/** Epochs when --epochs is not given (the Playground itself runs until paused). */
export const DEFAULT_PLAYGROUND_EPOCHS = 100;

/** Options that the URL decides; giving one with --playground is an error. */
const DECIDED_BY_URL = [
  'dataset',
  'label',
  'task',
  'header',
  'delimiter',
  'encoding',
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
  ...SCHEDULE_OPTION_KEYS,
] as const;
const NOT_WITH_PLAYGROUND = ['resume', 'checkpoint', 'checkpointEvery'] as const;
/** Validation and early stopping: the Playground has neither, so a run that reproduces it cannot either. */
const NO_VALIDATION_IN_PLAYGROUND = ['validationSplit', 'earlyStopping', 'monitor', 'minDelta', 'history'] as const;

export interface PlaygroundTrainOptions {
  readonly playground: string;
  readonly epochs?: number;
  readonly out?: string;
  readonly plot?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** One epoch of the run as the Playground reports it. */
interface PlaygroundEpoch {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly trainAccuracy?: number;
  readonly testAccuracy?: number;
}

interface Sets {
  readonly train: Batch;
  readonly test: Batch;
  readonly rawTrain: Batch;
  readonly rawTest: Batch;
}

function measure(model: Model, sets: Sets, state: PlaygroundState, epoch: number): PlaygroundEpoch {
  const trainOut = model.predict(sets.train.x);
  const testOut = model.predict(sets.test.x);
  const classify = state.problem === 'classification';
  const threshold = classThreshold('signed');
  return {
    epoch,
    trainLoss: playgroundLoss(trainOut, sets.train.y),
    testLoss: playgroundLoss(testOut, sets.test.y),
    ...(classify ? { trainAccuracy: accuracy(trainOut, sets.train.y, threshold), testAccuracy: accuracy(testOut, sets.test.y, threshold) } : {}),
  };
}

function deadLinkCount(model: Model): number | undefined {
  const slot = model.getOptimizerState().slots.deadLinks;
  if (slot === undefined) return undefined;
  return slot.layers.reduce((n, layer) => n + Array.from(layer.kernel.data).filter((v) => v !== 0).length, 0);
}

function modelFile(
  model: Model,
  state: PlaygroundState,
  features: readonly InputFeature[],
  epochs: number,
  batches: number,
  history: readonly PlaygroundEpoch[],
): ModelFile {
  const classify = state.problem === 'classification';
  return {
    spec: model.spec,
    training: model.training,
    weights: model.getWeights(),
    optimizerState: model.getOptimizerState(),
    metadata: {
      engine: model.engine,
      backend: model.backend,
      dataset: `playground ${classify ? state.dataset : state.regDataset}`,
      task: classify ? 'binary' : 'regression',
      batchSize: state.batchSize,
      epochs,
      epochsCompleted: epochs,
      ...(batches === 0 ? {} : { batchesCompleted: batches }),
      ...(classify ? { classNames: [...PLAYGROUND_CLASS_NAMES] } : {}),
      featureNames: [...features],
      inputFeatures: { from: ['x1', 'x2'], features: [...features] },
      createdAt: new Date().toISOString(),
      extra: { playground: { hash: playgroundHash(state), seed: state.seed }, history },
    },
  };
}

export async function runPlaygroundTrain(options: PlaygroundTrainOptions, request: EngineRequest, given: (key: string) => boolean, progressMode: ProgressMode): Promise<void> {
  for (const key of DECIDED_BY_URL) {
    if (given(key)) throw new UsageError(`--${kebab(key)} cannot be given with --playground: the Playground URL decides the data, the network and the training`);
  }
  for (const key of NOT_WITH_PLAYGROUND) {
    if (given(key)) throw new UsageError(`--${kebab(key)} is not supported with --playground yet (a Playground run cannot be checkpointed or resumed)`);
  }
  for (const key of NO_VALIDATION_IN_PLAYGROUND) {
    if (given(key)) throw new UsageError(`--${kebab(key)} is not supported with --playground: the Playground splits its data into training and test only (its --json has the per-epoch history)`);
  }
  const { state, notices } = parsePlaygroundHash(options.playground, 'strict');
  const epochs = options.epochs ?? DEFAULT_PLAYGROUND_EPOCHS;
  const planned: Output[] = [
    ...(options.out === undefined ? [] : [{ flag: '--out', path: resolve(options.out) }]),
    ...(options.plot === undefined ? [] : [{ flag: '--plot', path: resolve(options.plot), kind: 'dir' as const }]),
  ];
  checkOutputs(planned, []);
  if (options.json !== true && options.quiet !== true) for (const notice of notices) err(`twinprop: note: ${notice}`);

  const data = playgroundData(state);
  const spec = playgroundSpec(state);
  if (spec.inputSize === 0) throw new UsageError('the Playground URL turns every input feature off; the network needs at least one input');
  try {
    validateSpec(spec);
  } catch (error) {
    if (error instanceof SpecError) throw new UsageError(`networkShape=${state.networkShape.join(',')}: ${error.message}`);
    throw error;
  }
  if (state.batchSize > data.train.x.rows) {
    throw new UsageError(
      `batchSize=${state.batchSize} is more than the ${data.train.x.rows} training points (percTrainData=${state.percTrainData}): ` +
        'the Playground updates after every batchSize-th point, so it would never update',
    );
  }
  const firstWeights = initializeWeights(spec, data.random, 'float64', playgroundInitializers(state));
  const resolved = await engines.resolve(engineSelector(request, {}));
  const { engine } = resolved;
  const dtype: DType = engine.dtype;
  const features = data.features;
  const sets: Sets = {
    train: { x: applyInputFeatures(features, data.train.x, dtype), y: cloneMatrix(data.train.y, dtype) },
    test: { x: applyInputFeatures(features, data.test.x, dtype), y: cloneMatrix(data.test.y, dtype) },
    rawTrain: { x: data.train.x, y: data.train.y },
    rawTest: { x: data.test.x, y: data.test.y },
  };
  const model = engine.createModel(spec, cloneWeights(firstWeights, dtype), playgroundTraining(state));
  try {
    const history: PlaygroundEpoch[] = [measure(model, sets, state, 0)];
    const progress = createProgress(progressMode, process.stderr);
    const interrupt = interruptOnSignals();
    progress.start(0, epochs);
    let completed = 0;
    let batches = 0;
    try {
      const result = await fit(model, sets.train, {
        ...playgroundFitOptions(state),
        epochs,
        signal: interrupt.signal,
        onEpochEnd: (log: EpochLog) => {
          const measured = measure(model, sets, state, log.epoch);
          history.push(measured);
          progress.epoch({ ...log, trainLoss: measured.trainLoss, testLoss: measured.testLoss, ...(measured.testAccuracy === undefined ? {} : { trainAccuracy: measured.trainAccuracy, testAccuracy: measured.testAccuracy }) });
        },
      });
      completed = result.epochsCompleted;
      batches = result.batchesCompleted;
    } catch (error) {
      progress.stop();
      if (error instanceof NonFiniteLossError || error instanceof NonFiniteWeightsError) {
        err(`twinprop: error: ${error.message}`);
        err(`twinprop: the Playground run diverged at learning rate ${state.learningRate} (the Playground would show NaN)`);
        if (options.json === true) printJsonError(error.code, error.message, EXIT.trainingFailed);
        process.exitCode = EXIT.trainingFailed;
        return;
      }
      throw error;
    } finally {
      interrupt.dispose();
    }
    progress.stop();
    const final = history[history.length - 1]!;
    const plots: string[] = [];
    if (options.out !== undefined) await saveOrRescue(options.out, modelFile(model, state, features, completed, batches, history));
    if (options.plot !== undefined) plots.push(...(await writePlaygroundPlots(options.plot, model, state, features, sets, history)));
    const signal = interrupt.received();
    const report = {
      playground: { hash: playgroundHash(state), seed: state.seed, problem: state.problem, dataset: state.problem === 'classification' ? state.dataset : state.regDataset, features },
      engine: resolved.id,
      backend: model.backend,
      dtype,
      model: describeSpec(spec),
      epochs: completed,
      trainLoss: final.trainLoss,
      testLoss: final.testLoss,
      ...(final.trainAccuracy === undefined ? {} : { trainAccuracy: final.trainAccuracy, testAccuracy: final.testAccuracy }),
      ...(deadLinkCount(model) === undefined ? {} : { deadLinks: deadLinkCount(model) }),
      history,
      ...(options.out === undefined ? {} : { out: options.out }),
      ...(plots.length === 0 ? {} : { plots }),
      ...(notices.length === 0 ? {} : { notices }),
    };
    if (signal !== undefined) {
      const how = signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`;
      const where = batches === 0 ? `after epoch ${completed} of ${epochs}` : `in epoch ${completed + 1} of ${epochs}, after ${batches} batches`;
      const saved = options.out === undefined ? '' : `; the model as it was then is saved to ${options.out}`;
      err(`twinprop: ${how} ${where}${saved}`);
      if (options.json === true) printJsonError('INTERRUPTED', `${how} ${where}${saved}`, STOP_SIGNALS[signal]);
      process.exitCode = STOP_SIGNALS[signal];
      return;
    }
    if (options.json === true) printJson(report);
    else if (options.quiet !== true) {
      out(`Playground ${report.playground.dataset}, ${report.model}, ${state.activation}, batch ${state.batchSize}, learning rate ${state.learningRate}` + (state.regularization === 'none' ? '' : `, ${state.regularization} ${state.regularizationRate}`));
      out(`engine ${resolved.id} (${dtype}), ${completed} epochs`);
      out(`train loss ${formatLoss(final.trainLoss)}  test loss ${formatLoss(final.testLoss)}  (the Playground's: mean ½(output − label)²)`);
      if (final.trainAccuracy !== undefined) out(`train accuracy ${(100 * final.trainAccuracy).toFixed(1)}%  test accuracy ${(100 * final.testAccuracy!).toFixed(1)}%  (by sign)`);
      if (report.deadLinks !== undefined) out(`dead links (L1 clamp) ${report.deadLinks}`);
      if (options.out !== undefined) out(`model saved to ${options.out}`);
      for (const plot of plots) out(`plot written to ${plot}`);
    }
  } finally {
    model.dispose();
  }
}

function cloneMatrix(m: Matrix, dtype: DType): Matrix {
  return { rows: m.rows, cols: m.cols, data: dtype === 'float64' ? Float64Array.from(m.data) : Float32Array.from(m.data) };
}

async function saveOrRescue(path: string, file: ModelFile): Promise<void> {
  try {
    await writeModelFile(path, file);
  } catch (error) {
    if (!(error instanceof FileWriteError)) throw error;
    const { tmpdir } = await import('node:os');
    const rescue = join(tmpdir(), `twinprop-rescue-${process.pid}-${Date.now()}.json`);
    let saved = true;
    try {
      await writeModelFile(rescue, file);
    } catch {
      saved = false;
    }
    const problem = error.message.slice(error.file.length + 2);
    throw new FileWriteError(error.file, `${problem}; ${saved ? `the trained model was saved to ${rescue} instead` : `the trained model could not be saved to ${tmpdir()} either`}`, {
      ...(error.reason === undefined ? {} : { reason: error.reason }),
      cause: error,
    });
  }
}

/** playground.png — the Playground's picture: the output over [−6, 6]² with the points — and loss.png. */
async function writePlaygroundPlots(
  dir: string,
  model: Model,
  state: PlaygroundState,
  features: readonly InputFeature[],
  sets: Sets,
  history: readonly PlaygroundEpoch[],
): Promise<string[]> {
  const picture = join(dir, 'playground.png');
  await writeFileAtomic(
    picture,
    decisionBoundaryPng({
      task: state.problem === 'regression' ? 'regression' : 'binary',
      signed: true,
      domain: [-6, 6],
      train: sets.rawTrain,
      test: state.showTestData ? sets.rawTest : undefined,
      predict: (x) => model.predict(applyInputFeatures(features, x, model.dtype)),
    }),
  );
  const loss = join(dir, 'loss.png');
  await writeFileAtomic(loss, lossCurvePng({ epochs: history.map((h) => h.epoch), train: history.map((h) => h.trainLoss), test: history.map((h) => h.testLoss) }));
  return [picture, loss];
}
