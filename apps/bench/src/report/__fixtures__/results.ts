/** Made-up measurements with round numbers, so that every expected ratio can be worked out by hand. */
import type { ContenderId } from '../../contenders.js';
import type { RawMeasurement } from '../../measure.js';
import type { WorkloadId } from '../../workloads.js';
import { engineResult } from '../ratios.js';
import { summarize } from '../../stats.js';
import type { UserContender, UserContenderResult, UserScenarioResult } from '../../user-path.js';
import type { AllocationResult, WorkloadResult } from '../types.js';

/** Three repetitions around `train` samples/s (median `train`), predictions at a constant `predict`. */
export function measurement(engine: ContenderId, train: number, predict = train * 2): RawMeasurement {
  return {
    engine,
    trainSamplesPerSecond: [train * 0.9, train, train * 1.1],
    predictSamplesPerSecond: [predict, predict, predict],
    stepsPerRepetition: 10,
    predictionsPerRepetition: 2,
    lastLoss: 0.5,
  };
}

export function workloadResult(workload: WorkloadId, speeds: Partial<Record<ContenderId, number>>): WorkloadResult {
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
    engines: Object.entries(speeds).map(([e, v]) => engineResult(measurement(e as ContenderId, v), 10, 6000, 200)),
  };
}

export const allocation: AllocationResult[] = [
  {
    workload: 'playground',
    engine: 'reference/float32',
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

export const workloads = [
  workloadResult('playground', { 'reference/float32': 1_000_000, 'tfjs/wasm': 15_000, 'tfjs/cpu': 25_000, 'raw-tfjs/wasm': 16_000 }),
  workloadResult('mnist', { 'reference/float32': 10_000, 'tfjs/wasm': 12_000, 'tfjs/cpu': 2_000, 'raw-tfjs/wasm': 12_600, 'raw-tfjs/cpu': 2_500 }),
  workloadResult('wide', { 'reference/float32': 1_000, 'tfjs/wasm': 400, 'tfjs/cpu': 300 }),
];

/** One user-path contender with `runs` made-up runs (medians: the middle run). */
export function userResult(
  way: UserContender['way'],
  engine: string,
  seconds: readonly number[],
  samplesPerSecond: number,
  testAccuracy: number,
): UserContenderResult {
  const runs = seconds.map((s, r) => ({ seed: r + 1, processSeconds: s, samplesPerSecond, testAccuracy, trainAccuracy: 0.99, testLoss: 0.2 }));
  return {
    contender: { way, engine },
    label: `${way} ${engine}`,
    processSeconds: summarize(seconds),
    samplesPerSecond: summarize(runs.map((r) => r.samplesPerSecond)),
    testAccuracy,
    trainAccuracy: 0.99,
    testLoss: 0.2,
    runs,
  };
}

export function userScenarioResult(scenario: UserScenarioResult['scenario'], contenders: UserScenarioResult['contenders']): UserScenarioResult {
  return { scenario, title: scenario, model: 'm', trainRows: 8000, testRows: 2000, repetitions: 3, contenders };
}
