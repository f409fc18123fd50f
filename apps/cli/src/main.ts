#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { TwinpropError } from '@twinprop/core';
import { datasetsCommand } from './commands/datasets.js';
import { doctorCommand } from './commands/doctor.js';
import { evaluateCommand } from './commands/evaluate.js';
import { exportCommand } from './commands/export.js';
import { gradcheckCommand } from './commands/gradcheck.js';
import { importCommand } from './commands/import.js';
import { inspectCommand } from './commands/inspect.js';
import { perceptronCommand } from './commands/perceptron.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';
import { describeFileSystemError, EXIT, exitCodeFor, isFileSystemError } from './errors.js';
import { err, exitQuietlyOnClosedPipes, printJsonError, wantsJson } from './io.js';
import { configure } from './options.js';

/** The version the package manifest says (one directory above both dist/main.js and the bundle). */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function createProgram(): Command {
  const program = new Command('twinprop')
    .description('Train multilayer perceptrons with a from-scratch engine or TensorFlow.js, and check that they agree.')
    .version(VERSION, '-V, --version')
    .addCommand(trainCommand())
    .addCommand(evaluateCommand())
    .addCommand(predictCommand())
    .addCommand(inspectCommand())
    .addCommand(exportCommand())
    .addCommand(importCommand())
    .addCommand(gradcheckCommand())
    .addCommand(perceptronCommand())
    .addCommand(datasetsCommand())
    .addCommand(doctorCommand());
  configure(program);
  return program;
}

/**
 * Runs the CLI and returns the exit status; user mistakes become one `twinprop: error:` line on
 * stderr and, under `--json`, also one `{ "error": … }` object on stdout.
 */
async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  const json = wantsJson(argv);
  const fail = (code: string, message: string, exitCode: number): number => {
    err(`twinprop: error: ${message}`);
    if (json) printJsonError(code, message, exitCode);
    return exitCode;
  };
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (help, version, or `twinprop: error: …`).
      if (error.exitCode === 0) return EXIT.ok;
      if (json) printJsonError('USAGE', error.message.replace(/^error: /, ''), EXIT.usage);
      return EXIT.usage;
    }
    if (error instanceof TwinpropError) return fail(error.code, error.message, exitCodeFor(error));
    if (isFileSystemError(error)) return fail(error.code ?? 'FILE', describeFileSystemError(error), EXIT.usage);
    err('twinprop: internal error (this is a bug in twinprop; please report it with the command you ran):');
    err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.internal;
  }
}

exitQuietlyOnClosedPipes();
process.exitCode = await main(process.argv.slice(2));
