import { describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { BackendUnavailableError, UnknownEngineError } from './errors.js';
import { EngineRegistry, parseEngineId, type EngineProvider } from './registry.js';
import type { DType } from './weights.js';

/** A provider whose variants report what the test says, and whose engines are labelled stand-ins. */
function fakeProvider(name: string, variants: Array<{ name: string; dtype: DType; available: boolean }>, created: string[] = []): EngineProvider {
  return {
    name,
    description: `fake ${name}`,
    variants: variants.map((v) => ({ name: v.name, dtype: v.dtype, description: v.name })),
    availability: () =>
      Promise.resolve(variants.map((v) => (v.available ? { variant: v.name, available: true, detail: 'ok' } : { variant: v.name, available: false, reason: `${v.name} is missing. Install it.` }))),
    create: ({ variant }) => {
      created.push(variant);
      const v = variants.find((x) => x.name === variant);
      if (v === undefined || !v.available) return Promise.reject(new BackendUnavailableError(variant, `${variant} does not load`));
      const engine: Engine = { name, backend: variant, dtype: v.dtype, createModel: () => { throw new Error('not a real engine'); } };
      return Promise.resolve(engine);
    },
  };
}

function registry(created: string[] = []): EngineRegistry {
  return new EngineRegistry()
    .register(fakeProvider('ref', [{ name: 'float32', dtype: 'float32', available: true }, { name: 'float64', dtype: 'float64', available: true }]))
    .register(
      fakeProvider(
        'gpuish',
        [
          { name: 'native', dtype: 'float32', available: false },
          { name: 'wasm', dtype: 'float32', available: true },
          { name: 'cpu', dtype: 'float32', available: true },
        ],
        created,
      ),
    );
}

describe('engine ids', () => {
  it('parse as <engine>/<variant>, with the variant optional and auto meaning none', () => {
    expect(parseEngineId('tfjs/wasm')).toEqual({ engine: 'tfjs', variant: 'wasm' });
    expect(parseEngineId('reference')).toEqual({ engine: 'reference', variant: undefined });
    expect(parseEngineId('tfjs/auto')).toEqual({ engine: 'tfjs', variant: undefined });
  });
});

describe('EngineRegistry', () => {
  it('lists every id in registration and preference order', () => {
    expect(registry().ids()).toEqual(['ref/float32', 'ref/float64', 'gpuish/native', 'gpuish/wasm', 'gpuish/cpu']);
  });

  it('creates the variant an id names, and reports the id it resolved to', async () => {
    const r = await registry().resolve('ref/float64');
    expect(r.id).toBe('ref/float64');
    expect(r.engine.dtype).toBe('float64');
  });

  it('an engine name alone (or /auto) takes the first variant that loads, without trying the ones that do not', async () => {
    const created: string[] = [];
    const reg = registry(created);
    expect((await reg.resolve('gpuish')).id).toBe('gpuish/wasm');
    expect((await reg.resolve('gpuish/auto')).id).toBe('gpuish/wasm');
    expect(created).toEqual(['wasm', 'wasm']);
  });

  it('narrows by dtype, and refuses a dtype the engine does not offer, naming what it offers', async () => {
    const reg = registry();
    expect((await reg.resolve({ engine: 'ref', dtype: 'float64' })).id).toBe('ref/float64');
    await expect(reg.resolve({ engine: 'gpuish', dtype: 'float64' })).rejects.toThrow(/gpuish engine computes in float32 only, not float64/);
    await expect(reg.resolve({ engine: 'gpuish', variant: 'cpu', dtype: 'float64' })).rejects.toThrow(UnknownEngineError);
  });

  it('names the registered engines for an unknown engine, and the variants for an unknown variant', async () => {
    const reg = registry();
    await expect(reg.resolve('torch')).rejects.toThrow(/unknown engine "torch"; registered engines: ref, gpuish/);
    await expect(reg.resolve('gpuish/webgl')).rejects.toThrow(/no variant "webgl"; it offers native, wasm, cpu/);
    await expect(reg.resolve({ engine: 'gpuish/wasm', variant: 'cpu' })).rejects.toThrow(/names variant wasm, but variant cpu/);
  });

  it('an explicitly named variant that does not load fails with its own reason', async () => {
    await expect(registry().resolve('gpuish/native')).rejects.toThrow(BackendUnavailableError);
  });

  it('when no variant loads, says why for each', async () => {
    const reg = new EngineRegistry().register(fakeProvider('none', [{ name: 'a', dtype: 'float32', available: false }, { name: 'b', dtype: 'float32', available: false }]));
    await expect(reg.resolve('none')).rejects.toThrow(/no variant of the none engine loads here — a: a is missing\. \| b: b is missing\./);
  });

  it('reports availability per id, and for a subset of ids', async () => {
    const all = await registry().availability();
    expect(all.map((s) => [s.id, s.available])).toEqual([
      ['ref/float32', true],
      ['ref/float64', true],
      ['gpuish/native', false],
      ['gpuish/wasm', true],
      ['gpuish/cpu', true],
    ]);
    const some = await registry().availability(['gpuish/cpu', 'ref']);
    expect(some.map((s) => s.id)).toEqual(['ref/float32', 'ref/float64', 'gpuish/cpu']);
  });

  it('refuses a second provider of the same name, a variant called auto, and duplicate variants', () => {
    expect(() => registry().register(fakeProvider('ref', [{ name: 'x', dtype: 'float32', available: true }]))).toThrow(/already registered/);
    expect(() => new EngineRegistry().register(fakeProvider('p', [{ name: 'auto', dtype: 'float32', available: true }]))).toThrow(/not allowed/);
    expect(() =>
      new EngineRegistry().register(fakeProvider('p', [{ name: 'a', dtype: 'float32', available: true }, { name: 'a', dtype: 'float64', available: true }])),
    ).toThrow(/listed twice/);
    expect(() => new EngineRegistry().register(fakeProvider('Bad/Name', [{ name: 'a', dtype: 'float32', available: true }]))).toThrow(/lower case/);
  });
});
