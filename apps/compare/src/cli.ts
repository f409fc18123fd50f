import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { TFJS_BACKENDS, type TfjsBackend } from '@twinprop/engine-tfjs';
import { isTfjsBackend, type EngineFactories } from './engines.js';
import { HarnessUsageError, rowName, runComparison } from './harness.js';
import { formatJson, formatMarkdown, formatTerminal, summaryLine } from './report.js';
import { SUITE_DEFINITIONS, SUITES, type SuiteName } from './scenarios.js';

/** Exit codes: every comparison agreed; at least one mismatch; the command could not run. */
export const EXIT = { ok: 0, mismatch: 1, usage: 2 } as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Engines to use instead of the real ones (tests). */
  readonly engines?: EngineFactories;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function parseBackends(value: string, previous: TfjsBackend[] = []): TfjsBackend[] {
  const out = [...previous];
  for (const name of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!isTfjsBackend(name)) throw new InvalidArgumentError(`unknown tfjs backend ${JSON.stringify(name)}; expected ${TFJS_BACKENDS.join(', ')}`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

interface Options {
  suite: SuiteName;
  backend?: TfjsBackend[];
  filter?: string;
  json?: boolean;
  markdown?: string;
  keras: boolean;
  list?: boolean;
}

/** Runs the `compare` command line; resolves to the exit code (it never calls process.exit). */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = new Command('compare')
    .description('Prove that the reference engine and the TensorFlow.js engine agree: gradients, trajectories and accuracy.')
    .addOption(new Option('-s, --suite <name>', 'which scenarios to run').choices(SUITES).default('quick'))
    .option('-b, --backend <names>', `restrict the tfjs backends (comma-separated or repeated: ${TFJS_BACKENDS.join(', ')})`, parseBackends)
    .option('-f, --filter <substring>', 'only comparisons whose name contains this (case-insensitive)')
    .option('--json', 'print exactly one JSON object on stdout (progress stays on stderr)')
    .option('--markdown <file>', 'also write a markdown report to <file>')
    .option('--no-keras', 'skip the tfjs-layers (Keras-style) third opinion')
    .option('--list', 'list the comparisons the options select, without running them')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  let options: Options;
  try {
    program.parse([...argv], { from: 'user' });
    options = program.opts<Options>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }

  if (options.list === true) {
    const suite = SUITE_DEFINITIONS[options.suite];
    const filter = options.filter?.toLowerCase();
    const names = suite.scenarios.flatMap((s) =>
      suite.dtypes.flatMap((d) => (options.backend ?? TFJS_BACKENDS).map((b) => rowName(s, d, b))),
    );
    const selected = names.filter((n) => filter === undefined || n.toLowerCase().includes(filter));
    io.stdout(`${selected.join('\n')}\n`);
    io.stderr(`${selected.length} comparisons (before checking which backends load)\n`);
    return EXIT.ok;
  }

  const progress = (line: string): void => io.stderr(`${line}\n`);
  try {
    const report = await runComparison({
      suite: options.suite,
      ...(options.backend === undefined ? {} : { backends: options.backend }),
      ...(options.filter === undefined ? {} : { filter: options.filter }),
      keras: options.keras,
      onProgress: progress,
      ...(io.engines === undefined ? {} : { engines: io.engines }),
    });
    if (options.markdown !== undefined) {
      const file = path.resolve(options.markdown);
      mkdirSync(path.dirname(file), { recursive: true });
      const command = `pnpm compare ${['--suite', options.suite, ...(options.backend === undefined ? [] : ['--backend', options.backend.join(',')]), ...(options.filter === undefined ? [] : ['--filter', JSON.stringify(options.filter)]), ...(options.keras ? [] : ['--no-keras']), '--markdown', options.markdown].join(' ')}`;
      writeFileSync(file, `${formatMarkdown(report, command)}\n`);
      progress(`markdown report written to ${options.markdown}`);
    }
    if (options.json === true) io.stdout(`${formatJson(report)}\n`);
    else io.stdout(`${formatTerminal(report)}\n`);
    if (options.json === true) progress(summaryLine(report));
    return report.failed === 0 ? EXIT.ok : EXIT.mismatch;
  } catch (error) {
    if (error instanceof HarnessUsageError) {
      io.stderr(`compare: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
