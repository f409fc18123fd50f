import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a report ran on. Deliberately no host name, user or path. */
export interface Environment {
  /** `process.version`, e.g. `v20.20.2`. */
  readonly node: string;
  /** Operating system and architecture, e.g. `linux x64`. */
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  /** Package name → version, for the packages whose code ran. */
  readonly packages: Readonly<Record<string, string>>;
  /** The operating system alone (`os.platform()`), e.g. `linux`. */
  readonly os: string;
  /** The architecture alone (`os.arch()`), e.g. `x64`. */
  readonly arch: string;
  /** `process.versions.v8`. */
  readonly v8: string;
  /** Physical memory (`os.totalmem()`), bytes. */
  readonly memoryBytes: number;
}

export interface EnvironmentOptions {
  /**
   * Also look package versions up from this module (an app passes its `import.meta.url`), so that
   * packages the app depends on but the toolkit does not (e.g. `@twinprop/datasets`) are reported.
   */
  readonly resolveFrom?: string | URL;
}

/** The packages reported, in this order, when they resolve. */
const PACKAGES = [
  '@twinprop/core',
  '@twinprop/engine-reference',
  '@twinprop/engine-tfjs',
  '@twinprop/datasets',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
] as const;

const requireHere = createRequire(import.meta.url);

/** Linux's `/proc/cpuinfo`, or `undefined` where there is none (not Linux). */
export function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}

/** The first processor's value of a `/proc/cpuinfo` field (`model name`, `flags`, …), trimmed; never the next line's (an empty value is `undefined`). */
export function cpuinfoField(cpuinfo: string, name: string): string | undefined {
  const match = new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'm').exec(cpuinfo);
  const value = match?.[1]?.trim();
  return value === '' ? undefined : value;
}

function cpuModel(): string {
  const info = readCpuinfo();
  // Not Linux, or no model name: fall back to what Node reports.
  return (info === undefined ? undefined : cpuinfoField(info, 'model name')) ?? os.cpus()[0]?.model.trim() ?? 'unknown';
}

function versionOf(name: string, from: NodeJS.Require): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(from.resolve(`${name}/package.json`), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/** Where package versions are looked up, first match wins: the caller, the toolkit, the tfjs engine. */
function resolvers(options: EnvironmentOptions): NodeJS.Require[] {
  const out: NodeJS.Require[] = [];
  if (options.resolveFrom !== undefined) {
    const from = options.resolveFrom;
    out.push(createRequire(typeof from === 'string' && !from.startsWith('file:') ? path.resolve(from) : fileURLToPath(from)));
  }
  out.push(requireHere);
  // tfjs-core and the backends are dependencies of the tfjs engine, so resolve them from there too.
  try {
    out.push(createRequire(requireHere.resolve('@twinprop/engine-tfjs/package.json')));
  } catch {
    // The engine's manifest is not resolvable: report what the others find.
  }
  return out;
}

export function describeEnvironment(options: EnvironmentOptions = {}): Environment {
  const from = resolvers(options);
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    for (const require of from) {
      const version = versionOf(name, require);
      if (version === undefined) continue;
      packages[name] = version;
      break;
    }
  }
  return {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: cpuModel(),
    cores: os.cpus().length,
    packages,
    os: os.platform(),
    arch: os.arch(),
    v8: process.versions.v8,
    memoryBytes: os.totalmem(),
  };
}
