import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTIVATIONS, LOSSES, OPTIMIZERS, layersOf } from '@twinprop/core';
import { createTfjsEngine } from '@twinprop/engine-tfjs';
import { describe, expect, it } from 'vitest';
import { EXIT, runCli } from './cli.js';
import { DEFAULT_ENGINES, discoverBackends } from './engines.js';
import { withoutAdamBiasCorrection } from './faults.js';
import { runComparison } from './harness.js';
import { FULL_SCENARIOS, QUICK_SCENARIOS, SUITE_DEFINITIONS, type Scenario } from './scenarios.js';
import { TOLERANCES } from './tolerances.js';

function coverage(scenarios: readonly Scenario[]): Record<string, Set<string | number>> {
  return {
    activations: new Set(scenarios.flatMap((s) => layersOf(s.spec).map((l) => l.activation))),
    losses: new Set(scenarios.map((s) => s.training.loss)),
    optimizers: new Set(scenarios.map((s) => s.training.optimizer.kind)),
    nesterov: new Set(scenarios.map((s) => (s.training.optimizer.kind === 'momentum' ? String(s.training.optimizer.nesterov) : 'n/a'))),
    depths: new Set(scenarios.map((s) => s.spec.hidden.length)),
    datasets: new Set(scenarios.map((s) => s.dataset.name)),
    regularization: new Set(scenarios.flatMap((s) => Object.keys(s.training.regularization ?? {}))),
  };
}

describe('suite coverage', () => {
  for (const [name, scenarios] of [
    ['quick', QUICK_SCENARIOS],
    ['full', FULL_SCENARIOS],
  ] as const) {
    it(`${name}: every activation but step, every loss, every optimizer (and Nesterov), 0–3 hidden layers, L1 and L2, every dataset family`, () => {
      const c = coverage(scenarios);
      expect([...c.activations!].sort()).toEqual(ACTIVATIONS.filter((a) => a !== 'step').sort());
      expect([...c.losses!].sort()).toEqual([...LOSSES].sort());
      expect([...c.optimizers!].sort()).toEqual([...OPTIMIZERS].sort());
      expect(c.nesterov).toContain('true');
      expect(c.nesterov).toContain('false');
      expect([...c.depths!].sort()).toEqual([0, 1, 2, 3]);
      expect([...c.regularization!].sort()).toEqual(['l1', 'l2']);
      for (const family of ['xor', 'and', 'circle', 'gauss', 'spiral', 'playground-xor', 'iris', 'mnist']) expect(c.datasets).toContain(family);
      expect(SUITE_DEFINITIONS[name].dtypes).toEqual(['float64', 'float32']);
      expect(SUITE_DEFINITIONS[name].backends).toBe('all');
    });
  }
});

describe('the quick suite, in process', () => {
  it('passes on every available backend and both reference dtypes, applying the tolerances in tolerances.ts', async () => {
    const backends = await discoverBackends();
    const available = backends.filter((b) => b.available).map((b) => b.backend);
    const report = await runComparison({ suite: 'quick', backendStatus: backends });
    const failures = report.scenarios.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`);
    expect(failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.scenarios).toHaveLength(QUICK_SCENARIOS.length * 2 * available.length);
    expect(report.backendsUsed).toEqual(available);
    // The tolerances a row reports are the ones in tolerances.ts (single source of truth).
    for (const row of report.scenarios) {
      expect(row.tolerances).toBe(TOLERANCES[row.dtype]);
      expect(row.gradients?.tolerance).toBe(TOLERANCES[row.dtype].gradient);
      expect(row.trajectory?.tolerance.weights).toBe(TOLERANCES[row.dtype].trajectoryWeights);
    }
    // Keras ran where asked, and on the same tfjs-core.
    expect(report.keras?.sameCore).toBe(true);
    expect(report.scenarios.filter((r) => r.keras !== undefined).length).toBe(QUICK_SCENARIOS.filter((s) => s.keras).length * 2 * available.length);
  }, 120_000);
});

function capture(): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => (out += t), stderr: (t) => (err += t) },
    out: () => out,
    err: () => err,
  };
}

describe('the command line', () => {
  it('--suite xor --json prints exactly one JSON object with scenarios, passed and failed, and exits 0', async () => {
    const c = capture();
    const code = await runCli(['--suite', 'xor', '--json'], c.io);
    expect(code).toBe(EXIT.ok);
    const parsed = JSON.parse(c.out()) as { scenarios: unknown[]; passed: number; failed: number; tolerances: unknown };
    expect(parsed.scenarios).toHaveLength(2);
    expect(parsed.passed).toBe(2);
    expect(parsed.failed).toBe(0);
    expect(parsed.tolerances).toBeDefined();
    expect(c.err()).toMatch(/2 comparisons: 2 passed, 0 failed/);
  }, 60_000);

  it('prints the table and writes markdown; exits 1 when an engine is wrong', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compare-'));
    const file = path.join(dir, 'report.md');
    const c = capture();
    const code = await runCli(['--suite', 'xor', '--no-keras', '--markdown', file], {
      ...c.io,
      engines: { ...DEFAULT_ENGINES, tfjs: async (backend) => withoutAdamBiasCorrection(await createTfjsEngine({ backend })) },
    });
    expect(code).toBe(EXIT.mismatch);
    expect(c.out()).toMatch(/FAIL/);
    expect(c.out()).toMatch(/2 MISMATCHES/);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toMatch(/## Tolerances/);
    expect(markdown).toMatch(/## Failures/);
    expect(markdown).toContain(String(TOLERANCES.float64.trajectoryWeights.rtol.toExponential().replace('e+', 'e')));
  }, 60_000);

  it('exits 2 on an unknown backend, an unavailable backend, or a filter that matches nothing', async () => {
    const unknown = capture();
    expect(await runCli(['--backend', 'webgl'], unknown.io)).toBe(EXIT.usage);
    expect(unknown.err()).toMatch(/unknown tfjs backend "webgl"/);

    const backends = await discoverBackends();
    if (!backends.find((b) => b.backend === 'tensorflow')?.available) {
      const unavailable = capture();
      expect(await runCli(['--suite', 'xor', '--backend', 'tensorflow'], unavailable.io)).toBe(EXIT.usage);
      expect(unavailable.err()).toMatch(/skipping tfjs backend tensorflow: .*tfjs-node/);
    }

    const none = capture();
    expect(await runCli(['--suite', 'quick', '--filter', 'no such scenario'], none.io)).toBe(EXIT.usage);
    expect(none.err()).toMatch(/matches --filter/);
  }, 60_000);

  it('--filter selects comparisons by name, --list shows them without running', async () => {
    const list = capture();
    expect(await runCli(['--suite', 'full', '--list', '--filter', 'mnist', '--backend', 'cpu'], list.io)).toBe(EXIT.ok);
    const lines = list.out().trim().split('\n');
    expect(lines.length).toBe(FULL_SCENARIOS.filter((s) => s.dataset.name === 'mnist').length * 2);
    for (const line of lines) expect(line).toMatch(/^mnist.* · ref float(32|64) vs tfjs\/cpu$/);

    const filtered = capture();
    expect(await runCli(['--suite', 'quick', '--filter', 'and 2-1', '--backend', 'cpu', '--json'], filtered.io)).toBe(EXIT.ok);
    const parsed = JSON.parse(filtered.out()) as { scenarios: Array<{ name: string; backend: string }> };
    expect(parsed.scenarios.map((s) => s.name)).toEqual([
      'and 2-1 sigmoid bce sgd(1) · ref float64 vs tfjs/cpu',
      'and 2-1 sigmoid bce sgd(1) · ref float32 vs tfjs/cpu',
    ]);
  }, 60_000);
});
