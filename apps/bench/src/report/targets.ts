import { contendersOf, describeContender, rawTfjsId } from '../contenders.js';
import { findRatio } from './ratios.js';
import type { AllocationResult, EngineResult, Ratio, TargetResult, TargetStatus, WorkloadResult } from './types.js';

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
    const tfjs = playground.engines.filter((e) => describeContender(e.engine).kind === 'tfjs');
    const best = tfjs.reduce<EngineResult | undefined>(
      (a, e) => (a === undefined || e.train.samplesPerSecond.median > a.train.samplesPerSecond.median ? e : a),
      undefined,
    );
    out.push(
      target(
        'playground-ref32-vs-best-tfjs',
        '(a) playground: reference float32 trains ≥ 50× faster than the best tfjs backend',
        best === undefined ? undefined : findRatio(ratios, 'playground', 'reference/float32', best.engine),
        '>=',
        50,
        best === undefined ? undefined : `best tfjs backend: ${describeContender(best.engine).label}`,
      ),
    );
  } else {
    out.push(target('playground-ref32-vs-best-tfjs', '(a) playground: reference float32 trains ≥ 50× faster than the best tfjs backend', undefined, '>=', 50));
  }
  for (const w of ['mnist', 'wide'] as const) {
    const title = w === 'mnist' ? '(b) mnist' : '(c) wide';
    out.push(
      target(`${w}-ref32-vs-tfjs-wasm`, `${title}: reference float32 trains at ≥ 1.0× tfjs wasm`, findRatio(ratios, w, 'reference/float32', 'tfjs/wasm'), '>=', 1),
      target(`${w}-ref32-vs-tfjs-cpu`, `${title}: reference float32 trains at ≥ 2× tfjs cpu`, findRatio(ratios, w, 'reference/float32', 'tfjs/cpu'), '>=', 2),
    );
  }
  for (const t of contendersOf('tfjs')) {
    const measured = findRatio(ratios, 'mnist', rawTfjsId(t.backend), t.id);
    // The tensorflow backend is optional: omit its line unless it was measured.
    if (t.backend === 'tensorflow' && measured === undefined) continue;
    out.push(
      target(
        `mnist-tfjs-adapter-${t.backend}`,
        `(b) mnist: tfjs engine training time within 1.10× of raw tfjs (${t.backend})`,
        measured,
        '<=',
        1.1,
        'measured = tfjs engine time ÷ raw tfjs time',
      ),
    );
  }
  // Runs that ask for the loss every step are shown but not judged: returning a float from
  // trainStep boxes it (one 16-byte HeapNumber), which is the caller's request, not the step's.
  const refAllocation = (allocation ?? []).filter((a) => describeContender(a.engine).kind === 'reference' && !a.returnLoss);
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
        : `worst: ${worst.workload} ${describeContender(worst.engine).label}, median of ${worst.trials} × ${worst.steps} steps${gcs > 0 ? `; ${gcs} GC(s) ran during the steps, so this is a lower bound` : ''}`,
    ),
  );
  return out;
}
