/**
 * The hostile user's cases (each a subprocess run of the built CLI): inputs that used to give a
 * confident wrong answer with exit 0, lose work, crash with a stack trace, or hang. Every test
 * here failed on the CLI before these cases were fixed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorEnabled } from './io.js';
import { lossChart } from './render/chart.js';
import { expectFailure, MAIN, readModel, run, runJson, workspace, type Result } from './testing/cli.js';

const work = workspace();

/** A two-feature CSV with classes "no"/"yes": yes where x1 > x2 (learnable, and asymmetric in x1, x2). */
function twoFeatureCsv(header = 'x1,x2,y', rows = 120, label = (x1: number, x2: number): string => (x1 > x2 ? 'yes' : 'no')): string {
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const x1 = ((i * 37) % 100) / 10;
    const x2 = ((i * 61 + 13) % 100) / 10;
    lines.push(`${x1},${x2},${label(x1, x2)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The same rows with the feature columns swapped: x2,x1,y. */
function swapped(csv: string): string {
  return csv
    .trim()
    .split('\n')
    .map((line) => {
      const [a, b, c] = line.split(',');
      return `${b},${a},${c}`;
    })
    .join('\n');
}

async function trainedOn(csv: string, name: string, extra: readonly string[] = []): Promise<{ data: string; model: string }> {
  const data = join(work.dir, `${name}.csv`);
  const model = join(work.dir, `${name}.json`);
  await writeFile(data, csv);
  const result = await run(['train', '--dataset', data, '--hidden', '6', '--epochs', '60', '--out', model, '--quiet', ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { data, model };
}

describe('silent wrong answers', () => {
  it('evaluate matches CSV features by name: columns x2,x1 give the same accuracy as x1,x2', async () => {
    const { data, model } = await trainedOn(twoFeatureCsv(), 'by-name');
    const same = await runJson<{ accuracy: number }>(['evaluate', '--model', model, '--dataset', data, '--json']);
    expect(same.accuracy).toBeGreaterThan(0.9);
    const other = join(work.dir, 'by-name-swapped.csv');
    await writeFile(other, swapped(twoFeatureCsv()));
    const result = await runJson<{ accuracy: number }>(['evaluate', '--model', model, '--dataset', other, '--json']);
    expect(result.accuracy).toBe(same.accuracy);
    // Missing and extra features are refused, by name.
    await writeFile(other, twoFeatureCsv('x1,z,y'));
    await expectFailure(['evaluate', '--model', model, '--dataset', other], 2, /lacks the model's feature "x2".*has feature the model was not trained on: "z"/);
  });

  it('evaluate matches classes by label: a renamed class is refused, reordered labels are followed', async () => {
    const { model } = await trainedOn(twoFeatureCsv(), 'labels');
    const renamed = join(work.dir, 'labels-renamed.csv');
    await writeFile(renamed, twoFeatureCsv('x1,x2,y', 120, (a, b) => (a > b ? 'yes' : 'nope')));
    await expectFailure(['evaluate', '--model', model, '--dataset', renamed], 2, /has class the model does not know: "nope" \(the model's classes: "no", "yes"; matched by label\)/);
    // Labels that sort the other way round ("ja" < "nein" but "yes" > "no") must not flip the classes.
    const { model: german, data } = await trainedOn(twoFeatureCsv('x1,x2,y', 120, (a, b) => (a > b ? 'ja' : 'nein')), 'labels-de');
    const base = await runJson<{ accuracy: number; classNames: string[] }>(['evaluate', '--model', german, '--dataset', data, '--json']);
    expect(base.classNames).toEqual(['ja', 'nein']);
    const subset = join(work.dir, 'labels-de-rows.csv');
    // Rows in another order, so the first label seen is the other class.
    await writeFile(subset, ['x1,x2,y', '1,9,nein', '9,1,ja', '2,8,nein', '8,2,ja'].join('\n'));
    const four = await runJson<{ accuracy: number }>(['evaluate', '--model', german, '--dataset', subset, '--json']);
    expect(four.accuracy).toBe(1);
  });

  it('predict --csv never falls back to position: a label column is not a feature; duplicate header names are refused', async () => {
    const { model } = await trainedOn(twoFeatureCsv(), 'predict-names');
    const points = join(work.dir, 'predict-names-points.csv');
    await writeFile(points, 'a,y\n1,0\n');
    await expectFailure(['predict', '--model', model, '--csv', points], 2, /lacks the model's features "x1", "x2"/);
    await writeFile(points, 'x1,x2,x1\n1,2,3\n');
    await expectFailure(['predict', '--model', model, '--csv', points], 2, /the column "x1" appears more than once/);
    await writeFile(points, 'y,x2,x1\nno,1,9\n');
    const predicted = await runJson<{ predictions: Array<{ class: string }> }>(['predict', '--model', model, '--csv', points, '--json']);
    expect(predicted.predictions[0]?.class).toBe('yes'); // x1 = 9 > x2 = 1, read by name
  });

  it('weights that become infinite on the last step (sgd, lr 1e300) exit 1 naming the epoch and batch', async () => {
    const result = await expectFailure(
      ['train', '--dataset', 'and', '--hidden', 'none', '--optimizer', 'sgd', '--lr', '1e300', '--epochs', '1', '--batch-size', '4', '--json'],
      1,
      /the weights became -?(Infinity|NaN) \(in dense_0\/(kernel|bias)\) at epoch 1, batch 1; training diverged/,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'NON_FINITE_WEIGHTS', exitCode: 1 } });
  });

  it('data that overflows float32 (±1e200) exits 2 naming the file, line and column', async () => {
    const csv = join(work.dir, 'overflow.csv');
    await writeFile(csv, 'a,b,y\n1,2,0\n3,-1e200,1\n5,6,0\n');
    await expectFailure(['train', '--dataset', csv, '--epochs', '1'], 2, /overflow\.csv, line 3, column 2: feature "b" is -1e200, beyond ±3\.4028234663852886e\+38/);
    await expectFailure(['predict', '--model', await trainedOn(twoFeatureCsv(), 'overflow-model').then((m) => m.model), '--input', '1e200,1'], 2, /--input value 1 \(1e\+200\) is beyond/);
  });

  it('a Latin-1 CSV is refused with file, line and column (no merged U+FFFD classes); --encoding latin1 reads it', async () => {
    const csv = join(work.dir, 'latin1.csv');
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i % 2},caf${i % 2 === 0 ? '\xe9' : '\xe8'}`);
    await writeFile(csv, Buffer.from(`a,b,y\n${rows.join('\n')}\n`, 'latin1'));
    await expectFailure(['train', '--dataset', csv, '--epochs', '1'], 2, /latin1\.csv, line 2, column 3: byte 0xE9 .*is not UTF-8.*--encoding latin1/);
    const trained = await runJson<{ task: string }>(['train', '--dataset', csv, '--epochs', '1', '--encoding', 'latin1', '--out', join(work.dir, 'latin1.json'), '--json']);
    expect(trained.task).toBe('binary');
    expect((await readModel(join(work.dir, 'latin1.json'))).metadata.classNames).toEqual(['cafè', 'café']);
  });

  it('a CSV without a header is refused (its first row would be lost); --no-header reads every row', async () => {
    const csv = join(work.dir, 'headerless.csv');
    await writeFile(csv, twoFeatureCsv().split('\n').slice(1).join('\n').replace(/yes/g, '1').replace(/no/g, '0'));
    await expectFailure(['train', '--dataset', csv, '--epochs', '1'], 2, /headerless\.csv, line 1, column 1: the header row .* holds only numbers.*--no-header/);
    const trained = await runJson<{ trainRows: number; testRows: number }>(['train', '--dataset', csv, '--no-header', '--epochs', '1', '--json']);
    expect(trained.trainRows + trained.testRows).toBe(120);
  });

  it('a ;-separated file gets a --delimiter hint, and --delimiter reads it; a .tsv file is read with tabs', async () => {
    const csv = join(work.dir, 'semicolon.csv');
    await writeFile(csv, twoFeatureCsv().replace(/,/g, ';'));
    await expectFailure(['train', '--dataset', csv, '--epochs', '1'], 2, /looks ;-separated \(pass the delimiter: --delimiter ';'/);
    expect((await runJson<{ trainRows: number }>(['train', '--dataset', csv, '--delimiter', ';', '--epochs', '1', '--json'])).trainRows).toBe(96);
    const tsv = join(work.dir, 'tabs.tsv');
    await writeFile(tsv, twoFeatureCsv().replace(/,/g, '\t'));
    expect((await runJson<{ trainRows: number }>(['train', '--dataset', tsv, '--epochs', '1', '--json'])).trainRows).toBe(96);
  });

  it('--task regression reads a 1–10 rating as a real value instead of ten classes', async () => {
    const csv = join(work.dir, 'ratings.csv');
    await writeFile(csv, ['a,rating', ...Array.from({ length: 50 }, (_, i) => `${i},${(i % 10) + 1}`)].join('\n'));
    expect((await runJson<{ task: string }>(['train', '--dataset', csv, '--epochs', '1', '--json'])).task).toBe('multiclass');
    const regression = await runJson<{ task: string; model: string }>(['train', '--dataset', csv, '--epochs', '1', '--task', 'regression', '--json']);
    expect(regression).toMatchObject({ task: 'regression', model: '1-8-8-1 tanh/tanh/linear' });
    await expectFailure(['train', '--dataset', 'xor', '--task', 'regression'], 2, /--task applies to CSV files only/);
  });

  it('--resume refuses data that changed under the checkpoint, and counters that do not fit the run', async () => {
    const { data, model } = await trainedOn(twoFeatureCsv(), 'resume-data');
    // Same rows, labels shuffled.
    await writeFile(data, twoFeatureCsv('x1,x2,y', 120, (a, b) => (a > b + 1 ? 'yes' : 'no')));
    await expectFailure(['train', '--resume', model, '--epochs', '61'], 2, /is not what .*resume-data\.json was trained on \(its rows' fingerprint differs\)/);
    await writeFile(data, twoFeatureCsv());
    const json = JSON.parse(await readFile(model, 'utf8')) as { metadata: { batchesCompleted?: number } };
    json.metadata.batchesCompleted = 1e9;
    const bad = join(work.dir, 'resume-counters.json');
    await writeFile(bad, JSON.stringify(json));
    await expectFailure(['train', '--resume', bad, '--epochs', '61'], 2, /metadata\.batchesCompleted: is 1000000000, but an epoch of this run has 10 batches/);
  });

  it('--json is honoured by predict --csv, and errors under --json are a JSON object on stdout (the stderr line kept)', async () => {
    const { model } = await trainedOn(twoFeatureCsv(), 'json-out');
    const points = join(work.dir, 'json-points.csv');
    await writeFile(points, 'x1,x2\n9,1\n1,9\n');
    const predicted = await runJson<{ rows: number; predictions: Array<{ line: number; class: string; probabilities: Record<string, number> }> }>([
      'predict', '--model', model, '--csv', points, '--json',
    ]);
    expect(predicted.rows).toBe(2);
    expect(predicted.predictions.map((p) => [p.line, p.class])).toEqual([[2, 'yes'], [3, 'no']]);
    const failed = await expectFailure(['evaluate', '--model', join(work.dir, 'nope.json'), '--json'], 2, /nope\.json: no such file/);
    expect(JSON.parse(failed.stdout)).toMatchObject({ error: { code: 'MODEL_FILE_INVALID', exitCode: 2, message: expect.stringMatching(/nope\.json: no such file/) as unknown } });
    const usage = await expectFailure(['train', '--bogus', '--json'], 2, /unknown option '--bogus'/);
    expect(JSON.parse(usage.stdout)).toMatchObject({ error: { code: 'USAGE', exitCode: 2 } });
  });
});

/** Starts a long training run and sends `signal` once the first epoch line appears on stderr. */
function interrupted(args: readonly string[], signal: NodeJS.Signals, cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!sent && /^epoch /m.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lost work', () => {
  const long = ['train', '--dataset', 'circle', '--points', '200', '--hidden', '4', '--epochs', '100000', '--batch-size', '1'];

  it('train --resume without --out keeps the original run’s --out; the Ctrl-C hint prints the whole command', async () => {
    const dir = join(work.dir, 'resume-outputs');
    await mkdir(dir);
    const stopped = await interrupted([...long, '--out', 'run.json', '--plot', 'plots'], 'SIGINT', dir);
    expect(stopped.code).toBe(130);
    const checkpoint = join(dir, 'run.checkpoint.json');
    expect(stopped.stderr).toContain(`twinprop: resume with: twinprop train --resume ${checkpoint} --epochs 100000 --out ${join(dir, 'run.json')} --plot ${join(dir, 'plots')}`);
    // Resumed from elsewhere, without --out: the model still goes to the run's --out, and the plots to its --plot.
    const next = ((await readModel(checkpoint)).metadata.epochsCompleted ?? 0) + 1;
    const resumed = await run(['train', '--resume', checkpoint, '--epochs', String(next), '--quiet'], { cwd: work.dir });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect((await readModel(join(dir, 'run.json'))).metadata.epochsCompleted).toBe(next);
    expect(existsSync(join(dir, 'plots', 'loss.png'))).toBe(true);
  });

  it('SIGTERM writes a checkpoint like Ctrl-C and exits 143', async () => {
    const dir = join(work.dir, 'sigterm');
    await mkdir(dir);
    const stopped = await interrupted([...long, '--out', 'run.json'], 'SIGTERM', dir);
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toMatch(/twinprop: stopped by SIGTERM at .*; checkpoint saved to .*run\.checkpoint\.json/);
    expect((await readModel(join(dir, 'run.checkpoint.json'))).metadata.engine).toBe('reference');
  });

  it('refuses --out that is the --dataset file, a symbolic link or a device, before training', async () => {
    const csv = join(work.dir, 'precious.csv');
    const text = twoFeatureCsv();
    await writeFile(csv, text);
    await expectFailure(['train', '--dataset', csv, '--out', csv], 2, /--out .*precious\.csv is the --dataset file; writing it would destroy the input/);
    const link = join(work.dir, 'link.json');
    await symlink(csv, link);
    await expectFailure(['train', '--dataset', 'xor', '--out', link], 2, /--out .*link\.json is a symbolic link/);
    await expectFailure(['train', '--dataset', 'xor', '--out', '/dev/null'], 2, /--out \/dev\/null is a character device/);
    await expectFailure(['train', '--dataset', 'xor', '--out', 'a.json', '--checkpoint', 'a.json'], 2, /--out and --checkpoint name the same file/, { cwd: work.dir });
    const points = join(work.dir, 'predict-in.csv');
    await writeFile(points, 'x1,x2\n1,2\n');
    await expectFailure(['predict', '--model', await trainedOn(text, 'out-model').then((m) => m.model), '--csv', points, '--out', points], 2, /is the --csv file/);
    expect(await readFile(csv, 'utf8')).toBe(text);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  describe('a full disk (a 64 KiB tmpfs)', () => {
    const mnt = (): string => join(work.dir, 'full');
    let mounted = false;
    let skipReason = '';
    beforeAll(async () => {
      await mkdir(mnt());
      if (process.getuid?.() !== 0) skipReason = 'not root, cannot mount a tmpfs';
      else {
        const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt()], { encoding: 'utf8' });
        if (mount.status === 0) mounted = true;
        else skipReason = `mount failed: ${mount.stderr.trim()}`;
      }
      if (!mounted) console.warn(`skipping the full-disk tests: ${skipReason}`);
    });
    afterAll(() => {
      if (mounted) spawnSync('umount', [mnt()]);
    });

    it('--out and --plot on a full disk: a clear error, exit 1, the previous file kept, no temp file left', async (context) => {
      if (!mounted) context.skip(skipReason);
      const out = join(mnt(), 'model.json');
      await writeFile(out, 'previous');
      // 4-300-3 with Adam: about 100 kB of JSON, more than the disk holds.
      const result = await expectFailure(['train', '--dataset', 'iris', '--hidden', '300', '--epochs', '1', '--out', out], 1, /model\.json: no space left on device; any previous file there is unchanged/);
      expect(result.stderr).not.toMatch(/\.tmp|ENOSPC|internal error/);
      expect(await readFile(out, 'utf8')).toBe('previous');
      expect((await readdir(mnt())).sort()).toEqual(['model.json']);
      // Filled up: the plots fail the same way.
      await writeFile(join(mnt(), 'filler'), Buffer.alloc(56 * 1024));
      await expectFailure(['train', '--dataset', 'xor', '--hidden', '2', '--epochs', '2', '--plot', join(mnt(), 'plots')], 1, /(loss|decision-boundary)\.png: no space left on device/);
      expect((await readdir(join(mnt(), 'plots'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it('a Ctrl-C checkpoint on a full disk is a clear error (exit 1), and the progress is rescued to the temporary folder, resumable', async (context) => {
      if (!mounted) context.skip(skipReason);
      const stopped = await interrupted(['train', '--dataset', 'iris', '--hidden', '300', '--epochs', '100000', '--batch-size', '1', '--out', join(mnt(), 'big.json')], 'SIGINT', work.dir);
      expect(stopped.code).toBe(1);
      const said = /big\.checkpoint\.json: no space left on device.*the checkpoint at (?:the end of epoch (\d+)|epoch (\d+), after batch (\d+)) was saved to (\S+\.json) instead — continue with: twinprop train --resume \4/.exec(stopped.stderr);
      expect(said, stopped.stderr).not.toBeNull();
      expect(stopped.stderr).not.toMatch(/internal error|\.tmp/);
      const rescued = await readModel(said![4]!);
      const where = said![1] !== undefined ? [Number(said![1]), 0] : [Number(said![2]) - 1, Number(said![3])];
      expect([rescued.metadata.epochsCompleted, rescued.metadata.batchesCompleted ?? 0]).toEqual(where);
      // …and training continues from it.
      const resumed = await run(['train', '--resume', said![4]!, '--epochs', String(where[0]! + 1), '--out', join(work.dir, 'rescued.json'), '--quiet']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect((await readModel(join(work.dir, 'rescued.json'))).metadata.epochsCompleted).toBe(where[0]! + 1);
      await rm(said![4]!);
    });

    it('a trained model that cannot be saved on a full disk is rescued to the temporary folder, with exit 1', async (context) => {
      if (!mounted) context.skip(skipReason);
      await writeFile(join(mnt(), 'filler-2'), Buffer.alloc(60 * 1024)).catch(() => undefined);
      const result = await expectFailure(['train', '--dataset', 'iris', '--hidden', '300', '--epochs', '1', '--out', join(mnt(), 'final.json')], 1, /final\.json: no space left on device/);
      const said = /the trained model was saved to (\S+\.json) instead/.exec(result.stderr);
      expect(said, result.stderr).not.toBeNull();
      const rescued = await readModel(said![1]!);
      expect(rescued.metadata.epochsCompleted).toBe(1);
      await rm(said![1]!);
      await rm(join(mnt(), 'filler-2'), { force: true });
    });

    it('predict --out on a full disk exits 1 (never 0 with an empty file)', async (context) => {
      if (!mounted) context.skip(skipReason);
      const { model } = await trainedOn(twoFeatureCsv(), 'full-predict');
      const points = join(work.dir, 'many-points.csv');
      await writeFile(points, ['x1,x2', ...Array.from({ length: 5000 }, (_, i) => `${i % 10},${i % 7}`)].join('\n'));
      const out = join(mnt(), 'predictions.csv');
      await expectFailure(['predict', '--model', model, '--csv', points, '--out', out], 1, /predictions\.csv: no space left on device/);
      expect(existsSync(out)).toBe(false);
      expect((await readdir(mnt())).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });

  it('a model too large to save (25M parameters) is refused before training, not lost after it', async () => {
    const started = Date.now();
    await expectFailure(['train', '--dataset', 'mnist', '--points', '100', '--hidden', '5000,5000'], 2, /28,980,010 parameters; with adam in float32 its file could reach .*more than the 500 MiB a model file may have/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('two runs writing the same --out at once leave one whole model file, never a mix', async () => {
    const out = join(work.dir, 'race.json');
    const args = ['train', '--dataset', 'xor', '--hidden', '4', '--epochs', '200', '--out', out, '--quiet'];
    const results = await Promise.all([run([...args, '--seed', '1']), run([...args, '--seed', '2']), run([...args, '--seed', '3'])]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect((await readModel(out)).metadata.engine).toBe('reference');
    expect((await readdir(work.dir)).filter((f) => f.startsWith('.race.json'))).toEqual([]);
  });
});

describe('crashes, hangs, unbounded input', () => {
  it('/dev/zero and /dev/urandom as --model, --csv, --dataset and csv: are refused at once', async () => {
    const { model } = await trainedOn(twoFeatureCsv(), 'dev-model');
    await expectFailure(['evaluate', '--model', '/dev/zero'], 2, /\/dev\/zero: is a character device, not a model file/);
    await expectFailure(['predict', '--model', '/dev/urandom', '--input', '1,2'], 2, /\/dev\/urandom: is a character device/);
    await expectFailure(['predict', '--model', model, '--csv', '/dev/zero'], 2, /\/dev\/zero, line 1, column 1: the file holds a NUL byte/);
    await expectFailure(['train', '--dataset', 'csv:/dev/zero'], 2, /\/dev\/zero, line 1, column 1: the file holds a NUL byte/);
    await expectFailure(['train', '--dataset', 'csv:/dev/urandom'], 2, /\/dev\/urandom, line \d+, column \d+: (byte 0x[0-9A-F]{2}.*is not UTF-8|the file holds a NUL byte)/);
  });

  it('JSON nested 5,000 deep in a model file is refused, not a stack overflow', async () => {
    const { model } = await trainedOn(twoFeatureCsv(), 'deep');
    const text = await readFile(model, 'utf8');
    const deep = join(work.dir, 'deep-nested.json');
    await writeFile(deep, text.replace('"metadata":{', `"metadata":{"nested":${'['.repeat(5000)}${']'.repeat(5000)},`));
    await expectFailure(['evaluate', '--model', deep], 2, /nested more than 64 levels deep/);
  });

  it('--points is bounded: 4294967296 and 1e9 are refused, and so is a model file that stores 1e9', async () => {
    await expectFailure(['train', '--dataset', 'circle', '--points', '4294967296'], 2, /expected at most 1,000,000 points/);
    await expectFailure(['train', '--dataset', 'circle', '--points', '1e9'], 2, /expected at most 1,000,000 points/);
    const model = join(work.dir, 'circle-points.json');
    await runJson(['train', '--dataset', 'circle', '--points', '100', '--epochs', '1', '--out', model, '--json']);
    const json = JSON.parse(await readFile(model, 'utf8')) as { metadata: { extra: { run: { points: number } } } };
    json.metadata.extra.run.points = 1e9;
    await writeFile(model, JSON.stringify(json));
    await expectFailure(['evaluate', '--model', model], 2, /metadata\.extra\.run\.points: must be a whole number from 1 to 1000000/);
  });

  it('a closed stdout (piped into head) ends quietly, without an EPIPE stack trace', async () => {
    const { model } = await trainedOn(twoFeatureCsv(), 'epipe');
    const points = join(work.dir, 'epipe-points.csv');
    await writeFile(points, ['x1,x2', ...Array.from({ length: 50_000 }, (_, i) => `${i % 10},${i % 7}`)].join('\n'));
    for (const args of [['predict', '--model', model, '--csv', points], ['datasets'], ['evaluate', '--model', model]]) {
      const shell = spawnSync('bash', ['-c', `"$0" "$@" | head -c 1 > /dev/null; echo "status \${PIPESTATUS[0]}" >&2`, process.execPath, MAIN, ...args], { encoding: 'utf8' });
      expect(shell.stderr).toMatch(/^status 0\n$/);
    }
  });

  it('a path that is a folder or lies under a file is named as the user gave it (no temp file, no EEXIST)', async () => {
    const blocker = join(work.dir, 'plain-file');
    await writeFile(blocker, 'x');
    const result = await expectFailure(['train', '--dataset', 'xor', '--epochs', '1', '--out', join(blocker, 'm.json')], 2, /--out .*plain-file\/m\.json: .*plain-file is not a directory/);
    expect(result.stderr).not.toMatch(/\.tmp|EEXIST/);
    const folder = join(work.dir, 'a-folder');
    await mkdir(folder);
    await expectFailure(['train', '--dataset', 'xor', '--epochs', '1', '--out', folder], 2, /--out .*a-folder is a directory/);
  });
});

describe('conventions users expect of a CLI', () => {
  it('NO_COLOR turns colour off and FORCE_COLOR on; the loss chart has no escape codes without colour', () => {
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(lossChart([3, 2, 1], undefined, colorEnabled({ NO_COLOR: '1' }, true))).not.toContain('\x1b[');
    expect(lossChart([3, 2, 1], undefined, colorEnabled({ FORCE_COLOR: '1' }, false))).toContain('\x1b[');
  });

  it('- reads --dataset and --csv from stdin and writes predict --out to stdout', async () => {
    const model = join(work.dir, 'stdin.json');
    const trained = await run(['train', '--dataset', '-', '--epochs', '30', '--hidden', '6', '--out', model, '--json'], { input: twoFeatureCsv() });
    expect(trained.code).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ dataset: '-', trainRows: 96 });
    const predicted = await run(['predict', '--model', model, '--csv', '-', '--out', '-'], { input: 'x1,x2\n9,1\n' });
    expect(predicted.code).toBe(0);
    expect(predicted.stdout).toMatch(/^x1,x2,class,p_no,p_yes\n9,1,yes,/);
    // Resuming a stdin run reads stdin again, and the fingerprint checks it is the same data.
    await expectFailure(['train', '--resume', model, '--epochs', '31'], 2, /is not what .*stdin\.json was trained on/, { input: twoFeatureCsv('x1,x2,y', 50) });
  });

  it('a .txt file is read as CSV; another extension is told what is read instead of "unknown dataset"', async () => {
    const txt = join(work.dir, 'data.txt');
    await writeFile(txt, twoFeatureCsv());
    expect((await runJson<{ trainRows: number }>(['train', '--dataset', txt, '--epochs', '1', '--json'])).trainRows).toBe(96);
    const dat = join(work.dir, 'data.dat');
    await writeFile(dat, twoFeatureCsv());
    await expectFailure(['train', '--dataset', dat], 2, /data\.dat is not a built-in dataset, and only files named \.csv, \.tsv or \.txt are read as data \(or name it csv:/);
  });

  it('twinprop doctor lists every engine variant and whether it loads here, with the reason when not', async () => {
    const report = await runJson<{ engines: Array<{ id: string; available: boolean; reason?: string }> }>(['doctor', '--json']);
    const byId = new Map(report.engines.map((e) => [e.id, e]));
    expect(byId.get('reference/float64')?.available).toBe(true);
    expect(byId.get('tfjs/wasm')?.available).toBe(true);
    const tensorflow = byId.get('tfjs/tensorflow');
    expect(tensorflow).toBeDefined();
    if (tensorflow?.available === false) expect(tensorflow.reason).toMatch(/tfjs-node/);
    const table = await run(['doctor']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^reference\/float32\s+float32\s+yes/m);
  });
});
