/**
 * End-to-end tests of engine selection: ids and flags mapped onto the registry, contradictions,
 * resuming on the stored engine, and a third-party engine loaded with --engine-module.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LEARNING_RATE, HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS } from '@twinprop/core';
import { engines } from '@twinprop/toolkit';
import { describe, expect, it } from 'vitest';
import { AND_MODEL, expectFailure, readModel, run, runJson, workspace } from './testing/cli.js';

/** A third-party engine module: the reference engine as `mirror`, variants `one` and `two`. */
const MIRROR_ENGINE = fileURLToPath(new URL('./__fixtures__/mirror-engine.mjs', import.meta.url));
const NOT_AN_ENGINE = fileURLToPath(new URL('./__fixtures__/not-an-engine.mjs', import.meta.url));

const work = workspace();

describe('engines by id, through the registry', () => {
  const small = ['train', '--dataset', 'circle', '--points', '200', '--hidden', '4', '--epochs', '3', '--seed', '3'];

  it('--engine <name>/<variant> is the same run as --engine <name> with --backend or --dtype', async () => {
    const byId = join(work.dir, 'by-id.json');
    const byFlags = join(work.dir, 'by-flags.json');
    const a = await runJson([...small, '--engine', 'reference/float64', '--out', byId, '--json']);
    const b = await runJson([...small, '--engine', 'reference', '--dtype', 'float64', '--out', byFlags, '--json']);
    expect([a.engineId, b.engineId, a.dtype]).toEqual(['reference/float64', 'reference/float64', 'float64']);
    expect((await readModel(byId)).weights).toEqual((await readModel(byFlags)).weights);
    expect((await readModel(byId)).weights.dtype).toBe('float64');
    const c = await runJson([...small, '--engine', 'tfjs/cpu', '--json']);
    const d = await runJson([...small, '--engine', 'tfjs', '--backend', 'cpu', '--json']);
    expect(c).toMatchObject({ engine: 'tfjs', engineId: 'tfjs/cpu', backend: 'cpu', dtype: 'float32' });
    expect(d.engineId).toBe('tfjs/cpu');
    expect(c.trainLoss).toBe(d.trainLoss);
  });

  it('--engine tfjs alone is the first tfjs backend that loads here (never auto in the output)', async () => {
    const json = await runJson([...small, '--engine', 'tfjs', '--json']);
    expect(json.engineId).toBe(`tfjs/${String(json.backend)}`);
    expect(['tfjs/tensorflow', 'tfjs/wasm', 'tfjs/cpu']).toContain(json.engineId);
  });

  it('an unknown engine is a usage error (2) with the registry message listing the registered engines, on every command', async () => {
    const model = await work.modelFile('and.json', AND_MODEL);
    const unknown = /unknown engine "bogus"; registered engines: reference, tfjs/;
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'bogus'], 2, unknown);
    await expectFailure(['evaluate', '--model', model, '--engine', 'bogus'], 2, unknown);
    await expectFailure(['predict', '--model', model, '--input', '0,1', '--engine', 'bogus/float32'], 2, unknown);
    await expectFailure(['gradcheck', '--engine', 'bogus'], 2, unknown);
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'tfjs/nosuch'], 2, /the tfjs engine has no variant "nosuch"; it offers tensorflow, wasm, cpu/);
  });

  it('contradicting engine flags are usage errors (2) that say which flags disagree', async () => {
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'tfjs/wasm', '--backend', 'cpu'], 2, /--engine tfjs\/wasm already chooses the wasm variant, and --backend cpu another/);
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'reference', '--backend', 'wasm'], 2, /--backend wasm applies to the tfjs engine only.*add --engine tfjs/);
    await expectFailure(['train', '--dataset', 'xor', '--backend', 'cpu'], 2, /--backend cpu applies to the tfjs engine only/);
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'reference/float64', '--dtype', 'float32'], 2, /reference\/float64 computes in float64 only, not float32/);
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'tfjs/cpu', '--dtype', 'float64'], 2, /tfjs\/cpu computes in float32 only, not float64/);
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'tfjs', '--backend', 'bogus'], 2, /the tfjs engine has no variant "bogus"/);
    await expectFailure(['gradcheck', '--dtype', 'float32'], 2, /finite-difference check runs in float64.*drop --dtype/);
    await expectFailure(['gradcheck', '--engine', 'reference/float32'], 2, /finite-difference check runs in float64.*--engine reference\/float64/);
  });

  it('evaluate and predict run a model in its own precision on the reference engine, and in float32 on tfjs', async () => {
    const model = join(work.dir, 'xor64.json');
    await runJson(['train', '--dataset', 'xor', '--hidden', '3', '--epochs', '50', '--dtype', 'float64', '--out', model, '--json']);
    expect((await runJson(['evaluate', '--model', model, '--json'])).engineId).toBe('reference/float64');
    expect((await runJson(['evaluate', '--model', model, '--engine', 'reference/float32', '--json'])).engineId).toBe('reference/float32');
    expect((await runJson(['evaluate', '--model', model, '--engine', 'tfjs/cpu', '--json'])).engineId).toBe('tfjs/cpu');
  });

  it('--resume keeps the checkpoint’s engine and backend unless told otherwise', async () => {
    const checkpoint = join(work.dir, 'tfjs-cpu.json');
    await runJson([...small, '--engine', 'tfjs/cpu', '--out', checkpoint, '--json']);
    expect((await readModel(checkpoint)).metadata).toMatchObject({ engine: 'tfjs', backend: 'cpu' });
    // tfjs alone would be wasm here: the stored backend is what makes this cpu.
    // (--out elsewhere: by default a resumed run writes where the original did, here the checkpoint itself.)
    const resumed = await runJson(['train', '--resume', checkpoint, '--epochs', '4', '--out', join(work.dir, 'tfjs-cpu-4.json'), '--json']);
    expect(resumed).toMatchObject({ engineId: 'tfjs/cpu', resumedAtEpoch: 3, epochs: 4 });
    // Another engine: the tfjs backend is not carried over to it.
    const onReference = await runJson(['train', '--resume', checkpoint, '--epochs', '4', '--engine', 'reference', '--out', join(work.dir, 'ref-4.json'), '--json']);
    expect(onReference.engineId).toBe('reference/float32');
  });
});

describe('--engine-module: a third-party engine', () => {
  const mirror = ['--engine-module', MIRROR_ENGINE];
  const base = ['train', '--dataset', 'circle', '--points', '200', '--hidden', '5', '--seed', '7', '--batch-size', '8'];

  it('registers the providers a module exports: train, resume, evaluate, predict and gradcheck run on it', async () => {
    const part = join(work.dir, 'mirror-part.json');
    const trained = await runJson([...base, '--epochs', '3', ...mirror, '--engine', 'mirror/two', '--out', part, '--json']);
    expect(trained).toMatchObject({ engine: 'mirror', engineId: 'mirror/two', backend: 'two', dtype: 'float32' });
    expect((await readModel(part)).metadata).toMatchObject({ engine: 'mirror', backend: 'two' });

    // Resumed without --engine: the stored engine and backend (two, not the first variant, one).
    const resumedFile = join(work.dir, 'mirror-resumed.json');
    const resumed = await runJson(['train', '--resume', part, '--epochs', '6', ...mirror, '--out', resumedFile, '--json']);
    expect(resumed.engineId).toBe('mirror/two');
    // The mirror is the reference engine inside: the resumed run equals an uninterrupted reference run bit for bit.
    const full = join(work.dir, 'mirror-full.json');
    await runJson([...base, '--epochs', '6', '--out', full, '--json']);
    expect((await readModel(resumedFile)).weights).toEqual((await readModel(full)).weights);

    const evaluated = await runJson(['evaluate', '--model', resumedFile, ...mirror, '--engine', 'mirror', '--json']);
    expect(evaluated).toMatchObject({ engine: 'mirror', engineId: 'mirror/one', trainedBy: 'mirror' });
    const onReference = await runJson(['evaluate', '--model', resumedFile, '--json']);
    expect(evaluated.loss).toBe(onReference.loss);
    const predicted = await runJson<{ class: string }>(['predict', '--model', resumedFile, '--input', '0,0', ...mirror, '--engine', 'mirror/two', '--json']);
    expect(predicted.class).toBe((await runJson<{ class: string }>(['predict', '--model', resumedFile, '--input', '0,0', '--json'])).class);

    const checked = await runJson<{ passed: boolean; engineId: string; engineComparison: { engine: string; engineId: string; passed: boolean } }>([
      'gradcheck',
      '--dataset',
      'circle',
      '--hidden',
      '4',
      ...mirror,
      '--engine',
      'mirror',
      '--json',
    ]);
    expect(checked).toMatchObject({ passed: true, engineId: 'mirror/one' });
    expect(checked.engineComparison).toMatchObject({ engine: 'mirror', engineId: 'mirror/one', passed: true });
  });

  it('a checkpoint of an engine that is not loaded resumes on the reference engine, with a warning', async () => {
    const part = join(work.dir, 'mirror-orphan.json');
    await runJson([...base, '--epochs', '2', ...mirror, '--engine', 'mirror', '--out', part, '--json']);
    const result = await run(['train', '--resume', part, '--epochs', '3', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^twinprop: warning: .*mirror-orphan\.json was trained by the mirror engine, which is not registered \(load it with --engine-module\)/m);
    expect((JSON.parse(result.stdout) as { engineId: string }).engineId).toBe('reference/float32');
  });

  it('is needed for the engine to be known, and must export a provider (2)', async () => {
    await expectFailure(['train', '--dataset', 'xor', '--engine', 'mirror'], 2, /unknown engine "mirror"; registered engines: reference, tfjs/);
    await expectFailure(['train', '--dataset', 'xor', '--engine-module', NOT_AN_ENGINE], 2, /--engine-module .*not-an-engine\.mjs: exports no engine provider/);
    await expectFailure(['train', '--dataset', 'xor', '--engine-module', join(work.dir, 'missing-engine.mjs')], 2, /--engine-module .*missing-engine\.mjs: could not be imported/);
  });

  it('loads before the engine is chosen, so its ids are valid in --engine', async () => {
    const json = await runJson(['train', '--dataset', 'xor', '--hidden', '2', '--epochs', '2', ...mirror, '--engine', 'mirror/one', '--json']);
    expect(json.engineId).toBe('mirror/one');
  });
});

describe('help derives its choices from core and the registry', () => {
  it('lists every activation, optimizer default and engine id', async () => {
    const help = (await run(['train', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`(default: ${OPTIMIZERS.map((k) => `${k} ${DEFAULT_LEARNING_RATE[k]}`).join(', ')})`);
    expect(help).toContain(`(choices: ${HIDDEN_ACTIVATIONS.map((a) => `"${a}"`).join(', ')}, default: "tanh")`);
    expect(help).toContain(`(choices: ${OUTPUT_ACTIVATIONS.map((a) => `"${a}"`).join(', ')})`);
    expect(help).toContain(engines.ids().join(', '));
    for (const command of ['evaluate', 'predict', 'gradcheck']) expect((await run([command, '--help'])).stdout).toMatch(/--engine-module <specifier>/);
  });
});
