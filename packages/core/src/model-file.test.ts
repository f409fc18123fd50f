import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriteError, ModelFileError } from './errors.js';
import { initializeWeights } from './init.js';
import { MAX_JSON_DEPTH, MAX_MODEL_FILE_BYTES, modelFileSizeBound, parseModelFile, serializeModelFile, serializeModelFileChunks, type ModelFile } from './model-file.js';
import { readModelFile, writeFileAtomic, writeModelFile } from './model-file-node.js';
import { optimizer } from './optimizer.js';
import { Rng } from './rng.js';
import { mlp } from './spec.js';
import { zerosLike } from './weights.js';

const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
const model: ModelFile = {
  spec,
  training: { loss: 'binaryCrossEntropy', optimizer: optimizer('adam'), regularization: { l2: 0.001 } },
  weights: initializeWeights(spec, new Rng(1)),
  optimizerState: { kind: 'adam', step: 3, slots: { firstMoment: zerosLike(initializeWeights(spec, new Rng(2))), secondMoment: initializeWeights(spec, new Rng(3)) } },
  metadata: { engine: 'reference', dataset: 'xor', seed: 1, classNames: ['0', '1'], standardization: { mean: [0, 0], std: [1, 1] } },
};
const good = serializeModelFile(model);
type Json = Record<string, unknown> & { weights: { layers: Array<{ kernel: { shape: number[]; data: unknown[] } }> } };
const mutate = (fn: (json: Json) => void): string => {
  const json = JSON.parse(good) as Json;
  fn(json);
  return JSON.stringify(json);
};

describe('model file', () => {
  it('round-trips spec, training, weights (bit for bit), optimizer state and metadata', () => {
    const back = parseModelFile(good);
    expect(back.spec).toEqual(model.spec);
    expect(back.training).toEqual(model.training);
    expect(back.metadata).toEqual(model.metadata);
    expect(Array.from(back.weights.layers[0]!.kernel.data)).toEqual(Array.from(model.weights.layers[0]!.kernel.data));
    expect(back.optimizerState?.step).toBe(3);
    expect(Array.from(back.optimizerState!.slots.secondMoment!.layers[1]!.kernel.data)).toEqual(
      Array.from(model.optimizerState!.slots.secondMoment!.layers[1]!.kernel.data),
    );
  });

  it('keeps float32 weights exact', () => {
    const f32 = { ...model, weights: initializeWeights(spec, new Rng(5), 'float32') };
    delete (f32 as { optimizerState?: unknown }).optimizerState;
    const back = parseModelFile(serializeModelFile(f32));
    expect(back.weights.layers[0]!.kernel.data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.weights.layers[0]!.kernel.data)).toEqual(Array.from(f32.weights.layers[0]!.kernel.data));
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['an empty file', '', /empty/],
    ['a truncated file', good.slice(0, Math.floor(good.length / 2)), /truncated/],
    ['text that is not JSON', '{"format": twinprop}', /not valid JSON at line 1, column \d+/],
    ['a JSON array', '[]', /must be a JSON object/],
    ['another format', mutate((j) => (j.format = 'keras')), /format: not a twinprop model file/],
    ['an unknown version', mutate((j) => (j.version = 2)), /version: version 2 is not supported; this build reads version 1/],
    ['an unknown activation', mutate((j) => ((j.spec as { hidden: Array<{ activation: string }> }).hidden[0]!.activation = 'swish')), /spec\.hidden\[0\]\.activation: unknown activation "swish"/],
    ['a kernel shape that does not match the spec', mutate((j) => (j.weights.layers[0]!.kernel.shape = [3, 2])), /weights\.layers\[0\]\.kernel\.shape: shape \[3, 2\] does not match the spec, which needs \[2, 3\]/],
    ['too few kernel values', mutate((j) => j.weights.layers[0]!.kernel.data.pop()), /weights\.layers\[0\]\.kernel\.data: has 5 values, shape \[2, 3\] needs 6/],
    ['a non-finite weight (1e999)', good.replace(/"data":\[([-\d.e]+)/, '"data":[1e999'), /weights\.layers\[0\]\.kernel\.data\[0\]: must be a finite number \(got null\)|must be a finite number/],
    ['a weight that is a string', mutate((j) => (j.weights.layers[0]!.kernel.data[2] = '0.5')), /weights\.layers\[0\]\.kernel\.data\[2\]: must be a finite number \(got "0.5"\)/],
    ['a __proto__ key', good.replace('"metadata":{', '"metadata":{"__proto__":{"polluted":true},'), /metadata\.__proto__: forbidden key "__proto__"/],
    ['a constructor key deep inside', mutate((j) => Object.defineProperty(j.spec, 'constructor', { value: { prototype: {} }, enumerable: true })), /spec\.constructor: forbidden key "constructor"/],
    ['absurd layer sizes', mutate((j) => ((j.spec as { inputSize: number }).inputSize = 1e9)), /spec\.inputSize: 1000000000 is larger than the limit/],
    ['a loss that does not fit the output', mutate((j) => ((j.training as { loss: string }).loss = 'softmaxCrossEntropy')), /training\.loss: softmaxCrossEntropy needs a softmax output layer/],
    ['an unknown optimizer', mutate((j) => ((j.training as { optimizer: { kind: string } }).optimizer.kind = 'rmsprop')), /training\.optimizer\.kind: unknown optimizer "rmsprop"/],
    ['optimizer state for another optimizer', mutate((j) => ((j.optimizerState as { kind: string }).kind = 'momentum')), /optimizerState\.kind: is for momentum, but training uses adam/],
    ['a missing weights field', mutate((j) => delete (j as Record<string, unknown>).weights), /weights/],
    ['standardization of the wrong width', mutate((j) => ((j.metadata as { standardization: { mean: number[] } }).standardization.mean = [0])), /metadata\.standardization: mean and std need 2 values/],
    ['a negative standard deviation', mutate((j) => ((j.metadata as { standardization: { std: number[] } }).standardization.std = [1, -1])), /metadata\.standardization\.std\[1\]/],
  ];
  for (const [name, text, message] of malformed) {
    it(`rejects ${name} with a message naming the problem`, () => {
      let error: unknown;
      try {
        parseModelFile(text, 'model.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toMatch(/^model\.json/);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('does not pollute Object.prototype when given __proto__', () => {
    try {
      parseModelFile(good.replace('"metadata":{', '"metadata":{"__proto__":{"polluted":true},'));
    } catch {
      // expected
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses to save non-finite weights', () => {
    const bad = initializeWeights(spec, new Rng(1));
    (bad.layers[1]!.bias.data as Float64Array)[0] = Number.NaN;
    expect(() => serializeModelFile({ ...model, weights: bad })).toThrow(/dense_1\/bias: refusing to save a non-finite weight/);
  });

  it('streams the file in pieces that join to exactly the one-string text, so no single string must hold a large model', () => {
    const big = mlp(300, [[200, 'relu']], [10, 'softmax']);
    const file: ModelFile = { ...model, spec: big, training: { loss: 'softmaxCrossEntropy', optimizer: optimizer('sgd') }, weights: initializeWeights(big, new Rng(4)), optimizerState: { kind: 'sgd', step: 1, slots: {} }, metadata: { engine: 'reference' } };
    const pieces = [...serializeModelFileChunks(file)];
    expect(pieces.length).toBeGreaterThan(4);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(serializeModelFile(file).length / 2);
    const back = parseModelFile(pieces.join(''));
    expect(Array.from(back.weights.layers[0]!.kernel.data)).toEqual(Array.from(file.weights.layers[0]!.kernel.data));
    // The old serializer's text, byte for byte.
    expect(pieces.join('')).toBe(`${JSON.stringify({ format: 'twinprop-model', version: 1, spec: file.spec, training: file.training, weights: { dtype: 'float64', layers: file.weights.layers.map((l) => ({ kernel: { shape: l.kernel.shape, data: Array.from(l.kernel.data) }, bias: { shape: l.bias.shape, data: Array.from(l.bias.data) } })) }, optimizerState: { kind: 'sgd', step: 1, slots: {} }, metadata: file.metadata })}\n`);
  });

  it('refuses non-finite optimizer slots before writing anything', () => {
    const slot = initializeWeights(spec, new Rng(2));
    (slot.layers[0]!.kernel.data as Float64Array)[2] = Number.POSITIVE_INFINITY;
    expect(() => serializeModelFileChunks({ ...model, optimizerState: { kind: 'adam', step: 3, slots: { firstMoment: slot, secondMoment: slot } } })).toThrow(
      /optimizerState\.slots\.firstMoment\/dense_0\/kernel: refusing to save a non-finite value \(Infinity\)/,
    );
  });

  it('bounds the file size of a model before training: a 25M-parameter Adam model is over the limit, 784-128-10 far under', () => {
    const adam = { loss: 'softmaxCrossEntropy' as const, optimizer: optimizer('adam') };
    expect(modelFileSizeBound(mlp(784, [[128, 'relu']], [10, 'softmax']), adam, 'float32')).toBeLessThan(MAX_MODEL_FILE_BYTES / 50);
    expect(modelFileSizeBound(mlp(5000, [[5000, 'relu']], [10, 'softmax']), adam, 'float32')).toBeGreaterThan(MAX_MODEL_FILE_BYTES);
    // It is an upper bound: the real file is smaller.
    expect(modelFileSizeBound(spec, model.training, 'float64')).toBeGreaterThan(good.length);
  });

  it('refuses JSON nested deeper than the limit without overflowing the stack, valid or not', () => {
    const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
    const valid = good.replace('"metadata":{', `"metadata":{"extra":{"deep":${deep(5000)}},`);
    expect(() => parseModelFile(valid, 'm.json')).toThrow(new RegExp(`m\\.json: metadata\\.extra\\.deep.*: nested more than ${MAX_JSON_DEPTH} levels deep`));
    expect(() => parseModelFile(`{"a":${'['.repeat(100000)}`, 'm.json')).toThrow(/m\.json: nested more than 64 levels deep at line 1, column/);
  });

  describe('on disk', () => {
    let dir = '';
    afterAll(async () => {
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });
    it('writes atomically (no temp file left) and reads back; a missing file is named', async () => {
      dir = await mkdtemp(join(tmpdir(), 'twinprop-model-'));
      const path = join(dir, 'sub', 'model.json');
      await writeModelFile(path, model);
      await writeModelFile(path, model);
      expect(await readdir(join(dir, 'sub'))).toEqual(['model.json']);
      expect(await readFile(path, 'utf8')).toBe(good);
      expect((await readModelFile(path)).spec).toEqual(spec);
      await expect(readModelFile(join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: no such file/);
    });

    it('refuses devices and directories instead of reading them forever, and binary files', async () => {
      await expect(readModelFile('/dev/zero')).rejects.toThrow(/\/dev\/zero: is a character device, not a model file/);
      await expect(readModelFile(dir)).rejects.toThrow(/is a directory, not a model file/);
      const binary = join(dir, 'binary.json');
      await writeFile(binary, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
      await expect(readModelFile(binary)).rejects.toThrow(/binary\.json: is not UTF-8 text/);
    });

    it('a failed write names the path asked for (not a temp file, not EEXIST), and leaves no temp file', async () => {
      const blocker = join(dir, 'a-file');
      await writeFile(blocker, 'x');
      const error = await writeModelFile(join(blocker, 'model.json'), model).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileWriteError);
      expect((error as Error).message).toBe(`${join(blocker, 'model.json')}: a part of the path is a file, not a directory`);
      const folder = join(dir, 'folder');
      await writeFileAtomic(join(folder, 'x'), 'x');
      const onDir = await writeFileAtomic(folder, 'text').catch((e: unknown) => e);
      expect((onDir as Error).message).toMatch(new RegExp(`^${folder.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      expect((onDir as Error).message).not.toMatch(/\.tmp|EEXIST/);
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });
});

describe('JSON error positions', () => {
  it('names the line and column of the first bad character', () => {
    expect(() => parseModelFile('{\n  "format": "twinprop-model",\n  "version": 1,,\n}', 'm.json')).toThrow(/m\.json: not valid JSON at line 3, column 16/);
    expect(() => parseModelFile('{"a": [1, 2', 'm.json')).toThrow(/truncated/);
  });
});
