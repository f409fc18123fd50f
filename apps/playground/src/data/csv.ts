/**
 * The page's CSV upload: two numeric feature columns (x₁, x₂) and a label, one point per line.
 *
 * - An optional header line (detected: its first two fields are not numbers).
 * - Delimiter `,`, `;` or tab, the one the first line uses; fields are trimmed and may be quoted
 *   (`"…"`, with `""` for a quote); blank lines are skipped but counted.
 * - Labels: text labels, or integers with at most {@link MAX_CLASSES} distinct values, are classes
 *   (2 → binary, the Playground's ±1; more → multiclass); any other numeric labels are regression targets.
 *
 * Every problem names the line (1-based, as an editor shows it) and, for a cell, the column.
 *
 * (A browser-side reader: `@twinprop/datasets`' CSV reader streams from Node's file system and
 * cannot run in a page; this one covers the page's fixed 3-column shape only.)
 */

export const MAX_CLASSES = 10;
export const MAX_ROWS = 100_000;

export class CsvUploadError extends Error {
  constructor(
    readonly line: number,
    readonly column: number | undefined,
    message: string,
  ) {
    super(`line ${line}${column === undefined ? '' : `, column ${column}`}: ${message}`);
    this.name = 'CsvUploadError';
  }
}

export interface UploadedPoints {
  readonly name: string;
  /** x₁, x₂ per row. */
  readonly points: Float64Array;
  readonly rows: number;
  readonly task: 'binary' | 'multiclass' | 'regression';
  /** Per row: the class index (classification) or the target (regression). */
  readonly labels: Float64Array;
  /** Class names by index (classification). */
  readonly classNames: readonly string[];
  readonly header: readonly [string, string, string];
}

function splitFields(text: string, delimiter: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t' && delimiter !== '\t') i++;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvUploadError(line, fields.length + 1, 'a quoted field is not closed');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      while (text[i] === ' ') i++;
      fields.push(value);
      if (i >= text.length) return fields;
      if (text[i] !== delimiter) throw new CsvUploadError(line, fields.length, 'text after a closing quote');
      i++;
      continue;
    }
    const end = text.indexOf(delimiter, i);
    fields.push((end < 0 ? text.slice(i) : text.slice(i, end)).trim());
    if (end < 0) return fields;
    i = end + 1;
  }
}

function isNumber(field: string): boolean {
  return field !== '' && Number.isFinite(Number(field));
}

/** Reads an uploaded CSV; throws {@link CsvUploadError} naming the line and column. */
export function parseUploadedCsv(text: string, name = 'upload.csv'): UploadedPoints {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) throw new CsvUploadError(1, undefined, 'the file is empty; expected lines of x1,x2,label');
  const first = lines[firstIndex]!;
  const delimiter = [',', ';', '\t'].find((d) => first.includes(d)) ?? ',';
  const firstFields = splitFields(first, delimiter, firstIndex + 1);
  const hasHeader = !(isNumber(firstFields[0] ?? '') && isNumber(firstFields[1] ?? ''));
  const header: [string, string, string] = hasHeader && firstFields.length === 3 ? [firstFields[0]!, firstFields[1]!, firstFields[2]!] : ['x1', 'x2', 'label'];
  if (hasHeader && firstFields.length !== 3) {
    throw new CsvUploadError(firstIndex + 1, undefined, `the header has ${firstFields.length} field${firstFields.length === 1 ? '' : 's'}; expected 3 (x1, x2, label)`);
  }
  const xs: number[] = [];
  const rawLabels: string[] = [];
  const labelLines: number[] = [];
  for (let i = hasHeader ? firstIndex + 1 : firstIndex; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const fields = splitFields(line, delimiter, i + 1);
    if (fields.length !== 3) {
      throw new CsvUploadError(i + 1, undefined, `${fields.length} field${fields.length === 1 ? '' : 's'}; expected 3 (x1, x2, label)`);
    }
    for (let c = 0; c < 2; c++) {
      const field = fields[c]!;
      if (!isNumber(field)) {
        throw new CsvUploadError(i + 1, c + 1, `${field === '' ? 'an empty field' : JSON.stringify(field)} is not a number (column ${header[c]})`);
      }
      xs.push(Number(field));
    }
    if (fields[2] === '') throw new CsvUploadError(i + 1, 3, 'the label is empty');
    rawLabels.push(fields[2]!);
    labelLines.push(i + 1);
    if (rawLabels.length > MAX_ROWS) throw new CsvUploadError(i + 1, undefined, `more than ${MAX_ROWS} points`);
  }
  if (rawLabels.length < 2) throw new CsvUploadError(lines.length, undefined, `${rawLabels.length} data line${rawLabels.length === 1 ? '' : 's'}; at least 2 are needed`);

  const rows = rawLabels.length;
  const numeric = rawLabels.every(isNumber);
  const distinct = [...new Set(rawLabels)];
  const integerClasses = numeric && rawLabels.every((l) => Number.isInteger(Number(l))) && distinct.length <= MAX_CLASSES;
  const labels = new Float64Array(rows);
  if (numeric && !integerClasses) {
    rawLabels.forEach((l, r) => (labels[r] = Number(l)));
    return { name, points: Float64Array.from(xs), rows, task: 'regression', labels, classNames: [], header };
  }
  if (!numeric) {
    const bad = rawLabels.findIndex((l) => isNumber(l));
    if (bad >= 0 && distinct.length > MAX_CLASSES) throw new CsvUploadError(labelLines[bad]!, 3, 'labels mix numbers and text');
  }
  if (distinct.length > MAX_CLASSES) {
    throw new CsvUploadError(labelLines[rawLabels.findIndex((l) => l === distinct[MAX_CLASSES])]!, 3, `more than ${MAX_CLASSES} classes`);
  }
  if (distinct.length < 2) throw new CsvUploadError(labelLines[0]!, 3, `every point has the label ${JSON.stringify(distinct[0])}; two classes or more are needed`);
  const classNames = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const index = new Map(classNames.map((c, k) => [c, k]));
  rawLabels.forEach((l, r) => (labels[r] = index.get(l) ?? 0));
  return { name, points: Float64Array.from(xs), rows, task: classNames.length === 2 ? 'binary' : 'multiclass', labels, classNames, header };
}
