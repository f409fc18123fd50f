/*
 * `twinprop train --playground`: a playground.tensorflow.org URL reproduced end to end, checked
 * against the Playground's own numbers (runs recorded from the Playground's code, in
 * packages/datasets/src/__fixtures__/playground-runs), not against twinprop's library.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure, parseCsv, readModel, run, runJson, workspace } from './testing/cli.js';

interface Fixture {
  readonly hash: string;
  readonly features: string[];
  readonly test: { x: number[]; y: number[]; label: number[] };
  readonly snapshots: Array<{ epoch: number; trainLoss: number; testLoss: number; weights: Array<{ kernel: number[]; bias: number[]; deadLinks: number[] }> }>;
}

const FIXTURES = new URL('../../../packages/datasets/src/__fixtures__/playground-runs/', import.meta.url);
async function fixture(name: string): Promise<Fixture> {
  return JSON.parse(await readFile(new URL(`${name}.json`, FIXTURES), 'utf8')) as Fixture;
}

const ws = workspace();
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('twinprop train --playground', () => {
  it.each([
    ['xor-tanh-l1-0.1-dead-links', 50],
    ['circle-relu-batch30-squares', 50],
    ['reg-gauss-tanh-l2-noise25-train30', 10],
  ])('reproduces the Playground run %s: losses, weights and dead links after %i epochs (float64)', async (name, epochs) => {
    const f = await fixture(name);
    const snapshot = f.snapshots.find((s) => s.epoch === epochs)!;
    const out = join(ws.dir, `${name}.json`);
    const report = await runJson<{ epochs: number; trainLoss: number; testLoss: number; playground: { features: string[] }; history: unknown[] }>([
      'train',
      '--playground',
      `https://playground.tensorflow.org/${f.hash}`,
      '--epochs',
      String(epochs),
      '--dtype',
      'float64',
      '--json',
      '--out',
      out,
    ]);
    expect(report.epochs).toBe(epochs);
    expect(report.history).toHaveLength(epochs + 1);
    expect(report.playground.features).toEqual(f.features);
    expect(relative(report.trainLoss, snapshot.trainLoss)).toBeLessThanOrEqual(1e-9);
    expect(relative(report.testLoss, snapshot.testLoss)).toBeLessThanOrEqual(1e-9);
    const model = await readModel(out);
    model.weights.layers.forEach((layer, l) => {
      layer.kernel.data.forEach((w, i) => expect(Math.abs(w - snapshot.weights[l]!.kernel[i]!)).toBeLessThanOrEqual(1e-9));
      layer.bias.data.forEach((b, i) => expect(Math.abs(b - snapshot.weights[l]!.bias[i]!)).toBeLessThanOrEqual(1e-9));
    });
    const file = JSON.parse(await readFile(out, 'utf8')) as { metadata: { inputFeatures: { from: string[]; features: string[] } }; optimizerState: { slots: Record<string, { layers: Array<{ kernel: { data: number[] } }> }> } };
    expect(file.metadata.inputFeatures).toEqual({ from: ['x1', 'x2'], features: f.features });
    if (name.includes('l1')) {
      const dead = file.optimizerState.slots.deadLinks!.layers.map((l) => l.kernel.data);
      expect(dead).toEqual(snapshot.weights.map((l) => l.deadLinks));
      expect(dead.flat().some((d) => d === 1), 'links died').toBe(true);
    }
  });

  it('gives a model that predicts on raw (x1, x2) points, computing its derived features itself', async () => {
    const f = await fixture('circle-relu-batch30-squares');
    const model = join(ws.dir, 'circle.json');
    await runJson(['train', '--playground', f.hash, '--epochs', '20', '--dtype', 'float64', '--json', '--out', model]);
    const csv = join(ws.dir, 'circle-points.csv');
    const rows = f.test.x.slice(0, 40).map((x, i) => `${x},${f.test.y[i]},${f.test.label[i] === 1 ? 'positive' : 'negative'}`);
    await writeFile(csv, `x1,x2,label\n${rows.join('\n')}\n`);
    const predicted = await run(['predict', '--model', model, '--csv', csv]);
    expect(predicted.code).toBe(0);
    const table = parseCsv(predicted.stdout);
    expect(table.header).toEqual(['x1', 'x2', 'label', 'class', 'p_negative', 'p_positive']);
    const correct = table.rows.filter((r) => r[2] === r[3]).length;
    expect(correct / table.rows.length, 'x1² + x2² separates the circle after 20 epochs').toBeGreaterThan(0.8);
    const evaluated = await runJson<{ accuracy: number; rows: number }>(['evaluate', '--model', model, '--dataset', csv, '--json']);
    expect(evaluated.rows).toBe(40);
    expect(evaluated.accuracy).toBeCloseTo(correct / table.rows.length, 12);
    await expectFailure(['predict', '--model', model, '--input', '1,2,3'], 2, /--input has 3 values, the model expects 2 \(x1, x2\)/);
  });

  it('draws the Playground picture with --plot', async () => {
    const f = await fixture('xor-relu-l1-0.01');
    const dir = join(ws.dir, 'plots');
    const report = await runJson<{ plots: string[] }>(['train', '--playground', f.hash, '--epochs', '5', '--json', '--plot', dir]);
    expect(report.plots).toEqual([join(dir, 'playground.png'), join(dir, 'loss.png')]);
    for (const p of report.plots) expect(existsSync(p)).toBe(true);
    const png = await readFile(join(dir, 'playground.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses a bad URL, flags the URL decides, and resuming, with exit 2 and the reason', async () => {
    await expectFailure(['train', '--playground', '#activation=softplus&seed=1'], 2, /activation=softplus.*relu, tanh, sigmoid, linear/);
    await expectFailure(['train', '--playground', '#activation=tanh'], 2, /seed/);
    await expectFailure(['train', '--playground', '#seed=0.5', '--hidden', '4'], 2, /--hidden cannot be given with --playground/);
    await expectFailure(['train', '--playground', '#seed=0.5', '--resume', 'x.json'], 2, /--resume is not supported with --playground/);
    await expectFailure(['train', '--playground', '#seed=0.5&x=false&y=false'], 2, /every input feature off/);
    await expectFailure(['train', '--playground', '#seed=0.5&networkShape=100001'], 2, /networkShape=100001: .*limit/);
    // 10% of 500 points is 50 training points; a batch of 60 never fills.
    await expectFailure(['train', '--playground', '#seed=0.5&batchSize=60&percTrainData=10'], 2, /batchSize=60 is more than the 50 training points/);
  });
});
