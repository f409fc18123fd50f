/**
 * `twinprop train --lr-schedule`: the schedule stored in updates, the rate shown per epoch, resuming
 * mid-schedule bit for bit on both engines, and the bad values refused with exit 2. End to end, on
 * the built CLI (testing/cli.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure, readModel, run, runJson, workspace } from './testing/cli.js';

const work = workspace();

/** circle, 200 points: 160 training rows after the 0.2 test split; batches of 8 make 20 updates an epoch. */
const CIRCLE = ['train', '--dataset', 'circle', '--points', '200', '--hidden', '5', '--seed', '7', '--batch-size', '8', '--optimizer', 'sgd', '--lr', '0.1'];

async function scheduleOf(path: string): Promise<unknown> {
  return ((JSON.parse(await readFile(path, 'utf8')) as { training: { schedule?: unknown } }).training).schedule;
}

describe('train --lr-schedule', () => {
  it('stores the schedule in updates (epochs × 20 batches) and reports the last update’s rate', async () => {
    const out = join(work.dir, 'step.json');
    const json = await runJson([...CIRCLE, '--epochs', '6', '--lr-schedule', 'step', '--lr-decay-every', '2', '--out', out, '--json']);
    // Every 2 epochs = 40 updates; the last update is t = 119, so the rate is 0.1 · 0.5^⌊119/40⌋ = 0.025.
    expect(json.schedule).toEqual({ kind: 'step', every: 40, factor: 0.5 });
    expect(json.learningRate).toBe(0.025);
    expect(await scheduleOf(out)).toEqual({ kind: 'step', every: 40, factor: 0.5 });

    const cosine = join(work.dir, 'cosine.json');
    await runJson([...CIRCLE, '--epochs', '5', '--lr-schedule', 'cosine', '--lr-warmup-epochs', '0.5', '--lr-min', '0.001', '--out', cosine, '--json']);
    // Warm-up 0.5 × 20 = 10 updates; the decay takes the rest of the 100 updates.
    expect(await scheduleOf(cosine)).toEqual({ kind: 'cosine', decaySteps: 90, minLearningRate: 0.001, warmupSteps: 10 });

    const exponential = join(work.dir, 'exponential.json');
    const e = await runJson([...CIRCLE, '--epochs', '2', '--lr-schedule', 'exponential', '--lr-decay-rate', '0.5', '--out', exponential, '--json']);
    expect(e.schedule).toEqual({ kind: 'exponential', decayRate: 0.5, decaySteps: 20 });
    // t = 39: 0.1 · 0.5^(39/20) = 0.1 · 2^(−1.95) = 0.025885…
    expect(e.learningRate).toBeCloseTo(0.0258816, 6);

    const constant = await runJson([...CIRCLE, '--epochs', '1', '--lr-schedule', 'constant', '--json']);
    expect(constant).toMatchObject({ schedule: { kind: 'constant' }, learningRate: 0.1 });
    const none = await runJson([...CIRCLE, '--epochs', '1', '--json']);
    expect(none).not.toHaveProperty('schedule');
  });

  it('shows each epoch’s last rate on the progress lines and the schedule in the summary', async () => {
    // xor, batches of 1: 4 updates an epoch; every 2 epochs = 8 updates.
    const result = await run(['train', '--dataset', 'xor', '--hidden', '4', '--optimizer', 'sgd', '--lr', '0.5', '--batch-size', '1', '--epochs', '5', '--lr-schedule', 'step', '--lr-decay-every', '2']);
    expect(result.code).toBe(0);
    const rates = [...result.stderr.matchAll(/^epoch \d\/5 .* lr (\S+)$/gm)].map((m) => Number(m[1]));
    expect(rates).toEqual([0.5, 0.5, 0.25, 0.25, 0.125]);
    expect(result.stdout).toMatch(/^schedule\s+step: ×0\.5 every 8 steps; last update at lr 0\.125$/m);
    // Without a schedule the lines stay as they were.
    const plain = await run(['train', '--dataset', 'xor', '--hidden', '4', '--epochs', '2']);
    expect(plain.stderr).not.toMatch(/ lr /);
  });

  for (const engine of ['reference/float64', 'tfjs/cpu']) {
    it(`resuming in the middle of a schedule gives the uninterrupted run bit for bit (${engine})`, async () => {
      const args = [...CIRCLE, '--engine', engine, '--lr-schedule', 'cosine', '--lr-warmup-epochs', '1', '--lr-decay-epochs', '4', '--lr-min', '0.01', '--quiet'];
      const name = engine.replace('/', '-');
      const full = join(work.dir, `${name}-full.json`);
      const part = join(work.dir, `${name}-part.json`);
      const resumed = join(work.dir, `${name}-resumed.json`);
      const periodic = join(work.dir, `${name}-periodic.json`);
      const fromCheckpoint = join(work.dir, `${name}-from-checkpoint.json`);
      expect((await run([...args, '--epochs', '6', '--out', full])).code).toBe(0);
      // Stopped after epoch 2 (inside the decay: updates 40 … 59 of 20 warm-up + 80 decay), resumed to 6.
      expect((await run([...args, '--epochs', '2', '--out', part])).code).toBe(0);
      expect((await run(['train', '--resume', part, '--epochs', '6', '--out', resumed, '--quiet'])).code).toBe(0);
      // A periodic checkpoint at epoch 3 of the 6-epoch run, resumed.
      expect((await run([...args, '--epochs', '6', '--checkpoint-every', '3', '--out', periodic])).code).toBe(0);
      const checkpoint = join(work.dir, `${name}-periodic.checkpoint.json`);
      expect((await readModel(checkpoint)).optimizerState?.step).toBe(60);
      expect((await run(['train', '--resume', checkpoint, '--out', fromCheckpoint, '--quiet'])).code).toBe(0);

      const expected = await readModel(full);
      expect((await readModel(part)).weights).not.toEqual(expected.weights);
      for (const file of [resumed, periodic, fromCheckpoint]) {
        const model = await readModel(file);
        expect(model.weights, file).toEqual(expected.weights);
        expect(model.optimizerState, file).toEqual(expected.optimizerState);
        expect(await scheduleOf(file)).toEqual({ kind: 'cosine', decaySteps: 80, minLearningRate: 0.01, warmupSteps: 20 });
      }
      // The same run without the schedule ends elsewhere: the schedule is what made these weights.
      const constant = join(work.dir, `${name}-constant.json`);
      expect((await run([...CIRCLE, '--engine', engine, '--epochs', '6', '--out', constant, '--quiet'])).code).toBe(0);
      expect((await readModel(constant)).weights).not.toEqual(expected.weights);
    });
  }
});

describe('train --lr-schedule: bad values exit 2 with the flag named', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown schedule', ['--lr-schedule', 'wave'], /--lr-schedule <kind>' argument 'wave' is invalid\. Allowed choices are constant, step, exponential, cosine/],
    ['a factor of 0', ['--lr-schedule', 'step', '--lr-decay-every', '1', '--lr-decay-factor', '0'], /--lr-decay-factor <factor>' argument '0' is invalid\. expected a factor in \(0, 1\]/],
    ['a factor above 1 (the rate would grow without bound)', ['--lr-schedule', 'exponential', '--lr-decay-rate', '1.5'], /--lr-decay-rate <factor>' argument '1\.5' is invalid/],
    ['a negative minimum', ['--lr-schedule', 'cosine', '--lr-min', '-1'], /--lr-min <rate>' argument '-1' is invalid/],
    ['a minimum above --lr', ['--lr-schedule', 'cosine', '--lr-min', '0.5'], /--lr-min 0\.5: must be at most the learning rate η = 0\.1 the schedule decays from/],
    ['a non-finite period', ['--lr-schedule', 'exponential', '--lr-decay-rate', '0.5', '--lr-decay-epochs', 'Infinity'], /--lr-decay-epochs <epochs>' argument 'Infinity' is invalid/],
    ['a step shorter than one update', ['--lr-schedule', 'step', '--lr-decay-every', '0.01'], /--lr-decay-every 0\.01 is 0 updates at this run's 20 batches per epoch; it must come to at least 1/],
    ['a missing parameter', ['--lr-schedule', 'step'], /--lr-schedule step needs --lr-decay-every/],
    ['a parameter of another schedule', ['--lr-schedule', 'cosine', '--lr-decay-factor', '0.5'], /--lr-decay-factor does not apply to --lr-schedule cosine \(it takes --lr-decay-epochs, --lr-min, --lr-warmup-epochs\)/],
    ['a parameter without a schedule', ['--lr-min', '0.001'], /--lr-min is a parameter of --lr-schedule cosine; give the schedule too/],
    ['a warm-up as long as the run', ['--epochs', '2', '--lr-schedule', 'cosine', '--lr-warmup-epochs', '2'], /--lr-warmup-epochs 2 leaves no updates for the decay in a 2-epoch run/],
  ];
  for (const [what, flags, message] of cases) {
    it(what, async () => {
      await expectFailure([...CIRCLE, '--epochs', '1', ...flags], 2, message);
    });
  }

  it('with --resume (the checkpoint fixes the schedule) and with --playground', async () => {
    const model = join(work.dir, 'resume-me.json');
    expect((await run([...CIRCLE, '--epochs', '1', '--lr-schedule', 'step', '--lr-decay-every', '1', '--out', model, '--quiet'])).code).toBe(0);
    await expectFailure(['train', '--resume', model, '--epochs', '2', '--lr-schedule', 'cosine'], 2, /--lr-schedule cannot be given with --resume/);
    await expectFailure(['train', '--resume', model, '--epochs', '2', '--lr-min', '0.01'], 2, /--lr-min cannot be given with --resume/);
    await expectFailure(['train', '--playground', '#dataset=xor', '--lr-schedule', 'cosine'], 2, /--lr-schedule cannot be given with --playground/);
  });

  it('a model file whose schedule would give a negative rate is refused on --resume, naming the field', async () => {
    const model = join(work.dir, 'tampered.json');
    expect((await run([...CIRCLE, '--epochs', '1', '--lr-schedule', 'step', '--lr-decay-every', '1', '--out', model, '--quiet'])).code).toBe(0);
    const text = await readFile(model, 'utf8');
    await writeFile(model, text.replace('"factor":0.5', '"factor":-0.5'));
    await expectFailure(['train', '--resume', model, '--epochs', '2'], 2, /training\.schedule\.factor: must be in \(0, 1\]/);
  });
});
