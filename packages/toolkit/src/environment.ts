import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** What a report ran on. Deliberately no host name, user or path. */
export interface Environment {
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  /** Package name → version, for the packages whose code ran. */
  readonly packages: Readonly<Record<string, string>>;
}

const requireHere = createRequire(import.meta.url);

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const match = /^model name\s*:\s*(.+)$/m.exec(info);
    if (match?.[1] !== undefined) return match[1].trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model.trim() ?? 'unknown';
}

function versionOf(name: string, from: NodeJS.Require = requireHere): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(from.resolve(`${name}/package.json`), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

export function describeEnvironment(): Environment {
  const packages: Record<string, string> = {};
  for (const name of [
    '@twinprop/core',
    '@twinprop/engine-reference',
    '@twinprop/engine-tfjs',
    '@twinprop/datasets',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-layers',
  ]) {
    const version = versionOf(name);
    if (version !== undefined) packages[name] = version;
  }
  // The backends are dependencies of the tfjs engine, so resolve them from there.
  try {
    const engineRequire = createRequire(path.join(path.dirname(requireHere.resolve('@twinprop/engine-tfjs/package.json')), 'package.json'));
    for (const name of ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu']) {
      const version = versionOf(name, engineRequire);
      if (version !== undefined) packages[name] = version;
    }
  } catch {
    // The engine's manifest is not resolvable: report what we have.
  }
  return {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: cpuModel(),
    cores: os.cpus().length,
    packages,
  };
}
