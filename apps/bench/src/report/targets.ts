import { contendersOf, describeContender, rawTfjsId } from '../contenders.js';
import { findUser, type UserScenarioResult } from '../user-path.js';
import { median } from '../stats.js';
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

/** (a) playground: the reference engine's training throughput over the best tfjs backend's, in the hot loop and on the user path. */
export const PLAYGROUND_RATIO = 100;
/** (c) wide: reference float32 over tfjs wasm in the hot loop. */
export const WIDE_RATIO_WASM = 2.5;
/** The user path on MNIST: `twinprop train` (reference) over tfjs-layers `fit` on wasm, whole process. */
export const USER_MNIST_RATIO = 2;
/** …at the same test accuracy: within this many percentage points. */
export const USER_ACCURACY_POINTS = 0.5;
/** `twinprop train`'s samples/s against the hot loop's for the same model: at least this fraction. */
export const CLI_VS_HOT_LOOP = 0.9;

/** The issue's targets, evaluated on one run's numbers. A target whose inputs were not measured is `n/a`. */
export function evaluateTargets(
  workloads: readonly WorkloadResult[],
  ratios: readonly Ratio[],
  allocation: readonly AllocationResult[] | undefined,
  userPath: readonly UserScenarioResult[] = [],
): TargetResult[] {
  const out: TargetResult[] = [];
  const playground = workloads.find((w) => w.workload === 'playground');
  if (playground !== undefined) {
    // Judged where reference float32 ran without a float64 model in its process (as users run it), when that was measured.
    const engines = playground.alone?.engines ?? playground.engines;
    const tfjs = engines.filter((e) => describeContender(e.engine).kind === 'tfjs');
    const best = tfjs.reduce<EngineResult | undefined>(
      (a, e) => (a === undefined || e.train.samplesPerSecond.median > a.train.samplesPerSecond.median ? e : a),
      undefined,
    );
    const reference = engines.find((e) => e.engine === 'reference/float32');
    const value = best === undefined || reference === undefined ? undefined : reference.train.samplesPerSecond.median / best.train.samplesPerSecond.median;
    const sharedRatio = best === undefined ? undefined : findRatio(ratios, 'playground', 'reference/float32', best.engine);
    const where =
      playground.alone === undefined
        ? ''
        : `; measured without a float64 model in the process${sharedRatio === undefined ? '' : ` (beside one: ${sharedRatio.toFixed(1)}×)`}`;
    out.push(
      target(
        'playground-ref32-vs-best-tfjs',
        `(a) playground: reference float32 trains ≥ ${PLAYGROUND_RATIO}× faster than the best tfjs backend`,
        value,
        '>=',
        PLAYGROUND_RATIO,
        best === undefined ? undefined : `best tfjs backend: ${describeContender(best.engine).label}${where}`,
      ),
    );
  } else {
    out.push(
      target('playground-ref32-vs-best-tfjs', `(a) playground: reference float32 trains ≥ ${PLAYGROUND_RATIO}× faster than the best tfjs backend`, undefined, '>=', PLAYGROUND_RATIO),
    );
  }
  for (const w of ['mnist', 'wide'] as const) {
    const title = w === 'mnist' ? '(b) mnist' : '(c) wide';
    const wasm = w === 'wide' ? WIDE_RATIO_WASM : 1;
    out.push(
      target(`${w}-ref32-vs-tfjs-wasm`, `${title}: reference float32 trains at ≥ ${wasm.toFixed(1)}× tfjs wasm`, findRatio(ratios, w, 'reference/float32', 'tfjs/wasm'), '>=', wasm),
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
  out.push(...userPathTargets(workloads, userPath));
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

/** The user path's targets: whole-process ratios against tfjs-layers, accuracy beside them, and the CLI against the hot loop. */
function userPathTargets(workloads: readonly WorkloadResult[], userPath: readonly UserScenarioResult[]): TargetResult[] {
  const mnist = userPath.find((u) => u.scenario === 'mnist');
  const layersWasm = findUser(mnist, 'layers', 'wasm');
  const cliReference = findUser(mnist, 'cli', 'reference/float32');
  const cliTfjs = findUser(mnist, 'cli', 'tfjs/wasm');
  const timeRatio = (a: { processSeconds: { median: number } } | undefined): number | undefined =>
    a === undefined || layersWasm === undefined ? undefined : layersWasm.processSeconds.median / a.processSeconds.median;
  const points = cliReference === undefined || layersWasm === undefined ? undefined : (cliReference.testAccuracy - layersWasm.testAccuracy) * 100;
  const sameAccuracy = points !== undefined && Math.abs(points) <= USER_ACCURACY_POINTS;
  const referenceTarget = target(
    'user-mnist-cli-ref32-vs-layers-wasm',
    `user path, MNIST adam: twinprop train (reference float32) ≥ ${USER_MNIST_RATIO}× tfjs-layers fit (wasm), whole process, test accuracy within ${USER_ACCURACY_POINTS} points`,
    timeRatio(cliReference),
    '>=',
    USER_MNIST_RATIO,
    points === undefined ? undefined : `test accuracy ${fmtPoints(cliReference!.testAccuracy)} vs ${fmtPoints(layersWasm!.testAccuracy)} (${points >= 0 ? '+' : ''}${points.toFixed(2)} points)`,
  );
  // The hot loop in a process of its own, interleaved with the CLI's runs (the in-process loop of (b) ran at another time of the run).
  const sgd = userPath.find((u) => u.scenario === 'mnist-sgd');
  const cliSgd = findUser(sgd, 'cli', 'reference/float32');
  const hotLoopResult = findUser(sgd, 'loop', 'reference/float32');
  const hotLoop = hotLoopResult?.samplesPerSecond.median;
  // Counted from its first step, as the CLI counts its own: the JIT's warm-up in both.
  const fromFirstStep = hotLoopResult?.runs.map((r) => r.samplesPerSecondFromFirstStep).filter((v) => v !== undefined) ?? [];
  const hotLoopFromFirstStep = fromFirstStep.length > 0 ? median(fromFirstStep) : undefined;
  const inProcess = workloads.find((w) => w.workload === 'mnist')?.engines.find((e) => e.engine === 'reference/float32')?.train.samplesPerSecond.median;
  const playground = userPath.find((u) => u.scenario === 'playground');
  const playgroundReference = findUser(playground, 'cli', 'reference/float32');
  const playgroundTfjs = (playground?.contenders ?? [])
    .filter((c) => c.contender.way === 'cli' && c.contender.engine.startsWith('tfjs/'))
    .map((c) => findUser(playground, 'cli', c.contender.engine))
    .filter((c) => c !== undefined)
    .reduce<ReturnType<typeof findUser>>((a, c) => (a === undefined || c.samplesPerSecond.median > a.samplesPerSecond.median ? c : a), undefined);
  return [
    // A faster run at a lower accuracy is not faster: the ratio counts only at the same accuracy.
    points !== undefined && !sameAccuracy && referenceTarget.status === 'met' ? { ...referenceTarget, status: 'missed' } : referenceTarget,
    target(
      'user-mnist-cli-tfjs-wasm-vs-layers-wasm',
      'user path, MNIST adam: twinprop train --engine tfjs --backend wasm ≥ 1.0× tfjs-layers fit (wasm), whole process',
      timeRatio(cliTfjs),
      '>=',
      1,
      cliTfjs === undefined || layersWasm === undefined
        ? undefined
        : `training samples/s ${(cliTfjs.samplesPerSecond.median / layersWasm.samplesPerSecond.median).toFixed(2)}×; test accuracy ${fmtPoints(cliTfjs.testAccuracy)} vs ${fmtPoints(layersWasm.testAccuracy)}`,
    ),
    target(
      'user-mnist-cli-vs-hot-loop',
      `twinprop train's samples/s (MNIST, sgd, reference float32) ≥ ${CLI_VS_HOT_LOOP}× the hot loop's for the same model`,
      cliSgd === undefined || hotLoop === undefined ? undefined : cliSgd.samplesPerSecond.median / hotLoop,
      '>=',
      CLI_VS_HOT_LOOP,
      cliSgd === undefined
        ? undefined
        : [
            `hot loop in its own process, interleaved with the CLI, after 50 warm-up steps`,
            hotLoopFromFirstStep === undefined ? undefined : `counted from its first step as the CLI counts: ${(cliSgd.samplesPerSecond.median / hotLoopFromFirstStep).toFixed(2)}×`,
            hotLoopResult === undefined ? undefined : `whole process ${(hotLoopResult.processSeconds.median / cliSgd.processSeconds.median).toFixed(2)}×`,
            inProcess === undefined ? undefined : `against (b)'s in-process loop: ${(cliSgd.samplesPerSecond.median / inProcess).toFixed(2)}×`,
          ]
            .filter((part) => part !== undefined)
            .join('; '),
    ),
    target(
      'user-playground-cli-ref32-vs-best-tfjs',
      `user path, Playground spiral: twinprop train's samples/s, reference float32 ≥ ${PLAYGROUND_RATIO}× the best tfjs backend's`,
      playgroundReference === undefined || playgroundTfjs === undefined ? undefined : playgroundReference.samplesPerSecond.median / playgroundTfjs.samplesPerSecond.median,
      '>=',
      PLAYGROUND_RATIO,
      playgroundTfjs === undefined ? undefined : `best tfjs backend: ${playgroundTfjs.contender.engine}`,
    ),
  ];
}

function fmtPoints(accuracy: number): string {
  return `${(accuracy * 100).toFixed(2)}%`;
}
