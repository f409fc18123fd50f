import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngineRegistry, engines, formatBound } from '@twinprop/toolkit';
import { describe, expect, it } from 'vitest';
import { EXIT, runCli, type CliIo } from './cli.js';
import { plantFault, withoutAdamBiasCorrection } from './faults.js';
import type { ComparisonReport } from './harness.js';
import { FULL_SCENARIOS } from './scenarios.js';
import { TOLERANCES } from './tolerances.js';

const MIRROR = fileURLToPath(new URL('./__fixtures__/mirror-engine.ts', import.meta.url));

function capture(extra: Partial<CliIo> = {}): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => (out += t), stderr: (t) => (err += t), ...extra },
    out: () => out,
    err: () => err,
  };
}

const tensorflowAvailable = async (): Promise<boolean> => (await engines.availability(['tfjs/tensorflow']))[0]?.available === true;

describe('the command line', () => {
  it('--suite xor --json prints exactly one JSON object with scenarios, passed and failed, and exits 0', async () => {
    const c = capture();
    const code = await runCli(['--suite', 'xor', '--json'], c.io);
    expect(code).toBe(EXIT.ok);
    const parsed = JSON.parse(c.out()) as ComparisonReport;
    expect(parsed.scenarios).toHaveLength(2);
    expect(parsed.scenarios.map((r) => r.baseline.id)).toEqual(['reference/float64', 'reference/float32']);
    expect(parsed.passed).toBe(2);
    expect(parsed.failed).toBe(0);
    expect(parsed.tolerances).toBeDefined();
    expect(c.err()).toMatch(/2 comparisons: 2 passed, 0 failed/);
  }, 60_000);

  it('--variants 2 runs the comparisons again with other seeds and reports each bound’s worst value over both, where it was measured', async () => {
    const c = capture();
    const code = await runCli(['--suite', 'xor', '--engines', 'reference/float64,reference/float32', '--no-keras', '--variants', '2', '--json'], c.io);
    expect(code).toBe(EXIT.ok);
    const parsed = JSON.parse(c.out()) as ComparisonReport;
    const h = parsed.headroom;
    expect(h?.variants).toEqual([
      { weights: 0, order: 0 },
      { weights: 1, order: 0 },
    ]);
    expect(h?.failedPerVariant).toEqual([0, 0]);
    const forward = h?.rows.find((r) => r.check === 'forward' && r.precision === 'float64 vs float32');
    expect(forward?.bound).toBe(TOLERANCES['float64 vs float32'].forward.rtol);
    expect(forward?.worst).toBeGreaterThan(0);
    expect(forward?.worst).toBeLessThanOrEqual(forward?.bound ?? 0);
    expect(forward?.where).toMatch(/\((w\+0 o\+0|w\+1 o\+0)\)$/);
    // The worst over both variants is at least the first variant's own worst.
    expect(forward?.worst).toBeGreaterThanOrEqual(parsed.scenarios[0]?.forward?.maxRel ?? Number.POSITIVE_INFINITY);
    expect(c.err()).toMatch(/variant w\+1 o\+0/);
    expect(c.err()).toMatch(/1 other seed variant: all passed/);
    expect(await runCli(['--suite', 'xor', '--variants', '9', '--list'], capture().io)).toBe(EXIT.usage);
  }, 60_000);

  it('--engines a,b,c compares b and c with a: one JSON object whose rows name those ids', async () => {
    const c = capture();
    const code = await runCli(['--suite', 'xor', '--engines', 'reference/float64,reference/float32,tfjs/cpu', '--json'], c.io);
    expect(code).toBe(EXIT.ok);
    const parsed = JSON.parse(c.out()) as ComparisonReport;
    const name = 'xor 2-4-1 tanh/sigmoid bce adam(0.05)';
    expect(parsed.scenarios.map((r) => r.name)).toEqual([`${name} · reference/float64 vs reference/float32`, `${name} · reference/float64 vs tfjs/cpu`]);
    expect(parsed.scenarios.map((r) => [r.baseline, r.engine])).toEqual([
      [{ id: 'reference/float64', dtype: 'float64' }, { id: 'reference/float32', dtype: 'float32' }],
      [{ id: 'reference/float64', dtype: 'float64' }, { id: 'tfjs/cpu', dtype: 'float32' }],
    ]);
    for (const row of parsed.scenarios) {
      expect(Object.keys(row.seconds).sort()).toEqual([row.baseline.id, row.engine.id].sort());
      expect(row.precision).toBe('float64 vs float32');
      expect(row.tolerances).toEqual(TOLERANCES['float64 vs float32']);
      expect(row.finiteDifferences.map((fd) => fd.engine)).toEqual(['reference/float64']);
    }
    // Keras ran on tfjs/cpu's backend only, against the baseline.
    expect(parsed.scenarios.map((r) => r.keras?.backend)).toEqual([undefined, 'cpu']);
    expect(parsed.scenarios[1]?.keras?.against).toBe('reference/float64');
  }, 60_000);

  it('--engine-module loads a third-party provider whose ids --engines then takes; two float64 engines get the float64 bounds', async () => {
    const c = capture({ registry: createEngineRegistry() });
    const code = await runCli(['--suite', 'xor', '--engine-module', MIRROR, '--engines', 'reference/float64,mirror,mirror/float32', '--no-keras', '--json'], c.io);
    expect(c.err()).toMatch(/loaded mirror from /);
    expect(code).toBe(EXIT.ok);
    const parsed = JSON.parse(c.out()) as ComparisonReport;
    // `mirror` alone is its first variant that loads, mirror/float64.
    expect(parsed.scenarios.map((r) => `${r.baseline.id} vs ${r.engine.id} (${r.precision})`)).toEqual([
      'reference/float64 vs mirror/float64 (float64 vs float64)',
      'reference/float64 vs mirror/float32 (float64 vs float32)',
    ]);
    const [both64] = parsed.scenarios;
    expect(both64?.tolerances).toEqual(TOLERANCES['float64 vs float64']);
    // Each float64 engine is checked against finite differences on its own.
    expect(both64?.finiteDifferences.map((fd) => [fd.engine, fd.passed])).toEqual([
      ['reference/float64', true],
      ['mirror/float64', true],
    ]);
    // Reversed hidden units change the summation order, not the result beyond float64 rounding.
    expect(both64?.gradients?.maxRel).toBeLessThan(1e-12);
  }, 60_000);

  it('prints the table and writes markdown; exits 1 when an engine is wrong', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compare-'));
    const file = path.join(dir, 'report.md');
    const c = capture({ createEngine: plantFault((id) => id.startsWith('tfjs/'), withoutAdamBiasCorrection) });
    const code = await runCli(['--suite', 'xor', '--no-keras', '--markdown', file], c.io);
    expect(code).toBe(EXIT.mismatch);
    expect(c.out()).toMatch(/FAIL/);
    expect(c.out()).toMatch(/2 MISMATCHES/);
    expect(c.out()).toMatch(/✗ reference\/float64 vs tfjs\/\w+: trajectory over 10 steps/);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toMatch(/## Tolerances/);
    expect(markdown).toMatch(/## Failures/);
    expect(markdown).toContain(formatBound(TOLERANCES['float64 vs float32'].trajectoryWeights.rtol));
    expect(markdown).toContain(`Generated by \`pnpm compare --suite xor --no-keras --markdown ${file}\``);
  }, 60_000);

  it('exits 2 on an unknown backend, an unavailable backend, or a filter that matches nothing', async () => {
    const unknown = capture();
    expect(await runCli(['--backend', 'metal'], unknown.io)).toBe(EXIT.usage);
    expect(unknown.err()).toMatch(/unknown tfjs backend "metal"; expected tensorflow, wasm, cpu, webgl, webgpu/);

    if (await tensorflowAvailable()) {
      console.info('skipped the unavailable-tensorflow case: tfjs-node loads here (the mirror/gpu case below still runs)');
    } else {
      const unavailable = capture();
      expect(await runCli(['--suite', 'xor', '--backend', 'tensorflow'], unavailable.io)).toBe(EXIT.usage);
      expect(unavailable.err()).toMatch(/skipping tfjs\/tensorflow: .*tfjs-node/);
    }

    const none = capture();
    expect(await runCli(['--suite', 'quick', '--filter', 'no such scenario'], none.io)).toBe(EXIT.usage);
    expect(none.err()).toMatch(/matches --filter/);
  }, 60_000);

  it('--engines: exits 2 on an unknown engine or variant, an unavailable engine, one id alone, a repeated id, or with --backend', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--engines', 'reference/float64,torch/cuda'], /unknown engine "torch"; registered engines: reference, tfjs/],
      [['--engines', 'reference/float64,tfjs/metal'], /the tfjs engine has no variant "metal"; it offers tensorflow, wasm, cpu, webgl, webgpu/],
      [['--engines', 'reference/float64'], /at least two ids/],
      [['--engines', 'reference/float64,reference/float64'], /names reference\/float64 twice/],
      [['--engines', 'reference/float64,tfjs/cpu', '--backend', 'wasm'], /--backend restricts the default matrix/],
      [['--engine-module', MIRROR, '--engines', 'reference/float64,mirror/gpu'], /mirror\/gpu is not available here: the mirror fixture has no GPU/],
      [['--engine-module', path.join(os.tmpdir(), 'no-such-engine.js'), '--engines', 'reference/float64,tfjs/cpu'], /--engine-module .*could not be imported/],
    ];
    for (const [argv, message] of cases) {
      const c = capture({ registry: createEngineRegistry() });
      expect(await runCli(['--suite', 'xor', ...argv], c.io), argv.join(' ')).toBe(EXIT.usage);
      expect(c.err(), argv.join(' ')).toMatch(message);
    }
    if (await tensorflowAvailable()) {
      console.info('skipped the explicit tfjs/tensorflow case: tfjs-node loads here');
    } else {
      const c = capture();
      expect(await runCli(['--suite', 'xor', '--engines', 'reference/float64,tfjs/tensorflow'], c.io)).toBe(EXIT.usage);
      expect(c.err()).toMatch(/tfjs\/tensorflow is not available here: .*tfjs-node/);
    }
  }, 60_000);

  it('--filter selects comparisons by name, --list shows them without running', async () => {
    const list = capture();
    expect(await runCli(['--suite', 'full', '--list', '--filter', 'mnist', '--backend', 'cpu'], list.io)).toBe(EXIT.ok);
    const lines = list.out().trim().split('\n');
    expect(lines.length).toBe(FULL_SCENARIOS.filter((s) => s.dataset.name === 'mnist').length * 2);
    for (const line of lines) expect(line).toMatch(/^mnist.* · reference\/float(32|64) vs tfjs\/cpu$/);

    const listed = capture();
    expect(await runCli(['--suite', 'xor', '--list', '--engines', 'reference/float64,tfjs,reference/float32'], listed.io)).toBe(EXIT.ok);
    expect(listed.out().trim().split('\n').map((l) => l.split(' · ')[1])).toEqual(['reference/float64 vs tfjs/auto', 'reference/float64 vs reference/float32']);

    const filtered = capture();
    expect(await runCli(['--suite', 'quick', '--filter', 'and 2-1', '--backend', 'cpu', '--json'], filtered.io)).toBe(EXIT.ok);
    const parsed = JSON.parse(filtered.out()) as ComparisonReport;
    expect(parsed.scenarios.map((s) => s.name)).toEqual([
      'and 2-1 sigmoid bce sgd(1) · reference/float64 vs tfjs/cpu',
      'and 2-1 sigmoid bce sgd(1) · reference/float32 vs tfjs/cpu',
    ]);
  }, 60_000);
});
