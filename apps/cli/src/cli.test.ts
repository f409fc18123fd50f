/**
 * End-to-end tests: each one runs the built CLI (`node dist/main.js`) as a subprocess, the way a
 * user does, and checks its exit status, its output and the files it writes. Engine selection and
 * third-party engines: engines.test.ts.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { AND_MODEL, expectFailure, MAIN, parseCsv, readModel, run, runJson, workspace } from './testing/cli.js';

const work = workspace();

describe('datasets', () => {
  it('lists the built-in datasets with task and shape, as a table and as JSON', async () => {
    const list = await runJson<Array<{ name: string; task: string; rows: number; features: number; outputs: number; description: string }>>(['datasets', '--json']);
    const byName = new Map(list.map((d) => [d.name, d]));
    expect(byName.get('xor')).toMatchObject({ task: 'binary', rows: 4, features: 2, outputs: 1 });
    expect(byName.get('iris')).toMatchObject({ task: 'multiclass', rows: 150, features: 4, outputs: 3 });
    expect(byName.get('plane')?.task).toBe('regression');
    expect(byName.has('spiral')).toBe(true);
    const table = await run(['datasets']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^spiral\s+binary\s+500 × 2 → 1/m);
  });
});

describe('train', () => {
  it('learns XOR with one hidden layer of 4 units and default settings (testAccuracy 1)', async () => {
    const result = await run(['train', '--dataset', 'xor', '--hidden', '4', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ engine: 'reference', engineId: 'reference/float32', backend: 'js', dtype: 'float32', dataset: 'xor', testAccuracy: 1, trainAccuracy: 1 });
    for (const key of ['epochs', 'trainLoss', 'testLoss', 'seconds', 'samplesPerSecond']) expect(typeof json[key]).toBe('number');
    expect(json.trainLoss as number).toBeLessThan(0.05);
    expect(json.samplesPerSecond as number).toBeGreaterThan(0);
  });

  it('reports loss and MSE, not accuracy, for regression', async () => {
    const json = await runJson(['train', '--dataset', 'plane', '--points', '200', '--hidden', '4', '--epochs', '20', '--json']);
    expect(json).toMatchObject({ task: 'regression', dataset: 'plane' });
    expect(typeof json.testMse).toBe('number');
    expect(json.testMse as number).toBeLessThan(0.05);
    expect(json).not.toHaveProperty('testAccuracy');
  });

  it('prints epoch lines on stderr when piped, and nothing with --quiet', async () => {
    const args = ['train', '--dataset', 'and', '--hidden', '2', '--epochs', '5'];
    const piped = await run(args);
    expect(piped.code).toBe(0);
    expect(piped.stderr.match(/^epoch +\d+\/5 +loss /gm)).toHaveLength(5);
    expect(piped.stdout).toMatch(/^test \(all rows\)\s+loss/m);
    const quiet = await run([...args, '--quiet']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('standardizes Iris on the training part and stores the standardization and class names', async () => {
    const out = join(work.dir, 'iris.json');
    await runJson(['train', '--dataset', 'iris', '--hidden', '8', '--epochs', '30', '--out', out, '--json']);
    const model = await readModel(out);
    expect(model.metadata.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    const std = model.metadata.standardization;
    expect(std?.mean).toHaveLength(4);
    // Fitted on the 120 training rows, so close to, but not exactly, the means of all 150 flowers (5.84, 3.05, 3.76, 1.20 cm).
    expect(std?.mean[0]).toBeGreaterThan(5.6);
    expect(std?.mean[0]).toBeLessThan(6.1);
    expect(std?.std.every((s) => s > 0)).toBe(true);
    // Predictions are made in centimetres: the model applies the stored standardization itself.
    const setosa = await runJson<{ class: string }>(['predict', '--model', out, '--input', '5.1,3.5,1.4,0.2', '--json']);
    expect(setosa.class).toBe('setosa');
    const virginica = await runJson<{ class: string }>(['predict', '--model', out, '--input', '7.7,3.0,6.1,2.3', '--json']);
    expect(virginica.class).toBe('virginica');
  });
});

describe('train: --train-eval and --threads', () => {
  it("takes each epoch's train accuracy from its batches by default, from the whole training set with --train-eval full, and none with none; the model is the same", async () => {
    const trained = async (mode: string | undefined) => {
      const out = join(work.dir, `iris-${mode ?? 'default'}.json`);
      const json = await runJson(['train', '--dataset', 'iris', '--hidden', '8', '--epochs', '5', '--out', out, '--json', ...(mode === undefined ? [] : ['--train-eval', mode])]);
      return { json, model: await readModel(out) };
    };
    const [byDefault, batches, full, none] = await Promise.all([trained(undefined), trained('batches'), trained('full'), trained('none')]);
    // The run's per-epoch history, as the model file stores it (metadata.extra.history).
    const accuracies = (r: typeof full): unknown[] =>
      ((r.model.metadata as { extra?: { history?: Array<{ trainAccuracy?: number }> } }).extra?.history ?? []).map((h) => h.trainAccuracy);
    expect(accuracies(byDefault)).toEqual(accuracies(batches));
    // Epoch 1's batches are judged as the model improves during the epoch: not the after-epoch accuracy.
    expect(accuracies(batches)?.[0]).not.toBe(accuracies(full)?.[0]);
    expect(accuracies(none)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // How the accuracy is measured changes nothing else: same weights, same final report.
    for (const other of [batches, full, none]) {
      expect(other.model.weights).toEqual(byDefault.model.weights);
      expect(other.json.testAccuracy).toBe(byDefault.json.testAccuracy);
      expect(other.json.trainAccuracy).toBe(byDefault.json.trainAccuracy);
    }
    await expectFailure(['train', '--dataset', 'iris', '--train-eval', 'sometimes'], 2, /--train-eval.*sometimes.*batches, full, none/);
  });

  it('trains bit-identical models on 1 and 2 threads (products large enough to be shared)', async () => {
    // 500 digits, 784-128-10: each batch's first-layer products are ≥ 2^18 multiply-adds, so the helper shares them.
    const trained = async (threads: number) => {
      const out = join(work.dir, `mnist-${threads}.json`);
      const json = await runJson(['train', '--dataset', 'mnist', '--points', '500', '--hidden', '128', '--activation', 'relu', '--epochs', '2', '--batch-size', '64', '--threads', String(threads), '--out', out, '--json']);
      return { json, model: await readModel(out) };
    };
    const [one, two] = [await trained(1), await trained(2)];
    expect(two.model.weights).toEqual(one.model.weights);
    expect(two.model.optimizerState).toEqual(one.model.optimizerState);
    for (const key of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy']) expect(two.json[key]).toBe(one.json[key]);
    await expectFailure(['train', '--dataset', 'xor', '--threads', '0'], 2, /--threads/);
  });
});

describe('CSV data', () => {
  it('trains on a CSV with a named label column, standardizes it, and predicts a CSV with columns in another order', async () => {
    const csv = join(work.dir, 'parts.csv');
    const lines = ['width,kind,weight'];
    for (let i = 0; i < 60; i++) {
      const heavy = i % 2;
      lines.push(`${(10 + 5 * heavy + (i % 7) * 0.3).toFixed(1)},${heavy === 1 ? 'heavy' : 'light'},${200 + 60 * heavy + (i % 5) * 2}`);
    }
    await writeFile(csv, `${lines.join('\n')}\n`);
    const out = join(work.dir, 'parts.json');
    const trained = await runJson(['train', '--dataset', csv, '--label', 'kind', '--hidden', '3', '--epochs', '40', '--out', out, '--json']);
    expect(trained).toMatchObject({ task: 'binary', trainRows: 48, testRows: 12, testAccuracy: 1 });
    const model = await readModel(out);
    expect(model.metadata.classNames).toEqual(['heavy', 'light']);
    // Mean weight of the training rows: between the light (≈204) and heavy (≈264) parts.
    expect(model.metadata.standardization?.mean[1]).toBeGreaterThan(215);
    expect(model.metadata.standardization?.mean[1]).toBeLessThan(255);

    const points = join(work.dir, 'parts-to-predict.csv');
    await writeFile(points, 'weight,width\n262,15.5\n201,10.2\n');
    const result = await run(['predict', '--model', out, '--csv', points]);
    expect(result.code).toBe(0);
    const { header, rows } = parseCsv(result.stdout);
    expect(header).toEqual(['weight', 'width', 'class', 'p_heavy', 'p_light']);
    expect(rows.map((r) => r[2])).toEqual(['heavy', 'light']);
  });
});

describe('train → save → evaluate → predict', () => {
  for (const engine of [['--engine', 'reference'], ['--engine', 'tfjs', '--backend', 'cpu']]) {
    it(`round trip on ${engine.join(' ')}`, async () => {
      const name = engine[1] ?? 'engine';
      const out = join(work.dir, `circle-${name}.json`);
      const trained = await runJson(['train', '--dataset', 'circle', '--points', '200', '--hidden', '6', '--epochs', '40', '--out', out, ...engine, '--json']);
      expect(trained.engine).toBe(name);
      expect(trained.engineId).toBe(name === 'tfjs' ? 'tfjs/cpu' : 'reference/float32');
      expect(trained.testAccuracy as number).toBeGreaterThan(0.9);
      expect((await readModel(out)).metadata.engine).toBe(name);
      work.remember(`circle-${name}.json`, out);

      // The test part evaluated from the saved file gives the numbers training reported.
      const evaluated = await runJson(['evaluate', '--model', out, '--part', 'test', ...engine, '--json']);
      expect(evaluated.engineId).toBe(trained.engineId);
      expect(evaluated.rows).toBe(trained.testRows);
      expect(evaluated.accuracy).toBe(trained.testAccuracy);
      expect(evaluated.loss as number).toBeCloseTo(trained.testLoss as number, 6);
      const confusion = evaluated.confusionMatrix as number[][];
      expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(trained.testRows);
      expect((confusion[0]?.[0] ?? 0) + (confusion[1]?.[1] ?? 0)).toBe(Math.round((trained.testAccuracy as number) * (trained.testRows as number)));

      // A point in the middle of the disc is class 1 ('positive'), one out in the ring class 0.
      const inside = await runJson<{ class: string; probabilities: Record<string, number> }>(['predict', '--model', out, '--input', '0,0', ...engine, '--json']);
      expect(inside.class).toBe('positive');
      expect((inside.probabilities.negative ?? 0) + (inside.probabilities.positive ?? 0)).toBeCloseTo(1, 6);
      const outside = await runJson<{ class: string }>(['predict', '--model', out, '--input', '4.2,0', ...engine, '--json']);
      expect(outside.class).toBe('negative');
    });
  }

  it('evaluate prints a confusion-matrix table with class names', async () => {
    const out = await work.modelFile('and.json', AND_MODEL);
    const result = await run(['evaluate', '--model', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/accuracy\s+1\.000 \(4\/4\)/);
    expect(result.stdout).toMatch(/confusion matrix/);
    // Three rows are 0 and one is 1 in the AND truth table.
    expect(result.stdout).toMatch(/^0\s+3\s+0$/m);
    expect(result.stdout).toMatch(/^1\s+0\s+1$/m);
  });

  it('predicts a CSV file: the input columns, then the class and one probability per class', async () => {
    const model = await work.modelFile('and.json', AND_MODEL);
    const csv = join(work.dir, 'gate.csv');
    await writeFile(csv, 'x1,x2,note\n0,0,a\n0,1,b\n1,0,c\n1,1,d\n');
    const result = await run(['predict', '--model', model, '--csv', csv]);
    expect(result.code).toBe(0);
    const { header, rows } = parseCsv(result.stdout);
    expect(header).toEqual(['x1', 'x2', 'note', 'class', 'p_0', 'p_1']);
    expect(rows.map((r) => r[3])).toEqual(['0', '0', '0', '1']);
    for (const row of rows) expect(Number(row[4]) + Number(row[5])).toBeCloseTo(1, 3);
    const outFile = join(work.dir, 'predictions.csv');
    expect((await run(['predict', '--model', model, '--csv', csv, '--out', outFile])).code).toBe(0);
    expect(await readFile(outFile, 'utf8')).toBe(result.stdout);
  });

  it('a model trained by one engine gives the same predictions on the other', async () => {
    const grid = join(work.dir, 'grid.csv');
    const points = Array.from({ length: 121 }, (_, i) => `${(i % 11) - 5},${Math.floor(i / 11) - 5}`);
    await writeFile(grid, `x1,x2\n${points.join('\n')}\n`);
    const tfjs = ['--engine', 'tfjs', '--backend', 'cpu'];
    for (const trainedBy of ['reference', 'tfjs']) {
      const engine = trainedBy === 'tfjs' ? tfjs : ['--engine', 'reference'];
      const model = await work.modelFile(`circle-${trainedBy}.json`, ['--dataset', 'circle', '--points', '200', '--hidden', '6', '--epochs', '40', ...engine]);
      const onReference = parseCsv((await run(['predict', '--model', model, '--csv', grid, '--engine', 'reference'])).stdout);
      const onTfjs = parseCsv((await run(['predict', '--model', model, '--csv', grid, ...tfjs])).stdout);
      expect(onReference.rows).toHaveLength(121);
      expect(onTfjs.rows.map((r) => r[2])).toEqual(onReference.rows.map((r) => r[2]));
      onTfjs.rows.forEach((row, i) => expect(Number(row[4])).toBeCloseTo(Number(onReference.rows[i]?.[4]), 3));
      const a = await runJson(['evaluate', '--model', model, '--engine', 'reference', '--json']);
      const b = await runJson(['evaluate', '--model', model, ...tfjs, '--json']);
      expect(b.engine).toBe('tfjs');
      expect([a.engineId, b.engineId]).toEqual(['reference/float32', 'tfjs/cpu']);
      expect(b.confusionMatrix).toEqual(a.confusionMatrix);
      expect(b.loss as number).toBeCloseTo(a.loss as number, 4);
    }
  });
});

describe('exit codes and messages', () => {
  it('an unknown flag is a usage error (2)', async () => {
    await expectFailure(['train', '--dataset', 'xor', '--bogus'], 2, /unknown option '--bogus'/);
  });

  it('an unknown dataset is a usage error (2) that lists the valid names', async () => {
    await expectFailure(['train', '--dataset', 'nosuch'], 2, /unknown dataset "nosuch".*spiral/);
  });

  it('a bad CSV names the file, line and column (2)', async () => {
    const csv = join(work.dir, 'bad.csv');
    await writeFile(csv, 'a,b,label\n1,2,x\n3,oops,y\n');
    await expectFailure(['train', '--dataset', csv], 2, /bad\.csv, line 3, column 2/);
  });

  it('a bad model file is a usage error (2)', async () => {
    const truncated = join(work.dir, 'truncated.json');
    await writeFile(truncated, '{"format":"twinprop-model","version":1,"spec":');
    await expectFailure(['evaluate', '--model', truncated], 2, /truncated\.json: .*truncated/);
    const wrong = join(work.dir, 'wrong.json');
    await writeFile(wrong, '{"hello": "world"}');
    await expectFailure(['predict', '--model', wrong, '--input', '0,1'], 2, /not a twinprop model file/);
    await expectFailure(['evaluate', '--model', join(work.dir, 'missing.json')], 2, /missing\.json: no such file/);
  });

  it('a dataset that does not fit the model is a usage error (2)', async () => {
    const model = await work.modelFile('and.json', AND_MODEL);
    await expectFailure(['evaluate', '--model', model, '--dataset', 'iris'], 2, /dataset iris lacks the model's features "x1", "x2", and has features the model was not trained on: "sepal length"/);
    await expectFailure(['predict', '--model', model, '--input', '1,2,3'], 2, /--input has 3 values, the model expects 2/);
  });

  it('float64 on tfjs is a usage error (2)', async () => {
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'tfjs', '--dtype', 'float64'], 2, /tfjs engine computes in float32 only/);
  });

  it('the tensorflow backend without tfjs-node is BackendUnavailableError (2)', async () => {
    const result = await run(['train', '--dataset', 'and', '--hidden', 'none', '--epochs', '1', '--engine', 'tfjs', '--backend', 'tensorflow', '--json']);
    if (result.code === 0) {
      // tfjs-node is installed where this runs: then the backend must really be the native one.
      expect((JSON.parse(result.stdout) as { backend: string }).backend).toBe('tensorflow');
      return;
    }
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^twinprop: error: .*tensorflow.*tfjs-node/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('a diverging run fails (1) naming the epoch and suggesting a lower learning rate', async () => {
    const result = await expectFailure(
      ['train', '--dataset', 'plane', '--points', '100', '--optimizer', 'sgd', '--lr', '1e6', '--epochs', '5', '--hidden', '4'],
      1,
      /loss became (NaN|-?Infinity) at epoch 1, batch \d+/,
    );
    expect(result.stderr).toMatch(/lower learning rate/);
    expect(result.stderr).toMatch(/--lr/);
  });

  it('options that a checkpoint fixes cannot be changed on --resume (2)', async () => {
    await expectFailure(['train', '--resume', await work.modelFile('and.json', AND_MODEL), '--hidden', '3'], 2, /--hidden cannot be given with --resume/);
  });
});

describe('checkpoints', () => {
  const base = ['train', '--dataset', 'circle', '--points', '200', '--hidden', '5', '--seed', '7', '--batch-size', '8', '--quiet'];

  it('--resume continues to bit-identical weights (after a saved model and after a periodic checkpoint)', async () => {
    const full = join(work.dir, 'full.json');
    const part = join(work.dir, 'part.json');
    const resumed = join(work.dir, 'resumed.json');
    const periodic = join(work.dir, 'periodic.json');
    const fromCheckpoint = join(work.dir, 'from-checkpoint.json');
    await run([...base, '--epochs', '6', '--out', full]);
    await run([...base, '--epochs', '3', '--out', part]);
    expect((await run(['train', '--resume', part, '--epochs', '6', '--out', resumed, '--quiet'])).code).toBe(0);
    // A periodic checkpoint written at epoch 4 of a 6-epoch run.
    expect((await run([...base, '--epochs', '6', '--checkpoint-every', '4', '--out', periodic])).code).toBe(0);
    const checkpoint = join(work.dir, 'periodic.checkpoint.json');
    expect((await readModel(checkpoint)).metadata.epochsCompleted).toBe(4);
    expect((await run(['train', '--resume', checkpoint, '--out', fromCheckpoint, '--quiet'])).code).toBe(0);

    const expected = await readModel(full);
    expect((await readModel(part)).weights).not.toEqual(expected.weights);
    for (const file of [resumed, periodic, fromCheckpoint]) {
      const model = await readModel(file);
      expect(model.weights).toEqual(expected.weights);
      expect(model.optimizerState).toEqual(expected.optimizerState);
      expect(model.metadata.epochsCompleted).toBe(6);
    }
  });

  it('Ctrl-C writes a checkpoint and exits 130; resuming from it matches an uninterrupted run', async () => {
    const checkpoint = join(work.dir, 'interrupted.json');
    // Batches of one row on 800 rows: an epoch takes long enough that the interrupt usually lands mid-epoch.
    const args = ['train', '--dataset', 'circle', '--points', '1000', '--hidden', '4', '--seed', '5', '--batch-size', '1', '--optimizer', 'momentum'];
    const child = spawn(process.execPath, [MAIN, ...args, '--epochs', '100000', '--checkpoint', checkpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (/^epoch +1\/100000 /m.test(stderr) && child.signalCode === null && !child.killed) child.kill('SIGINT');
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/interrupted at .*; checkpoint saved to .*interrupted\.json/);
    expect(stderr).toMatch(/twinprop train --resume/);
    const saved = await readModel(checkpoint);
    const epochs = saved.metadata.epochsCompleted ?? -1;
    const batches = saved.metadata.batchesCompleted ?? -1;
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(saved.optimizerState?.step).toBe(epochs * 800 + batches);

    const target = String(epochs + 1);
    const resumed = join(work.dir, 'interrupted-resumed.json');
    const uninterrupted = join(work.dir, 'uninterrupted.json');
    expect((await run(['train', '--resume', checkpoint, '--epochs', target, '--out', resumed, '--quiet'])).code).toBe(0);
    expect((await run([...args, '--epochs', target, '--out', uninterrupted, '--quiet'])).code).toBe(0);
    expect((await readModel(resumed)).weights).toEqual((await readModel(uninterrupted)).weights);
  });
});

describe('pictures', () => {
  it('--plot writes a decision-boundary PNG (400×400) and a loss-curve PNG (600×300)', async () => {
    const plots = join(work.dir, 'plots');
    const json = await runJson(['train', '--dataset', 'spiral', '--points', '100', '--hidden', '6', '--epochs', '5', '--plot', plots, '--json']);
    expect(json.plots).toEqual([join(plots, 'loss.png'), join(plots, 'decision-boundary.png')]);
    const boundary = PNG.sync.read(await readFile(join(plots, 'decision-boundary.png')));
    expect([boundary.width, boundary.height]).toEqual([400, 400]);
    const loss = PNG.sync.read(await readFile(join(plots, 'loss.png')));
    expect([loss.width, loss.height]).toEqual([600, 300]);
    // Both classes' colours appear: orange-ish (red > blue) and blue-ish (blue > red) pixels.
    let orange = 0;
    let blue = 0;
    for (let i = 0; i < boundary.data.length; i += 4) {
      const [r = 0, , b = 0] = boundary.data.subarray(i, i + 3);
      if (r - b > 60) orange++;
      if (b - r > 60) blue++;
    }
    expect(orange).toBeGreaterThan(500);
    expect(blue).toBeGreaterThan(500);
  });
});

describe('perceptron', () => {
  it('learns AND with the perceptron rule: the learned w, b reproduce the truth table', async () => {
    const json = await runJson<{ converged: boolean; w: number[]; b: number; table: Array<{ x: number[]; target: number; prediction: number }> }>([
      'perceptron',
      '--gate',
      'and',
      '--json',
    ]);
    expect(json.converged).toBe(true);
    const truth = [
      [0, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
      [1, 1, 1],
    ];
    for (const [x1 = 0, x2 = 0, y] of truth) {
      expect((json.w[0] ?? 0) * x1 + (json.w[1] ?? 0) * x2 + json.b > 0 ? 1 : 0).toBe(y);
    }
    expect(json.table.map((r) => r.prediction)).toEqual([0, 0, 0, 1]);
  });

  it('NOT has one input; the text names the lecture weights', async () => {
    const result = await run(['perceptron', '--gate', 'not']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/learned\s+w = -?\d+(\.\d+)?, b = /);
    expect(result.stdout).toMatch(/w = -1, b = 0\.5/);
  });

  it('XOR does not converge, says why, and still exits 0', async () => {
    const result = await run(['perceptron', '--gate', 'xor']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/did not converge/);
    expect(result.stdout).toMatch(/not linearly separable/);
    const json = await runJson<{ converged: boolean; finalErrors: number }>(['perceptron', '--gate', 'xor', '--json']);
    expect(json.converged).toBe(false);
    expect(json.finalErrors).toBeGreaterThan(0);
  });
});

describe('gradcheck', () => {
  it('analytic gradients match finite differences in float64', async () => {
    const json = await runJson<{ passed: boolean; maxAbsoluteError: number; maxRelativeError: number; finiteDifferences: { tensors: Array<{ name: string }> } }>([
      'gradcheck',
      '--dataset',
      'iris',
      '--hidden',
      '5,4',
      '--l2',
      '0.01',
      '--json',
    ]);
    expect(json.passed).toBe(true);
    expect(json.maxRelativeError).toBeLessThan(1e-6);
    expect(json.maxAbsoluteError).toBeLessThan(1e-8);
    expect(json.finiteDifferences.tensors.map((t) => t.name)).toEqual([
      'dense_0/kernel',
      'dense_0/bias',
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
    ]);
    const table = await run(['gradcheck', '--dataset', 'xor', '--hidden', '3']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^dense_0\/kernel\s+2×3\s+6\/6\s+\S+\s+\S+\s+yes$/m);
  });

  it('with --engine tfjs, compares tfjs gradients with the reference', async () => {
    const json = await runJson<{ passed: boolean; maxAbsoluteError: number; engineComparison: { engine: string; backend: string; passed: boolean } }>([
      'gradcheck',
      '--dataset',
      'circle',
      '--hidden',
      '4',
      '--engine',
      'tfjs',
      '--backend',
      'cpu',
      '--json',
    ]);
    expect(json.passed).toBe(true);
    expect(json.engineComparison).toMatchObject({ engine: 'tfjs', backend: 'cpu', passed: true });
    expect(json.maxAbsoluteError).toBeLessThan(1e-4);
  });
});

describe('predict --csv reads with the datasets CSV reader', () => {
  it('BOM, CRLF, blank lines, quoted fields with commas and line breaks, 1e3-style numbers; other columns pass through', async () => {
    const model = await work.modelFile('and.json', AND_MODEL);
    const csv = join(work.dir, 'quoted.csv');
    await writeFile(csv, '\uFEFF"note, first",x2,x1\r\n"a, b", 0 ,0\r\n\r\n"two\r\nlines",1e0,1\r\nplain,"1",0.0\r\n');
    const result = await run(['predict', '--model', model, '--csv', csv]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('"note, first",x2,x1,class,p_0,p_1');
    expect(lines[1]).toMatch(/^"a, b",0,0,0,/);
    expect(lines[2]).toBe('"two\r');
    expect(lines[3]).toMatch(/^lines",1e0,1,1,/);
    expect(lines[4]).toMatch(/^plain,1,0\.0,0,/);
  });

  it('a bad cell names the file, line and column the way training data does (2)', async () => {
    const model = await work.modelFile('and.json', AND_MODEL);
    const csv = join(work.dir, 'bad-points.csv');
    await writeFile(csv, 'x1,x2,note\n0,1,ok\n\n1,,empty\n');
    await expectFailure(['predict', '--model', model, '--csv', csv], 2, /bad-points\.csv, line 4, column 2: feature "x2" is empty/);
    await writeFile(csv, 'x1,x2\n0,1\n1,0,2\n');
    await expectFailure(['predict', '--model', model, '--csv', csv], 2, /bad-points\.csv, line 3, column 3: this row has 3 fields but the header has 2/);
    await expectFailure(['predict', '--model', model, '--csv', join(work.dir, 'no-points.csv')], 2, /no-points\.csv: no such file or directory/);
    // The model's feature columns are found by name, never by position.
    await writeFile(csv, 'a,b,c\n0,1,2\n');
    await expectFailure(['predict', '--model', model, '--csv', csv], 2, /bad-points\.csv lacks the model's features "x1", "x2".*never by position/);
  });
});
