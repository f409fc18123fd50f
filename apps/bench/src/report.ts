import { describeEngine, rawCounterpart, type EngineAvailability, type EngineId } from './engines.js';
import { formatBytes, formatCount, formatRatio, formatSpread, markdownTable, significant } from '@twinprop/toolkit';
import type { MeasureSettings, RawMeasurement } from './measure.js';
import { summarize, type Summary } from './stats.js';
import type { WorkloadId } from './workloads.js';

export const REPORT_SCHEMA = 'twinprop-bench/1';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  readonly v8: string;
}

/** Peaks of one contender on one workload, measured alone in a child process. */
export interface MemoryMeasurement {
  /** RSS after the data is loaded and a full GC, before the model exists. */
  readonly baselineRssBytes: number;
  /** Highest `process.memoryUsage()` values sampled after every train step and prediction. */
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  /** `external` (ArrayBuffers and WebAssembly memory live here or in RSS only). */
  readonly peakExternalBytes: number;
  /** The kernel's RSS high-water mark of the whole child (data loading included). */
  readonly maxRssBytes: number;
  readonly samples: number;
}

export interface EngineResult {
  readonly engine: EngineId;
  readonly train: {
    readonly samplesPerSecond: Summary;
    /** Median step time. */
    readonly msPerStep: number;
    /** At the median throughput, by the FLOP formula. */
    readonly gflops: number;
    readonly stepsPerRepetition: number;
    readonly lastLoss: number;
  };
  readonly predict: {
    readonly samplesPerSecond: Summary;
    readonly gflops: number;
    readonly predictionsPerRepetition: number;
  };
  memory?: MemoryMeasurement | { readonly error: string };
}

export interface WorkloadResult {
  readonly workload: WorkloadId;
  readonly title: string;
  readonly model: string;
  readonly data: string;
  readonly batchSize: number;
  readonly trainRows: number;
  readonly predictRows: number;
  readonly trainFlopsPerStep: number;
  readonly predictFlopsPerSample: number;
  readonly engines: EngineResult[];
}

export interface DataLoadResult {
  readonly dataset: 'mnist' | 'iris';
  readonly rows: number;
  /** In a fresh process, importing the package included. */
  readonly firstLoadMs: Summary;
  /** A second load in the same process. */
  readonly repeatLoadMs: Summary;
  readonly maxRssBytes: number;
}

export interface CsvResult {
  readonly rows: number;
  readonly columns: number;
  readonly bytes: number;
  readonly writeMs: number;
  readonly parseMs: Summary;
  readonly rowsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly baselineRssBytes: number;
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  readonly maxRssBytes: number;
}

export interface AllocationResult {
  readonly workload: WorkloadId;
  readonly engine: EngineId;
  /** Steps per trial. */
  readonly steps: number;
  readonly trials: number;
  /** Whether every step returned its loss (else only the last of each trial). */
  readonly returnLoss: boolean;
  /** Median over trials of (heapUsed after the steps − before, full GC before, none between) ÷ steps. */
  readonly allocatedBytesPerStep: number;
  /** Lowest and highest trial. */
  readonly allocatedBytesPerStepRange: readonly [number, number];
  /** Heap growth over all trials after a final full GC ÷ all steps: what the steps kept alive. */
  readonly retainedBytesPerStep: number;
  /** Garbage collections seen during the steps (0 means the allocated figure is exact). */
  readonly gcsDuringSteps: number;
  /** When it allocates: the largest allocation sites (sampled in a second run). */
  readonly sites: readonly AllocationSite[];
}

export interface AllocationSite {
  /** `function ← caller (file:line)`. */
  readonly site: string;
  readonly bytesPerStep: number;
}

export interface ProfileEntry {
  readonly functionName: string;
  readonly location: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileResult {
  readonly workload: WorkloadId;
  readonly engine: EngineId;
  readonly steps: number;
  readonly totalMs: number;
  readonly top: ProfileEntry[];
}

/**
 * Where the tfjs adapter's time goes: the tfjs engine and three ways of writing the layers in raw
 * tfjs (see raw-tfjs.ts `layerOps`), interleaved in one child process.
 */
export interface AdapterDiagnosis {
  readonly workload: WorkloadId;
  readonly backend: 'wasm' | 'cpu';
  readonly engineMsPerStep: number;
  /** `fused`: the raw tfjs contender of the main table. */
  readonly rawMsPerStep: number;
  /** `fused-linear`: bias fused, activations separate — the engine's way. */
  readonly rawFusedLinearMsPerStep: number;
  /** `plain`: matMul + add + activation. */
  readonly rawPlainMsPerStep: number;
}

/** `numerator` throughput ÷ `denominator` throughput, both from the same interleaved run. */
export interface Ratio {
  readonly workload: WorkloadId;
  readonly metric: 'train' | 'predict';
  readonly numerator: EngineId;
  readonly denominator: EngineId;
  readonly value: number;
}

export type TargetStatus = 'met' | 'missed' | 'n/a';

export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly measured: number | null;
  readonly comparison: '>=' | '<=';
  readonly threshold: number;
  readonly status: TargetStatus;
  readonly note?: string;
}

export interface BenchReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly mode: 'full' | 'quick';
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly versions: Readonly<Record<string, string>>;
  readonly flopFormula: string;
  readonly settings: MeasureSettings & { readonly memoryMethod: string };
  readonly engines: readonly EngineAvailability[];
  readonly workloads: readonly WorkloadResult[];
  readonly ratios: readonly Ratio[];
  readonly targets: readonly TargetResult[];
  readonly data?: { readonly loads: readonly DataLoadResult[]; readonly csv?: CsvResult | { readonly error: string } };
  readonly allocation?: readonly AllocationResult[];
  readonly profiles?: readonly ProfileResult[];
  readonly adapter?: readonly AdapterDiagnosis[];
}

/** Medians, step time and GFLOP/s from one contender's repetitions. */
export function engineResult(m: RawMeasurement, batchSize: number, trainFlopsPerStep: number, predictFlopsPerSample: number): EngineResult {
  const train = summarize(m.trainSamplesPerSecond);
  const predict = summarize(m.predictSamplesPerSecond);
  return {
    engine: m.engine,
    train: {
      samplesPerSecond: train,
      msPerStep: (batchSize / train.median) * 1000,
      gflops: ((train.median / batchSize) * trainFlopsPerStep) / 1e9,
      stepsPerRepetition: m.stepsPerRepetition,
      lastLoss: m.lastLoss,
    },
    predict: {
      samplesPerSecond: predict,
      gflops: (predict.median * predictFlopsPerSample) / 1e9,
      predictionsPerRepetition: m.predictionsPerRepetition,
    },
  };
}

function throughput(w: WorkloadResult, engine: EngineId, metric: 'train' | 'predict'): number | undefined {
  return w.engines.find((e) => e.engine === engine)?.[metric].samplesPerSecond.median;
}

const REFERENCES: readonly EngineId[] = ['reference-float32', 'reference-float64'];
const OTHERS: readonly EngineId[] = ['tfjs-tensorflow', 'tfjs-wasm', 'tfjs-cpu', 'raw-tfjs-tensorflow', 'raw-tfjs-wasm', 'raw-tfjs-cpu'];
const TFJS_ENGINES: readonly EngineId[] = ['tfjs-tensorflow', 'tfjs-wasm', 'tfjs-cpu'];

/**
 * Every ratio the report shows: each reference dtype against each tfjs contender (train and
 * predict), and raw tfjs against the tfjs engine on the same backend — which, as a ratio of
 * throughputs, is the tfjs engine's time over raw tfjs's time.
 */
export function computeRatios(workloads: readonly WorkloadResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const w of workloads) {
    for (const metric of ['train', 'predict'] as const) {
      const pairs: Array<[EngineId, EngineId]> = [
        ...REFERENCES.flatMap((n) => OTHERS.map((d): [EngineId, EngineId] => [n, d])),
        ...TFJS_ENGINES.map((t): [EngineId, EngineId] => [rawCounterpart(t)!, t]),
      ];
      for (const [numerator, denominator] of pairs) {
        const a = throughput(w, numerator, metric);
        const b = throughput(w, denominator, metric);
        if (a !== undefined && b !== undefined && b > 0) out.push({ workload: w.workload, metric, numerator, denominator, value: a / b });
      }
    }
  }
  return out;
}

export function findRatio(
  ratios: readonly Ratio[],
  workload: WorkloadId,
  numerator: EngineId,
  denominator: EngineId,
  metric: 'train' | 'predict' = 'train',
): number | undefined {
  return ratios.find((r) => r.workload === workload && r.metric === metric && r.numerator === numerator && r.denominator === denominator)?.value;
}

/** Allocation per step at or below this counts as "allocates nothing" (heap accounting noise). */
export const ALLOCATION_TOLERANCE_BYTES_PER_STEP = 1;

function target(
  id: string,
  description: string,
  measured: number | undefined,
  comparison: '>=' | '<=',
  threshold: number,
  note?: string,
): TargetResult {
  const status: TargetStatus =
    measured === undefined ? 'n/a' : (comparison === '>=' ? measured >= threshold : measured <= threshold) ? 'met' : 'missed';
  return { id, description, measured: measured ?? null, comparison, threshold, status, ...(note === undefined ? {} : { note }) };
}

/** The issue's targets, evaluated on one run's numbers. A target whose inputs were not measured is `n/a`. */
export function evaluateTargets(
  workloads: readonly WorkloadResult[],
  ratios: readonly Ratio[],
  allocation: readonly AllocationResult[] | undefined,
): TargetResult[] {
  const out: TargetResult[] = [];
  const playground = workloads.find((w) => w.workload === 'playground');
  if (playground !== undefined) {
    const tfjs = playground.engines.filter((e) => TFJS_ENGINES.includes(e.engine));
    const best = tfjs.reduce<EngineResult | undefined>(
      (a, e) => (a === undefined || e.train.samplesPerSecond.median > a.train.samplesPerSecond.median ? e : a),
      undefined,
    );
    out.push(
      target(
        'playground-ref32-vs-best-tfjs',
        '(a) playground: reference float32 trains ≥ 50× faster than the best tfjs backend',
        best === undefined ? undefined : findRatio(ratios, 'playground', 'reference-float32', best.engine),
        '>=',
        50,
        best === undefined ? undefined : `best tfjs backend: ${describeEngine(best.engine).label}`,
      ),
    );
  } else {
    out.push(target('playground-ref32-vs-best-tfjs', '(a) playground: reference float32 trains ≥ 50× faster than the best tfjs backend', undefined, '>=', 50));
  }
  for (const w of ['mnist', 'wide'] as const) {
    const title = w === 'mnist' ? '(b) mnist' : '(c) wide';
    out.push(
      target(`${w}-ref32-vs-tfjs-wasm`, `${title}: reference float32 trains at ≥ 1.0× tfjs wasm`, findRatio(ratios, w, 'reference-float32', 'tfjs-wasm'), '>=', 1),
      target(`${w}-ref32-vs-tfjs-cpu`, `${title}: reference float32 trains at ≥ 2× tfjs cpu`, findRatio(ratios, w, 'reference-float32', 'tfjs-cpu'), '>=', 2),
    );
  }
  for (const t of TFJS_ENGINES) {
    const raw = rawCounterpart(t)!;
    const label = describeEngine(t).backend;
    const measured = findRatio(ratios, 'mnist', raw, t);
    // The tensorflow backend is optional: omit its line unless it was measured.
    if (t === 'tfjs-tensorflow' && measured === undefined) continue;
    out.push(
      target(
        `mnist-tfjs-adapter-${label}`,
        `(b) mnist: tfjs engine training time within 1.10× of raw tfjs (${label})`,
        measured,
        '<=',
        1.1,
        'measured = tfjs engine time ÷ raw tfjs time',
      ),
    );
  }
  // Runs that ask for the loss every step are shown but not judged: returning a float from
  // trainStep boxes it (one 16-byte HeapNumber), which is the caller's request, not the step's.
  const refAllocation = (allocation ?? []).filter((a) => describeEngine(a.engine).kind === 'reference' && !a.returnLoss);
  const worst = refAllocation.reduce<AllocationResult | undefined>(
    (a, r) => (a === undefined || r.allocatedBytesPerStep > a.allocatedBytesPerStep ? r : a),
    undefined,
  );
  const gcs = refAllocation.reduce((n, r) => n + r.gcsDuringSteps, 0);
  out.push(
    target(
      'reference-allocation',
      `reference train step allocates nothing after warm-up (heap growth ≤ ${ALLOCATION_TOLERANCE_BYTES_PER_STEP} B/step)`,
      worst?.allocatedBytesPerStep,
      '<=',
      ALLOCATION_TOLERANCE_BYTES_PER_STEP,
      worst === undefined
        ? undefined
        : `worst: ${worst.workload} ${describeEngine(worst.engine).label}, median of ${worst.trials} × ${worst.steps} steps${gcs > 0 ? `; ${gcs} GC(s) ran during the steps, so this is a lower bound` : ''}`,
    ),
  );
  return out;
}

// ── rendering ────────────────────────────────────────────────────────────────────────────────

function label(id: EngineId): string {
  return describeEngine(id).label;
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
  ].join('\n');
}

/** Ratio rows (numerator ÷ denominator) by workload columns, for one metric. */
export function renderRatioTable(workloads: readonly WorkloadResult[], ratios: readonly Ratio[], metric: 'train' | 'predict'): string {
  const pairs: Array<[EngineId, EngineId]> = [];
  for (const r of ratios) {
    if (r.metric === metric && !pairs.some(([n, d]) => n === r.numerator && d === r.denominator)) pairs.push([r.numerator, r.denominator]);
  }
  const rows = pairs.map(([n, d]) => {
    const isAdapter = describeEngine(n).kind === 'raw-tfjs';
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

export function renderEngines(engines: readonly EngineAvailability[]): string {
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
    ['workload', 'engine', 'steps', 'loss every step', 'allocated B/step (median)', 'trial range', 'retained B/step', 'GCs during steps'],
    results.map((a) => [
      a.workload,
      label(a.engine),
      `${a.trials} × ${a.steps}`,
      a.returnLoss ? 'yes' : 'no',
      significant(a.allocatedBytesPerStep),
      `${significant(a.allocatedBytesPerStepRange[0])} – ${significant(a.allocatedBytesPerStepRange[1])}`,
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
    `${m.cpu}, ${m.cores} cores, ${formatBytes(m.memoryBytes)} memory; ${m.platform}/${m.arch}; Node ${m.node} (V8 ${m.v8}).`,
    `Each contender: warm-up, then ${report.settings.repetitions} interleaved repetitions (round robin); medians shown, ± is half the min–max range over the median.`,
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
