/**
 * The page's state in the URL hash, compatible with playground.tensorflow.org's: the Playground's
 * keys are read and written by `@twinprop/datasets/playground` (leniently: what the Playground
 * would ignore or reinterpret falls back the Playground's way, with a notice the page shows), and
 * the page adds one key of its own, {@link BACKEND_KEY}, which the Playground ignores.
 */
import { parsePlaygroundHash, playgroundHash } from '@twinprop/datasets/playground';
import type { Settings } from './settings.js';

/** twinprop's own hash key: the tfjs backend (`tfjsBackend=webgl`); absent means `auto`. */
export const BACKEND_KEY = 'tfjsBackend';

/** Backend names a hash may carry (letters, digits, dashes). */
const BACKEND_NAME = /^[a-z][a-z0-9-]*$/;

export interface ReadHash {
  readonly settings: Settings;
  /** What was ignored, reinterpreted or filled in, one sentence each (shown on the page). */
  readonly notices: string[];
}

/**
 * The settings a hash (or a whole Playground URL) describes. Never throws: a malformed hash gives
 * the Playground's defaults for what it cannot read, and says so.
 */
export function readHash(urlOrHash: string, random: { next(): number } = { next: Math.random }): ReadHash {
  const hashAt = urlOrHash.indexOf('#');
  const hash = hashAt >= 0 ? urlOrHash.slice(hashAt + 1) : urlOrHash;
  let backend = 'auto';
  const notices: string[] = [];
  const playground = hash
    .split('&')
    .filter((entry) => {
      const [key, value] = entry.split('=');
      if (key !== BACKEND_KEY) return true;
      if (value !== undefined && BACKEND_NAME.test(value)) backend = value;
      else notices.push(`${entry}: not a backend name; using the first backend that loads`);
      return false;
    })
    .join('&');
  const parsed = parsePlaygroundHash(`#${playground}`, 'lenient', random);
  const seed = parsed.state.seed ?? random.next().toFixed(5);
  return { settings: { ...parsed.state, seed, backend }, notices: [...notices, ...parsed.notices] };
}

/** The hash for `settings`: the Playground's (its key order, what it leaves out), then twinprop's key when set. */
export function hashOf(settings: Settings): string {
  const { backend, ...state } = settings;
  return playgroundHash(state) + (backend === 'auto' ? '' : `&${BACKEND_KEY}=${backend}`);
}

/** Puts `settings` in the address bar without adding a history entry. */
export function writeHash(settings: Settings): void {
  history.replaceState(null, '', hashOf(settings));
}
