import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatRatio, markdownTable } from '@twinprop/toolkit';
import type { RawMeasurement } from './measure.js';
import { summarizeHeapProfile, summarizeProfile } from './profile.js';
import {
  computeRatios,
  engineResult,
  evaluateTargets,
  findRatio,
  renderRatioTable,
  renderReport,
  renderTargets,
  REPORT_SCHEMA,
  type AllocationResult,
  type BenchReport,
  type WorkloadResult,
} from './report.js';
import type { EngineId } from './engines.js';
import type { WorkloadId } from './workloads.js';

function measurement(engine: EngineId, train: number, predict = train * 2): RawMeasurement {
  return {
    engine,
    trainSamplesPerSecond: [train * 0.9, train, train * 1.1],
    predictSamplesPerSecond: [predict, predict, predict],
    stepsPerRepetition: 10,
    predictionsPerRepetition: 2,
    lastLoss: 0.5,
  };
}

function workloadResult(workload: WorkloadId, speeds: Partial<Record<EngineId, number>>): WorkloadResult {
  return {
    workload,
    title: `(x) ${workload}`,
    model: 'm',
    data: 'd',
    batchSize: 10,
    trainRows: 500,
    predictRows: 500,
    trainFlopsPerStep: 6000,
    predictFlopsPerSample: 200,
    engines: Object.entries(speeds).map(([e, v]) => engineResult(measurement(e as EngineId, v), 10, 6000, 200)),
  };
}

const allocation: AllocationResult[] = [
  {
    workload: 'playground',
    engine: 'reference-float32',
    steps: 10_000,
    trials: 5,
    returnLoss: false,
    allocatedBytesPerStep: 0.2,
    allocatedBytesPerStepRange: [0.1, 0.4],
    retainedBytesPerStep: 0,
    gcsDuringSteps: 0,
    sites: [],
  },
];

const workloads = [
  workloadResult('playground', { 'reference-float32': 1_000_000, 'tfjs-wasm': 15_000, 'tfjs-cpu': 25_000, 'raw-tfjs-wasm': 16_000 }),
  workloadResult('mnist', { 'reference-float32': 10_000, 'tfjs-wasm': 12_000, 'tfjs-cpu': 2_000, 'raw-tfjs-wasm': 12_600, 'raw-tfjs-cpu': 2_500 }),
  workloadResult('wide', { 'reference-float32': 1_000, 'tfjs-wasm': 800, 'tfjs-cpu': 300 }),
];

describe('engine results', () => {
  it('derive step time and GFLOP/s from the median throughput', () => {
    const r = engineResult(measurement('reference-float32', 1000), 10, 6000, 200);
    expect(r.train.samplesPerSecond.median).toBe(1000);
    expect(r.train.msPerStep).toBeCloseTo(10, 12); // 10 rows at 1000 rows/s
    expect(r.train.gflops).toBeCloseTo((100 * 6000) / 1e9, 15); // 100 steps/s × 6000 FLOP
    expect(r.predict.gflops).toBeCloseTo((2000 * 200) / 1e9, 15);
  });
});

describe('ratios and targets', () => {
  const ratios = computeRatios(workloads);

  it('divide throughputs: reference over tfjs, raw tfjs over the tfjs engine', () => {
    expect(findRatio(ratios, 'playground', 'reference-float32', 'tfjs-cpu')).toBeCloseTo(40, 12);
    expect(findRatio(ratios, 'mnist', 'reference-float32', 'tfjs-wasm')).toBeCloseTo(10 / 12, 12);
    expect(findRatio(ratios, 'mnist', 'raw-tfjs-wasm', 'tfjs-wasm')).toBeCloseTo(1.05, 12);
    expect(findRatio(ratios, 'mnist', 'reference-float32', 'tfjs-wasm', 'predict')).toBeCloseTo(10 / 12, 12);
    expect(findRatio(ratios, 'wide', 'raw-tfjs-cpu', 'tfjs-cpu')).toBeUndefined();
    expect(findRatio(ratios, 'mnist', 'reference-float64', 'tfjs-wasm')).toBeUndefined();
  });

  it('mark each target met, missed or n/a with the measured number', () => {
    const targets = evaluateTargets(workloads, ratios, allocation);
    const byId = new Map(targets.map((t) => [t.id, t]));
    // best tfjs backend on the playground is cpu (25k): 1e6 / 25k = 40 < 50
    expect(byId.get('playground-ref32-vs-best-tfjs')).toMatchObject({ status: 'missed', note: 'best tfjs backend: tfjs cpu' });
    expect(byId.get('playground-ref32-vs-best-tfjs')?.measured).toBeCloseTo(40, 12);
    expect(byId.get('mnist-ref32-vs-tfjs-wasm')?.status).toBe('missed');
    expect(byId.get('mnist-ref32-vs-tfjs-cpu')?.status).toBe('met');
    expect(byId.get('wide-ref32-vs-tfjs-wasm')?.status).toBe('met');
    expect(byId.get('wide-ref32-vs-tfjs-cpu')?.status).toBe('met');
    expect(byId.get('mnist-tfjs-adapter-wasm')).toMatchObject({ status: 'met', comparison: '<=' });
    expect(byId.get('mnist-tfjs-adapter-cpu')?.measured).toBeCloseTo(1.25, 12);
    expect(byId.get('mnist-tfjs-adapter-cpu')?.status).toBe('missed');
    expect(byId.has('mnist-tfjs-adapter-tensorflow')).toBe(false);
    expect(byId.get('reference-allocation')).toMatchObject({ status: 'met', measured: 0.2 });
  });

  it('are n/a when the inputs were not measured', () => {
    const targets = evaluateTargets([], [], undefined);
    expect(targets.every((t) => t.status === 'n/a' && t.measured === null)).toBe(true);
  });
});

describe('formatting', () => {
  it('formats counts, ratios and bytes with 3 significant digits', () => {
    expect(formatCount(1234)).toBe('1.23k');
    expect(formatCount(56_700_000)).toBe('56.7M');
    expect(formatCount(812)).toBe('812');
    expect(formatRatio(52.34)).toBe('52.3×');
    expect(formatRatio(1.0749)).toBe('1.07×');
    expect(formatRatio(0.41234)).toBe('0.412×');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(245 * 1024 * 1024)).toBe('245 MiB');
  });

  it('pads Markdown tables and refuses ragged rows', () => {
    expect(markdownTable(['a', 'bb'], [['xyz', '1']])).toBe(['| a   |  bb |', '|:----|----:|', '| xyz |   1 |'].join('\n'));
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow(RangeError);
  });

  it('renders the ratio table with one column per workload', () => {
    const table = renderRatioTable(workloads, computeRatios(workloads), 'train');
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/training throughput ratio.*\(x\) playground.*\(x\) mnist.*\(x\) wide/);
    const wasm = lines.find((l) => l.startsWith('| ref f32 ÷ tfjs wasm '));
    expect(wasm?.split('|').map((c) => c.trim())).toEqual(['', 'ref f32 ÷ tfjs wasm', '66.7×', '0.833×', '1.25×', '']);
    expect(lines.find((l) => l.startsWith('| tfjs wasm time ÷ raw tfjs wasm time'))).toContain('1.05×');
    expect(lines.find((l) => l.startsWith('| ref f32 ÷ raw tfjs cpu'))).toMatch(/\| +– +\| +4\.00× +\| +– +\|$/);
  });

  it('renders target statuses', () => {
    const text = renderTargets(evaluateTargets(workloads, computeRatios(workloads), allocation));
    expect(text).toContain('**missed**');
    expect(text).toMatch(/0\.200 B\/step \| +≤ 1 B\/step \| met/);
  });
});

describe('JSON report', () => {
  it('keeps every number in a stable shape', () => {
    const ratios = computeRatios(workloads);
    const report: BenchReport = {
      schema: REPORT_SCHEMA,
      mode: 'quick',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationSeconds: 1,
      machine: { cpu: 'cpu', cores: 2, memoryBytes: 1, platform: 'linux', arch: 'x64', node: '20', v8: '11' },
      versions: { node: '20' },
      flopFormula: 'f',
      settings: { repetitions: 3, warmupMs: 1, trainRepMs: 1, predictRepMs: 1, memoryMethod: 'm' },
      engines: [{ engine: 'tfjs-tensorflow', available: false, reason: 'no tfjs-node' }],
      workloads,
      ratios,
      targets: evaluateTargets(workloads, ratios, allocation),
      allocation,
    };
    const parsed = JSON.parse(JSON.stringify(report)) as Record<string, unknown> & typeof report;
    expect(Object.keys(parsed)).toEqual([
      'schema',
      'mode',
      'startedAt',
      'durationSeconds',
      'machine',
      'versions',
      'flopFormula',
      'settings',
      'engines',
      'workloads',
      'ratios',
      'targets',
      'allocation',
    ]);
    expect(parsed.schema).toBe('twinprop-bench/1');
    const engine = parsed.workloads[0]!.engines[0]!;
    expect(Object.keys(engine)).toEqual(['engine', 'train', 'predict']);
    expect(Object.keys(engine.train)).toEqual(['samplesPerSecond', 'msPerStep', 'gflops', 'stepsPerRepetition', 'lastLoss']);
    expect(Object.keys(engine.train.samplesPerSecond)).toEqual(['median', 'min', 'max', 'spread', 'values']);
    expect(parsed.ratios[0]).toEqual({ workload: 'playground', metric: 'train', numerator: 'reference-float32', denominator: 'tfjs-wasm', value: expect.any(Number) as number });
    expect(parsed.targets.map((t) => Object.keys(t).slice(0, 6))).toContainEqual(['id', 'description', 'measured', 'comparison', 'threshold', 'status']);
    expect(renderReport(report)).toContain('### Targets');
  });
});

describe('profiles', () => {
  it('charges each sample its time delta and splits functions by caller', () => {
    const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: 'file:///x/dist/matrix.js', lineNumber });
    const cpu = summarizeProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('forward'), children: [4] },
        { id: 3, callFrame: frame('backward'), children: [5] },
        { id: 4, callFrame: frame('gemm', 38) },
        { id: 5, callFrame: frame('gemm', 38) },
      ],
      samples: [4, 5, 5, 2],
      timeDeltas: [1000, 1000, 2000, 1000],
    });
    expect(cpu.totalMs).toBe(5);
    expect(cpu.entries[0]).toEqual({ functionName: 'gemm ← backward', location: 'matrix.js:39', selfMs: 3, percent: 60 });
    expect(cpu.entries.map((e) => e.functionName)).toEqual(['gemm ← backward', 'gemm ← forward', 'forward']);
    const heap = summarizeHeapProfile(
      {
        head: {
          callFrame: frame('(root)'),
          selfSize: 0,
          children: [{ callFrame: frame('trainStep', 9), selfSize: 3200, children: [{ callFrame: frame('some'), selfSize: 800, children: [] }] }],
        },
      },
      100,
    );
    expect(heap).toEqual([
      { site: 'trainStep (matrix.js:10)', bytesPerStep: 32 },
      { site: 'some ← trainStep (matrix.js:1)', bytesPerStep: 8 },
    ]);
  });
});
