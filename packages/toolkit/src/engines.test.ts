import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { EngineRegistry, UnknownEngineError } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { createEngineRegistry, EngineModuleError, engines, loadEngineModule } from './engines.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');

describe('the one engine wiring', () => {
  it('registers the reference engine (float32 first) and every tfjs backend', () => {
    expect(engines.ids()).toEqual(['reference/float32', 'reference/float64', 'tfjs/tensorflow', 'tfjs/wasm', 'tfjs/cpu', 'tfjs/webgl', 'tfjs/webgpu']);
  });

  it('resolves ids and the bare engine names to engines that say what they are', async () => {
    const ref = await engines.resolve({ engine: 'reference', dtype: 'float64' });
    expect([ref.id, ref.engine.name, ref.engine.backend, ref.engine.dtype]).toEqual(['reference/float64', 'reference', 'js', 'float64']);
    expect((await engines.resolve('reference')).id).toBe('reference/float32');
    const cpu = await engines.resolve('tfjs/cpu');
    expect([cpu.engine.name, cpu.engine.backend, cpu.engine.dtype]).toEqual(['tfjs', 'cpu', 'float32']);
    await expect(engines.resolve({ engine: 'tfjs', dtype: 'float64' })).rejects.toThrow(UnknownEngineError);
  }, 60_000);

  it('loads no TensorFlow.js code until a tfjs engine is asked for (the reference engine starts instantly)', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { engines } = await import('@twinprop/toolkit');
      await engines.create('reference/float64');
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('@tensorflow'));
      process.stdout.write(JSON.stringify(loaded.length));
    `;
    const before = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.dirname(fixtures), encoding: 'utf8' });
    expect(before).toBe('0');
    // The same probe sees tfjs once a tfjs engine is created, so it can tell.
    const after = execFileSync(process.execPath, ['--input-type=module', '-e', script.replace("'reference/float64'", "'tfjs/cpu'")], {
      cwd: path.dirname(fixtures),
      encoding: 'utf8',
    });
    expect(Number(after)).toBeGreaterThan(0);
  }, 60_000);
});

describe('third-party engines', () => {
  it('a module that exports a provider is registered and its ids resolve', async () => {
    const registry = createEngineRegistry();
    expect(await loadEngineModule(path.join(fixtures, 'mirror-engine.js'), registry)).toEqual(['mirror']);
    expect(registry.ids()).toContain('mirror/float64');
    const mirror = await registry.resolve('mirror');
    expect([mirror.id, mirror.engine.dtype]).toEqual(['mirror/float64', 'float64']);
    // Loading the same module again registers nothing twice.
    expect(await loadEngineModule(path.join(fixtures, 'mirror-engine.js'), registry)).toEqual([]);
  });

  it('refuses a module that cannot be imported, one without a provider, and a name already taken', async () => {
    const registry = createEngineRegistry();
    await expect(loadEngineModule('./no/such/module.js', registry)).rejects.toThrow(/--engine-module \.\/no\/such\/module\.js: could not be imported/);
    await expect(loadEngineModule('./no/such/module.js', registry)).rejects.not.toThrow(/imported from/);
    await expect(loadEngineModule(path.join(fixtures, 'no-provider.js'), registry)).rejects.toThrow(EngineModuleError);
    await expect(loadEngineModule(path.join(fixtures, 'no-provider.js'), registry)).rejects.toThrow(/exports no engine provider/);
    const taken = new EngineRegistry().register({ ...createEngineRegistry().provider('reference'), name: 'mirror' });
    await expect(loadEngineModule(path.join(fixtures, 'mirror-engine.js'), taken)).rejects.toThrow(/already registered/);
  });
});
