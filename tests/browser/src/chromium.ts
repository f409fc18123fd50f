/**
 * Debian's Chromium for the browser tests of every package (this one's and apps/playground's):
 * where it is, the flags it runs with, a launcher with a fresh profile folder, and the rule that a
 * missing browser skips with a printed reason locally but fails in CI. Nothing is downloaded.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); nothing is downloaded. */
export const CHROMIUM = process.env.TWINPROP_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Whether the browser is there; in CI (env `CI` set) its absence is a failure, not a skip. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(`${reason}; CI must have it`);
  return reason;
}

/**
 * Launches headless Chromium with a fresh profile directory (`--user-data-dir`, which
 * playwright-core takes as the persistent context's folder), removed on close.
 */
export async function launchChromium(
  options: { readonly viewport?: { width: number; height: number }; readonly acceptDownloads?: boolean } = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'twinprop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: options.viewport ?? { width: 1280, height: 1000 },
    acceptDownloads: options.acceptDownloads ?? true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
