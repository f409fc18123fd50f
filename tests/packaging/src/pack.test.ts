/**
 * What a user gets from the registry: each publishable package is packed with `pnpm pack` (which
 * rewrites `workspace:` ranges), the tarballs are installed into an empty project, and the
 * project imports each package by name — through its `exports` map only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const packages: Record<string, { dir: string; exports: string[] }> = {
  '@twinprop/core': { dir: 'packages/core', exports: ['validateSpec', 'fit', 'Rng', 'parseModelFile', 'initializeWeights'] },
  '@twinprop/engine-reference': { dir: 'packages/engine-reference', exports: ['ReferenceEngine'] },
  '@twinprop/engine-tfjs': { dir: 'packages/engine-tfjs', exports: ['createTfjsEngine'] },
  '@twinprop/datasets': { dir: 'packages/datasets', exports: ['loadDataset'] },
  '@twinprop/interchange': { dir: 'packages/interchange', exports: ['exportTfjs', 'exportOnnx', 'readTfjsModel', 'planTfjsImport'] },
};

/** The command line, published as `twinprop` with a `bin` (it bundles the apps' private toolkit). */
const CLI_DIR = 'apps/cli';

let work = '';
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

describe('packed packages install and import from tarballs', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'twinprop-pack-'));
    const tarballs = join(work, 'tarballs');
    for (const { dir } of Object.values(packages)) run('pnpm', ['pack', '--pack-destination', tarballs], join(root, dir));
    run('pnpm', ['pack', '--pack-destination', tarballs], join(root, CLI_DIR));
    const files = readdirSync(tarballs);
    const tarballOf = (name: string): string => {
      // `twinprop-core-0.1.0.tgz` for @twinprop/core, `twinprop-0.1.0.tgz` for the CLI.
      const prefix = `${name.replace('@', '').replace('/', '-')}-`;
      const file = files.find((f) => f.startsWith(prefix) && /^\d/.test(f.slice(prefix.length)));
      if (file === undefined) throw new Error(`no tarball for ${name} in ${files.join(', ')}`);
      return `file:${join(tarballs, file)}`;
    };
    const app = join(work, 'app');
    run('mkdir', ['-p', app], work);
    const deps = Object.fromEntries([...Object.keys(packages), 'twinprop'].map((name) => [name, tarballOf(name)]));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps, pnpm: { overrides: deps } }, null, 2),
    );
    // Third-party dependencies come from the local store that the workspace install filled (or the registry).
    run('pnpm', ['install', '--prefer-offline', '--config.node-linker=isolated', '--config.confirm-modules-purge=false'], app);
  }, 180_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  for (const [name, { exports }] of Object.entries(packages)) {
    it(`${name} imports by name and exposes ${exports.join(', ')}`, () => {
      const script = `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(${JSON.stringify(exports)}.filter((k) => !(k in m))));`;
      const missing = run('node', ['--input-type=module', '-e', script], join(work, 'app'));
      expect(JSON.parse(missing.trim())).toEqual([]);
    });

    it(`${name} keeps its internals private (strict exports)`, () => {
      const script = `try { await import(${JSON.stringify(`${name}/dist/index.js`)}); console.log('open'); } catch (e) { console.log(e.code); }`;
      expect(run('node', ['--input-type=module', '-e', script], join(work, 'app')).trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    });
  }

  it('the twinprop package installs its bin: --version, datasets and a training run work without the private toolkit', () => {
    const app = join(work, 'app');
    const bin = join(app, 'node_modules', '.bin', 'twinprop');
    const manifest = JSON.parse(readFileSync(join(root, CLI_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(run(bin, ['--version'], app).trim()).toBe(manifest.version);
    expect(run(bin, ['datasets'], app)).toMatch(/^xor\s+binary/m);
    const result = JSON.parse(run(bin, ['train', '--dataset', 'xor', '--hidden', '4', '--epochs', '300', '--json'], app)) as { engineId: string; testAccuracy: number };
    expect(result.engineId).toBe('reference/float32');
    expect(result.testAccuracy).toBe(1);
    const listing = run('tar', ['-tzf', join(work, 'tarballs', readdirSync(join(work, 'tarballs')).find((f) => /^twinprop-\d/.test(f)) ?? '')], work);
    expect(listing.split('\n').filter((f) => f.endsWith('.js'))).toEqual(['package/dist/twinprop.js']);
  }, 120_000);

  it('ships no tests in the tarballs', () => {
    const listing = run('tar', ['-tzf', join(work, 'tarballs', readdirSync(join(work, 'tarballs')).find((f) => f.startsWith('twinprop-core-')) ?? '')], work);
    expect(listing).toMatch(/package\/dist\/index\.js/);
    expect(listing).not.toMatch(/\.test\./);
    expect(listing).toMatch(/package\/README\.md/);
  });
});
