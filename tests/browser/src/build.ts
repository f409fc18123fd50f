import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, createLogger } from 'vite';

const PAGE = join(dirname(fileURLToPath(import.meta.url)), 'page');

export interface BuiltFile {
  /** The path inside the output folder. */
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  /** gzip -9 of the file. */
  readonly gzip: number;
}

export interface Bundle {
  readonly outDir: string;
  readonly files: readonly BuiltFile[];
  /** What Vite warned about while building. */
  readonly warnings: readonly string[];
}

function filesUnder(dir: string): BuiltFile[] {
  const out: BuiltFile[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    out.push({ name: relative(dir, path), path, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

async function viteBuild(outDir: string, build_: Parameters<typeof build>[0]): Promise<Bundle> {
  const warnings: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (message) => warnings.push(message);
  logger.warnOnce = (message) => warnings.push(message);
  await build({ configFile: false, logLevel: 'warn', customLogger: logger, root: PAGE, ...build_ });
  return { outDir, files: filesUnder(outDir), warnings };
}

/**
 * The test page (`page/index.html`): core, the reference engine and the tfjs engine with its
 * `.wasm` files, minified, with a manifest saying which chunk is the entry.
 */
export function buildPage(outDir: string): Promise<Bundle> {
  return viteBuild(outDir, {
    base: './',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: true, manifest: true, reportCompressedSize: false, chunkSizeWarningLimit: 4096 },
  });
}

/**
 * Everything `@twinprop/core` and `@twinprop/engine-reference` export, as one minified ES module
 * whose exports are kept (so nothing is shaken out): what an application that imports all of
 * both would ship at most.
 */
export function buildCoreAndReference(outDir: string): Promise<Bundle> {
  return viteBuild(outDir, {
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      reportCompressedSize: false,
      rolldownOptions: {
        input: { 'core-reference': join(PAGE, 'size-entry.ts') },
        preserveEntrySignatures: 'strict',
        output: { entryFileNames: '[name].js' },
      },
    },
  });
}

/** The page's entry chunk and the chunks it imports statically: what loads before any engine is asked for. */
export function entryChunks(bundle: Bundle): string[] {
  const manifest = JSON.parse(readFileSync(join(bundle.outDir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string; isEntry?: boolean; imports?: string[] }
  >;
  const out = new Set<string>();
  const visit = (key: string): void => {
    const chunk = manifest[key];
    if (chunk === undefined || out.has(chunk.file)) return;
    out.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry === true) visit(key);
  return [...out];
}
