#!/usr/bin/env node
/**
 * `pnpm bench`: the reference engine against every TensorFlow.js backend (and against tfjs used
 * directly), side by side in one interleaved run, plus data loading, CSV parsing and the
 * reference engine's allocation check. Prints Markdown tables; `--json` writes the numbers.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { describeSpec, type Matrix } from '@twinprop/core';
import { writeSyntheticCsv } from '@twinprop/datasets';
import { runChild, type ChildTask, type CsvChildResult, type LoadChildResult } from './child-protocol.js';
import { ENGINE_IDS, isEngineId, type EngineAvailability, type EngineId } from './engines.js';
import { FLOP_FORMULA, forwardFlops, trainStepFlops } from './flops.js';
import { measureInterleaved, type MeasureSettings } from './measure.js';
import {
  computeRatios,
  engineResult,
  evaluateTargets,
  REPORT_SCHEMA,
  renderReport,
  type AdapterDiagnosis,
  type AllocationResult,
  type BenchReport,
  type CsvResult,
  type DataLoadResult,
  type MachineInfo,
  type MemoryMeasurement,
  type ProfileResult,
  type WorkloadResult,
} from './report.js';
import { createRunner, initialWeights, probeEngines, type Runner } from './runners.js';
import { summarize } from './stats.js';
import { isWorkloadId, loadWorkloadData, workload, WORKLOAD_IDS, type WorkloadId } from './workloads.js';

interface Plan {
  readonly mode: 'full' | 'quick';
  readonly measure: MeasureSettings;
  /** How long each memory child trains. */
  readonly memoryMs: number;
  /** Workloads whose contenders get a memory child. */
  readonly memoryWorkloads: readonly WorkloadId[];
  /** Fresh-process loads of each dataset. */
  readonly loadRepetitions: number;
  readonly csvRows: number;
  readonly csvRepetitions: number;
  /** Allocation checks: `trials` runs of `steps` steps each after `warmup` steps. */
  readonly allocation: ReadonlyArray<{ workload: WorkloadId; engine: EngineId; steps: number; trials: number; warmup: number; returnLoss: boolean }>;
  /** Rows predicted per call on the MNIST workloads (the held-out part has 2,000). */
  readonly mnistPredictRows: number;
  readonly profileMs: number;
}

const FULL: Plan = {
  mode: 'full',
  measure: { repetitions: 9, warmupMs: 1000, trainRepMs: 400, predictRepMs: 150 },
  memoryMs: 1500,
  memoryWorkloads: WORKLOAD_IDS,
  loadRepetitions: 3,
  csvRows: 1_000_000,
  csvRepetitions: 3,
  allocation: [
    { workload: 'playground', engine: 'reference-float32', steps: 100_000, trials: 5, warmup: 20_000, returnLoss: false },
    { workload: 'playground', engine: 'reference-float64', steps: 100_000, trials: 5, warmup: 20_000, returnLoss: false },
    { workload: 'playground', engine: 'reference-float32', steps: 100_000, trials: 5, warmup: 20_000, returnLoss: true },
    // Warm-up long enough for V8 to optimize trainStep itself (it runs ~2,000 times before that).
    { workload: 'mnist', engine: 'reference-float32', steps: 2_000, trials: 5, warmup: 2_000, returnLoss: false },
  ],
  mnistPredictRows: 2000,
  profileMs: 5000,
};

const QUICK: Plan = {
  mode: 'quick',
  measure: { repetitions: 3, warmupMs: 150, trainRepMs: 60, predictRepMs: 30 },
  memoryMs: 150,
  memoryWorkloads: ['mnist'],
  loadRepetitions: 1,
  csvRows: 100_000,
  csvRepetitions: 1,
  allocation: [
    { workload: 'playground', engine: 'reference-float32', steps: 100_000, trials: 3, warmup: 20_000, returnLoss: false },
  ],
  mnistPredictRows: 500,
  profileMs: 1500,
};

const MEMORY_METHOD =
  'each contender alone in a child process (--expose-gc); process.memoryUsage() sampled after every train step and prediction; baseline = RSS after loading the data and a full GC';

interface CliOptions {
  quick?: boolean;
  json?: boolean | string;
  workloads?: WorkloadId[];
  engines?: EngineId[];
  repetitions?: number;
  memory: boolean;
  data: boolean;
  alloc: boolean;
  profile?: string[];
  diagnose?: boolean;
}

function list<T extends string>(check: (v: string) => v is T, known: readonly string[]) {
  return (value: string): T[] => {
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const item of items) {
      if (!check(item)) throw new InvalidArgumentError(`unknown "${item}"; expected some of ${known.join(', ')}`);
    }
    return items as T[];
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function profileSpec(value: string, previous: string[] | undefined): string[] {
  const [w, e = 'reference-float32'] = value.split(':');
  if (w === undefined || !isWorkloadId(w)) throw new InvalidArgumentError(`unknown workload in "${value}"; expected ${WORKLOAD_IDS.join(', ')}`);
  if (!isEngineId(e)) throw new InvalidArgumentError(`unknown engine in "${value}"; expected ${ENGINE_IDS.join(', ')}`);
  return [...(previous ?? []), `${w}:${e}`];
}

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: os.platform(),
    arch: os.arch(),
    node: process.versions.node,
    v8: process.versions.v8,
  };
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = { node: process.versions.node };
  for (const name of [
    '@twinprop/core',
    '@twinprop/engine-reference',
    '@twinprop/engine-tfjs',
    '@twinprop/datasets',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-backend-wasm',
  ]) {
    try {
      const manifest = require(`${name}/package.json`) as { version?: unknown };
      out[name] = typeof manifest.version === 'string' ? manifest.version : 'unknown';
    } catch {
      out[name] = 'not found';
    }
  }
  return out;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function benchWorkload(
  id: WorkloadId,
  engines: readonly EngineId[],
  plan: Plan,
  measure: MeasureSettings,
  memory: boolean,
  log: (line: string) => void,
): Promise<WorkloadResult> {
  const w = workload(id);
  log(`${w.title}: ${describeSpec(w.spec)}, batch ${w.batchSize}`);
  const loaded = loadWorkloadData(w);
  const predictRows = id === 'playground' ? loaded.predict32.rows : Math.min(plan.mnistPredictRows, loaded.predict32.rows);
  const cut = (m: Matrix): Matrix => ({ ...m, rows: predictRows, data: m.data.subarray(0, predictRows * m.cols) });
  const data = { ...loaded, predict32: cut(loaded.predict32), predict64: cut(loaded.predict64) };
  const weights = initialWeights(w);
  const runners: Runner[] = [];
  try {
    for (const engine of engines) runners.push(await createRunner(engine, w, data, weights));
    const measured = await measureInterleaved(runners, w.batchSize, predictRows, measure, log);
    const trainFlopsPerStep = trainStepFlops(w.spec, w.batchSize);
    const predictFlopsPerSample = forwardFlops(w.spec, 1);
    const result: WorkloadResult = {
      workload: id,
      title: w.title,
      model: `${describeSpec(w.spec)}, ${w.loss}, batch ${w.batchSize}, sgd η=${w.learningRate}`,
      data: w.data.replace('2,000 held-out', `${predictRows} held-out`),
      batchSize: w.batchSize,
      trainRows: data.batches * w.batchSize,
      predictRows,
      trainFlopsPerStep,
      predictFlopsPerSample,
      engines: measured.map((m) => engineResult(m, w.batchSize, trainFlopsPerStep, predictFlopsPerSample)),
    };
    for (const r of runners.splice(0)) r.dispose();
    if (memory && plan.memoryWorkloads.includes(id)) {
      for (const e of result.engines) {
        try {
          e.memory = await runChild<MemoryMeasurement>({ kind: 'memory', workload: id, engine: e.engine, ms: plan.memoryMs }, ['--expose-gc']);
          log(`  memory ${e.engine}: peak RSS ${(e.memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
        } catch (error) {
          e.memory = { error: errorText(error) };
          log(`  memory ${e.engine}: ${errorText(error)}`);
        }
      }
    }
    return result;
  } finally {
    for (const r of runners) r.dispose();
  }
}

async function benchData(plan: Plan, log: (line: string) => void): Promise<NonNullable<BenchReport['data']>> {
  const loads: DataLoadResult[] = [];
  for (const dataset of ['mnist', 'iris'] as const) {
    const runs: LoadChildResult[] = [];
    for (let i = 0; i < plan.loadRepetitions; i++) runs.push(await runChild<LoadChildResult>({ kind: 'load', dataset }));
    loads.push({
      dataset,
      rows: runs[0]?.rows ?? 0,
      firstLoadMs: summarize(runs.map((r) => r.firstMs)),
      repeatLoadMs: summarize(runs.map((r) => r.repeatMs)),
      maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
    });
    log(`data: ${dataset} loads in ${loads[loads.length - 1]?.firstLoadMs.median.toFixed(0)} ms`);
  }
  let csv: CsvResult | { error: string };
  const folder = await mkdtemp(path.join(os.tmpdir(), 'twinprop-bench-'));
  try {
    const file = path.join(folder, 'synthetic.csv');
    const t0 = performance.now();
    await writeSyntheticCsv(file, plan.csvRows);
    const writeMs = performance.now() - t0;
    const { size } = await stat(file);
    const runs: CsvChildResult[] = [];
    for (let i = 0; i < plan.csvRepetitions; i++) runs.push(await runChild<CsvChildResult>({ kind: 'csv', path: file }, ['--expose-gc']));
    const parseMs = summarize(runs.map((r) => r.parseMs));
    const first = runs[0]!;
    csv = {
      rows: first.rows,
      columns: first.columns,
      bytes: size,
      writeMs,
      parseMs,
      rowsPerSecond: first.rows / (parseMs.median / 1000),
      megabytesPerSecond: size / 1e6 / (parseMs.median / 1000),
      baselineRssBytes: Math.min(...runs.map((r) => r.baselineRssBytes)),
      peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
      peakHeapUsedBytes: Math.max(...runs.map((r) => r.peakHeapUsedBytes)),
      maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
    };
    log(`data: CSV ${first.rows} rows parsed in ${parseMs.median.toFixed(0)} ms`);
  } catch (error) {
    csv = { error: errorText(error) };
    log(`data: CSV failed: ${errorText(error)}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  return { loads, csv };
}

async function benchAllocation(plan: Plan, workloads: readonly WorkloadId[], log: (line: string) => void): Promise<AllocationResult[]> {
  const out: AllocationResult[] = [];
  for (const a of plan.allocation) {
    if (!workloads.includes(a.workload)) continue;
    const task: ChildTask = { kind: 'alloc', ...a };
    // A large young generation, so that a few bytes per step cannot trigger a scavenge that hides them.
    const result = await runChild<AllocationResult>(task, ['--expose-gc', '--max-semi-space-size=64']);
    log(`alloc ${a.workload} ${a.engine}: ${result.allocatedBytesPerStep.toFixed(2)} B/step allocated (median of ${a.trials}), ${result.gcsDuringSteps} GCs`);
    out.push(result);
  }
  return out;
}

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('bench')
    .description('twinprop benchmark: the reference engine vs every TensorFlow.js backend, interleaved, with ratios')
    .option('--quick', 'a short run (CI): fewer, shorter repetitions; 10^5 CSV rows')
    .option('--json [file]', 'write the numbers as JSON to a file, or to stdout (tables then go to stderr)')
    .option('--workloads <ids>', `comma-separated subset of ${WORKLOAD_IDS.join(', ')}`, list(isWorkloadId, WORKLOAD_IDS))
    .option('--engines <ids>', `comma-separated subset of ${ENGINE_IDS.join(', ')}`, list(isEngineId, ENGINE_IDS))
    .option('--repetitions <n>', 'timed repetitions per contender', positiveInt)
    .option('--no-memory', 'skip the per-contender memory children')
    .option('--no-data', 'skip dataset loading and CSV parsing')
    .option('--no-alloc', "skip the reference engine's allocation check")
    .option('--profile <workload:engine>', 'CPU-profile a contender (default engine reference-float32); repeatable', profileSpec)
    .option('--diagnose', 'after the run, profile the reference engine and diagnose missed adapter targets (default in a full run)')
    .option('--no-diagnose', 'skip the diagnosis')
    .allowExcessArguments(false);
  program.parse(argv, { from: 'user' });
  const options = program.opts<CliOptions>();
  const jsonToStdout = options.json === true;
  // tfjs prints hints with console.log; keep stdout clean for the JSON.
  if (jsonToStdout) console.log = console.error;
  const out = (text: string): void => {
    (jsonToStdout ? process.stderr : process.stdout).write(text);
  };
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  const plan = options.quick === true ? QUICK : FULL;
  const measure: MeasureSettings = { ...plan.measure, ...(options.repetitions === undefined ? {} : { repetitions: options.repetitions }) };
  const workloads = options.workloads ?? [...WORKLOAD_IDS];
  const requested = options.engines ?? [...ENGINE_IDS];
  const started = performance.now();
  const startedAt = new Date().toISOString();

  const engines: EngineAvailability[] = await probeEngines(requested);
  for (const e of engines) log(`engine ${e.engine}: ${e.available ? e.detail : `unavailable — ${e.reason.split('. ')[0] ?? ''}`}`);
  const usable = engines.filter((e) => e.available).map((e) => e.engine);

  const results: WorkloadResult[] = [];
  for (const id of workloads) results.push(await benchWorkload(id, usable, plan, measure, options.memory, log));

  const data = options.data ? await benchData(plan, log) : undefined;
  const allocation = options.alloc ? await benchAllocation(plan, workloads, log) : undefined;
  const ratios = computeRatios(results);
  const targets = evaluateTargets(results, ratios, allocation);

  // Diagnosis: where the reference engine's time goes, and what a missed adapter target costs.
  const profileSpecs = [...(options.profile ?? [])];
  const adapter: AdapterDiagnosis[] = [];
  if (options.diagnose ?? plan.mode === 'full') {
    for (const w of workloads) if (usable.includes('reference-float32')) profileSpecs.push(`${w}:reference-float32`);
    for (const t of targets) {
      const backend = t.id === 'mnist-tfjs-adapter-wasm' ? 'wasm' : t.id === 'mnist-tfjs-adapter-cpu' ? 'cpu' : undefined;
      if (backend === undefined || t.status !== 'missed') continue;
      log(`adapter diagnosis on ${backend}`);
      try {
        adapter.push(
          await runChild<AdapterDiagnosis>({
            kind: 'adapter',
            workload: 'mnist',
            backend,
            repetitions: plan.measure.repetitions,
            stepsPerRepetition: backend === 'wasm' ? 30 : 10,
          }),
        );
      } catch (error) {
        log(`adapter diagnosis failed: ${errorText(error)}`);
      }
    }
  }
  const profiles: ProfileResult[] = [];
  for (const spec of new Set(profileSpecs)) {
    const [w, e] = spec.split(':') as [WorkloadId, EngineId];
    log(`profile ${w} ${e}`);
    try {
      profiles.push(await runChild<ProfileResult>({ kind: 'profile', workload: w, engine: e, ms: plan.profileMs, top: 12 }));
    } catch (error) {
      log(`profile failed: ${errorText(error)}`);
    }
  }

  const report: BenchReport = {
    schema: REPORT_SCHEMA,
    mode: plan.mode,
    startedAt,
    durationSeconds: (performance.now() - started) / 1000,
    machine: machineInfo(),
    versions: versions(),
    flopFormula: FLOP_FORMULA,
    settings: { ...measure, memoryMethod: options.memory ? MEMORY_METHOD : 'not measured (--no-memory)' },
    engines,
    workloads: results,
    ratios,
    targets,
    ...(data === undefined ? {} : { data }),
    ...(allocation === undefined ? {} : { allocation }),
    ...(profiles.length === 0 ? {} : { profiles }),
    ...(adapter.length === 0 ? {} : { adapter }),
  };
  out(renderReport(report));
  const json = JSON.stringify(report, null, 2) + '\n';
  if (jsonToStdout) process.stdout.write(json);
  else if (typeof options.json === 'string') {
    await writeFile(options.json, json);
    log(`wrote ${options.json}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
