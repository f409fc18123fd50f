/**
 * One CSV line (no line break) that the readers here read back as exactly `fields`: a field is
 * quoted when it holds the delimiter, a quote, a line break, or whitespace at either end (which
 * would otherwise be trimmed); quotes inside are doubled. Fields are written as given, so a
 * spreadsheet may still read a field such as `=1+1` as a formula.
 */
export function formatCsvRow(fields: readonly string[], delimiter = ','): string {
  // A lone empty field is quoted too: unquoted, it would be a blank line, which readers skip.
  if (fields.length === 1 && fields[0] === '') return '""';
  return fields
    .map((field) =>
      field.includes(delimiter) || /["\r\n]/.test(field) || field.trim() !== field ? `"${field.replace(/"/g, '""')}"` : field,
    )
    .join(delimiter);
}
