import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Engine, EngineRegistry } from '@twinprop/core';
import { EngineModuleError, engines as sharedEngines, loadEngineModule } from '@twinprop/toolkit';
import { HarnessUsageError } from './harness.js';
import { runWithVariants, SEED_VARIANTS } from './headroom.js';
import { runMutants } from './mutants.js';
import { formatMarkdown } from './markdown.js';
import { pairName, planComparison, type PlanOptions } from './plan.js';
import { formatJson, formatTerminal, summaryLine } from './report.js';
import { SUITES, type SuiteName } from './scenarios.js';

/** Exit codes: every comparison agreed; at least one mismatch; the command could not run. */
export const EXIT = { ok: 0, mismatch: 1, usage: 2 } as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The registry to resolve ids in and to load `--engine-module`s into (default: the toolkit's shared one). */
  readonly registry?: EngineRegistry;
  /** Creates the engine of an id instead of the registry (tests plant faults through it). */
  readonly createEngine?: (id: string) => Promise<Engine>;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** `a,b` and repeated flags both add to the list, in order. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

interface Options {
  suite: SuiteName;
  engines?: string[];
  engineModule?: string[];
  backend?: string[];
  filter?: string;
  json?: boolean;
  markdown?: string;
  keras: boolean;
  list?: boolean;
  mutants?: boolean;
  variants: number;
}

/** The command that reproduces a report, for its header. */
function commandLine(options: Options): string {
  const args = [
    '--suite',
    options.suite,
    ...(options.engineModule ?? []).flatMap((m) => ['--engine-module', m]),
    ...(options.engines === undefined ? [] : ['--engines', options.engines.join(',')]),
    ...(options.backend === undefined ? [] : ['--backend', options.backend.join(',')]),
    ...(options.filter === undefined ? [] : ['--filter', JSON.stringify(options.filter)]),
    ...(options.keras ? [] : ['--no-keras']),
    ...(options.variants === 1 ? [] : ['--variants', String(options.variants)]),
    ...(options.markdown === undefined ? [] : ['--markdown', options.markdown]),
  ];
  return `pnpm compare ${args.join(' ')}`;
}

/** Runs the `compare` command line; resolves to the exit code (it never calls process.exit). */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = new Command('compare')
    .description('Prove that engines agree: gradients, trajectories and accuracy of each against a baseline.')
    .addOption(new Option('-s, --suite <name>', 'which scenarios to run').choices(SUITES).default('quick'))
    .option(
      '-e, --engines <ids>',
      'engine ids, comma-separated or repeated: the first is the baseline, each other is compared with it ' +
        '(e.g. reference/float64,tfjs/wasm,tfjs/cpu). Default: the reference engine in float64 and float32 against each tfjs backend',
      collect,
    )
    .option('--engine-module <specifier>', 'load a third-party engine package (or a .js file) whose providers --engines can then name; repeatable', collect)
    .option('-b, --backend <names>', 'restrict the tfjs backends of the default matrix (comma-separated or repeated: tensorflow, wasm, cpu); not with --engines', collect)
    .option('-f, --filter <substring>', 'only comparisons whose name contains this (case-insensitive)')
    .option('--json', 'print exactly one JSON object on stdout (progress stays on stderr)')
    .option('--markdown <file>', 'also write a markdown report to <file>')
    .option('--no-keras', 'skip the tfjs-layers (Keras-style) third opinion')
    .option('--list', 'list the comparisons the options select, without running them')
    .addOption(
      new Option('--variants <n>', `also run the comparisons with other weight seeds and batch orders (1 … ${SEED_VARIANTS.length} variants) and report each bound's headroom over all of them`)
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1 || n > SEED_VARIANTS.length) throw new InvalidArgumentError(`1 … ${SEED_VARIANTS.length}`);
          return n;
        })
        .default(1),
    )
    .option('--mutants', 'run the mutation suite: plant each known bug in turn and check that the quick suite fails (exit 0 only when every one is caught); --filter selects mutants by id')
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

  const registry = io.registry ?? sharedEngines;
  const progress = (line: string): void => io.stderr(`${line}\n`);
  const plan: PlanOptions = {
    suite: options.suite,
    ...(options.engines === undefined ? {} : { engines: options.engines }),
    ...(options.backend === undefined ? {} : { backends: options.backend }),
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    keras: options.keras,
    onProgress: progress,
  };
  try {
    for (const specifier of options.engineModule ?? []) {
      const names = await loadEngineModule(specifier, registry);
      progress(`loaded ${names.length === 0 ? 'no new engine' : names.join(', ')} from ${specifier}`);
    }
    if (options.mutants === true) {
      const mutation = await runMutants({ ...(options.filter === undefined ? {} : { filter: options.filter }), onProgress: progress });
      const summary = `${mutation.caught} of ${mutation.total} mutants caught by the quick suite (${mutation.seconds.toFixed(1)} s)`;
      if (options.json === true) {
        io.stdout(`${JSON.stringify(mutation, null, 2)}\n`);
        progress(summary);
      } else {
        const lines = mutation.mutants.map((m) => `${m.caught ? 'caught' : 'MISSED'}  ${m.id} — ${m.description}${m.caught ? `\n        by ${m.caughtBy.join('\n           ')}` : ''}`);
        io.stdout(`${[...lines, '', summary].join('\n')}\n`);
      }
      return mutation.caught === mutation.total && mutation.total > 0 ? EXIT.ok : EXIT.mismatch;
    }
    if (options.list === true) {
      const listed = await planComparison(plan, registry, false);
      const names = listed.scenarios.flatMap((s) => s.pairs.map((p) => pairName(s.scenario, p)));
      io.stdout(`${names.join('\n')}\n`);
      io.stderr(`${names.length} comparisons (before checking which engines load)\n`);
      return EXIT.ok;
    }
    const report = await runWithVariants({ ...plan, registry, ...(io.createEngine === undefined ? {} : { createEngine: io.createEngine }) }, options.variants);
    if (options.markdown !== undefined) {
      const file = path.resolve(options.markdown);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${formatMarkdown(report, commandLine(options))}\n`);
      progress(`markdown report written to ${options.markdown}`);
    }
    if (options.json === true) {
      io.stdout(`${formatJson(report)}\n`);
      progress(summaryLine(report));
    } else {
      io.stdout(`${formatTerminal(report)}\n`);
    }
    const variantsFailed = (report.headroom?.failedPerVariant ?? []).some((n) => n > 0);
    return report.failed === 0 && report.checksFailed === 0 && !variantsFailed ? EXIT.ok : EXIT.mismatch;
  } catch (error) {
    if (error instanceof HarnessUsageError || error instanceof EngineModuleError) {
      io.stderr(`compare: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
