import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as entry from './index.js';

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiersOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const pattern of [/\b(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s*['"]([^'"]+)['"]/g]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** The files reachable from `start` through relative imports, and the bare specifiers they use. */
function graph(start: string, toFile: (specifier: string, from: string) => string): { files: string[]; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.')) visit(toFile(specifier, file));
      else bare.add(specifier);
    }
  };
  visit(start);
  return { files: [...files], bare };
}

const isNodeBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

describe('@twinprop/datasets/playground is browser-safe', () => {
  it('no Node.js module is reachable from the entry point', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const ours = graph(resolve(here, 'index.ts'), (s, from) => resolve(dirname(from), s.replace(/\.js$/, '.ts')));
    expect(ours.files.length).toBeGreaterThanOrEqual(4);
    expect([...ours.bare].filter(isNodeBuiltin)).toEqual([]);
    // Only core and seedrandom (CommonJS; its guarded require('crypto') is mapped away by its
    // package.json "browser" field). Core's own entry point must be browser-safe too.
    expect([...ours.bare].sort()).toEqual(['@twinprop/core', 'seedrandom']);
  });

  it('exports the generators, the URL state and the run set-up', () => {
    for (const name of ['circle', 'playgroundDataset', 'playgroundShuffle', 'parsePlaygroundHash', 'playgroundHash', 'PLAYGROUND_DEFAULT_STATE', 'playgroundData', 'playgroundRandom', 'playgroundSpec']) {
      expect(entry).toHaveProperty(name);
    }
  });
});
