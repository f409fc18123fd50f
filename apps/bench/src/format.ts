/** Number and table formatting for the printed report (GitHub-flavoured Markdown tables). */

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

export type Align = 'left' | 'right';

/**
 * A Markdown table with padded columns (readable as plain text too). `align` gives each column's
 * alignment (default: first column left, the rest right).
 */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: readonly Align[]): string {
  const columns = headers.length;
  for (const row of rows) {
    if (row.length !== columns) throw new RangeError(`a row has ${row.length} cells, the table has ${columns} columns`);
  }
  const alignOf = (c: number): Align => align?.[c] ?? (c === 0 ? 'left' : 'right');
  const widths = headers.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c]!.length)));
  const pad = (text: string, c: number): string => (alignOf(c) === 'left' ? text.padEnd(widths[c]!) : text.padStart(widths[c]!));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, c) => pad(cell, c)).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (alignOf(c) === 'left' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
