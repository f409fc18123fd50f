import { Option, type Command } from 'commander';
import { ACTIVATIONS, DTYPES, LOSSES, type Activation, type DType } from '@twinprop/core';
import { BACKEND_CHOICES, ENGINE_NAMES, type BackendChoice, type EngineName, type EngineRequest } from './engines.js';
import { hiddenLayers, noise, nonNegativeNumber, positiveInteger, seed } from '@twinprop/toolkit';

/** Hidden-layer activations trainable by gradient descent (`step` is the perceptron's; see `twinprop perceptron`). */
export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a): a is Exclude<Activation, 'softmax' | 'step'> => a !== 'softmax' && a !== 'step');
/** Output activations trainable by gradient descent. */
export const OUTPUT_ACTIVATIONS = ACTIVATIONS.filter((a): a is Exclude<Activation, 'step'> => a !== 'step');

/** Applies twinprop's error conventions to a command: errors through our handler, help after a mistake. */
export function configure(command: Command): Command {
  return command
    .exitOverride()
    .showHelpAfterError(`(run \`${command.name() === 'twinprop' ? 'twinprop' : `twinprop ${command.name()}`} --help\` for usage)`)
    .configureOutput({ outputError: (text, write) => write(`twinprop: ${text}`) })
    .allowExcessArguments(false);
}

export interface EngineOptions {
  engine: EngineName;
  backend: BackendChoice;
  dtype?: DType;
}

/** `dtypeDefault` describes the default for this command's help, e.g. `float32`. */
export function addEngineOptions(command: Command, dtypeDefault = 'float32'): Command {
  return command
    .addOption(new Option('--engine <name>', 'engine to compute with').choices(ENGINE_NAMES).default('reference'))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (tfjs engine only)').choices(BACKEND_CHOICES).default('auto'))
    .addOption(
      new Option('--dtype <dtype>', `precision; tfjs computes in float32 only (default: ${dtypeDefault})`).choices(DTYPES),
    );
}

/** What the user asked of the engine factory; `backend` only when given on the command line. */
export function engineRequest(command: Command, options: EngineOptions, fallback: Partial<EngineRequest> = {}): EngineRequest {
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
  return {
    engine: given('engine') ? options.engine : (fallback.engine ?? options.engine),
    backend: given('backend') ? options.backend : fallback.backend,
    dtype: options.dtype ?? fallback.dtype,
  };
}

export interface ModelOptions {
  hidden: number[];
  activation: Exclude<Activation, 'softmax' | 'step'>;
  output?: Exclude<Activation, 'step'>;
  loss?: (typeof LOSSES)[number];
  l1: number;
  l2: number;
}

export function addModelOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--hidden <sizes>', 'hidden layer sizes, comma-separated (empty, 0 or none: no hidden layer)').argParser(hiddenLayers).default([8, 8], '8,8'),
    )
    .addOption(new Option('--activation <name>', 'activation of the hidden layers').choices(HIDDEN_ACTIVATIONS).default('tanh'))
    .addOption(
      new Option('--output <name>', 'output activation (default: sigmoid for binary, softmax for multiclass, linear for regression)').choices(
        OUTPUT_ACTIVATIONS,
      ),
    )
    .addOption(new Option('--loss <name>', 'loss (default: the one that fits the output activation)').choices(LOSSES))
    .option('--l1 <rate>', 'L1 regularization rate on the kernels', nonNegativeNumber, 0)
    .option('--l2 <rate>', 'L2 regularization rate on the kernels', nonNegativeNumber, 0);
}

export interface DataOptions {
  dataset?: string;
  points?: number;
  noise?: number;
  seed: number;
  label?: string;
}

export function addDataOptions(command: Command, datasetHelp: string): Command {
  return command
    .option('-d, --dataset <name>', datasetHelp)
    .option('--points <n>', 'number of points (Playground generators) or rows kept (mnist)', positiveInteger)
    .option('--noise <percent>', 'noise 0–50 (Playground generators)', noise)
    .option('--seed <n>', 'seed for data generation, splitting, initialization and shuffling', seed, 1)
    .option('--label <column>', 'CSV only: label column, by name or 0-based index (default: the last column)');
}

