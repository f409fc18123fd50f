#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { TwinpropError } from '@twinprop/core';
import { datasetsCommand } from './commands/datasets.js';
import { evaluateCommand } from './commands/evaluate.js';
import { exportCommand } from './commands/export.js';
import { gradcheckCommand } from './commands/gradcheck.js';
import { importCommand } from './commands/import.js';
import { perceptronCommand } from './commands/perceptron.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';
import { describeFileSystemError, EXIT, exitCodeFor, isFileSystemError } from './errors.js';
import { err } from './io.js';
import { configure } from './options.js';

const VERSION = '0.1.0';

function createProgram(): Command {
  const program = new Command('twinprop')
    .description('Train multilayer perceptrons with a from-scratch engine or TensorFlow.js, and check that they agree.')
    .version(VERSION, '-V, --version')
    .addCommand(trainCommand())
    .addCommand(evaluateCommand())
    .addCommand(predictCommand())
    .addCommand(exportCommand())
    .addCommand(importCommand())
    .addCommand(gradcheckCommand())
    .addCommand(perceptronCommand())
    .addCommand(datasetsCommand());
  configure(program);
  return program;
}

/** Runs the CLI and returns the exit status; user mistakes become one `twinprop: error:` line. */
async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (help, version, or `twinprop: error: …`).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof TwinpropError) {
      err(`twinprop: error: ${error.message}`);
      return exitCodeFor(error);
    }
    if (isFileSystemError(error)) {
      err(`twinprop: error: ${describeFileSystemError(error)}`);
      return EXIT.usage;
    }
    err('twinprop: internal error (this is a bug in twinprop; please report it with the command you ran):');
    err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.internal;
  }
}

process.exitCode = await main(process.argv.slice(2));
