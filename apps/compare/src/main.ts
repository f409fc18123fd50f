#!/usr/bin/env node
import { runCli } from './cli.js';

/*
 * `pnpm compare [--suite xor|quick|full] [--engines reference/float64,tfjs/wasm,…] [--engine-module pkg]
 *   [--backend wasm,cpu] [--filter text] [--json] [--markdown file] [--no-keras] [--list]`.
 * In --json mode stdout carries exactly one JSON object, so anything a library prints with
 * console.log or console.info is sent to stderr instead.
 */
if (process.argv.includes('--json')) {
  console.log = console.error;
  console.info = console.error;
}

process.exitCode = await runCli(process.argv.slice(2));
