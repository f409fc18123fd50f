import { Command, InvalidArgumentError } from 'commander';
import { positiveInteger } from '@twinprop/toolkit';
import { CONTENDER_IDS, isContenderId } from './contenders.js';
import { FULL, QUICK } from './plan.js';
import type { BenchOptions, ProfileRequest } from './run.js';
import { isUserScenarioId, USER_SCENARIO_IDS } from './user-path.js';
import { isWorkloadId, WORKLOAD_IDS } from './workloads.js';

/** The parsed command line: what to run, and where the JSON goes. */
export interface CommandLine {
  readonly bench: BenchOptions;
  /** `true`: JSON on stdout (the tables go to stderr); a string: JSON to that file. */
  readonly json: boolean | string | undefined;
}

interface CliOptions {
  quick?: boolean;
  json?: boolean | string;
  workloads?: BenchOptions['workloads'];
  engines?: BenchOptions['contenders'];
  repetitions?: number;
  memory: boolean;
  data: boolean;
  alloc: boolean;
  profile?: ProfileRequest[];
  diagnose?: boolean;
  user?: string[] | false;
  userBackends?: string[];
  userRepetitions?: number;
  threads?: number;
  peak: boolean;
}

/** A comma-separated subset of `known`. */
export function idList<T extends string>(check: (v: string) => v is T, known: readonly string[]) {
  return (value: string): T[] => {
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const item of items) {
      if (!check(item)) throw new InvalidArgumentError(`unknown "${item}"; expected some of ${known.join(', ')}`);
    }
    return items as T[];
  };
}

/** `workload` or `workload:engine` (default engine `reference/float32`), added to the earlier ones. */
export function profileRequest(value: string, previous: ProfileRequest[] | undefined): ProfileRequest[] {
  const [w, e = 'reference/float32'] = value.split(':');
  if (w === undefined || !isWorkloadId(w)) throw new InvalidArgumentError(`unknown workload in "${value}"; expected ${WORKLOAD_IDS.join(', ')}`);
  if (!isContenderId(e)) throw new InvalidArgumentError(`unknown engine in "${value}"; expected ${CONTENDER_IDS.join(', ')}`);
  return [...(previous ?? []), { workload: w, engine: e }];
}

/** Parses `pnpm bench`'s arguments (exits with a usage message on a bad one, as commander does). */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const program = new Command()
    .name('bench')
    .description('twinprop benchmark: the reference engine vs every TensorFlow.js backend, interleaved, with ratios')
    .option('--quick', 'a short run (CI): fewer, shorter repetitions; 10^5 CSV rows')
    .option('--json [file]', 'write the numbers as JSON to a file, or to stdout (tables then go to stderr)')
    .option('--workloads <ids>', `comma-separated subset of ${WORKLOAD_IDS.join(', ')}`, idList(isWorkloadId, WORKLOAD_IDS))
    .option('--engines <ids>', `comma-separated subset of ${CONTENDER_IDS.join(', ')}`, idList(isContenderId, CONTENDER_IDS))
    .option('--repetitions <n>', 'timed repetitions per contender', positiveInteger)
    .option('--no-memory', 'skip the per-contender memory children')
    .option('--no-data', 'skip dataset loading and CSV parsing')
    .option('--no-alloc', "skip the reference engine's allocation check")
    .option('--profile <workload:engine>', 'CPU-profile a contender (default engine reference/float32); repeatable', profileRequest)
    .option('--diagnose', 'after the run, profile the reference engine and diagnose missed adapter targets (default in a full run)')
    .option('--no-diagnose', 'skip the diagnosis')
    .option('--user <scenarios>', `user-path scenarios (whole-process runs of twinprop train, fit and tfjs-layers fit): some of ${USER_SCENARIO_IDS.join(', ')}`, idList(isUserScenarioId, USER_SCENARIO_IDS))
    .option('--no-user', 'skip the user path')
    .option('--user-backends <names>', 'tfjs backends of the user path (default: wasm,cpu; quick: wasm)', (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
    .option('--user-repetitions <n>', 'whole-process runs of each user-path contender', positiveInteger)
    .option('--no-peak', 'skip the clock, scalar-ceiling and kernel GFLOP/s measurement')
    .option('--threads <n>', "threads for the reference engine's large products in the interleaved run (default: every core; 1: one)", positiveInteger)
    .allowExcessArguments(false);
  program.parse(argv, { from: 'user' });
  const options = program.opts<CliOptions>();
  const plan = options.quick === true ? QUICK : FULL;
  return {
    json: options.json,
    bench: {
      plan,
      measure: { ...plan.measure, ...(options.repetitions === undefined ? {} : { repetitions: options.repetitions }) },
      workloads: options.workloads ?? [...WORKLOAD_IDS],
      contenders: options.engines ?? [...CONTENDER_IDS],
      memory: options.memory,
      data: options.data,
      alloc: options.alloc,
      profiles: options.profile ?? [],
      diagnose: options.diagnose ?? plan.mode === 'full',
      userPath: userPathOptions(plan, options),
      threads: options.threads,
      peak: options.peak,
    },
  };
}

/** The user path the flags ask for (`--no-user`: none). */
function userPathOptions(plan: BenchOptions['plan'], options: CliOptions): BenchOptions['userPath'] {
  const chosen = options.user;
  if (chosen === false) return undefined;
  return {
    repetitions: options.userRepetitions ?? plan.userPath.repetitions,
    backends: options.userBackends ?? plan.userPath.backends,
    scenarios: plan.userPath.scenarios.filter((s) => chosen === undefined || chosen.includes(s.id)),
  };
}
