/** Tables for terminals (padded columns, a rule under the header) and for Markdown reports. */

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Alignment per column (default: left for the first column, right for the others). */
  readonly align?: readonly Align[];
  /** Characters between columns (default two spaces). */
  readonly gap?: string;
}

/** Renders `rows` (the first one is the header) with a rule under the header. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, options: TableOptions = {}): string {
  const all = [header, ...rows];
  const columns = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const gap = options.gap ?? '  ';
  const line = (row: readonly string[]): string =>
    widths
      .map((width, c) => {
        const cell = row[c] ?? '';
        const pad = ' '.repeat(width - [...cell].length);
        const align = options.align?.[c] ?? (c === 0 ? 'left' : 'right');
        return align === 'left' ? cell + pad : pad + cell;
      })
      .join(gap)
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join(gap);
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** `key   value` lines with the keys padded to the same width. */
export function renderPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...pairs.map(([k]) => [...k].length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

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
