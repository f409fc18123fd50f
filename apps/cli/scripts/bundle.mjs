// Bundles the compiled CLI (dist/main.js, from tsc) into dist/twinprop.js, the file the `twinprop`
// package publishes. Every package the CLI lists in `dependencies` stays an import (npm installs
// it); what is not there — the private @twinprop/toolkit the apps share — is bundled in.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys(manifest.dependencies ?? {}).flatMap((name) => [name, `${name}/*`]);

await build({
  entryPoints: [new URL('../dist/main.js', import.meta.url).pathname],
  outfile: new URL('../dist/twinprop.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  logLevel: 'warning',
});
