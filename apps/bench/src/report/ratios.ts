import { CONTENDERS, contendersOf, rawTfjsId, type ContenderId } from '../contenders.js';
import type { RawMeasurement } from '../measure.js';
import { summarize } from '../stats.js';
import type { WorkloadId } from '../workloads.js';
import type { EngineResult, Ratio, WorkloadResult } from './types.js';

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

function throughput(w: WorkloadResult, engine: ContenderId, metric: 'train' | 'predict'): number | undefined {
  return w.engines.find((e) => e.engine === engine)?.[metric].samplesPerSecond.median;
}

/**
 * The pairs the report divides, in report order: each reference dtype against every other
 * contender, then raw tfjs against the tfjs engine on each backend.
 */
export function ratioPairs(): Array<[numerator: ContenderId, denominator: ContenderId]> {
  const references = contendersOf('reference').map((c) => c.id);
  const others = CONTENDERS.filter((c) => c.kind !== 'reference').map((c) => c.id);
  return [
    ...references.flatMap((n) => others.map((d): [ContenderId, ContenderId] => [n, d])),
    ...contendersOf('tfjs').map((t): [ContenderId, ContenderId] => [rawTfjsId(t.backend), t.id]),
  ];
}

/**
 * Every ratio the report shows: each reference dtype against each tfjs contender (train and
 * predict), and raw tfjs against the tfjs engine on the same backend — which, as a ratio of
 * throughputs, is the tfjs engine's time over raw tfjs's time. Pairs with a contender that was
 * not measured are left out.
 */
export function computeRatios(workloads: readonly WorkloadResult[]): Ratio[] {
  const pairs = ratioPairs();
  const out: Ratio[] = [];
  for (const w of workloads) {
    for (const metric of ['train', 'predict'] as const) {
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
  numerator: ContenderId,
  denominator: ContenderId,
  metric: 'train' | 'predict' = 'train',
): number | undefined {
  return ratios.find((r) => r.workload === workload && r.metric === metric && r.numerator === numerator && r.denominator === denominator)?.value;
}
