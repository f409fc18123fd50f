import { reasonHeadline, type RelTolerance } from '@twinprop/core';
import { formatBound, formatPercent, formatScientific, formatSeconds, renderTable, type Align } from '@twinprop/toolkit';
import type { RunCheck } from './checks.js';
import type { ComparisonReport } from './harness.js';
import { headroomOf, SEED_VARIANTS, variantName } from './headroom.js';
import type { ComparisonRow } from './pair.js';
import type { EnginePair } from './plan.js';
import type { TrajectoryComparison } from './trajectory.js';
import { hasFloat64, PRECISIONS, type Precision } from './tolerances.js';

/** What every report format shows: tolerances, worst values, per-row cells; and the terminal and JSON formats. */

const sci = formatScientific;
const pct = formatPercent;

function tol(t: RelTolerance): string {
  return `${formatBound(t.rtol)} (floor ${formatBound(t.floor)})`;
}

/** The precisions of the pairs this run compared, in tolerances.ts order: the columns of the tolerance tables. */
export function precisionsOf(report: ComparisonReport): Precision[] {
  return PRECISIONS.filter((p) => report.pairs.some((pair) => pair.precision === p));
}

/** The tolerance table, one column per precision — straight from the report's `tolerances`. */
export function toleranceRows(report: ComparisonReport, precisions: readonly Precision[]): string[][] {
  const c = report.tolerances.comparison;
  const fd = report.tolerances.finiteDifferences;
  const k = report.tolerances.keras;
  const each = (f: (p: Precision) => string): string[] => precisions.map(f);
  const same = (text: string): string[] => precisions.map(() => text);
  return [
    ['forward: outputs and loss of the first batch', ...each((p) => tol(c[p].forward))],
    ['gradient: ∂L/∂θ of the first batch, every entry', ...each((p) => tol(c[p].gradient))],
    [
      `finite differences (each float64 engine, h = ${formatBound(fd.step)}, ≤ ${fd.maxParameters} entries)`,
      ...each((p) => (hasFloat64(p) ? tol(fd.tolerance) : '— (no float64 engine)')),
    ],
    ['trajectory: loss at each of the first K steps', ...each((p) => tol(c[p].trajectoryLoss))],
    ['trajectory: every weight after K steps', ...each((p) => tol(c[p].trajectoryWeights))],
    ['accuracy: |Δ test accuracy|', ...each((p) => `≤ ${c[p].accuracyPoints} pp`)],
    ['accuracy: identical test predictions', ...each((p) => `≥ ${pct(c[p].agreement)}`)],
    ['accuracy: test-set outputs after training', ...each((p) => tol(c[p].testOutputs))],
    ['keras vs baseline: loss at each of the first K steps', ...same(tol(k.trajectoryLoss))],
    ['keras vs baseline: every weight after K steps', ...same(tol(k.trajectoryWeights))],
    ['keras vs baseline: accuracy', ...same(`≤ ${k.accuracyPoints} pp, ≥ ${pct(k.agreement)} identical`)],
  ];
}

/** The worst finite-difference error of a row (undefined when it has no float64 engine). */
export function worstFiniteDifference(row: ComparisonRow): number | undefined {
  if (row.finiteDifferences.length === 0) return undefined;
  return row.finiteDifferences.reduce((m, fd) => (fd.maxRel > m || Number.isNaN(fd.maxRel) ? fd.maxRel : m), 0);
}

interface Worst {
  readonly value: number | undefined;
  readonly where: string;
}

/** The largest (or, for agreement, smallest) value of a metric over the rows of one precision. */
function worst(rows: readonly ComparisonRow[], precision: Precision, metric: (r: ComparisonRow) => number | undefined, smallest: boolean): Worst {
  let best: Worst = { value: undefined, where: '' };
  for (const row of rows) {
    if (row.precision !== precision) continue;
    const v = metric(row);
    if (v === undefined) continue;
    const better = best.value === undefined || (smallest ? v < best.value : v > best.value || Number.isNaN(v));
    if (better) best = { value: v, where: `${row.scenario} / ${row.baseline.id} vs ${row.engine.id}` };
  }
  return best;
}

/** One row per check, one column per precision: the worst value with its bound beside it. */
export function worstRows(report: ComparisonReport, precisions: readonly Precision[], withWhere: boolean): string[][] {
  const c = report.tolerances.comparison;
  const k = report.tolerances.keras;
  const rows = report.scenarios;
  const points = (x: number | undefined): string => (x === undefined ? '—' : `${x.toFixed(1)} pp`);
  const line = (
    label: string,
    metric: (r: ComparisonRow) => number | undefined,
    limit: (p: Precision) => string,
    format: (x: number | undefined) => string = sci,
    smallest = false,
    bound?: (p: Precision) => number,
  ): string[] => [
    label,
    ...precisions.map((p) => {
      const w = worst(rows, p, metric, smallest);
      const room = bound === undefined || w.value === undefined ? '' : `, headroom ${headroom(bound(p), w.value)}`;
      return w.value === undefined ? '—' : `${format(w.value)} (bound ${limit(p)}${room})${withWhere ? ` — ${w.where}` : ''}`;
    }),
  ];
  return [
    line('forward', (r) => r.forward?.maxRel, (p) => formatBound(c[p].forward.rtol), sci, false, (p) => c[p].forward.rtol),
    line('gradient', (r) => r.gradients?.maxRel, (p) => formatBound(c[p].gradient.rtol), sci, false, (p) => c[p].gradient.rtol),
    line(
      'gradient vs finite differences',
      worstFiniteDifference,
      () => formatBound(report.tolerances.finiteDifferences.tolerance.rtol),
      sci,
      false,
      () => report.tolerances.finiteDifferences.tolerance.rtol,
    ),
    line('trajectory loss drift', (r) => r.trajectory?.maxLossDrift, (p) => formatBound(c[p].trajectoryLoss.rtol), sci, false, (p) => c[p].trajectoryLoss.rtol),
    line('trajectory weight drift', (r) => r.trajectory?.maxWeightDrift, (p) => formatBound(c[p].trajectoryWeights.rtol), sci, false, (p) => c[p].trajectoryWeights.rtol),
    line('test outputs after training', (r) => (r.accuracy?.outputsChecked === true ? r.accuracy.outputs.maxRel : undefined), (p) => formatBound(c[p].testOutputs.rtol), sci, false, (p) => c[p].testOutputs.rtol),
    line('|Δ test accuracy|', (r) => r.accuracy?.differencePoints, (p) => `${c[p].accuracyPoints} pp`, points),
    line('identical test predictions (lowest)', (r) => r.accuracy?.agreement, (p) => `≥ ${pct(c[p].agreement)}`, pct, true),
    line('keras loss drift', (r) => r.keras?.trajectory.maxLossDrift, () => formatBound(k.trajectoryLoss.rtol), sci, false, () => k.trajectoryLoss.rtol),
    line('keras weight drift', (r) => r.keras?.trajectory.maxWeightDrift, () => formatBound(k.trajectoryWeights.rtol), sci, false, () => k.trajectoryWeights.rtol),
    line('keras test outputs', (r) => (r.keras?.accuracy.outputsChecked === true ? r.keras.accuracy.outputs.maxRel : undefined), () => formatBound(k.testOutputs.rtol), sci, false, () => k.testOutputs.rtol),
    line('keras |Δ test accuracy|', (r) => r.keras?.accuracy.differencePoints, () => `${k.accuracyPoints} pp`, points),
    line('keras identical test predictions (lowest)', (r) => r.keras?.accuracy.agreement, () => `≥ ${pct(k.agreement)}`, pct, true),
  ];
}

/** The headroom table: one row per bound and precision, worst over every variant the run had. */
export function headroomRows(report: ComparisonReport): string[][] {
  const h = report.headroom ?? headroomOf([{ variant: SEED_VARIANTS[0] ?? { weights: 0, order: 0 }, report }]);
  return h.rows.map((r) => [
    r.check,
    r.precision,
    r.worst === undefined ? '—' : sci(r.worst),
    formatBound(r.bound),
    r.worst === undefined ? '—' : `${headroom(r.bound, r.worst)}${r.headroom !== undefined && r.headroom < 5 ? ' (< 5×)' : ''}`,
    r.where,
  ]);
}

export const HEADROOM_HEADER = ['check', 'precision', 'worst', 'bound', 'headroom', 'where (variant: weight seed +w, batch order +o)'];

/** Which variants ran, how many comparisons failed in each, and how many trajectories a kink crossing shortened. */
export function headroomSummary(report: ComparisonReport): string {
  const h = report.headroom ?? headroomOf([{ variant: SEED_VARIANTS[0] ?? { weights: 0, order: 0 }, report }]);
  const failed = h.variants.map((v, i) => `${variantName(v)}: ${h.failedPerVariant[i] ?? 0} failed`).join(', ');
  return `${h.variants.length} variant${h.variants.length === 1 ? '' : 's'} (${failed}); ${h.crossings.shortened} of ${h.crossings.trajectories} trajectories cut short by a kink crossing`;
}

/** bound / worst, as `12×` (`∞` when nothing was measured above 0). */
export function headroom(bound: number, worstValue: number): string {
  if (!(worstValue > 0)) return worstValue === 0 ? '∞' : '—';
  const h = bound / worstValue;
  return `${h >= 100 ? h.toExponential(0) : h.toFixed(h >= 10 ? 0 : 1)}×`;
}

/** One row per check group: how many checks, how many failed, the smallest headroom and where. */
export function checkGroupRows(report: ComparisonReport): string[][] {
  const groups = new Map<string, RunCheck[]>();
  for (const c of report.checks) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return [...groups].map(([group, checks]) => {
    let tightest: RunCheck | undefined;
    for (const c of checks) if (tightest === undefined || c.worst / (c.bound || 1) > tightest.worst / (tightest.bound || 1)) tightest = c;
    const failed = checks.filter((c) => !c.passed).length;
    const where = tightest === undefined ? '' : `${tightest.engine === undefined ? '' : `${tightest.engine}: `}${tightest.name}`;
    return [
      group,
      String(checks.length),
      String(failed),
      tightest === undefined ? '—' : `${sci(tightest.worst)} / ${formatBound(tightest.bound)} (headroom ${headroom(tightest.bound, tightest.worst)})`,
      where,
    ];
  });
}

export const CHECK_HEADER = ['check', 'run', 'failed', 'tightest: worst / bound', 'where'];

/** One line per failed check. */
export function checkFailureLines(report: ComparisonReport): string[] {
  return report.checks.filter((c) => !c.passed).map((c) => `✗ ${c.engine === undefined ? 'shared code' : c.engine}: ${c.name} — ${c.failures.join('; ')}`);
}

export function groupByScenario(rows: readonly ComparisonRow[]): Array<{ scenario: string; rows: ComparisonRow[] }> {
  const groups: Array<{ scenario: string; rows: ComparisonRow[] }> = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last?.scenario === row.scenario) last.rows.push(row);
    else groups.push({ scenario: row.scenario, rows: [row] });
  }
  return groups;
}

function dataLine(row: ComparisonRow): string {
  const points = row.testIsTrain
    ? `${row.trainPoints} points (the truth table; tested on itself)`
    : `${row.trainPoints} train / ${row.testPoints} test points`;
  return `${points}, batch ${row.batchSize}, ${row.epochs} epochs, K = ${row.trajectory?.steps ?? '—'}`;
}

/** The values every report format shows for a row, in {@link METRIC_HEADER} order. */
export function metricCells(row: ComparisonRow): string[] {
  return [
    sci(row.forward?.maxRel),
    sci(row.gradients?.maxRel),
    sci(worstFiniteDifference(row)),
    sci(row.trajectory?.maxLossDrift),
    sci(row.trajectory?.maxWeightDrift),
    pct(row.accuracy?.accuracyA),
    pct(row.accuracy?.accuracyB),
    row.keras === undefined ? '—' : pct(row.keras.accuracy.accuracyB),
    pct(row.accuracy?.agreement),
    row.passed ? 'ok' : 'FAIL',
  ];
}

/** A = the row's baseline, B = the engine compared with it. */
export const METRIC_HEADER = ['forward', 'gradient', 'FD', 'loss drift', 'w drift', 'acc A', 'acc B', 'acc keras', 'agree', 'verdict'];

/** One line per trajectory (the row's, Keras's) that a kink crossing cut short (kinks.ts). */
export function crossingNotes(row: ComparisonRow): string[] {
  const notes: string[] = [];
  const describe = (who: string, t: TrajectoryComparison | undefined): void => {
    const c = t?.crossing;
    if (t === undefined || c === undefined) return;
    notes.push(
      `${who}trajectory compared over ${t.steps} of ${t.plannedSteps} steps (weights after step ${t.steps - 1}): at step ${c.step} a pre-activation of layer ${c.layer}, unit ${c.unit}, ` +
        `row ${c.row} is ${c.zA.toExponential(2)} in one run and ${c.zB.toExponential(2)} in the other, on different sides of the kink at ${c.kink} (or within rounding of it)`,
    );
  };
  describe('', row.trajectory);
  describe('keras: ', row.keras?.trajectory);
  return notes;
}

/** `a vs b, c; d vs b, c` — the pairs, grouped by baseline. */
export function pairsLine(pairs: readonly EnginePair[]): string {
  const byBaseline = new Map<string, string[]>();
  for (const p of pairs) byBaseline.set(p.baseline.id, [...(byBaseline.get(p.baseline.id) ?? []), p.engine.id]);
  return [...byBaseline].map(([baseline, others]) => `${baseline} vs ${others.join(', ')}`).join('; ');
}

/** Which engines the finite-difference check runs on, and which pairs have none. */
export function finiteDifferenceLine(report: ComparisonReport): string {
  const float64 = [...new Set(report.pairs.flatMap((p) => [p.baseline, p.engine]).filter((e) => e.dtype === 'float64').map((e) => e.id))];
  const without = report.pairs.filter((p) => p.baseline.dtype !== 'float64' && p.engine.dtype !== 'float64');
  const on = float64.length === 0 ? 'no engine of this run computes in float64, so no row has a finite-difference check' : `finite differences run on ${float64.join(', ')}`;
  const none = without.length === 0 || float64.length === 0 ? '' : `; ${without.map((p) => `${p.baseline.id} vs ${p.engine.id}`).join(', ')} ${without.length === 1 ? 'has' : 'have'} no float64 engine, so no FD check (—)`;
  return `${on}${none}`;
}

function headerLines(report: ComparisonReport): string[] {
  const lines = [`pairs (A vs B): ${pairsLine(report.pairs)}`];
  for (const e of report.engines) if (!e.available) lines.push(`skipped ${e.id}: ${reasonHeadline(e.reason)}`);
  lines.push(finiteDifferenceLine(report));
  if (report.keras !== undefined) lines.push(`keras: ${report.keras.detail}`);
  return lines;
}

const LEFT: Align = 'left';
const RIGHT: Align = 'right';

function indented(text: string, by = '  '): string[] {
  return text.split('\n').map((line) => `${by}${line}`);
}

/** The terminal report: one block per scenario, one line per pair. */
export function formatTerminal(report: ComparisonReport): string {
  const precisions = precisionsOf(report);
  const out: string[] = [];
  out.push(`twinprop compare — suite ${report.suite}: ${report.description}`);
  out.push(...headerLines(report));
  out.push('');
  out.push('tolerances — error = |a − b| / max(|a|, |b|, floor), must be ≤ the bound:');
  const allLeft = { align: ['check', ...precisions].map(() => LEFT) };
  out.push(...indented(renderTable(['check', ...precisions], toleranceRows(report, precisions), allLeft)));
  out.push('');
  const align = ['A', 'B', ...METRIC_HEADER].map((_, i) => (i < 2 ? LEFT : RIGHT));
  for (const group of groupByScenario(report.scenarios)) {
    const first = group.rows[0];
    if (first === undefined) continue;
    out.push(group.scenario);
    out.push(`  ${dataLine(first)}`);
    const body = group.rows.map((row) => [row.baseline.id, row.engine.id, ...metricCells(row)]);
    out.push(...indented(renderTable(['A', 'B', ...METRIC_HEADER], body, { align })));
    for (const row of group.rows) {
      for (const failure of row.failures) out.push(`    ✗ ${row.baseline.id} vs ${row.engine.id}: ${failure}`);
      for (const note of crossingNotes(row)) out.push(`    · ${row.baseline.id} vs ${row.engine.id}: ${note}`);
    }
    const skipped = group.rows.find((r) => r.kerasSkipped !== undefined)?.kerasSkipped;
    if (skipped !== undefined) out.push(`  keras: not run — ${skipped}`);
    out.push('');
  }
  if (report.headroom !== undefined) {
    out.push(`headroom over seeds and batch orders — ${headroomSummary(report)}:`);
    out.push(...indented(renderTable(HEADROOM_HEADER, headroomRows(report), { align: HEADROOM_HEADER.map(() => LEFT) })));
    out.push('');
  }
  out.push('worst measured values (each bound beside it):');
  out.push(...indented(renderTable(['check', ...precisions], worstRows(report, precisions, false), allLeft)));
  out.push('');
  if (report.checks.length > 0) {
    out.push('checks of the run — probes of each engine against values computed independently, oracles of the shared code:');
    out.push(...indented(renderTable(CHECK_HEADER, checkGroupRows(report), { align: CHECK_HEADER.map(() => LEFT) })));
    out.push(...indented(checkFailureLines(report).join('\n')).filter((l) => l.trim() !== ''));
    out.push('');
  }
  out.push(summaryLine(report));
  return out.join('\n');
}

export function summaryLine(report: ComparisonReport): string {
  const total = report.passed + report.failed;
  const verdict = report.failed === 0 ? 'the engines agree' : `${report.failed} MISMATCH${report.failed === 1 ? '' : 'ES'}`;
  const checks = report.checks.length === 0 ? '' : `; ${report.checks.length} checks: ${report.checks.length - report.checksFailed} passed, ${report.checksFailed} failed`;
  const h = report.headroom;
  const otherFailed = h === undefined ? 0 : h.failedPerVariant.slice(1).reduce((sum, n) => sum + n, 0);
  const variants =
    h === undefined || h.variants.length < 2
      ? ''
      : otherFailed === 0
        ? `; ${h.variants.length - 1} other seed variant${h.variants.length === 2 ? '' : 's'}: all passed`
        : `; ${h.variants.length - 1} other seed variant${h.variants.length === 2 ? '' : 's'}: ${otherFailed} comparison${otherFailed === 1 ? '' : 's'} FAILED (${h.variants.map((v, i) => ({ v, n: h.failedPerVariant[i] ?? 0 })).filter((x, i) => i > 0 && x.n > 0).map((x) => variantName(x.v)).join(', ')})`;
  return `${total} comparisons: ${report.passed} passed, ${report.failed} failed${checks} — ${verdict}${report.checksFailed === 0 ? '' : ', CHECKS FAILED'}${variants} (${formatSeconds(report.seconds)}, ${formatSeconds(report.cpuSeconds)} CPU)`;
}

/** Exactly one JSON object (non-finite numbers become null). */
export function formatJson(report: ComparisonReport): string {
  return JSON.stringify(report, null, 2);
}
