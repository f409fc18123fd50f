import { formatBound } from '@twinprop/toolkit';
import { describe, expect, it } from 'vitest';
import { runComparison } from './harness.js';
import { formatMarkdown } from './markdown.js';
import { finiteDifferenceLine, formatTerminal, precisionsOf } from './report.js';
import { TOLERANCES } from './tolerances.js';

describe('reports name engines by id and say where finite differences ran', () => {
  it('two float32 engines: no FD check anywhere, and the report says so', async () => {
    const report = await runComparison({ suite: 'xor', engines: ['tfjs/wasm', 'tfjs/cpu'], keras: false });
    expect(report.failed).toBe(0);
    expect(report.scenarios[0]?.finiteDifferences).toEqual([]);
    expect(precisionsOf(report)).toEqual(['float32 vs float32']);
    const text = formatTerminal(report);
    expect(text).toContain('pairs (A vs B): tfjs/wasm vs tfjs/cpu');
    expect(text).toContain('no engine of this run computes in float64, so no row has a finite-difference check');
    const header = text.split('\n').find((l) => l.trimStart().startsWith('A '));
    expect(header?.trim().split(/\s{2,}/).map((c) => c.trim())).toEqual(['A', 'B', 'forward', 'gradient', 'FD', 'loss drift', 'w drift', 'acc A', 'acc B', 'acc keras', 'agree', 'verdict']);
    const row = text.split('\n').find((l) => l.trimStart().startsWith('tfjs/wasm '));
    expect(row?.trim().split(/\s{2,}/).map((c) => c.trim())[4]).toBe('—');
  }, 60_000);

  it('the default matrix: FD on the float64 reference, none on the float32 rows, one tolerance column per precision', async () => {
    const report = await runComparison({ suite: 'xor', backends: ['cpu'], keras: false });
    expect(finiteDifferenceLine(report)).toBe('finite differences run on reference/float64; reference/float32 vs tfjs/cpu has no float64 engine, so no FD check (—)');
    expect(precisionsOf(report)).toEqual(['float64 vs float32', 'float32 vs float32']);
    const markdown = formatMarkdown(report, 'pnpm compare --suite xor --backend cpu --no-keras');
    expect(markdown).toContain('## Engines');
    expect(markdown).toMatch(/\| `reference\/float64` +\| float64 +\| compared — /);
    // Every bound printed is the one the checks used, straight from tolerances.ts.
    const tolerances = markdown.slice(markdown.indexOf('## Tolerances'), markdown.indexOf('## Worst measured values'));
    const weights = tolerances.split('\n').find((l) => l.includes('every weight after K steps') && !l.includes('keras'));
    expect(weights).toContain(`${formatBound(TOLERANCES['float64 vs float32'].trajectoryWeights.rtol)} (floor`);
    expect(weights).toContain(`${formatBound(TOLERANCES['float32 vs float32'].trajectoryWeights.rtol)} (floor`);
    // Results rows name both engines.
    expect(markdown).toMatch(/\| xor 2-4-1 tanh\/sigmoid bce adam\(0\.05\) +\| 4\/= +\| reference\/float64 +\| tfjs\/cpu +\|/);
    expect(markdown).toMatch(/\| xor 2-4-1 tanh\/sigmoid bce adam\(0\.05\) +\| 4\/= +\| reference\/float32 +\| tfjs\/cpu +\|/);
  }, 60_000);
});
