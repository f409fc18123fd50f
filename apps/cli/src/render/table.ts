/** Plain-text tables: columns padded to their widest cell; numbers right-aligned. */

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
