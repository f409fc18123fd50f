/**
 * Measurements that need a process of their own — clean memory peaks, `--expose-gc`, a CPU
 * profile — run here: `node child.js '<task JSON>'`. The result is printed as one line starting
 * with {@link RESULT_MARKER}.
 */
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { isContenderId, rawTfjsId, tfjsId } from './contenders.js';
import { summarizeHeapProfile, summarizeProfile } from './profile.js';
import { ALLOCATION_TOLERANCE_BYTES_PER_STEP } from './report/targets.js';
import type { AdapterDiagnosis, AllocationResult, AllocationSite, MemoryMeasurement, ProfileResult } from './report/types.js';
import { createRunner, initialWeights, type Runner } from './runners.js';
import { median, summarize } from './stats.js';
import { rotate } from './measure.js';
import { isWorkloadId, loadWorkloadData, workload } from './workloads.js';
import { measurePeak } from './peak.js';
import { measureWorkload } from './kernel.js';
import { RESULT_MARKER, type ChildTask, type CsvChildResult, type LoadChildResult } from './child-protocol.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the child with --expose-gc');
  gc();
  gc();
}

class Peaks {
  rss = 0;
  heapUsed = 0;
  external = 0;
  samples = 0;
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    if (m.heapUsed > this.heapUsed) this.heapUsed = m.heapUsed;
    if (m.external > this.external) this.external = m.external;
    this.samples++;
  }
}

function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

async function memory(task: Extract<ChildTask, { kind: 'memory' }>): Promise<MemoryMeasurement> {
  const w = workload(task.workload);
  const data = loadWorkloadData(w);
  const weights = initialWeights(w);
  collectGarbage();
  const baselineRssBytes = process.memoryUsage().rss;
  const peaks = new Peaks();
  peaks.sample();
  const runner = await createRunner(task.engine, w, data, weights);
  peaks.sample();
  const deadline = performance.now() + task.ms;
  for (let step = 0; performance.now() < deadline || step < 5; step++) {
    runner.train(1);
    peaks.sample();
    if (step % 10 === 0) {
      runner.predict();
      peaks.sample();
    }
  }
  runner.dispose();
  return {
    baselineRssBytes,
    peakRssBytes: peaks.rss,
    peakHeapUsedBytes: peaks.heapUsed,
    peakExternalBytes: peaks.external,
    maxRssBytes: maxRssBytes(),
    samples: peaks.samples,
  };
}

/** V8's spaces for new objects: every object a step creates is placed in one of them (nothing is pretenured before it has survived collections). */
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/**
 * Bytes in use in the young generation. Unlike the whole heap's `heapUsed`, this leaves out what
 * V8 itself adds while the steps run — optimized code and its metadata (code and old space) from a
 * function compiled late, and old-space pages a concurrent sweeper is still returning — which
 * made single trials read tens of bytes per step more with no object allocated by the step.
 */
function youngGenerationBytes(): number {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) if (YOUNG_SPACES.has(space.space_name)) bytes += space.space_used_size;
  return bytes;
}

/** What one {@link youngGenerationBytes} reading itself allocates, as the next reading sees it (the median of 5). */
function youngGenerationReadingBytes(): number {
  const readings = Array.from({ length: 5 }, () => {
    const first = youngGenerationBytes();
    return youngGenerationBytes() - first;
  });
  return median(readings);
}

async function allocation(task: Extract<ChildTask, { kind: 'alloc' }>): Promise<AllocationResult> {
  const w = workload(task.workload);
  const runner = await createRunner(task.engine, w, loadWorkloadData(w), initialWeights(w));
  runner.train(task.warmup, task.returnLoss);
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const steps = (): void => {
    if (task.returnLoss) {
      for (let i = 0; i < task.steps; i++) runner.train(1);
    } else {
      runner.train(task.steps, false);
    }
  };
  const perStep: number[] = [];
  const heapPerStep: number[] = [];
  let gcsDuringSteps = 0;
  let start = 0;
  const overhead = youngGenerationReadingBytes();
  for (let trial = 0; trial < task.trials; trial++) {
    collectGarbage();
    await tick();
    await tick();
    const gcsBefore = gcs;
    const before = process.memoryUsage().heapUsed;
    const youngBefore = youngGenerationBytes();
    if (trial === 0) start = before;
    steps();
    const youngAfter = youngGenerationBytes();
    const after = process.memoryUsage().heapUsed;
    await tick();
    await tick();
    gcsDuringSteps += gcs - gcsBefore;
    perStep.push((youngAfter - youngBefore - overhead) / task.steps);
    // Both young-generation readings fall inside the heap's window.
    heapPerStep.push((after - before - 2 * overhead) / task.steps);
  }
  observer.disconnect();
  collectGarbage();
  const retained = process.memoryUsage().heapUsed;
  const allocated = summarize(perStep);
  const sites = allocated.median > ALLOCATION_TOLERANCE_BYTES_PER_STEP ? await allocationSites(runner, task) : [];
  runner.dispose();
  return {
    workload: task.workload,
    engine: task.engine,
    steps: task.steps,
    trials: task.trials,
    returnLoss: task.returnLoss,
    allocatedBytesPerStep: allocated.median,
    allocatedBytesPerStepRange: [allocated.min, allocated.max],
    heapGrowthBytesPerStep: median(heapPerStep),
    retainedBytesPerStep: (retained - start) / (task.steps * task.trials),
    gcsDuringSteps,
    sites,
  };
}

/**
 * Where the allocations come from: V8's sampling heap profiler over a second run of the same
 * steps (objects collected by GC included), summed by function and caller. Sampling is
 * statistical (one sample per ~256 bytes), so small sites are approximate.
 */
async function allocationSites(runner: Runner, task: Extract<ChildTask, { kind: 'alloc' }>): Promise<AllocationSite[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    // (The last two fields are newer than @types/node's protocol typings.)
    const sampling = { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
    await session.post('HeapProfiler.startSampling', sampling);
    if (task.returnLoss) {
      for (let i = 0; i < task.steps; i++) runner.train(1);
    } else {
      runner.train(task.steps, false);
    }
    const { profile } = await session.post('HeapProfiler.stopSampling');
    return summarizeHeapProfile(profile, task.steps);
  } finally {
    session.disconnect();
  }
}

async function load(task: Extract<ChildTask, { kind: 'load' }>): Promise<LoadChildResult> {
  const t0 = performance.now();
  const datasets = await import('@twinprop/datasets');
  const read = (): number => (task.dataset === 'mnist' ? datasets.mnist() : datasets.iris()).x.rows;
  const rows = read();
  const t1 = performance.now();
  read();
  const t2 = performance.now();
  return { rows, firstMs: t1 - t0, repeatMs: t2 - t1, maxRssBytes: maxRssBytes() };
}

async function csv(task: Extract<ChildTask, { kind: 'csv' }>): Promise<CsvChildResult> {
  const { loadCsv } = await import('@twinprop/datasets');
  collectGarbage();
  const baselineRssBytes = process.memoryUsage().rss;
  const peaks = new Peaks();
  const timer = setInterval(() => peaks.sample(), 5);
  const t0 = performance.now();
  const data = await loadCsv(task.path);
  const parseMs = performance.now() - t0;
  clearInterval(timer);
  peaks.sample();
  return {
    rows: data.x.rows,
    columns: data.x.cols + 1,
    parseMs,
    baselineRssBytes,
    peakRssBytes: peaks.rss,
    peakHeapUsedBytes: peaks.heapUsed,
    maxRssBytes: maxRssBytes(),
  };
}

async function profile(task: Extract<ChildTask, { kind: 'profile' }>): Promise<ProfileResult> {
  const w = workload(task.workload);
  const runner = await createRunner(task.engine, w, loadWorkloadData(w), initialWeights(w));
  runner.train(3);
  const warm = performance.now();
  while (performance.now() - warm < Math.min(1000, task.ms / 4)) runner.train(1);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const deadline = performance.now() + task.ms;
  let steps = 0;
  while (performance.now() < deadline) {
    runner.train(1);
    steps++;
  }
  const { profile: cpuProfile } = await session.post('Profiler.stop');
  session.disconnect();
  runner.dispose();
  const summary = summarizeProfile(cpuProfile, task.top);
  return { workload: task.workload, engine: task.engine, steps, totalMs: summary.totalMs, top: summary.entries };
}

/** The tfjs engine vs raw tfjs (ReLU fused, and not) on one backend, interleaved. */
async function adapter(task: Extract<ChildTask, { kind: 'adapter' }>): Promise<AdapterDiagnosis> {
  const w = workload(task.workload);
  const data = loadWorkloadData(w);
  const weights = initialWeights(w);
  const runners = [
    await createRunner(tfjsId(task.backend), w, data, weights),
    await createRunner(rawTfjsId(task.backend), w, data, weights),
    await createRunner(rawTfjsId(task.backend), w, data, weights, { layerOps: 'fused-linear' }),
    await createRunner(rawTfjsId(task.backend), w, data, weights, { layerOps: 'plain' }),
  ];
  const times: number[][] = runners.map(() => []);
  const order = runners.map((_, i) => i);
  for (const r of runners) r.train(5);
  for (let rep = 0; rep < task.repetitions; rep++) {
    rotate(order, rep).forEach((i) => {
      const t0 = performance.now();
      runners[i]!.train(task.stepsPerRepetition);
      times[i]!.push((performance.now() - t0) / task.stepsPerRepetition);
    });
  }
  for (const r of runners) r.dispose();
  return {
    workload: task.workload,
    backend: task.backend,
    engineMsPerStep: median(times[0]!),
    rawMsPerStep: median(times[1]!),
    rawFusedLinearMsPerStep: median(times[2]!),
    rawPlainMsPerStep: median(times[3]!),
  };
}

async function run(task: ChildTask): Promise<unknown> {
  switch (task.kind) {
    case 'memory':
      return memory(task);
    case 'alloc':
      return allocation(task);
    case 'load':
      return load(task);
    case 'csv':
      return csv(task);
    case 'profile':
      return profile(task);
    case 'adapter':
      return adapter(task);
    case 'peak':
      return measurePeak(task.repetitions, task.threads);
    case 'kernel':
      // Its log lines would end up in the parent's result stream; the parent logs the result.
      return measureWorkload(task.workload, task.engines, task.settings, task.mnistPredictRows, () => {});
  }
}

function parseTask(text: string | undefined): ChildTask {
  const task = JSON.parse(text ?? 'null') as ChildTask | null;
  if (task === null || typeof task !== 'object') throw new Error('usage: child.js <task JSON>');
  if ('workload' in task && !isWorkloadId(task.workload)) throw new Error(`unknown workload ${String(task.workload)}`);
  if ('engine' in task && !isContenderId(task.engine)) throw new Error(`unknown engine ${String(task.engine)}`);
  const engines: unknown = (task as { engines?: unknown }).engines;
  if (Array.isArray(engines) && !engines.every((e): e is string => typeof e === 'string' && isContenderId(e))) throw new Error(`unknown engine in ${JSON.stringify(engines)}`);
  return task;
}

const result = await run(parseTask(process.argv[2]));
process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
