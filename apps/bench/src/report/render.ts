/** The report as Markdown: one table per concern, numbers formatted by the toolkit. */
import { formatBytes, formatCount, formatRatio, formatSpread, markdownTable, significant } from '@twinprop/toolkit';
import { describeContender, type ContenderAvailability, type ContenderId } from '../contenders.js';
import type { PeakResult } from '../peak.js';
import { ASSUMED_VECTOR_PEAK } from '../vector-peak.js';
import { findUser, isMeasured, type UserContenderResult, type UserScenarioResult } from '../user-path.js';
import { findRatio } from './ratios.js';
import type { AdapterDiagnosis, AllocationResult, BenchReport, EngineResult, ProfileResult, Ratio, TargetResult, WorkloadResult } from './types.js';

function label(id: ContenderId): string {
  return describeContender(id).label;
}

function memoryCells(m: EngineResult['memory']): [string, string, string] {
  if (m === undefined) return ['–', '–', '–'];
  if ('error' in m) return ['error', 'error', 'error'];
  return [formatBytes(m.peakRssBytes), formatBytes(m.peakRssBytes - m.baselineRssBytes), formatBytes(m.peakHeapUsedBytes)];
}

export function renderWorkload(w: WorkloadResult): string {
  const rows = w.engines.map((e) => [
    label(e.engine),
    formatCount(e.train.samplesPerSecond.median),
    formatSpread(e.train.samplesPerSecond.spread),
    significant(e.train.msPerStep),
    significant(e.train.gflops),
    formatCount(e.predict.samplesPerSecond.median),
    formatSpread(e.predict.samplesPerSecond.spread),
    significant(e.predict.gflops),
    ...memoryCells(e.memory),
    significant(e.train.lastLoss),
  ]);
  const head = [
    'engine',
    'train samples/s',
    '±',
    'ms/step',
    'train GFLOP/s',
    'predict samples/s',
    '±',
    'predict GFLOP/s',
    'peak RSS',
    'RSS over baseline',
    'peak heap',
    'last loss',
  ];
  return [
    `### ${w.title}: ${w.model}`,
    '',
    `${w.data}. ${formatCount(w.trainFlopsPerStep)} FLOP per train step, ${formatCount(w.predictFlopsPerSample)} FLOP per predicted sample.`,
    '',
    markdownTable(head, rows),
    ...(w.alone === undefined ? [] : ['', renderAlone(w, w.alone.engines)]),
  ].join('\n');
}

/** The second measurement of {@link WorkloadResult.alone}: reference float32 and the tfjs engines in a process without float64. */
function renderAlone(w: WorkloadResult, engines: readonly EngineResult[]): string {
  const ref = engines.find((e) => e.engine === 'reference/float32');
  const inMain = w.engines.find((e) => e.engine === 'reference/float32');
  const rows = engines.map((e) => [
    label(e.engine),
    formatCount(e.train.samplesPerSecond.median),
    formatSpread(e.train.samplesPerSecond.spread),
    significant(e.train.msPerStep),
    ref === undefined || e === ref ? '–' : formatRatio(ref.train.samplesPerSecond.median / e.train.samplesPerSecond.median),
  ]);
  const slower =
    ref === undefined || inMain === undefined ? '' : ` Reference float32 trains here at ${formatRatio(ref.train.samplesPerSecond.median / inMain.train.samplesPerSecond.median)} its speed in the table above.`;
  return [
    `Again, in a process of their own without a float64 model, as a user's process trains one dtype (in the table above, float32 and float64 models share the engine's loops, which then see both array types); target (a) is judged here.${slower}`,
    '',
    markdownTable(['engine', 'train samples/s', '±', 'ms/step', 'ref f32 ÷ this'], rows),
  ].join('\n');
}

/** Ratio rows (numerator ÷ denominator) by workload columns, for one metric. */
export function renderRatioTable(workloads: readonly WorkloadResult[], ratios: readonly Ratio[], metric: 'train' | 'predict'): string {
  const pairs: Array<[ContenderId, ContenderId]> = [];
  for (const r of ratios) {
    if (r.metric === metric && !pairs.some(([n, d]) => n === r.numerator && d === r.denominator)) pairs.push([r.numerator, r.denominator]);
  }
  const rows = pairs.map(([n, d]) => {
    const isAdapter = describeContender(n).kind === 'raw-tfjs';
    const name = isAdapter ? `${label(d)} time ÷ ${label(n)} time` : `${label(n)} ÷ ${label(d)}`;
    return [
      name,
      ...workloads.map((w) => {
        const v = findRatio(ratios, w.workload, n, d, metric);
        return v === undefined ? '–' : formatRatio(v);
      }),
    ];
  });
  return markdownTable([`${metric === 'train' ? 'training' : 'prediction'} throughput ratio`, ...workloads.map((w) => w.title)], rows);
}

/**
 * One user-path scenario: each contender's whole-process time, training throughput and final
 * accuracies (medians over the runs), and both ratios against tfjs-layers `fit` on each backend
 * (its time ÷ this time; this throughput ÷ its throughput).
 */
export function renderUserScenario(u: UserScenarioResult): string {
  const baselines = u.contenders.filter((c) => c.contender.way === 'layers').map((c) => c.contender.engine);
  const ratioCells = (c: UserContenderResult): string[] =>
    baselines.flatMap((b) => {
      const base = findUser(u, 'layers', b);
      if (base === undefined || c.contender.way === 'layers') return ['–', '–'];
      return [formatRatio(base.processSeconds.median / c.processSeconds.median), formatRatio(c.samplesPerSecond.median / base.samplesPerSecond.median)];
    });
  const rows = u.contenders.map((c) =>
    isMeasured(c)
      ? [
          c.label,
          `${significant(c.processSeconds.median)} s`,
          formatSpread(c.processSeconds.spread),
          formatCount(c.samplesPerSecond.median),
          formatSpread(c.samplesPerSecond.spread),
          `${(c.testAccuracy * 100).toFixed(2)}%`,
          `${(c.trainAccuracy * 100).toFixed(2)}%`,
          significant(c.testLoss),
          ...ratioCells(c),
        ]
      : [c.label, `error: ${shorten(c.error, 100)}`, '', '', '', '', '', '', ...baselines.flatMap(() => ['', ''])],
  );
  const head = [
    'contender',
    'whole process',
    '±',
    'train samples/s',
    '±',
    'test acc',
    'train acc',
    'test loss',
    ...baselines.flatMap((b) => [`vs layers ${b}: time`, `vs layers ${b}: samples/s`]),
  ];
  return [
    `### User path — ${u.title}: ${u.model}`,
    '',
    `${u.trainRows} training rows, ${u.testRows} test rows; ${u.repetitions} whole-process run(s) of each contender, round robin, run r of every contender with seed r + 1 (data split, initial weights, twinprop's shuffles); medians, ± is half the min–max range over the median. ` +
      "Train samples/s: twinprop's own count over its updates; for tfjs-layers, `fit`'s whole duration (its per-epoch validation included: the script has no per-batch callback, which would slow it).",
    '',
    markdownTable(head, rows),
  ].join('\n');
}

export function renderPeak(p: PeakResult, cores: number): string {
  // The ceilings are the best of their runs (noise on a shared machine only ever slows a run down).
  const clock = p.clockGHz.max;
  const scalar = p.scalarGflops.max;
  const vector = p.vector ?? ASSUMED_VECTOR_PEAK;
  const hardware = clock * vector.float32FlopsPerCycle;
  const rows = p.kernel.map((k) => {
    const g = k.gflops.median;
    const threads = Math.min(k.threads, cores);
    return [
      k.product,
      String(k.threads),
      significant(g),
      formatSpread(k.gflops.spread),
      `${((100 * g) / (scalar * threads)).toFixed(0)}%`,
      `${((100 * g) / (hardware * threads)).toFixed(1)}%`,
    ];
  });
  return [
    '### How close to the machine: the kernel against its ceilings',
    '',
    `Clock while busy: ${significant(clock)} GHz (best run of four multiply-add chains, 6 cycles of latency per step). ` +
      `JavaScript's scalar ceiling: ${significant(scalar)} GFLOP/s per thread (best run of twelve independent multiply-add chains in registers; V8 emits no SIMD and no FMA). ` +
      `Hardware float32 peak: ${significant(hardware)} GFLOP/s per core (${vector.float32FlopsPerCycle} FLOP/cycle; ${vector.basis}), ${significant(hardware * cores)} for ${cores} cores.`,
    '',
    markdownTable(['product (X·W via predict of one linear layer)', 'threads', 'GFLOP/s', '±', 'of JS scalar ceiling × threads', 'of hardware peak × threads'], rows),
  ].join('\n');
}

export function renderTargets(targets: readonly TargetResult[]): string {
  const rows = targets.map((t) => [
    t.description,
    t.measured === null ? '–' : t.id === 'reference-allocation' ? `${significant(t.measured)} B/step` : formatRatio(t.measured),
    `${t.comparison === '>=' ? '≥' : '≤'} ${t.id === 'reference-allocation' ? `${t.threshold} B/step` : formatRatio(t.threshold)}`,
    t.status === 'met' ? 'met' : t.status === 'missed' ? '**missed**' : 'n/a',
    t.note ?? '',
  ]);
  return markdownTable(['target', 'measured', 'target', 'status', 'note'], rows, ['left', 'right', 'right', 'left', 'left']);
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function renderEngines(engines: readonly ContenderAvailability[]): string {
  const rows = engines.map((e) => [
    label(e.engine),
    e.available ? 'available' : 'unavailable',
    e.available ? e.detail : shorten(e.reason.split(/(?<=\.)\s/)[0] ?? e.reason, 140),
  ]);
  return markdownTable(['engine', 'status', 'detail'], rows, ['left', 'left', 'left']);
}

export function renderData(data: NonNullable<BenchReport['data']>): string {
  const loads = markdownTable(
    ['dataset', 'rows', 'first load (fresh process, incl. import)', 'repeat load', 'child max RSS'],
    data.loads.map((l) => [
      l.dataset,
      String(l.rows),
      `${significant(l.firstLoadMs.median)} ms`,
      `${significant(l.repeatLoadMs.median)} ms`,
      formatBytes(l.maxRssBytes),
    ]),
  );
  const csv = data.csv;
  let csvText = '';
  if (csv !== undefined) {
    csvText =
      'error' in csv
        ? `CSV: ${csv.error}`
        : markdownTable(
            ['CSV rows', 'columns', 'file', 'parse', 'rows/s', 'MB/s', 'baseline RSS', 'peak RSS', 'peak heap'],
            [
              [
                formatCount(csv.rows),
                String(csv.columns),
                formatBytes(csv.bytes),
                `${significant(csv.parseMs.median / 1000)} s`,
                formatCount(csv.rowsPerSecond),
                significant(csv.megabytesPerSecond),
                formatBytes(csv.baselineRssBytes),
                formatBytes(csv.peakRssBytes),
                formatBytes(csv.peakHeapUsedBytes),
              ],
            ],
          );
  }
  return [loads, csvText].filter((s) => s !== '').join('\n\n');
}

export function renderAllocation(results: readonly AllocationResult[]): string {
  const sites = results.flatMap((a) =>
    a.sites.map((s) => [`${a.workload} ${label(a.engine)}${a.returnLoss ? ' (loss returned)' : ''}`, s.site, significant(s.bytesPerStep)]),
  );
  const table = markdownTable(
    ['workload', 'engine', 'steps', 'loss every step', 'allocated B/step (median)', 'trial range', 'whole heap B/step (median)', 'retained B/step', 'GCs during steps'],
    results.map((a) => [
      a.workload,
      label(a.engine),
      `${a.trials} × ${a.steps}`,
      a.returnLoss ? 'yes' : 'no',
      significant(a.allocatedBytesPerStep),
      `${significant(a.allocatedBytesPerStepRange[0])} – ${significant(a.allocatedBytesPerStepRange[1])}`,
      a.heapGrowthBytesPerStep === undefined ? '–' : significant(a.heapGrowthBytesPerStep),
      significant(a.retainedBytesPerStep),
      String(a.gcsDuringSteps),
    ]),
  );
  if (sites.length === 0) return table;
  return [
    table,
    '',
    'Allocation sites where a run allocated (V8 sampling heap profiler, second run of the same steps; sampled, so approximate):',
    '',
    markdownTable(['run', 'site', 'sampled B/step'], sites, ['left', 'left', 'right']),
  ].join('\n');
}

export function renderAdapter(rows: readonly AdapterDiagnosis[]): string {
  return [
    '### tfjs adapter diagnosis (child process, interleaved, median ms/step)',
    '',
    markdownTable(
      ['workload', 'backend', 'tfjs engine', 'raw: fused (ReLU too)', 'raw: fused bias, ReLU separate', 'raw: matMul + add', 'engine ÷ raw fused', 'engine ÷ raw fused bias'],
      rows.map((r) => [
        r.workload,
        r.backend,
        significant(r.engineMsPerStep),
        significant(r.rawMsPerStep),
        significant(r.rawFusedLinearMsPerStep),
        significant(r.rawPlainMsPerStep),
        formatRatio(r.engineMsPerStep / r.rawMsPerStep),
        formatRatio(r.engineMsPerStep / r.rawFusedLinearMsPerStep),
      ]),
    ),
  ].join('\n');
}

export function renderProfile(p: ProfileResult): string {
  return [
    `#### Profile: ${label(p.engine)} on ${p.workload} (${p.steps} steps, ${significant(p.totalMs)} ms sampled)`,
    '',
    markdownTable(
      ['function', 'location', 'self ms', 'self %'],
      p.top.map((e) => [e.functionName, e.location, significant(e.selfMs), `${e.percent.toFixed(1)}%`]),
      ['left', 'left', 'right', 'right'],
    ),
  ].join('\n');
}

/** The whole human-readable report. */
export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const parts = [
    `## twinprop benchmark (${report.mode}), ${report.startedAt}`,
    '',
    `${m.cpu}, ${m.cores} cores, ${formatBytes(m.memoryBytes)} memory; ${m.os}/${m.arch}; Node ${m.node.replace(/^v/, '')} (V8 ${m.v8}).`,
    `Each contender: warm-up, then ${report.settings.repetitions} interleaved repetitions (round robin); medians shown, ± is half the min–max range over the median.`,
    ...(report.settings.referenceThreads === undefined ? [] : [`The reference engine shares products of ≥ 2¹⁸ multiply-adds among ${report.settings.referenceThreads} thread(s); tfjs's wasm and cpu backends use one.`]),
    `FLOPs: ${report.flopFormula}.`,
    `Memory: ${report.settings.memoryMethod}.`,
    '',
    '### Engines',
    '',
    renderEngines(report.engines),
    ...report.workloads.flatMap((w) => ['', renderWorkload(w)]),
    '',
    '### Ratios (same run, medians)',
    '',
    renderRatioTable(report.workloads, report.ratios, 'train'),
    '',
    renderRatioTable(report.workloads, report.ratios, 'predict'),
    '',
    ...(report.peak === undefined ? [] : ['', renderPeak(report.peak, m.cores)]),
    ...(report.userPath ?? []).flatMap((u) => ['', renderUserScenario(u)]),
    '',
    '### Targets',
    '',
    renderTargets(report.targets),
  ];
  if (report.data !== undefined) parts.push('', '### Data', '', renderData(report.data));
  if (report.allocation !== undefined && report.allocation.length > 0) {
    parts.push('', '### Reference engine allocation (child process, --expose-gc)', '', renderAllocation(report.allocation));
  }
  if (report.adapter !== undefined && report.adapter.length > 0) parts.push('', renderAdapter(report.adapter));
  for (const p of report.profiles ?? []) parts.push('', renderProfile(p));
  return parts.join('\n') + '\n';
}
