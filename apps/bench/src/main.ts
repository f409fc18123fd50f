#!/usr/bin/env node
/**
 * `pnpm bench`: the reference engine against every TensorFlow.js backend (and against tfjs used
 * directly), side by side in one interleaved run, plus data loading, CSV parsing and the
 * reference engine's allocation check. Prints Markdown tables; `--json` writes the numbers.
 *
 * cli.ts parses the flags, plan.ts says how long each part runs, run.ts runs it, report/ holds
 * the report's types, ratios, targets and rendering.
 */
import { writeFile } from 'node:fs/promises';
import { parseCommandLine } from './cli.js';
import { renderReport } from './report/render.js';
import { runBench } from './run.js';

async function main(argv: readonly string[]): Promise<void> {
  const { bench, json } = parseCommandLine(argv);
  const jsonToStdout = json === true;
  // tfjs prints hints with console.log; keep stdout clean for the JSON.
  if (jsonToStdout) console.log = console.error;
  const out = (text: string): void => {
    (jsonToStdout ? process.stderr : process.stdout).write(text);
  };
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  const report = await runBench(bench, log);
  out(renderReport(report));
  const text = JSON.stringify(report, null, 2) + '\n';
  if (jsonToStdout) process.stdout.write(text);
  else if (typeof json === 'string') {
    await writeFile(json, text);
    log(`wrote ${json}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
