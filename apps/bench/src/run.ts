/**
 * One benchmark run, start to finish: the interleaved contenders on each workload (kernel.ts; on
 * `Plan.aloneWorkloads` once more in a child without a float64 model), then the child-process
 * measurements (memory, data loading, CSV, allocation, profiles, the adapter diagnosis), assembled
 * into one {@link BenchReport}.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeSpec } from '@twinprop/core';
import { writeSyntheticCsv } from '@twinprop/datasets';
import { describeEnvironment, useReferenceThreads } from '@twinprop/toolkit';
import { runChild, type ChildTask, type CsvChildResult, type LoadChildResult } from './child-protocol.js';
import { contenderAvailability, describeContender, type ContenderAvailability, type ContenderId } from './contenders.js';
import { FLOP_FORMULA } from './flops.js';
import { measureWorkload } from './kernel.js';
import type { MeasureSettings } from './measure.js';
import { MEMORY_METHOD, type Plan } from './plan.js';
import { computeRatios } from './report/ratios.js';
import { evaluateTargets } from './report/targets.js';
import {
  REPORT_SCHEMA,
  type AdapterDiagnosis,
  type AllocationResult,
  type BenchReport,
  type CsvResult,
  type DataLoadResult,
  type MemoryMeasurement,
  type ProfileResult,
  type TargetResult,
  type WorkloadResult,
} from './report/types.js';
import { summarize } from './stats.js';
import type { PeakResult } from './peak.js';
import type { ThreadPool } from '@twinprop/engine-reference/threads';
import { runUserScenario, userContenders, userScenario, type UserScenarioResult } from './user-path.js';
import { workload, type WorkloadId } from './workloads.js';

/** A contender to CPU-profile on a workload (`--profile workload:engine`). */
export interface ProfileRequest {
  readonly workload: WorkloadId;
  readonly engine: ContenderId;
}

/** What to run: the plan, and what the command line narrowed or switched off. */
export interface BenchOptions {
  readonly plan: Plan;
  /** The plan's settings, with `--repetitions` applied. */
  readonly measure: MeasureSettings;
  readonly workloads: readonly WorkloadId[];
  readonly contenders: readonly ContenderId[];
  readonly memory: boolean;
  readonly data: boolean;
  readonly alloc: boolean;
  readonly profiles: readonly ProfileRequest[];
  /** Profile the reference engine and diagnose missed adapter targets after the run. */
  readonly diagnose: boolean;
  /** Whole-process runs (user-path.ts), or undefined to skip them. */
  readonly userPath: Plan['userPath'] | undefined;
  /** Threads for the reference engine in this process (undefined: every core). */
  readonly threads: number | undefined;
  /** Measure the clock, the scalar ceiling and the kernel (peak.ts). */
  readonly peak: boolean;
}

type Log = (line: string) => void;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function benchWorkload(id: WorkloadId, contenders: readonly ContenderId[], options: BenchOptions, log: Log): Promise<WorkloadResult> {
  const { plan } = options;
  const w = workload(id);
  log(`${w.title}: ${describeSpec(w.spec)}, batch ${w.batchSize}`);
  const result = await measureWorkload(id, contenders, options.measure, plan.mnistPredictRows, log);
  if (plan.aloneWorkloads.includes(id)) {
    // Both reference dtypes in one process make the engine's shared loops see Float32Array and
    // Float64Array alike; a user's process trains one. Measure float32 again without float64.
    const alone = contenders.filter((c) => c === 'reference/float32' || describeContender(c).kind === 'tfjs');
    if (contenders.includes('reference/float64') && alone.includes('reference/float32') && alone.length > 1) {
      try {
        log(`  ${alone.join(', ')} again, in a process without a float64 model:`);
        const measured = await runChild<WorkloadResult>({ kind: 'kernel', workload: id, engines: alone, settings: options.measure, mnistPredictRows: plan.mnistPredictRows });
        result.alone = { engines: measured.engines };
        for (const e of measured.engines) log(`    ${e.engine}: ${e.train.msPerStep.toFixed(4)} ms/step`);
      } catch (error) {
        log(`  alone: ${errorText(error)}`);
      }
    }
  }
  if (options.memory && plan.memoryWorkloads.includes(id)) {
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
}

async function benchData(plan: Plan, log: Log): Promise<NonNullable<BenchReport['data']>> {
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

async function benchAllocation(plan: Plan, workloads: readonly WorkloadId[], log: Log): Promise<AllocationResult[]> {
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

/** What a missed adapter target costs: the tfjs engine against raw tfjs written three ways. */
async function diagnoseAdapter(plan: Plan, targets: readonly TargetResult[], log: Log): Promise<AdapterDiagnosis[]> {
  const out: AdapterDiagnosis[] = [];
  for (const t of targets) {
    const backend = t.id === 'mnist-tfjs-adapter-wasm' ? 'wasm' : t.id === 'mnist-tfjs-adapter-cpu' ? 'cpu' : undefined;
    if (backend === undefined || t.status !== 'missed') continue;
    log(`adapter diagnosis on ${backend}`);
    try {
      out.push(
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
  return out;
}

async function profile(requests: readonly ProfileRequest[], plan: Plan, log: Log): Promise<ProfileResult[]> {
  const seen = new Set<string>();
  const out: ProfileResult[] = [];
  for (const { workload: w, engine: e } of requests) {
    if (seen.has(`${w}:${e}`)) continue;
    seen.add(`${w}:${e}`);
    log(`profile ${w} ${e}`);
    try {
      out.push(await runChild<ProfileResult>({ kind: 'profile', workload: w, engine: e, ms: plan.profileMs, top: 12 }));
    } catch (error) {
      log(`profile failed: ${errorText(error)}`);
    }
  }
  return out;
}

/** The pool's running counts, to tell per workload how much was shared and how often sharing paused. */
function threadCounters(pool: ThreadPool): { products: number; updates: number; waitedMs: number; backoffs: number } {
  return { products: pool.sharedProducts, updates: pool.sharedUpdates, waitedMs: pool.waitedMs, backoffs: pool.backoffs };
}

/** Runs everything `options` asks for, logging progress, and returns the report. */
export async function runBench(options: BenchOptions, log: Log): Promise<BenchReport> {
  const { plan, workloads } = options;
  const started = performance.now();
  const startedAt = new Date().toISOString();

  // The reference engine as a Node.js app runs it: its large products shared by every core.
  const pool = useReferenceThreads(options.threads);
  await pool.ready();
  log(`reference engine: ${pool.threads} thread(s) for products of ≥ ${pool.minMultiplyAdds} multiply-adds`);
  const engines: ContenderAvailability[] = await contenderAvailability(options.contenders);
  for (const e of engines) log(`engine ${e.engine}: ${e.available ? e.detail : `unavailable — ${e.reason.split('. ')[0] ?? ''}`}`);
  const usable = engines.filter((e) => e.available).map((e) => e.engine);

  const results: WorkloadResult[] = [];
  for (const id of workloads) {
    const before = threadCounters(pool);
    results.push(await benchWorkload(id, usable, options, log));
    const after = threadCounters(pool);
    log(
      `  reference threads in ${id}: ${after.products - before.products} products and ${after.updates - before.updates} updates shared, ` +
        `${(after.waitedMs - before.waitedMs).toFixed(0)} ms waited for helpers, ${after.backoffs - before.backoffs} pause(s) in sharing after a helper stalled`,
    );
  }

  let peak: PeakResult | undefined;
  if (options.peak) {
    try {
      peak = await runChild<PeakResult>({ kind: 'peak', repetitions: plan.measure.repetitions, ...(options.threads === undefined ? {} : { threads: options.threads }) });
      log(`peak: clock ${peak.clockGHz.median.toFixed(2)} GHz, JavaScript scalar ceiling ${peak.scalarGflops.median.toFixed(1)} GFLOP/s per thread`);
    } catch (error) {
      log(`peak: ${errorText(error)}`);
    }
  }

  const userPath: UserScenarioResult[] = [];
  for (const s of options.userPath?.scenarios ?? []) {
    const scenario = userScenario(s.id, s.epochs);
    log(`user path ${scenario.id}: ${scenario.title}, ${s.epochs} epochs, ${options.userPath?.repetitions ?? 0} whole-process runs of each contender`);
    userPath.push(await runUserScenario(scenario, userContenders(s.id, options.userPath?.backends ?? []), options.userPath?.repetitions ?? 1, log));
  }

  const data = options.data ? await benchData(plan, log) : undefined;
  const allocation = options.alloc ? await benchAllocation(plan, workloads, log) : undefined;
  const ratios = computeRatios(results);
  const targets = evaluateTargets(results, ratios, allocation, userPath);

  // Diagnosis: where the reference engine's time goes, and what a missed adapter target costs.
  const profileRequests = [...options.profiles];
  let adapter: AdapterDiagnosis[] = [];
  if (options.diagnose) {
    for (const w of workloads) if (usable.includes('reference/float32')) profileRequests.push({ workload: w, engine: 'reference/float32' });
    adapter = await diagnoseAdapter(plan, targets, log);
  }
  const profiles = await profile(profileRequests, plan, log);

  const { packages, ...machine } = describeEnvironment({ resolveFrom: import.meta.url });
  return {
    schema: REPORT_SCHEMA,
    mode: plan.mode,
    startedAt,
    durationSeconds: (performance.now() - started) / 1000,
    machine,
    versions: { node: process.versions.node, ...packages },
    flopFormula: FLOP_FORMULA,
    settings: { ...options.measure, memoryMethod: options.memory ? MEMORY_METHOD : 'not measured (--no-memory)', referenceThreads: pool.threads },
    engines,
    workloads: results,
    ratios,
    targets,
    ...(peak === undefined ? {} : { peak }),
    ...(userPath.length === 0 ? {} : { userPath }),
    ...(data === undefined ? {} : { data }),
    ...(allocation === undefined ? {} : { allocation }),
    ...(profiles.length === 0 ? {} : { profiles }),
    ...(adapter.length === 0 ? {} : { adapter }),
  };
}
