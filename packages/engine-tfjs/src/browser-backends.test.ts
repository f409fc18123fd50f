import { BackendUnavailableError, EngineRegistry } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { availableBackends, TFJS_AUTO_BACKENDS, TFJS_BACKENDS } from './backend.js';
import { createTfjsEngine } from './engine.js';
import { createTfjsEngineProvider, tfjsEngineProvider } from './provider.js';

/**
 * Under Node the browser backends are listed and report, without crashing, that they need a
 * browser; `auto` and the registry's `tfjs` never pick them. (tests/browser runs them in Chromium.)
 */
describe('browser backends under Node', () => {
  it('webgl and webgpu are unavailable, each with a reason that says it needs a browser', async () => {
    const status = await availableBackends(['webgl', 'webgpu']);
    expect(status).toEqual([
      { backend: 'webgl', available: false, reason: expect.stringMatching(/^WebGL needs a browser: Node\.js has no WebGL/) as unknown },
      { backend: 'webgpu', available: false, reason: expect.stringMatching(/^WebGPU needs a browser: Node\.js has no navigator\.gpu/) as unknown },
    ]);
    const attempt = createTfjsEngine({ backend: 'webgl' });
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(attempt).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', backend: 'webgl' });
  });

  it('are registry variants after the three that auto tries, which the registry picks from', async () => {
    expect(TFJS_BACKENDS.slice(0, TFJS_AUTO_BACKENDS.length)).toEqual([...TFJS_AUTO_BACKENDS]);
    const engines = new EngineRegistry().register(tfjsEngineProvider);
    expect(engines.ids()).toEqual(['tfjs/tensorflow', 'tfjs/wasm', 'tfjs/cpu', 'tfjs/webgl', 'tfjs/webgpu']);
    const statuses = await engines.availability(['tfjs/webgl', 'tfjs/webgpu']);
    expect(statuses.map((s) => [s.id, s.available])).toEqual([
      ['tfjs/webgl', false],
      ['tfjs/webgpu', false],
    ]);
    const { id } = await engines.resolve('tfjs');
    expect(TFJS_AUTO_BACKENDS.map((b) => `tfjs/${b}`)).toContain(id);
    expect((await createTfjsEngine()).backend).not.toMatch(/^webg/);
  });
});

describe('wasmPaths', () => {
  it('applies to the first wasm load only: other paths after it are an error naming both', async () => {
    // Under Node the first load reads the installed package (the default location).
    const engine = await createTfjsEngine({ backend: 'wasm' });
    expect(engine.backend).toBe('wasm');
    await expect(createTfjsEngine({ backend: 'wasm', wasmPaths: '/wasm/' })).rejects.toThrow(
      /the wasm backend was already loaded from its default location; wasmPaths "\/wasm\/" cannot change it/,
    );
    const provider = createTfjsEngineProvider({ wasmPaths: { 'tfjs-backend-wasm-simd.wasm': '/simd.wasm' } });
    await expect(provider.create({ variant: 'wasm' })).rejects.toThrow(TypeError);
    // Without wasmPaths, later engines share the loaded backend.
    expect((await createTfjsEngine({ backend: 'wasm' })).backendDetail).toBe(engine.backendDetail);
  });
});
