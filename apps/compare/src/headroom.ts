import { SUITE_DEFINITIONS } from './scenarios.js';
import { runComparison, type ComparisonReport, type RunOptions } from './harness.js';
import type { ComparisonRow } from './pair.js';
import type { Scenario } from './scenario.js';
import { worstFiniteDifference } from './report.js';
import { PRECISIONS, type Precision } from './tolerances.js';

/**
 * Tolerances from data: the same suite run with other weight seeds and other batch orders, and per
 * bound the worst value over all of them, with the headroom bound / worst. A bound measured on one
 * seed and one batch order proves little (an Adam weight bound of 2e-4 was once exceeded by a mere
 * change of batch order), so `compare --variants <n>` runs the first n of these.
 */
export interface SeedVariant {
  /** Added to each scenario's weight seed. */
  readonly weights: number;
  /** Added to each scenario's seed to seed the batch order instead. */
  readonly order: number;
}

export const SEED_VARIANTS: readonly SeedVariant[] = [
  { weights: 0, order: 0 },
  { weights: 1, order: 0 },
  { weights: 0, order: 1 },
  { weights: 2, order: 3 },
  { weights: 4, order: 7 },
];

/** `w+1 o+0`: how a variant is named in the reports. */
export function variantName(v: SeedVariant): string {
  return `w+${v.weights} o+${v.order}`;
}

/** The scenarios with the variant's seeds (variant 0 leaves them as they are). */
export function varyScenarios(scenarios: readonly Scenario[], v: SeedVariant): Scenario[] {
  if (v.weights === 0 && v.order === 0) return [...scenarios];
  return scenarios.map((s) => ({ ...s, seed: s.seed + v.weights, orderSeed: (s.orderSeed ?? s.seed) + v.order }));
}

/** One bound, over every row of one precision in every variant. */
export interface HeadroomRow {
  readonly check: string;
  readonly precision: Precision;
  /** The bound (rtol) the rows were held to. */
  readonly bound: number;
  /** Largest value measured (undefined: no row of that precision has this check). */
  readonly worst: number | undefined;
  /** bound / worst (∞ when worst is 0). */
  readonly headroom: number | undefined;
  /** Scenario, pair and variant of the worst value. */
  readonly where: string;
}

export interface HeadroomReport {
  readonly variants: readonly SeedVariant[];
  /** Comparisons that failed, per variant (variant 0 is the run itself). */
  readonly failedPerVariant: readonly number[];
  readonly rows: readonly HeadroomRow[];
  /** Trajectories (rows and Keras) that a kink crossing cut short, over all variants, and in how many trajectories in all. */
  readonly crossings: { readonly shortened: number; readonly trajectories: number };
}

interface Metric {
  readonly check: string;
  readonly value: (r: ComparisonRow) => number | undefined;
  readonly bound: (r: ComparisonRow) => number | undefined;
}

const METRICS: readonly Metric[] = [
  { check: 'forward', value: (r) => r.forward?.maxRel, bound: (r) => r.tolerances.forward.rtol },
  { check: 'gradient', value: (r) => r.gradients?.maxRel, bound: (r) => r.tolerances.gradient.rtol },
  { check: 'gradient vs finite differences', value: worstFiniteDifference, bound: (r) => r.finiteDifferences[0]?.tolerance.rtol },
  { check: 'trajectory loss drift', value: (r) => r.trajectory?.maxLossDrift, bound: (r) => r.trajectory?.tolerance.loss.rtol },
  { check: 'trajectory weight drift', value: (r) => r.trajectory?.maxWeightDrift, bound: (r) => r.trajectory?.tolerance.weights.rtol },
  { check: 'test outputs after training', value: (r) => (r.accuracy?.outputsChecked === true ? r.accuracy.outputs.maxRel : undefined), bound: (r) => r.accuracy?.tolerance.testOutputs.rtol },
  { check: 'keras loss drift', value: (r) => r.keras?.trajectory.maxLossDrift, bound: (r) => r.keras?.trajectory.tolerance.loss.rtol },
  { check: 'keras weight drift', value: (r) => r.keras?.trajectory.maxWeightDrift, bound: (r) => r.keras?.trajectory.tolerance.weights.rtol },
  { check: 'keras test outputs', value: (r) => (r.keras?.accuracy.outputsChecked === true ? r.keras.accuracy.outputs.maxRel : undefined), bound: (r) => r.keras?.accuracy.tolerance.testOutputs.rtol },
  { check: 'test predictions not identical (fraction)', value: (r) => (r.accuracy === undefined ? undefined : 1 - r.accuracy.agreement), bound: (r) => (r.accuracy === undefined ? undefined : Math.round((1 - r.accuracy.tolerance.agreement) * 1e12) / 1e12) },
];

/** The headroom table of runs of one suite in several variants. */
export function headroomOf(runs: ReadonlyArray<{ readonly variant: SeedVariant; readonly report: ComparisonReport }>): HeadroomReport {
  const rows: HeadroomRow[] = [];
  for (const metric of METRICS) {
    for (const precision of PRECISIONS) {
      let worst: { value: number; bound: number; where: string } | undefined;
      let bound: number | undefined;
      for (const { variant, report } of runs) {
        for (const row of report.scenarios) {
          if (row.precision !== precision) continue;
          const v = metric.value(row);
          const b = metric.bound(row);
          if (v === undefined || b === undefined) continue;
          bound ??= b;
          // Rows of one precision share their rtol; the Adam weight floor changes the floor only.
          if (worst === undefined || v / b > worst.value / worst.bound || Number.isNaN(v)) {
            worst = { value: v, bound: b, where: `${row.name} (${variantName(variant)})` };
          }
        }
      }
      if (bound === undefined) continue;
      rows.push({
        check: metric.check,
        precision,
        bound: worst?.bound ?? bound,
        worst: worst?.value,
        headroom: worst === undefined ? undefined : worst.value === 0 ? Number.POSITIVE_INFINITY : worst.bound / worst.value,
        where: worst?.where ?? '',
      });
    }
  }
  let shortened = 0;
  let trajectories = 0;
  for (const { report } of runs) {
    for (const row of report.scenarios) {
      for (const t of [row.trajectory, row.keras?.trajectory]) {
        if (t === undefined) continue;
        trajectories++;
        if (t.crossing !== undefined) shortened++;
      }
    }
  }
  return { variants: runs.map((r) => r.variant), failedPerVariant: runs.map((r) => r.report.failed), rows, crossings: { shortened, trajectories } };
}

/**
 * Runs the suite in the first `count` variants — the first with the checks of the run (probes and
 * oracles do not depend on the scenarios' seeds), the others with the comparisons only — and
 * returns the first variant's report (the suite as CI runs it) with the headroom over all of them.
 */
export async function runWithVariants(options: RunOptions, count: number): Promise<ComparisonReport> {
  if (!Number.isInteger(count) || count < 1 || count > SEED_VARIANTS.length) throw new RangeError(`variants: 1 … ${SEED_VARIANTS.length} (got ${count})`);
  const progress = options.onProgress ?? ((): void => undefined);
  const first = await runComparison(options);
  const runs = [{ variant: SEED_VARIANTS[0] ?? { weights: 0, order: 0 }, report: first }];
  const base = options.scenarios ?? SUITE_DEFINITIONS[options.suite ?? 'quick'].scenarios;
  for (const variant of SEED_VARIANTS.slice(1, count)) {
    progress(`variant ${variantName(variant)}: the same comparisons with weight seed + ${variant.weights}, batch-order seed + ${variant.order}`);
    const report = await runComparison({ ...options, scenarios: varyScenarios(base, variant), checks: false });
    runs.push({ variant, report });
  }
  return { ...first, headroom: headroomOf(runs) };
}
