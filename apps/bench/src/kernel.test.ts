import { describe, expect, it } from 'vitest';
import { measureWorkload } from './kernel.js';

describe('the kernel path of one workload (what the run and the one-dtype child both call)', () => {
  it('measures every contender on the same data, in the order given, with finite throughputs and losses', async () => {
    const lines: string[] = [];
    const settings = { repetitions: 2, warmupMs: 20, trainRepMs: 10, predictRepMs: 5 };
    const result = await measureWorkload('playground', ['reference/float32', 'tfjs/cpu'], settings, 100, (line) => lines.push(line));
    expect(result.workload).toBe('playground');
    expect(result.engines.map((e) => e.engine)).toEqual(['reference/float32', 'tfjs/cpu']);
    expect(result.predictRows).toBe(500); // the Playground workload predicts all its 500 points, whatever mnistPredictRows says
    expect(result.trainFlopsPerStep).toBe(6 * 10 * (2 * 8 + 8 * 8 + 8 * 1));
    for (const e of result.engines) {
      expect(e.train.samplesPerSecond.median).toBeGreaterThan(0);
      expect(e.predict.samplesPerSecond.median).toBeGreaterThan(0);
      expect(Number.isFinite(e.train.lastLoss)).toBe(true);
    }
    expect(lines.filter((l) => l.includes('warm '))).toHaveLength(2);
  }, 60_000);

  it('cuts the MNIST predictions to mnistPredictRows', async () => {
    const settings = { repetitions: 1, warmupMs: 5, trainRepMs: 5, predictRepMs: 5 };
    const result = await measureWorkload('mnist', ['reference/float64'], settings, 50, () => {});
    expect(result.predictRows).toBe(50);
    expect(result.data).toContain('50 held-out');
  }, 60_000);
});
