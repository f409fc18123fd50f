import { Option, type Command } from 'commander';
import { HIDDEN_ACTIVATIONS, LOSSES, OUTPUT_ACTIVATIONS, type Activation, type LossName } from '@twinprop/core';
import { hiddenLayers, noise, nonNegativeNumber, positiveInteger, seed } from '@twinprop/toolkit';

/** Applies twinprop's error conventions to a command: errors through our handler, help after a mistake. */
export function configure(command: Command): Command {
  return command
    .exitOverride()
    .showHelpAfterError(`(run \`${command.name() === 'twinprop' ? 'twinprop' : `twinprop ${command.name()}`} --help\` for usage)`)
    .configureOutput({ outputError: (text, write) => write(`twinprop: ${text}`) })
    .allowExcessArguments(false);
}

export interface ModelOptions {
  hidden: number[];
  /** One of core's HIDDEN_ACTIVATIONS (commander checks the choice). */
  activation: Activation;
  /** One of core's OUTPUT_ACTIVATIONS. */
  output?: Activation;
  loss?: LossName;
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

