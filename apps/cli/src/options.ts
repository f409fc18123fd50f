import { InvalidArgumentError, Option, type Command } from 'commander';
import { HIDDEN_ACTIVATIONS, LOSSES, OUTPUT_ACTIVATIONS, type Activation, type LossName } from '@twinprop/core';
import { hiddenLayers, noise, nonNegativeNumber, positiveInteger, seed } from '@twinprop/toolkit';
import { MAX_POINTS, parseDelimiter } from './data.js';
import { UsageError } from './errors.js';

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

/** `--points`: a whole number from 1 to MAX_POINTS (a billion points would exhaust memory). */
export function points(value: string): number {
  const n = positiveInteger(value);
  if (n > MAX_POINTS) throw new InvalidArgumentError(`expected at most ${MAX_POINTS.toLocaleString('en-US')} points.`);
  return n;
}

/** `--delimiter`: one character, or `tab`. */
export function delimiter(value: string): string {
  try {
    return parseDelimiter(value);
  } catch (error) {
    if (error instanceof UsageError) throw new InvalidArgumentError("expected one character such as ';', or tab.");
    throw error;
  }
}

export interface CsvReadFlags {
  /** false with --no-header. */
  header: boolean;
  delimiter?: string;
  encoding?: string;
}

export interface DataOptions extends CsvReadFlags {
  dataset?: string;
  points?: number;
  noise?: number;
  seed: number;
  label?: string;
  task?: 'classification' | 'regression';
}

/** `--no-header`, `--delimiter`, `--encoding`: how a CSV file (or stdin) is read. */
export function addCsvReadOptions(command: Command): Command {
  return command
    .option('--no-header', 'CSV only: the file has no header row (columns are named column1, column2, …)')
    .option('--delimiter <char>', 'CSV only: field delimiter, one character or tab (default: tab for .tsv, else a comma)', delimiter)
    .option('--encoding <name>', 'CSV only: text encoding, e.g. latin1 or windows-1252 (default: UTF-8, checked)');
}

export function addDataOptions(command: Command, datasetHelp: string): Command {
  command
    .option('-d, --dataset <name>', datasetHelp)
    .option('--points <n>', `number of points (Playground generators, at most ${MAX_POINTS}) or rows kept (mnist)`, points)
    .option('--noise <percent>', 'noise 0–50 (Playground generators)', noise)
    .option('--seed <n>', 'seed for data generation, splitting, initialization and shuffling', seed, 1)
    .option('--label <column>', 'CSV only: label column, by name or 0-based index (default: the last column)')
    .addOption(
      new Option('--task <kind>', 'CSV only: read the labels as classes or as real values (default: integers with at most 20 values are classes)').choices([
        'classification',
        'regression',
      ]),
    );
  return addCsvReadOptions(command);
}

