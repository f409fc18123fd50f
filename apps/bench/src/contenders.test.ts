import { describe, expect, it } from 'vitest';
import { EngineRegistry, type EngineProvider, type VariantAvailability } from '@twinprop/core';
import { engines } from '@twinprop/toolkit';
import { CONTENDER_IDS, contenderAvailability, describeContender, isContenderId, registryIdOf } from './contenders.js';

function fakeProvider(name: string, variants: readonly string[], statuses: readonly VariantAvailability[]): EngineProvider & { calls: number } {
  const provider = {
    name,
    description: `fake ${name}`,
    variants: variants.map((v) => ({ name: v, dtype: v === 'float64' ? ('float64' as const) : ('float32' as const), description: v })),
    calls: 0,
    availability(): Promise<readonly VariantAvailability[]> {
      provider.calls++;
      return Promise.resolve(statuses);
    },
    create(): never {
      throw new Error('not in this test');
    },
  };
  return provider;
}

describe('contenders', () => {
  it('are the registry ids of both engines, then raw tfjs on each backend', () => {
    expect(CONTENDER_IDS).toEqual([
      'reference/float32',
      'reference/float64',
      'tfjs/tensorflow',
      'tfjs/wasm',
      'tfjs/cpu',
      'raw-tfjs/tensorflow',
      'raw-tfjs/wasm',
      'raw-tfjs/cpu',
    ]);
    expect(CONTENDER_IDS.map((id) => describeContender(id).label)).toEqual([
      'ref f32',
      'ref f64',
      'tfjs tensorflow',
      'tfjs wasm',
      'tfjs cpu',
      'raw tfjs tensorflow',
      'raw tfjs wasm',
      'raw tfjs cpu',
    ]);
  });

  it('name engines the shared registry knows, in the precision the registry gives them', () => {
    const registered = engines.ids();
    for (const id of CONTENDER_IDS) {
      const contender = describeContender(id);
      if (contender.kind === 'raw-tfjs') continue;
      expect(registered).toContain(id);
      expect(engines.candidates(id).variants.map((v) => v.dtype)).toEqual([contender.dtype]);
    }
  });

  it('refuse the old spellings and bare engine names', () => {
    for (const old of ['reference-float32', 'tfjs-wasm', 'raw-tfjs-cpu', 'tfjs', 'reference', 'tfjs/auto']) expect(isContenderId(old)).toBe(false);
    expect(isContenderId('raw-tfjs/wasm')).toBe(true);
  });

  it('load raw tfjs where the tfjs engine on the same backend loads', () => {
    expect(registryIdOf(describeContender('raw-tfjs/cpu'))).toBe('tfjs/cpu');
    expect(registryIdOf(describeContender('tfjs/cpu'))).toBe('tfjs/cpu');
    expect(registryIdOf(describeContender('reference/float64'))).toBe('reference/float64');
  });
});

describe('contender availability', () => {
  function registry() {
    const reference = fakeProvider(
      'reference',
      ['float32', 'float64'],
      [
        { variant: 'float32', available: true, detail: 'f32 here' },
        { variant: 'float64', available: true, detail: 'f64 here' },
      ],
    );
    const tfjs = fakeProvider(
      'tfjs',
      ['tensorflow', 'wasm', 'cpu'],
      [
        { variant: 'tensorflow', available: false, reason: 'no native addon' },
        { variant: 'wasm', available: true, detail: 'XNNPACK' },
        { variant: 'cpu', available: true, detail: 'pure JavaScript' },
      ],
    );
    return { reference, tfjs, registry: new EngineRegistry().register(reference).register(tfjs) };
  }

  it('comes from the registry, raw tfjs mirroring its backend', async () => {
    const { registry: r } = registry();
    const got = await contenderAvailability(['reference/float64', 'raw-tfjs/wasm', 'raw-tfjs/tensorflow', 'tfjs/tensorflow'], r);
    expect(got).toEqual([
      { engine: 'reference/float64', available: true, detail: 'f64 here' },
      { engine: 'raw-tfjs/wasm', available: true, detail: 'XNNPACK' },
      { engine: 'raw-tfjs/tensorflow', available: false, reason: 'no native addon' },
      { engine: 'tfjs/tensorflow', available: false, reason: 'no native addon' },
    ]);
  });

  it('does not ask the tfjs engine when only the reference engine runs', async () => {
    const { registry: r, reference, tfjs } = registry();
    await contenderAvailability(['reference/float32'], r);
    expect(tfjs.calls).toBe(0);
    expect(reference.calls).toBe(1);
    expect(await contenderAvailability([], r)).toEqual([]);
  });
});
