/** Number formatting shared by every app's output. */

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

/** An error measure in a report: `1.2e-5`, `0` for exact agreement, `∞`/`NaN` spelled out, `—` when absent. */
export function formatScientific(x: number | undefined): string {
  if (x === undefined) return '—';
  if (x === 0) return '0';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return '∞';
  return x.toExponential(1);
}

/** A fraction as a percentage with one decimal: `97.5%` (`—` when absent or NaN). */
export function formatPercent(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toFixed(1)}%`;
}

/** A bound as tolerances are written in code: `1e-5`, `3e-4`. */
export function formatBound(x: number): string {
  return x.toExponential().replace('e+', 'e');
}

/** 3 significant digits with a k/M/G suffix: 1234 → `1.23k`, 56_700_000 → `56.7M`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const [scale, suffix] = abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${significant(n / scale)}${suffix}`;
}

/** 3 significant digits, no exponent: 0.01234 → `0.0123`, 123.4 → `123`, 1234 → `1234`. */
export function significant(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  return n.toFixed(Math.min(digits, 6));
}

/** A throughput ratio: `52.3×`, `1.07×`, `0.412×`. */
export function formatRatio(value: number): string {
  return `${significant(value)}×`;
}

/** Bytes in binary units with 3 significant digits: `812 B`, `12.3 KiB`, `245 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${significant(bytes)} B`;
  if (abs < 1024 ** 2) return `${significant(bytes / 1024)} KiB`;
  if (abs < 1024 ** 3) return `${significant(bytes / 1024 ** 2)} MiB`;
  return `${significant(bytes / 1024 ** 3)} GiB`;
}

/** Relative spread as `±4.1%` (half the (max − min)/median range). */
export function formatSpread(spread: number): string {
  return `±${((spread * 100) / 2).toFixed(1)}%`;
}

