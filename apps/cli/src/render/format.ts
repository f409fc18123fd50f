/** Number formatting shared by every command's output. */

/** A loss or error: 4 significant digits, exponent notation for tiny or huge values. */
export function formatLoss(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(3);
  return value.toPrecision(4);
}

/** An accuracy in [0, 1] as a fraction with 3 decimals (e.g. `0.975`). */
export function formatAccuracy(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return value.toFixed(3);
}

/** A probability with 4 decimals. */
export function formatProbability(value: number): string {
  return value.toFixed(4);
}

/** Seconds as `0.42 s` or `1 m 05 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} m ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')} s`;
}

/** A rate such as `123,456`. */
export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** An error such as a gradient difference: 3 significant digits in exponent notation. */
export function formatError(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === 0) return '0';
  return value.toExponential(2);
}

/** A setting such as a step or tolerance: `1e-6`, `0.01`, `2`. */
export function formatNumber(value: number): string {
  const rounded = Number(value.toPrecision(3));
  return rounded !== 0 && Math.abs(rounded) < 1e-3 ? rounded.toExponential() : String(rounded);
}
