import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodeUtil from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_UTIL_FUNCTIONS, requireWithUtilShim, utilOverlay } from './node-util-shim.js';

/**
 * tfjs-node cannot load on machines without libtensorflow, so the shim is tested on a stand-in:
 * a CommonJS package that, like tfjs-node 4.22.0, keeps `require('util')` and calls
 * `util.isNullOrUndefined` only later, when one of its functions runs. A second package, loaded
 * from inside the first while the hook is active, must see Node's real `util`.
 */
describe('requireWithUtilShim', () => {
  let root: string;
  let fakeNode: string;
  let bystander: string;
  const requireHere = createRequire(import.meta.url);
  const Module = requireHere('node:module') as { _load: unknown };

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'util-shim-'));
    fakeNode = path.join(root, 'fake-tfjs-node');
    bystander = path.join(root, 'bystander');
    mkdirSync(path.join(fakeNode, 'dist'), { recursive: true });
    mkdirSync(bystander, { recursive: true });
    writeFileSync(path.join(bystander, 'index.js'), "exports.util = require('util');\n");
    writeFileSync(
      path.join(fakeNode, 'dist', 'index.js'),
      [
        'var util_1 = require("util");',
        'var nodeUtil = require("node:util");',
        `exports.bystander = require(${JSON.stringify(path.join(bystander, 'index.js'))});`,
        'exports.util = util_1;',
        'exports.nodeUtil = nodeUtil;',
        '// Called long after loading, as tfjs-node does when an op runs:',
        'exports.isNull = function (v) { return (0, util_1.isNullOrUndefined)(v); };',
        'exports.isArray = function (v) { return (0, util_1.isArray)(v); };',
        'exports.promisify = util_1.promisify;',
      ].join('\n'),
    );
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the package a util with isNullOrUndefined and isArray, read at call time', () => {
    const loadBefore = Module._load;
    const fake = requireWithUtilShim(requireHere, path.join(fakeNode, 'dist', 'index.js'), [fakeNode]) as {
      isNull: (v: unknown) => boolean;
      isArray: (v: unknown) => boolean;
      util: object;
      nodeUtil: object;
      promisify: unknown;
      bystander: { util: object };
    };
    expect(Module._load).toBe(loadBefore);
    expect([null, undefined, 0, '', false, {}].map((v) => fake.isNull(v))).toEqual([true, true, false, false, false, false]);
    expect([[], [1], {}, 'a'].map((v) => fake.isArray(v))).toEqual([true, true, false, false]);
    // Everything else on util still works through the overlay's prototype.
    expect(fake.promisify).toBe(nodeUtil.promisify);
    expect(Object.getPrototypeOf(fake.util)).toBe(nodeUtil);
    expect(fake.nodeUtil).not.toBe(nodeUtil);
    // A module outside the package, loaded while the hook was active, got Node's own util.
    expect(fake.bystander.util).toBe(nodeUtil);
  });

  it("leaves Node's util untouched for everyone else", () => {
    const before = Object.getOwnPropertyDescriptor(nodeUtil, 'isNullOrUndefined');
    requireWithUtilShim(requireHere, path.join(fakeNode, 'dist', 'index.js'), [fakeNode]);
    expect(Object.getOwnPropertyDescriptor(nodeUtil, 'isNullOrUndefined')).toEqual(before);
    expect(requireHere('util')).toBe(nodeUtil);
    expect((nodeUtil as unknown as Record<string, unknown>).isNullOrUndefined).not.toBe(LEGACY_UTIL_FUNCTIONS.isNullOrUndefined);
  });

  it('removes its hook even when loading throws', () => {
    const loadBefore = Module._load;
    const broken = path.join(fakeNode, 'dist', 'broken.js');
    writeFileSync(broken, "require('util'); throw new Error('no native addon');\n");
    expect(() => requireWithUtilShim(requireHere, broken, [fakeNode])).toThrow('no native addon');
    expect(Module._load).toBe(loadBefore);
  });

  it('works where Node has removed the functions (simulated with a util lacking them)', () => {
    const bare = Object.create(null) as object;
    const overlay = utilOverlay(bare) as Record<string, (v: unknown) => boolean>;
    expect(overlay.isNullOrUndefined?.(undefined)).toBe(true);
    expect(overlay.isNullOrUndefined?.(0)).toBe(false);
    expect(overlay.isArray?.([])).toBe(true);
    expect(Object.keys(bare)).toEqual([]);
  });
});
