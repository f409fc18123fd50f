import { describeSpec, type Matrix } from '@twinprop/core';
import type { ContenderId } from './contenders.js';
import { forwardFlops, trainStepFlops } from './flops.js';
import { measureInterleaved, type MeasureSettings } from './measure.js';
import { engineResult } from './report/ratios.js';
import type { WorkloadResult } from './report/types.js';
import { createRunner, initialWeights, type Runner } from './runners.js';
import { loadWorkloadData, workload, type WorkloadId } from './workloads.js';

/**
 * The kernel path on one workload: every contender set up on the same data and initial weights,
 * then measured interleaved ({@link measureInterleaved}) in this process. Memory is measured
 * elsewhere (run.ts), each contender in a child of its own.
 */
export async function measureWorkload(
  id: WorkloadId,
  contenders: readonly ContenderId[],
  settings: MeasureSettings,
  mnistPredictRows: number,
  log: (line: string) => void,
): Promise<WorkloadResult> {
  const w = workload(id);
  const loaded = loadWorkloadData(w);
  const predictRows = id === 'playground' ? loaded.predict32.rows : Math.min(mnistPredictRows, loaded.predict32.rows);
  const cut = (m: Matrix): Matrix => ({ ...m, rows: predictRows, data: m.data.subarray(0, predictRows * m.cols) });
  const data = { ...loaded, predict32: cut(loaded.predict32), predict64: cut(loaded.predict64) };
  const weights = initialWeights(w);
  const runners: Runner[] = [];
  try {
    for (const engine of contenders) runners.push(await createRunner(engine, w, data, weights));
    const measured = await measureInterleaved(runners, w.batchSize, predictRows, settings, log);
    const trainFlopsPerStep = trainStepFlops(w.spec, w.batchSize);
    const predictFlopsPerSample = forwardFlops(w.spec, 1);
    return {
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
  } finally {
    for (const r of runners) r.dispose();
  }
}
