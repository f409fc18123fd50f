/**
 * The user path: whole training runs as a user starts them, each in a fresh process, timed from
 * spawn to exit — `twinprop train` (the CLI, as a subprocess), a script calling core's `fit`, and
 * the script a TensorFlow.js user would write instead (tfjs-layers `model.fit`). All three train
 * the same model on the same data split from the same initial weights, with the same optimizer,
 * batch size, epochs and batch-order policy (a fresh shuffle every epoch), evaluate the test set
 * after every epoch, take train accuracy from the epoch's batches, and evaluate train and test
 * set once more at the end (as `twinprop train`'s summary does). Contenders run round robin,
 * repetition r starting with contender r; medians are reported, with test accuracy beside time.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveSeed, mlp, type Activation, type Batch, type LossName, type ModelSpec } from '@twinprop/core';
import { loadBuiltinDataset, stratifiedSplit } from '@twinprop/datasets';
import { rotate } from './measure.js';
import { summarize, type Summary } from './stats.js';

export const USER_SCENARIO_IDS = ['mnist', 'mnist-sgd', 'playground'] as const;
export type UserScenarioId = (typeof USER_SCENARIO_IDS)[number];

export interface UserScenario {
  readonly id: UserScenarioId;
  readonly title: string;
  readonly dataset: 'mnist' | 'spiral';
  readonly hidden: readonly (readonly [number, Activation])[];
  readonly output: readonly [number, Activation];
  readonly loss: LossName;
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
}

/**
 * The seed of a scenario's first repetition (the CLI's default); repetition r runs every contender
 * with seed USER_SEED + r. A seed fixes the data's shuffle, the split, the initial weights and
 * twinprop's epoch orders, so within a repetition all contenders train the same model on the same
 * data, and twinprop's accuracy is a median over the same seeds as tfjs-layers' (whose own
 * shuffle is Math.random).
 */
export const USER_SEED = 1;
/** The CLI's default test split. */
export const USER_TEST_SPLIT = 0.2;

export function userScenario(id: UserScenarioId, epochs?: number): UserScenario {
  switch (id) {
    case 'mnist':
      return {
        id,
        title: 'MNIST, adam',
        dataset: 'mnist',
        hidden: [[128, 'relu']],
        output: [10, 'softmax'],
        loss: 'softmaxCrossEntropy',
        optimizer: 'adam',
        learningRate: 0.001,
        batchSize: 64,
        epochs: epochs ?? 10,
      };
    case 'mnist-sgd':
      return {
        id,
        title: 'MNIST, sgd (the hot loop’s model and optimizer)',
        dataset: 'mnist',
        hidden: [[128, 'relu']],
        output: [10, 'softmax'],
        loss: 'softmaxCrossEntropy',
        optimizer: 'sgd',
        learningRate: 0.1,
        batchSize: 64,
        epochs: epochs ?? 3,
      };
    case 'playground':
      return {
        id,
        title: 'Playground spiral, adam',
        dataset: 'spiral',
        hidden: [
          [8, 'tanh'],
          [8, 'tanh'],
        ],
        output: [1, 'sigmoid'],
        loss: 'binaryCrossEntropy',
        optimizer: 'adam',
        learningRate: 0.01,
        batchSize: 10,
        epochs: epochs ?? 100,
      };
  }
}

export function isUserScenarioId(value: string): value is UserScenarioId {
  return (USER_SCENARIO_IDS as readonly string[]).includes(value);
}

export function scenarioSpec(s: UserScenario): ModelSpec {
  return mlp(s.dataset === 'mnist' ? 784 : 2, s.hidden.map(([units, activation]) => [units, activation] as [number, Activation]), [s.output[0], s.output[1]]);
}

/** `784-128-10 relu/softmax, adam η=0.001, batch 64, 10 epochs`. */
export function describeScenario(s: UserScenario): string {
  const sizes = [s.dataset === 'mnist' ? 784 : 2, ...s.hidden.map(([u]) => u), s.output[0]].join('-');
  const activations = [...new Set(s.hidden.map(([, a]) => a)), s.output[1]].join('/');
  return `${sizes} ${activations}, ${s.loss}, ${s.optimizer} η=${s.learningRate}, batch ${s.batchSize}, ${s.epochs} epochs`;
}

/**
 * The data exactly as `twinprop train --dataset <name> --seed <seed>` splits it: the dataset loaded
 * with the seed, then a stratified 80/20 split seeded by `deriveSeed(seed, 'split')`.
 */
export function userData(s: UserScenario, seed: number = USER_SEED): { train: Batch & { task: 'binary' | 'multiclass' }; test: Batch } {
  const data = loadBuiltinDataset(s.dataset, { seed });
  const { train, test } = stratifiedSplit(data, { testFraction: USER_TEST_SPLIT, seed: deriveSeed(seed, 'split') });
  if (test === undefined) throw new Error(`the ${s.dataset} split left no test part`);
  const task = train.task === 'multiclass' ? 'multiclass' : 'binary';
  return { train: { x: train.x, y: train.y, task }, test: { x: test.x, y: test.y } };
}

/**
 * How a contender trains: the CLI, a script around core's `fit`, tfjs-layers' `model.fit`, or —
 * the yardstick for the CLI's own samples/s — the benchmark's hot loop of `trainStep` calls (no
 * loss asked but the last, no evaluation) in a process of its own, interleaved with the others.
 */
export type UserWay = 'cli' | 'fit' | 'layers' | 'loop';

export interface UserContender {
  readonly way: UserWay;
  /** An engine-registry id for `cli` and `fit` (`reference/float32`, `tfjs/wasm`); a tfjs backend for `layers` (`wasm`, `cpu`). */
  readonly engine: string;
}

export function contenderLabel(c: UserContender): string {
  switch (c.way) {
    case 'cli':
      return `twinprop train ${c.engine}`;
    case 'fit':
      return `fit() ${c.engine}`;
    case 'layers':
      return `tfjs-layers fit ${c.engine}`;
    case 'loop':
      return `hot loop ${c.engine}`;
  }
}

/** The contenders of a scenario on the given tfjs backends, in report order. */
export function userContenders(id: UserScenarioId, backends: readonly string[]): UserContender[] {
  if (id === 'mnist-sgd') {
    return [
      { way: 'cli', engine: 'reference/float32' },
      { way: 'loop', engine: 'reference/float32' },
    ];
  }
  return [
    { way: 'cli', engine: 'reference/float32' },
    { way: 'fit', engine: 'reference/float32' },
    ...backends.flatMap((b): UserContender[] => [
      { way: 'cli', engine: `tfjs/${b}` },
      { way: 'fit', engine: `tfjs/${b}` },
      { way: 'layers', engine: b },
    ]),
  ];
}

/** What one whole-process run reports. */
export interface UserRun {
  /** The repetition's seed ({@link USER_SEED} + r). */
  readonly seed: number;
  /** Spawn to exit, as the parent saw it. */
  readonly processSeconds: number;
  /** Training throughput the run reports for its updates (evaluation excluded). */
  readonly samplesPerSecond: number;
  /**
   * The hot loop only: its throughput counted from its very first step, warm-up included — as a
   * CLI run counts its own (`samplesPerSecond` leaves the loop's 50 warm-up steps out).
   */
  readonly samplesPerSecondFromFirstStep?: number;
  /** Final accuracy on the test set and on the training set, and the final test loss. */
  readonly testAccuracy: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
}

/** What the child script (user-child.ts) is asked to run. */
export interface UserChildTask {
  readonly scenario: UserScenarioId;
  readonly epochs: number;
  readonly contender: UserContender;
  readonly seed: number;
}

export const USER_RESULT_MARKER = '@@twinprop-user-path ';

const require = createRequire(import.meta.url);

/** The CLI's published entry point, as `npx twinprop` would run it. */
function cliEntry(): string {
  return path.join(path.dirname(require.resolve('twinprop/package.json')), 'dist', 'twinprop.js');
}

/** The command line of a contender, for the repetition of `seed`. */
export function commandOf(s: UserScenario, c: UserContender, seed: number = USER_SEED): string[] {
  if (c.way !== 'cli') {
    const task: UserChildTask = { scenario: s.id, epochs: s.epochs, contender: c, seed };
    return [fileURLToPath(new URL('./user-child.js', import.meta.url)), JSON.stringify(task)];
  }
  const [engine, variant] = c.engine.split('/');
  return [
    cliEntry(),
    'train',
    '--dataset',
    s.dataset,
    '--hidden',
    s.hidden.map(([u]) => u).join(','),
    '--activation',
    s.hidden[0]?.[1] ?? 'tanh',
    '--optimizer',
    s.optimizer,
    '--lr',
    String(s.learningRate),
    '--batch-size',
    String(s.batchSize),
    '--epochs',
    String(s.epochs),
    '--seed',
    String(seed),
    '--engine',
    engine ?? c.engine,
    ...(variant === undefined ? [] : ['--backend', variant]),
    '--json',
    '--quiet',
  ];
}

function parseRun(c: UserContender, stdout: string, processSeconds: number, seed: number): UserRun {
  if (c.way === 'cli') {
    const json = JSON.parse(stdout) as { testAccuracy?: number; trainAccuracy?: number; testLoss?: number; samplesPerSecond?: number; error?: { message: string } };
    if (json.error !== undefined) throw new Error(`twinprop train failed: ${json.error.message}`);
    return {
      seed,
      processSeconds,
      samplesPerSecond: json.samplesPerSecond ?? Number.NaN,
      testAccuracy: json.testAccuracy ?? Number.NaN,
      trainAccuracy: json.trainAccuracy ?? Number.NaN,
      testLoss: json.testLoss ?? Number.NaN,
    };
  }
  const line = stdout.split('\n').find((l) => l.startsWith(USER_RESULT_MARKER));
  if (line === undefined) throw new Error('the child printed no result');
  return { ...(JSON.parse(line.slice(USER_RESULT_MARKER.length)) as Omit<UserRun, 'processSeconds' | 'seed'>), processSeconds, seed };
}

/** Runs one contender once, in a fresh process, with the repetition's seed. */
export function runOnce(s: UserScenario, c: UserContender, seed: number = USER_SEED, timeoutMs = 900_000): Promise<UserRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(process.execPath, commandOf(s, c, seed), { maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs }, (error, stdout, stderr) => {
      const seconds = (performance.now() - started) / 1000;
      if (error !== null) {
        const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-4).join(' | ');
        reject(new Error(`${contenderLabel(c)} failed: ${error.message.split('\n')[0] ?? ''}${tail === '' ? '' : ` — ${tail}`}`));
        return;
      }
      try {
        resolve(parseRun(c, stdout, seconds, seed));
      } catch (parseError) {
        reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
      }
    });
  });
}

export interface UserContenderResult {
  readonly contender: UserContender;
  readonly label: string;
  readonly processSeconds: Summary;
  readonly samplesPerSecond: Summary;
  /** Median over the repetitions, each with its own seed (for a given seed twinprop's runs are deterministic; tfjs-layers shuffles with Math.random). */
  readonly testAccuracy: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly runs: readonly UserRun[];
}

export interface UserScenarioResult {
  readonly scenario: UserScenarioId;
  readonly title: string;
  readonly model: string;
  readonly trainRows: number;
  readonly testRows: number;
  readonly repetitions: number;
  readonly contenders: readonly (UserContenderResult | { readonly contender: UserContender; readonly label: string; readonly error: string })[];
}

export function isMeasured(r: UserScenarioResult['contenders'][number]): r is UserContenderResult {
  return !('error' in r);
}

/** Runs every contender `repetitions` times, round robin (repetition r starts with contender r, and runs everyone with seed USER_SEED + r). */
export async function runUserScenario(
  s: UserScenario,
  contenders: readonly UserContender[],
  repetitions: number,
  log: (line: string) => void,
): Promise<UserScenarioResult> {
  const runs = new Map<UserContender, UserRun[]>(contenders.map((c) => [c, []]));
  const errors = new Map<UserContender, string>();
  for (let r = 0; r < repetitions; r++) {
    const seed = USER_SEED + r;
    for (const c of rotate(contenders, r)) {
      if (errors.has(c)) continue;
      try {
        const run = await runOnce(s, c, seed);
        runs.get(c)?.push(run);
        log(
          `  ${s.id} seed ${seed} ${contenderLabel(c)}: ${run.processSeconds.toFixed(2)} s, ${run.samplesPerSecond.toFixed(0)} samples/s, test accuracy ${(run.testAccuracy * 100).toFixed(2)}%`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.set(c, message);
        log(`  ${s.id} ${contenderLabel(c)}: ${message}`);
      }
    }
  }
  const { train, test } = userData(s);
  return {
    scenario: s.id,
    title: s.title,
    model: describeScenario(s),
    trainRows: train.x.rows,
    testRows: test.x.rows,
    repetitions,
    contenders: contenders.map((c) => {
      const error = errors.get(c);
      const list = runs.get(c) ?? [];
      if (error !== undefined || list.length === 0) return { contender: c, label: contenderLabel(c), error: error ?? 'no run' };
      return {
        contender: c,
        label: contenderLabel(c),
        processSeconds: summarize(list.map((x) => x.processSeconds)),
        samplesPerSecond: summarize(list.map((x) => x.samplesPerSecond)),
        testAccuracy: summarize(list.map((x) => x.testAccuracy)).median,
        trainAccuracy: summarize(list.map((x) => x.trainAccuracy)).median,
        testLoss: summarize(list.map((x) => x.testLoss)).median,
        runs: list,
      };
    }),
  };
}

/** The measured result of `way` on `engine` in a scenario, if it ran. */
export function findUser(result: UserScenarioResult | undefined, way: UserWay, engine: string): UserContenderResult | undefined {
  const found = result?.contenders.find((c) => c.contender.way === way && c.contender.engine === engine);
  return found !== undefined && isMeasured(found) ? found : undefined;
}
