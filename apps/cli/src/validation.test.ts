/**
 * End-to-end tests of `--validation-split`, `--early-stopping` and `--history` (each a subprocess
 * run of the built CLI): the validation part and what is evaluated when, that early stopping keeps
 * exactly the best epoch's weights on both engines, that resuming in the middle of the patience
 * window gives the uninterrupted run bit for bit, the history file, and the usage errors.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure, parseCsv, readModel, run, runJson, workspace, type ModelJson } from './testing/cli.js';

const work = workspace();

interface Epoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy?: number;
  validationLoss?: number;
  validationAccuracy?: number;
  validationMse?: number;
  testLoss?: number;
  learningRate: number;
  seconds: number;
}

interface TrainJson {
  epochs: number;
  trainRows: number;
  validationRows?: number;
  testRows: number;
  validationLoss?: number;
  testLoss: number;
  stopReason: string;
  bestEpoch?: number;
  bestValue?: number;
  earlyStopping?: { patience: number; monitor: string; minDelta: number; restoredBest: boolean };
  history: Epoch[];
}

type FileWithEarlyStopping = ModelJson & {
  earlyStopping?: { monitor: string; bestEpoch: number; bestValue?: number; epochsSinceBest: number; best?: unknown };
  metadata: ModelJson['metadata'] & { bestEpoch?: number; stopReason?: string; extra?: { history?: Epoch[] } };
};

/** A model file, with the fields these tests read. */
const readRun = async (path: string): Promise<FileWithEarlyStopping> => await readModel(path);

/** Noisy circles: the validation loss bottoms out early, then wanders above its minimum. */
const NOISY = ['train', '--dataset', 'circle', '--noise', '30', '--hidden', '8,8', '--validation-split', '0.2', '--quiet'];
const PATIENCE = 6;
const EARLY = [...NOISY, '--early-stopping', String(PATIENCE), '--epochs', '300'];

describe('--validation-split', () => {
  it('holds out a stratified part of the training rows, watched every epoch; the test set is evaluated at the end only', async () => {
    const out = join(work.dir, 'iris-validated.json');
    const report = await runJson<TrainJson>(['train', '--dataset', 'iris', '--hidden', '8', '--epochs', '5', '--validation-split', '0.25', '--out', out, '--json']);
    // Iris: 150 rows, 30 to test (10 a class); of the other 120, a quarter (10 a class) to validation.
    expect([report.trainRows, report.validationRows, report.testRows]).toEqual([90, 30, 30]);
    expect(report.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    for (const h of report.history) {
      expect(h.validationLoss).toBeGreaterThan(0);
      expect(h.validationAccuracy).toBeGreaterThanOrEqual(0);
      expect(h.testLoss).toBeUndefined();
    }
    expect(report.stopReason).toBe('epochs');
    expect(report.testLoss).toBeGreaterThan(0);

    // evaluate re-creates the same validation part: its loss is the last epoch's validation loss.
    const evaluated = await runJson<{ loss: number; rows: number }>(['evaluate', '--model', out, '--part', 'validation', '--json']);
    expect(evaluated.rows).toBe(30);
    expect(evaluated.loss).toBe(report.history.at(-1)?.validationLoss);
    expect(evaluated.loss).toBe(report.validationLoss);
    const trainPart = await runJson<{ rows: number }>(['evaluate', '--model', out, '--part', 'train', '--json']);
    expect(trainPart.rows).toBe(90);
  });

  it('the same seed holds out the same rows, another seed others', async () => {
    const args = ['train', '--dataset', 'iris', '--hidden', '4', '--epochs', '1', '--validation-split', '0.25', '--json'];
    const loss = async (seed: string): Promise<number | undefined> => (await runJson<TrainJson>([...args, '--seed', seed])).history[0]?.validationLoss;
    expect(await loss('3')).toBe(await loss('3'));
    expect(await loss('3')).not.toBe(await loss('4'));
  });
});

describe('--early-stopping', () => {
  for (const engine of ['reference', 'tfjs/cpu']) {
    it(`on ${engine}: stops patience epochs after the best epoch and keeps exactly its weights and optimizer state (a run of that many epochs)`, async () => {
      const name = engine.replace('/', '-');
      const early = join(work.dir, `early-${name}.json`);
      const report = await runJson<TrainJson>([...EARLY, '--engine', engine, '--out', early, '--json']);
      const best = report.bestEpoch ?? 0;
      expect(report.stopReason).toBe('earlyStopping');
      expect(best).toBeGreaterThan(1);
      expect(report.epochs).toBe(best + PATIENCE);
      expect(report.history).toHaveLength(report.epochs);
      expect(report.earlyStopping).toEqual({ patience: PATIENCE, monitor: 'validationLoss', minDelta: 0, restoredBest: true });
      // The best epoch by the JSON's own history: the first minimum of the validation loss, and nothing after it lower.
      const losses = report.history.map((h) => h.validationLoss ?? Number.NaN);
      expect(losses.indexOf(Math.min(...losses)) + 1).toBe(best);
      expect(report.bestValue).toBe(losses[best - 1]);

      const byHand = join(work.dir, `by-hand-${name}.json`);
      expect((await run([...NOISY, '--engine', engine, '--epochs', String(best), '--out', byHand])).code).toBe(0);
      const [stopped, hand] = [await readRun(early), await readRun(byHand)];
      expect(stopped.weights).toEqual(hand.weights);
      expect(stopped.optimizerState).toEqual(hand.optimizerState);
      expect(stopped.metadata.bestEpoch).toBe(best);
      expect(stopped.metadata.stopReason).toBe('earlyStopping');
      expect(stopped.metadata.epochsCompleted).toBe(best + PATIENCE);
      // …and the run that kept going has other weights: the comparison can fail.
      const longer = join(work.dir, `longer-${name}.json`);
      expect((await run([...NOISY, '--engine', engine, '--epochs', String(best + PATIENCE), '--out', longer])).code).toBe(0);
      expect((await readRun(longer)).weights).not.toEqual(hand.weights);
      // The final evaluation is of the restored model: the validation loss of the best epoch.
      expect(report.validationLoss).toBe(report.bestValue);
      work.remember(`early-${name}.json`, early);
    });
  }

  it('resumed in the middle of the patience window — from a model file or a periodic checkpoint — it ends exactly as the uninterrupted run', async () => {
    const straight = await work.modelFile('early-reference.json', EARLY.slice(1));
    const expected = await readRun(straight);
    const best = expected.metadata.bestEpoch ?? 0;
    const stop = expected.metadata.epochsCompleted ?? 0;
    const middle = best + PATIENCE / 2;

    const part = join(work.dir, 'window-part.json');
    expect((await run([...EARLY.slice(0, -1), String(middle), '--out', part])).code).toBe(0);
    const partial = await readRun(part);
    expect(partial.metadata.stopReason).toBe('epochs');
    expect(partial.earlyStopping).toMatchObject({ monitor: 'validationLoss', bestEpoch: best, epochsSinceBest: PATIENCE / 2 });
    expect(partial.earlyStopping?.best).toBeDefined();
    const resumed = join(work.dir, 'window-resumed.json');
    expect((await run(['train', '--resume', part, '--epochs', '300', '--out', resumed, '--quiet'])).code).toBe(0);

    // A checkpoint every `middle` epochs: the one kept was written inside the window (the next would be after the stop).
    expect(2 * middle).toBeGreaterThan(stop);
    const periodic = join(work.dir, 'window-periodic.json');
    const checkpoint = join(work.dir, 'window-periodic.checkpoint.json');
    expect((await run([...EARLY, '--checkpoint-every', String(middle), '--out', periodic])).code).toBe(0);
    expect((await readRun(checkpoint)).metadata.epochsCompleted).toBe(middle);
    expect((await readRun(checkpoint)).earlyStopping?.epochsSinceBest).toBe(PATIENCE / 2);
    const fromCheckpoint = join(work.dir, 'window-from-checkpoint.json');
    expect((await run(['train', '--resume', checkpoint, '--out', fromCheckpoint, '--quiet'])).code).toBe(0);

    for (const file of [resumed, fromCheckpoint]) {
      const model = await readRun(file);
      expect(model.weights).toEqual(expected.weights);
      expect(model.optimizerState).toEqual(expected.optimizerState);
      expect([model.metadata.epochsCompleted, model.metadata.bestEpoch, model.metadata.stopReason]).toEqual([stop, best, 'earlyStopping']);
      expect(model.metadata.extra?.history?.map((h) => h.validationLoss)).toEqual(expected.metadata.extra?.history?.map((h) => h.validationLoss));
    }
  });

  it('a model whose patience ran out is not resumed, and a checkpoint whose counters disagree is refused (2)', async () => {
    const straight = await work.modelFile('early-reference.json', EARLY.slice(1));
    await expectFailure(['train', '--resume', straight, '--epochs', '400'], 2, /stopped early at epoch \d+: 6 epochs brought no improvement and it holds the weights of its best epoch, \d+; there is nothing to resume/);
    const inWindow = String(((await readRun(straight)).metadata.bestEpoch ?? 0) + 1);
    const part = join(work.dir, 'tampered.json');
    expect((await run([...EARLY.slice(0, -1), inWindow, '--out', part])).code).toBe(0);
    const json = JSON.parse(await readFile(part, 'utf8')) as { earlyStopping: { epochsSinceBest: number } };
    json.earlyStopping.epochsSinceBest += 1;
    await writeFile(part, JSON.stringify(json));
    await expectFailure(['train', '--resume', part, '--epochs', '300'], 2, new RegExp(`tampered\\.json: earlyStopping\\.epochsSinceBest: is 2 after best epoch \\d+, but ${inWindow} epochs are complete`));
    await expectFailure(['train', '--resume', part, '--early-stopping', '3'], 2, /--early-stopping cannot be given with --resume/);
  });

  it('--monitor validationAccuracy with --min-delta: the best epoch is the first to beat every earlier one by more than min-delta', async () => {
    const report = await runJson<TrainJson>([...NOISY, '--early-stopping', '4', '--monitor', 'validationAccuracy', '--min-delta', '0.01', '--epochs', '300', '--json']);
    const accuracies = report.history.map((h) => h.validationAccuracy ?? Number.NaN);
    // Keras's rule by hand: an epoch improves when it beats the best so far by more than 0.01.
    let best = 1;
    for (let e = 2; e <= accuracies.length; e++) if ((accuracies[e - 1] ?? 0) > (accuracies[best - 1] ?? 0) + 0.01) best = e;
    expect(report.stopReason).toBe('earlyStopping');
    expect(report.bestEpoch).toBe(best);
    expect(report.epochs).toBe(best + 4);
    expect(report.earlyStopping?.monitor).toBe('validationAccuracy');
  });
});

describe('--history', () => {
  it('writes one CSV row per epoch with every metric, the learning rate and seconds — the JSON history', async () => {
    const csv = join(work.dir, 'history.csv');
    const report = await runJson<TrainJson>(['train', '--dataset', 'plane', '--points', '300', '--hidden', '4', '--epochs', '4', '--lr', '0.02', '--validation-split', '0.2', '--history', csv, '--json']);
    const { header, rows } = parseCsv(await readFile(csv, 'utf8'));
    expect(header).toEqual(['epoch', 'trainLoss', 'validationLoss', 'validationMse', 'learningRate', 'seconds']);
    expect(rows.map((r) => Number(r[0]))).toEqual([1, 2, 3, 4]);
    expect(rows.every((r) => Number(r[4]) === 0.02 && Number(r[5]) >= 0)).toBe(true);
    expect(rows.map((r) => Number(r[2]))).toEqual(report.history.map((h) => h.validationLoss));
    expect(rows.map((r) => Number(r[1]))).toEqual(report.history.map((h) => h.trainLoss));
  });

  it('writes NDJSON; without a validation split the epochs carry the test metrics; a resumed run exports the whole curve', async () => {
    const ndjson = join(work.dir, 'history.ndjson');
    const part = join(work.dir, 'history-part.json');
    const args = ['train', '--dataset', 'circle', '--points', '200', '--hidden', '4', '--quiet'];
    expect((await run([...args, '--epochs', '3', '--out', part, '--history', ndjson])).code).toBe(0);
    expect((await readFile(ndjson, 'utf8')).trim().split('\n')).toHaveLength(3);
    expect((await run(['train', '--resume', part, '--epochs', '5', '--quiet'])).code).toBe(0);
    const lines = (await readFile(ndjson, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Epoch);
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(lines[0] ?? {})).toEqual(['epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'learningRate', 'seconds']);
    expect(lines.every((l) => l.learningRate === 0.01)).toBe(true);
  });
});

describe('bad input (2)', () => {
  const circle = ['train', '--dataset', 'circle', '--epochs', '1'];
  const cases: Array<[string, string[], RegExp]> = [
    ['patience 0', [...circle, '--validation-split', '0.2', '--early-stopping', '0'], /--early-stopping <patience>' argument '0' is invalid\. expected a whole number of epochs ≥ 1/],
    ['a negative patience', [...circle, '--validation-split', '0.2', '--early-stopping', '-2'], /argument '-2' is invalid\. expected a whole number of epochs ≥ 1/],
    ['early stopping without a validation split', [...circle, '--early-stopping', '5'], /--early-stopping watches validationLoss on a validation set, and there is none: add --validation-split <fraction>/],
    ['an unknown --monitor', [...circle, '--validation-split', '0.2', '--early-stopping', '5', '--monitor', 'loss'], /--monitor <metric>' argument 'loss' is invalid\. unknown metric; expected one of validationLoss, validationAccuracy, validationMse/],
    ['a metric the task lacks', ['train', '--dataset', 'plane', '--validation-split', '0.2', '--early-stopping', '5', '--monitor', 'validationAccuracy'], /plane is a regression dataset, which reports no validationAccuracy; monitor validationLoss or validationMse/],
    ['--min-delta without --early-stopping', [...circle, '--min-delta', '0.1'], /--min-delta applies to --early-stopping/],
    ['a split that leaves no training rows', ['train', '--dataset', 'iris', '--test-split', '0.9', '--validation-split', '0.9'], /--validation-split 0\.9 leaves no training rows: all 15 rows of the training part would go to validation/],
    ['a class with no validation rows', ['train', '--dataset', 'iris', '--validation-split', '0.01'], /--validation-split 0\.01 holds out no validation rows of class "setosa" \(40 training rows\): 40 × 0\.01 rounds to 0 — use --validation-split 0\.0125 or more/],
    ['a validation split of a gate', ['train', '--dataset', 'xor', '--validation-split', '0.25'], /xor is a logic gate's truth table.*nothing to hold out/],
    ['a history file of another kind', [...circle, '--history', 'run.json'], /--history run\.json: .*name the file \.csv or \.ndjson \(got \.json\)/],
    ['validation with --playground', ['train', '--playground', '#dataset=xor', '--validation-split', '0.2'], /--validation-split is not supported with --playground/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      await expectFailure(args, 2, message);
    });
  }

  it('a class that would have no training rows is named', async () => {
    const csv = join(work.dir, 'rare.csv');
    // Class "rare" has one row; after the test split it is in the training part, and a split of 0.5 would take it all.
    const lines = ['x1,x2,y', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 7},common`), '3,3,rare', ...Array.from({ length: 20 }, (_, i) => `${i},${(i * 3) % 5},other`)];
    await writeFile(csv, `${lines.join('\n')}\n`);
    await expectFailure(['train', '--dataset', csv, '--test-split', '0', '--validation-split', '0.5', '--epochs', '1'], 2, /--validation-split 0\.5 leaves class "rare" no training rows: all 1 of them would go to validation/);
  });

  it('a --history path that is the --out file is refused before training', async () => {
    const path = join(work.dir, 'same.csv');
    await expectFailure([...circle, '--out', path, '--history', path], 2, /--out and --history name the same file/);
  });
});
