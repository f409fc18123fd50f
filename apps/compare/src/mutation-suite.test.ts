import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { MUTANTS, runMutant, type MutationReport } from './mutants.js';

/*
 * The mutation suite in CI: `compare --mutants --json` plants every known bug in turn and the
 * quick suite's checks must fail for each; a mutant that changes nothing must not be "caught".
 */

describe('the mutation suite', () => {
  it('a mutant that changes nothing is not caught (the checks pass on the real engines and shared code)', async () => {
    const result = await runMutant({ id: 'no-op', target: 'core', description: 'nothing planted', scenarios: (s) => s.name.startsWith('and+or 2-2 ') });
    expect(result.caughtBy).toEqual([]);
    expect(result.caught).toBe(false);
    expect(result.scenarios).toEqual(['and+or 2-2 sigmoid bce sgd(1)']);
  }, 120_000);

  it('compare --mutants --json: one JSON object, every mutant caught by the quick suite, exit 0', async () => {
    let stdout = '';
    const code = await runCli(['--mutants', '--json'], { stdout: (t) => (stdout += t), stderr: () => undefined });
    const report = JSON.parse(stdout) as MutationReport;
    expect(report.mutants.map((m) => m.id)).toEqual(MUTANTS.map((m) => m.id));
    expect(report.total).toBeGreaterThanOrEqual(25);
    for (const target of ['reference', 'tfjs', 'core'] as const) expect(report.mutants.filter((m) => m.target === target).length).toBeGreaterThanOrEqual(7);
    const missed = report.mutants.filter((m) => !m.caught).map((m) => m.id);
    expect(missed).toEqual([]);
    for (const m of report.mutants) {
      expect(m.caughtBy.length).toBeGreaterThan(0);
      expect(typeof m.description).toBe('string');
    }
    expect(code).toBe(0);
  }, 600_000);
});
