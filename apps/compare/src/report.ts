import type { DType } from '@twinprop/core';
import type { ComparisonReport, ComparisonRow } from './harness.js';
import type { RelTolerance } from './tolerances.js';

/** `1.2e-5`, `0` for exact agreement, `∞`/`NaN` spelled out. */
export function sci(x: number | undefined): string {
  if (x === undefined) return '—';
  if (x === 0) return '0';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return '∞';
  return x.toExponential(1);
}

export function pct(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toFixed(1)}%`;
}

/** A bound as written in tolerances.ts: `1e-5`, `3e-4`. */
function bound(x: number): string {
  return x.toExponential().replace('e+', 'e');
}

function tol(t: RelTolerance): string {
  return `${bound(t.rtol)} (floor ${bound(t.floor)})`;
}

function seconds(s: number): string {
  return `${s.toFixed(1)} s`;
}

/** The tolerance table, as rows of [check, float64, float32] — straight from the report's `tolerances`. */
function toleranceRows(report: ComparisonReport): string[][] {
  const c = report.tolerances.comparison;
  const fd = report.tolerances.finiteDifferences;
  const k = report.tolerances.keras;
  const both = (f: (d: DType) => string): [string, string] => [f('float64'), f('float32')];
  return [
    ['forward: outputs and loss of the first batch', ...both((d) => tol(c[d].forward))],
    ['gradient: ∂L/∂θ of the first batch, every entry', ...both((d) => tol(c[d].gradient))],
    [`finite differences (reference float64, h = ${bound(fd.step)}, ≤ ${fd.maxParameters} entries)`, tol(fd.tolerance), 'same check'],
    ['trajectory: loss at each of the first K steps', ...both((d) => tol(c[d].trajectoryLoss))],
    ['trajectory: every weight after K steps', ...both((d) => tol(c[d].trajectoryWeights))],
    ['accuracy: |Δ test accuracy|', ...both((d) => `≤ ${c[d].accuracyPoints} pp`)],
    ['accuracy: identical test predictions', ...both((d) => `≥ ${pct(c[d].agreement)}`)],
    ['keras vs reference: loss at each of the first K steps', tol(k.trajectoryLoss), tol(k.trajectoryLoss)],
    ['keras vs reference: every weight after K steps', tol(k.trajectoryWeights), tol(k.trajectoryWeights)],
    ['keras vs reference: accuracy', `≤ ${k.accuracyPoints} pp, ≥ ${pct(k.agreement)} identical`, `≤ ${k.accuracyPoints} pp, ≥ ${pct(k.agreement)} identical`],
  ];
}

interface Worst {
  readonly value: number | undefined;
  readonly where: string;
}

/** The largest (or, for agreement, smallest) value of a metric over the rows of one dtype. */
function worst(rows: readonly ComparisonRow[], dtype: DType, metric: (r: ComparisonRow) => number | undefined, smallest = false): Worst {
  let best: Worst = { value: undefined, where: '' };
  for (const row of rows) {
    if (row.dtype !== dtype) continue;
    const v = metric(row);
    if (v === undefined) continue;
    const better = best.value === undefined || (smallest ? v < best.value : v > best.value || Number.isNaN(v));
    if (better) best = { value: v, where: `${row.scenario} / ${row.backend}` };
  }
  return best;
}

/** Rows of [check, float64 worst, float32 worst] with each bound beside the value. */
function worstRows(report: ComparisonReport, withWhere: boolean): string[][] {
  const c = report.tolerances.comparison;
  const k = report.tolerances.keras;
  const rows = report.scenarios;
  const cell = (w: Worst, limit: string, format: (x: number | undefined) => string = sci): string =>
    w.value === undefined ? '—' : `${format(w.value)} (bound ${limit})${withWhere ? ` — ${w.where}` : ''}`;
  const line = (label: string, metric: (r: ComparisonRow) => number | undefined, limit: (d: DType) => string, format?: (x: number | undefined) => string, smallest = false): string[] => [
    label,
    cell(worst(rows, 'float64', metric, smallest), limit('float64'), format),
    cell(worst(rows, 'float32', metric, smallest), limit('float32'), format),
  ];
  const points = (x: number | undefined): string => (x === undefined ? '—' : `${x.toFixed(1)} pp`);
  return [
    line('forward', (r) => r.forward?.maxRel, (d) => bound(c[d].forward.rtol)),
    line('gradient vs tfjs', (r) => r.gradients?.maxRel, (d) => bound(c[d].gradient.rtol)),
    line('gradient vs finite differences', (r) => r.finiteDifferences?.maxRel, () => bound(report.tolerances.finiteDifferences.tolerance.rtol)),
    line('trajectory loss drift', (r) => r.trajectory?.maxLossDrift, (d) => bound(c[d].trajectoryLoss.rtol)),
    line('trajectory weight drift', (r) => r.trajectory?.maxWeightDrift, (d) => bound(c[d].trajectoryWeights.rtol)),
    line('|Δ test accuracy|', (r) => r.accuracy?.differencePoints, (d) => `${c[d].accuracyPoints} pp`, points),
    line('identical test predictions (lowest)', (r) => r.accuracy?.agreement, (d) => `≥ ${pct(c[d].agreement)}`, pct, true),
    line('keras loss drift', (r) => r.keras?.trajectory.maxLossDrift, () => bound(k.trajectoryLoss.rtol)),
    line('keras weight drift', (r) => r.keras?.trajectory.maxWeightDrift, () => bound(k.trajectoryWeights.rtol)),
    line('keras |Δ test accuracy|', (r) => r.keras?.accuracy.differencePoints, () => `${k.accuracyPoints} pp`, points),
    line('keras identical test predictions (lowest)', (r) => r.keras?.accuracy.agreement, () => `≥ ${pct(k.agreement)}`, pct, true),
  ];
}

function groupByScenario(rows: readonly ComparisonRow[]): Array<{ scenario: string; rows: ComparisonRow[] }> {
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

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
}

function table(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  return [pad(header, widths), ...body.map((r) => pad(r, widths))];
}

/** The values every report format shows for a row, in column order. */
function metricCells(row: ComparisonRow): string[] {
  return [
    sci(row.forward?.maxRel),
    sci(row.gradients?.maxRel),
    sci(row.finiteDifferences?.maxRel),
    sci(row.trajectory?.maxLossDrift),
    sci(row.trajectory?.maxWeightDrift),
    pct(row.accuracy?.accuracyA),
    pct(row.accuracy?.accuracyB),
    row.keras === undefined ? '—' : pct(row.keras.accuracy.accuracyB),
    pct(row.accuracy?.agreement),
    row.passed ? 'ok' : 'FAIL',
  ];
}

const METRIC_HEADER = ['forward', 'gradient', 'FD', 'loss drift', 'w drift', 'acc ref', 'acc tfjs', 'acc keras', 'agree', 'verdict'];

/** The first sentence of a long explanation (backend load failures carry install help after it). */
function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end < 0 ? text : text.slice(0, end + 1);
}

function backendLine(report: ComparisonReport): string[] {
  const lines = [`reference engine (${report.dtypes.join(', ')}) vs tfjs engine on ${report.backendsUsed.join(', ')}`];
  for (const b of report.backends) {
    if (!b.available) lines.push(`skipped tfjs backend ${b.backend}: ${firstSentence(b.detail)}`);
  }
  if (report.keras !== undefined) lines.push(`keras: ${report.keras.detail}`);
  return lines;
}

/** The terminal report: one block per scenario, one line per (dtype, backend) comparison. */
export function formatTerminal(report: ComparisonReport): string {
  const out: string[] = [];
  out.push(`twinprop compare — suite ${report.suite}: ${report.description}`);
  out.push(...backendLine(report));
  out.push('');
  out.push('tolerances — error = |a − b| / max(|a|, |b|, floor), must be ≤ the bound:');
  for (const line of table(['check', 'ref float64 vs tfjs', 'ref float32 vs tfjs'], toleranceRows(report))) out.push(`  ${line}`);
  out.push('');
  for (const group of groupByScenario(report.scenarios)) {
    const first = group.rows[0];
    if (first === undefined) continue;
    out.push(`${group.scenario}`);
    out.push(`  ${dataLine(first)}`);
    const body = group.rows.map((row) => [row.dtype, row.backend, ...metricCells(row)]);
    for (const line of table(['ref', 'tfjs', ...METRIC_HEADER], body)) out.push(`  ${line}`);
    for (const row of group.rows) {
      for (const failure of row.failures) out.push(`    ✗ ${row.dtype} vs ${row.backend}: ${failure}`);
    }
    out.push('');
  }
  out.push('worst measured values (each bound beside it):');
  for (const line of table(['check', 'ref float64 vs tfjs', 'ref float32 vs tfjs'], worstRows(report, false))) out.push(`  ${line}`);
  out.push('');
  out.push(summaryLine(report));
  return out.join('\n');
}

export function summaryLine(report: ComparisonReport): string {
  const total = report.passed + report.failed;
  const verdict = report.failed === 0 ? 'the engines agree' : `${report.failed} MISMATCH${report.failed === 1 ? '' : 'ES'}`;
  return `${total} comparisons: ${report.passed} passed, ${report.failed} failed — ${verdict} (${seconds(report.seconds)}, ${seconds(report.cpuSeconds)} CPU)`;
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function mdTable(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(mdEscape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.map(mdEscape).join(' | ')} |`),
  ];
}

/** The markdown report (`--markdown <file>`). */
export function formatMarkdown(report: ComparisonReport, command?: string): string {
  const env = report.environment;
  const out: string[] = [];
  out.push(`# twinprop engine comparison — \`${report.suite}\` suite`);
  out.push('');
  if (command !== undefined) out.push(`Generated by \`${command}\`. Suite: ${report.description}.`, '');
  out.push(`**${summaryLine(report)}**`, '');
  out.push(
    'Each row trains one scenario with the reference engine (in the given dtype) and the TensorFlow.js engine (on the given backend) ' +
      'from identical initial weights, on identical batches in identical order, and checks: the first batch’s outputs and loss (forward), ' +
      'its gradients (gradient), the float64 reference against central finite differences (FD), the loss of each of the first K steps ' +
      'and the weights after them (loss drift, w drift), and the final test accuracy with the fraction of test points both classify alike ' +
      '(agree). Where a scenario has one, tfjs-layers’ own Keras-style `model.trainOnBatch` trains the same model as a third opinion.',
    '',
  );
  out.push('## Machine', '');
  out.push(
    ...mdTable(
      ['', ''],
      [
        ['CPU', `${env.cpu} (${env.cores} logical cores)`],
        ['Node.js', env.node],
        ['Platform', env.platform],
        ['Run time', `${seconds(report.seconds)} wall, ${seconds(report.cpuSeconds)} CPU`],
      ],
    ),
    '',
  );
  out.push('## Packages', '');
  out.push(...mdTable(['package', 'version'], Object.entries(env.packages).map(([name, version]) => [`\`${name}\``, version])), '');
  out.push('## TensorFlow.js backends', '');
  out.push(
    ...mdTable(
      ['backend', 'status'],
      report.backends.map((b) => [
        `\`${b.backend}\``,
        b.available ? `compared${report.backendsUsed.includes(b.backend) ? '' : ' (not in this run)'} — ${b.detail}` : `skipped — ${firstSentence(b.detail)}`,
      ]),
    ),
    '',
  );
  if (report.keras !== undefined) out.push(`Keras third opinion: ${report.keras.detail}.`, '');
  out.push('## Tolerances', '');
  out.push('Error = |a − b| / max(|a|, |b|, floor); a check passes when the largest error is ≤ the bound. These are the values the run applied.', '');
  out.push(...mdTable(['check', 'reference float64 vs tfjs', 'reference float32 vs tfjs'], toleranceRows(report)), '');
  out.push('## Worst measured values', '');
  out.push('The largest error (lowest agreement) over all comparisons of each reference dtype, with the bound it was held to and where it occurred.', '');
  out.push(...mdTable(['check', 'reference float64 vs tfjs', 'reference float32 vs tfjs'], worstRows(report, true)), '');
  out.push('## Results', '');
  out.push('Columns show the largest error of each check (forward, gradient, FD, drifts), test accuracies, the agreement of the two engines’ test predictions, and — not a check — how often the reference in float64 and in float32 agree with each other (ref64↔32).', '');
  const body = report.scenarios.map((row) => {
    const cells = metricCells(row);
    return [
      row.scenario,
      row.testIsTrain ? `${row.trainPoints}/=` : `${row.trainPoints}/${row.testPoints}`,
      row.dtype,
      row.backend,
      ...cells.slice(0, -1),
      pct(row.precisionBaseline?.agreement),
      row.passed ? 'ok' : '**FAIL**',
    ];
  });
  out.push(...mdTable(['scenario', 'train/test', 'ref', 'tfjs', ...METRIC_HEADER.slice(0, -1), 'ref64↔32', 'verdict'], body), '');
  const failed = report.scenarios.filter((r) => !r.passed);
  if (failed.length > 0) {
    out.push('## Failures', '');
    for (const row of failed) {
      out.push(`- **${mdEscape(row.name)}**`);
      for (const f of row.failures) out.push(`  - ${mdEscape(f)}`);
    }
    out.push('');
  }
  out.push('## Gradient error per parameter', '');
  out.push('Largest error over the scenario’s comparisons, per parameter tensor (shapes were checked first and matched unless marked).', '');
  const paramBody: string[][] = [];
  for (const group of groupByScenario(report.scenarios)) {
    const worst = new Map<string, { rel: number; abs: number; shape: string; fd: number | undefined }>();
    for (const row of group.rows) {
      for (const p of row.gradients?.parameters ?? []) {
        const previous = worst.get(p.name);
        const shape = p.shapeMatches ? `[${p.shape.join('×')}]` : `MISMATCH [${p.shape.join('×')}] vs [${p.otherShape.join('×')}]`;
        const fd = row.finiteDifferences?.parameters.find((q) => q.name === p.name)?.maxRel;
        if (previous === undefined || p.maxRel > previous.rel) worst.set(p.name, { rel: p.maxRel, abs: p.maxAbs, shape, fd });
      }
    }
    for (const [name, w] of worst) paramBody.push([group.scenario, `\`${name}\``, w.shape, sci(w.rel), sci(w.abs), sci(w.fd)]);
  }
  out.push(...mdTable(['scenario', 'parameter', 'shape', 'max error vs tfjs', 'max abs diff', 'FD error'], paramBody), '');
  return out.join('\n');
}

/** Exactly one JSON object (non-finite numbers become null). */
export function formatJson(report: ComparisonReport): string {
  return JSON.stringify(report, null, 2);
}
