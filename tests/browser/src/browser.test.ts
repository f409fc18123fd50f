/**
 * twinprop in a real browser: Vite bundles core, the reference engine and the tfjs engine into a
 * page (`page/`), a static server on 127.0.0.1 serves it, and Debian's Chromium (driven by
 * playwright-core, never a browser it downloads) trains XOR there through core's `fit` on every
 * engine that loads. The same runs in Node must give the reference engine's weights bit for bit
 * (see xor.ts for how Math's implementation-defined last bits are handled), and every tfjs backend
 * must learn XOR and agree with the reference within a float32 tolerance.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineRegistry } from '@twinprop/core';
import { referenceEngineProvider } from '@twinprop/engine-reference';
import { tfjsEngineProvider } from '@twinprop/engine-tfjs/provider';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCoreAndReference, buildPage, entryChunks, type Bundle, type BuiltFile } from './build.js';
import type { PageResult } from './page/main.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.js';
import { serveFolder } from './serve.js';
import { mathDisagreements, replayingMath, trainXor, XOR, type ScenarioName, type XorRun } from './xor.js';


/**
 * How far a float32 tfjs run may end from the float64 reference run, on the trained network's
 * outputs for XOR's four points after 300 Adam epochs (absolute). Measured worst 3.1e-8 (cpu,
 * wasm and webgl, in Chromium and Node); the bound is 30× that. A wrong op, a wrong gradient or a
 * skipped update moves the outputs by orders of magnitude more.
 */
const OUTPUT_TOLERANCE = 1e-6;
/** Reference engine ids the page and Node must agree on bit for bit. */
const REFERENCE_IDS = ['reference/float64', 'reference/float32'] as const;
/** What the reference engine runs on both sides (see xor.ts). */
const REFERENCE_SCENARIOS = ['relu', 'tanhMse', 'tanh', 'playground'] as const;
/** tfjs backends that must load in headless Chromium (the GPU ones may not, with a reason). */
const REQUIRED_TFJS = ['tfjs/cpu', 'tfjs/wasm'] as const;

const missingBrowser = !existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (missingBrowser && !inCi) {
  console.warn(`[browser tests] skipped: ${CHROMIUM} is not installed (apt-get install chromium); CI installs it and runs them`);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function sizeLine(label: string, files: readonly BuiltFile[]): string {
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  const gzip = files.reduce((sum, f) => sum + f.gzip, 0);
  return `${label}: ${kib(bytes)} minified, ${kib(gzip)} gzip -9 (${bytes} / ${gzip} bytes)`;
}

function key(id: string, scenario: ScenarioName): string {
  return `${id} ${scenario}`;
}

function maxAbsDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (b[i] ?? Number.NaN))), 0);
}

describe.skipIf(missingBrowser && !inCi)('in headless Chromium', () => {
  let work = '';
  let page: Bundle;
  let sizes: Bundle;
  let result: PageResult;
  /** Node's runs, by `id scenario`. */
  let node: Map<string, XorRun>;
  /** Node's reference runs with Chromium's Math results, by `id scenario` (those that call Math). */
  let replayed: Map<string, XorRun>;
  const pageErrors: string[] = [];
  const outside: string[] = [];
  let context: BrowserContext | undefined;
  let server: Awaited<ReturnType<typeof serveFolder>> | undefined;
  const started = performance.now();

  beforeAll(async () => {
    if (missingBrowser) throw new Error(`${CHROMIUM} is not installed, and CI must run the browser tests: install it with apt-get install -y chromium (.ci/run does)`);
    work = mkdtempSync(join(tmpdir(), 'twinprop-browser-'));
    const phase = (name: string, since: number): number => {
      const now = performance.now();
      console.info(`[browser tests] ${name}: ${((now - since) / 1000).toFixed(1)} s`);
      return now;
    };
    let t = performance.now();
    page = await buildPage(join(work, 'page'));
    sizes = await buildCoreAndReference(join(work, 'size'));
    t = phase('vite builds', t);
    server = await serveFolder(join(work, 'page'));
    context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] });
    // Nothing may come from anywhere but the local server.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (server !== undefined && url.startsWith(`${server.origin}/`)) await route.continue();
      else {
        outside.push(url);
        await route.abort();
      }
    });
    const tab = context.pages()[0] ?? (await context.newPage());
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    tab.on('console', (message) => {
      if (message.type() === 'error') console.info(`[chromium console.error] ${message.text()}`);
    });
    await tab.goto(`${server.origin}/index.html`);
    await tab.waitForFunction(() => typeof window.twinprop?.run === 'function');
    t = phase('chromium started, page loaded', t);
    result = await tab.evaluate(() => window.twinprop.run());
    t = phase(`runs in chromium (fit: ${result.runs.map((r) => `${r.id} ${r.scenario} ${r.seconds.toFixed(1)} s`).join(', ')})`, t);

    // Nothing of the browser stays running while Node replays Math (it replaces Math's functions).
    await context.close();
    await server.close();

    // The same runs in Node; those of the reference engine that call Math also with Chromium's results replayed.
    const engines = new EngineRegistry().register(referenceEngineProvider).register(tfjsEngineProvider);
    node = new Map();
    replayed = new Map();
    for (const id of REFERENCE_IDS) {
      for (const scenario of REFERENCE_SCENARIOS) {
        node.set(key(id, scenario), await trainXor(engines, id, scenario));
        const calls = result.mathCalls[key(id, scenario)];
        if (calls !== undefined) replayed.set(key(id, scenario), await replayingMath(calls, () => trainXor(engines, id, scenario)));
      }
    }
    for (const id of REQUIRED_TFJS) node.set(key(id, 'tanh'), await trainXor(engines, id, 'tanh'));
    phase('the same runs in node', t);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (work !== '') rmSync(work, { recursive: true, force: true });
    console.info(`[browser tests] ${((performance.now() - started) / 1000).toFixed(1)} s in all (build, browser, both runs)`);
  });

  it('bundles without node: modules, with the bundle sizes printed', () => {
    const warnings = [...page.warnings, ...sizes.warnings];
    for (const w of warnings) console.info(`[browser tests] vite warned: ${w}`);
    expect(warnings.filter((w) => /externalized for browser compatibility|node:/.test(w))).toEqual([]);
    // No chunk imports a Node module (Vite would have put its empty stand-in there).
    const nodeImports = [...page.files, ...sizes.files]
      .filter((f) => f.name.endsWith('.js'))
      .filter((f) => /\bfrom\s*["'`]node:|\bimport\s*\(\s*["'`]node:|__vite-browser-external/.test(readFileSync(f.path, 'utf8')));
    expect(nodeImports.map((f) => f.name)).toEqual([]);
    const entry = entryChunks(page);
    const entryFiles = page.files.filter((f) => entry.includes(f.name));
    const lines = [
      sizeLine('core + engine-reference, everything they export', sizes.files.filter((f) => f.name.endsWith('.js'))),
      sizeLine("the XOR page's entry (core, reference engine, tfjs provider; what it uses)", entryFiles),
      sizeLine('TensorFlow.js chunks, loaded when a tfjs engine is asked for', page.files.filter((f) => f.name.endsWith('.js') && !entry.includes(f.name))),
      sizeLine('tfjs-backend-wasm binaries (one is fetched)', page.files.filter((f) => f.name.endsWith('.wasm'))),
    ];
    console.info(`[browser tests] bundle sizes (Vite 8, minified):\n  ${lines.join('\n  ')}`);
    expect(entryFiles.length).toBeGreaterThan(0);
  });

  it('loads core and both engines in Chromium with nothing fetched from outside and no page error', () => {
    console.info(`[browser tests] ${result.userAgent}`);
    for (const s of result.availability) console.info(`[browser tests] ${s.id.padEnd(17)} ${s.available ? 'loads  ' : 'no     '} ${s.note}`);
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(server?.requests).toContain('/index.html');
    const available = new Set(result.availability.filter((s) => s.available).map((s) => s.id));
    for (const id of [...REFERENCE_IDS, ...REQUIRED_TFJS]) expect(available, `${id} must load in Chromium`).toContain(id);
    const tensorflow = result.availability.find((s) => s.id === 'tfjs/tensorflow');
    expect(tensorflow?.available).toBe(false);
    expect(tensorflow?.note).toMatch(/runs under Node\.js only/);
    // The wasm backend fetched its binary from the page's own assets (wasmPaths from Vite's ?url imports).
    expect(server?.requests.some((r) => /\/assets\/tfjs-backend-wasm(-simd)?-[\w-]+\.wasm$/.test(r))).toBe(true);
  });

  it('the reference engine gives the same weights in Chromium as in Node, bit for bit: relu/MSE and tanh/MSE as they are, tanh/sigmoid with the same Math results', () => {
    for (const id of REFERENCE_IDS) {
      const inPage = (scenario: ScenarioName): XorRun | undefined => result.runs.find((r) => r.id === id && r.scenario === scenario);
      // Only IEEE-exact arithmetic: no runtime may differ in a single bit.
      const relu = inPage('relu');
      expect(relu, `${id} relu ran in the page`).toBeDefined();
      expect(relu?.weightsHex.length).toBe(17); // 2·4 + 4 + 4·1 + 1
      expect(relu?.weightsHex).toEqual(node.get(key(id, 'relu'))?.weightsHex);
      expect(relu?.accuracy).toBe(1);
      // tanh hidden units with the reference engine's own tanh (+ − × ÷ only): as exact as relu.
      const tanhMse = inPage('tanhMse');
      expect(tanhMse, `${id} tanhMse ran in the page`).toBeDefined();
      expect(result.mathCalls[key(id, 'tanhMse')], 'tanhMse calls none of Math\'s implementation-approximated functions').toEqual([]);
      expect(tanhMse?.weightsHex.length).toBe(17);
      expect(tanhMse?.weightsHex).toEqual(node.get(key(id, 'tanhMse'))?.weightsHex);
      expect(tanhMse?.accuracy).toBe(1);
      const lines = [`relu/MSE: ${relu?.weightsHex.length} parameters identical`, `tanh/MSE (the engine's own tanh): ${tanhMse?.weightsHex.length} parameters identical`];
      for (const scenario of ['tanh', 'playground'] as const) {
        const run = inPage(scenario);
        const native = node.get(key(id, scenario));
        expect(run, `${id} ${scenario} ran in the page`).toBeDefined();
        // The data were made on each side: the same bits (the Playground's XOR generator is + − × only).
        expect(run?.dataHex).toEqual(native?.dataHex);
        // With Chromium's Math results replayed in Node, everything else must give the same bits.
        expect(replayed.get(key(id, scenario))?.weightsHex).toEqual(run?.weightsHex);
        // As they are, the runtimes' Math may differ in last bits; the native runs then differ by that much.
        const calls = result.mathCalls[key(id, scenario)] ?? [];
        const disagree = Object.entries(mathDisagreements(calls));
        const differ = disagree.reduce((sum, [, d]) => sum + d.differ, 0);
        const worst = (native?.weights ?? []).reduce((w, v, i) => Math.max(w, Math.abs(v - (run?.weights[i] ?? Number.NaN)) / Math.max(Math.abs(v), 1e-300)), 0);
        const sameBits = native?.weightsHex.join() === run?.weightsHex.join();
        lines.push(
          `${scenario}: identical with Chromium's ${calls.length} Math results replayed in Node; natively Node's Math gives other last bits for ${differ} ` +
            `(${disagree.map(([fn, d]) => `${fn} ${d.differ}/${d.calls}`).join(', ')}), so the native runs are ${sameBits ? 'identical' : `within ${worst.toExponential(1)} relative`}`,
        );
        // Identical Math results must give identical runs; different ones only move the last bits.
        if (differ === 0) expect(native?.weightsHex).toEqual(run?.weightsHex);
        expect(worst).toBeLessThan(1e-9);
      }
      expect(inPage('tanh')?.accuracy).toBe(1);
      expect(inPage('playground')?.accuracy).toBeGreaterThan(0.8); // 0.89 after its 5 epochs (chance: 0.5)
      console.info(`[browser tests] ${id}, Chromium vs Node — ${lines.join('; ')}`);
    }
  });

  it('every tfjs backend that loads in Chromium learns XOR and agrees with the reference within float32 tolerance', () => {
    const reference = result.runs.find((r) => r.id === 'reference/float64' && r.scenario === 'tanh');
    expect(reference).toBeDefined();
    const tfjsRuns = result.runs.filter((r) => r.id.startsWith('tfjs/'));
    expect(tfjsRuns.map((r) => r.id)).toEqual(expect.arrayContaining([...REQUIRED_TFJS]));
    for (const run of tfjsRuns) {
      const worst = maxAbsDifference(run.outputs, reference?.outputs ?? []);
      const inNode = node.get(key(run.id, 'tanh'));
      const nodeWorst = inNode === undefined ? undefined : maxAbsDifference(inNode.outputs, reference?.outputs ?? []);
      const sameBits = inNode !== undefined && inNode.weightsHex.every((h, i) => h === run.weightsHex[i]);
      console.info(
        `[browser tests] ${run.id} (${run.detail}): outputs within ${worst.toExponential(2)} of reference/float64 ` +
          `(tolerance ${OUTPUT_TOLERANCE}; in Node ${nodeWorst?.toExponential(2) ?? '—'}); accuracy ${run.accuracy}; ` +
          `weights ${inNode === undefined ? '(not run in Node)' : sameBits ? 'identical to the same backend in Node' : 'differ from the same backend in Node'}; ${run.seconds.toFixed(2)} s`,
      );
      expect(run.accuracy).toBe(1);
      expect(worst).toBeLessThanOrEqual(OUTPUT_TOLERANCE);
      expect(run.outputs.length).toBe(XOR.y.rows);
    }
  });
});
