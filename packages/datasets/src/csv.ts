/**
 * Users' own data from CSV, streamed: rows are parsed by `csv-parse`'s stream API and written
 * straight into growing typed arrays, so a large file is never held as strings or row objects.
 *
 * Two readers share one parser and one set of rules:
 * - {@link readCsv} / {@link loadCsv}: a dataset — numeric features and a label column;
 * - {@link readCsvFeatures} / {@link loadCsvFeatures}: features only, to predict with — the feature
 *   columns chosen by header name (or by a function of the header), any other column kept as text.
 *
 * The rules (RFC 4180 plus what spreadsheets write): a header row, then one sample per row; a
 * leading BOM is dropped; lines end in LF, CRLF or CR; blank and whitespace-only lines are skipped
 * (but counted in line numbers); whitespace around a field is trimmed, whitespace inside quotes is
 * kept; a quoted field may hold the delimiter, `""` for a quote, and line breaks; a quote inside an
 * unquoted field, or text after a closing quote, is malformed. A number is what `Number()` reads
 * from the trimmed field (`1e3`, ` 2 `, `-.5`); an empty field, `NaN` and `±Infinity` are not.
 *
 * Dataset layout: the label column is chosen by name or by 0-based index (negative counts from the
 * end; default: the last column); every other column is a numeric feature. Labels:
 * - non-numeric labels are classes; numeric labels are classes when every one is an integer and
 *   there are at most `maxClasses` (default 20) distinct values; otherwise they are regression
 *   targets. `task` forces either reading.
 * - classes are numbered in sorted order (numerically for numeric labels, by code unit for text), and
 *   their labels are kept as `classNames`; two classes → `binary` (one 0/1 column), more → `multiclass`
 *   (one-hot).
 *
 * Every problem is a `DataError` naming the file, the line (1-based, as an editor shows it) and the
 * column (1-based field number), worded the same by both readers.
 *
 * The parts, in `csv/`: `parse.ts` (the shared parser, file and stream errors), `decode.ts`
 * (encodings, UTF-8 and NUL checks), `detect.ts` (header and delimiter), `numbers.ts` (what a
 * number is), `labels.ts` (classes or targets), `errors.ts` (messages both readers share),
 * `read.ts` (the dataset reader), `features.ts` (the features-only reader), `format.ts` (writing a
 * row back).
 */
export { MAX_CSV_RECORD_CHARS, type CsvReadOptions } from './csv/parse.js';
export { FLOAT32_MAX } from './csv/numbers.js';
export { delimiterHint, generatedHeader, guessDelimiter } from './csv/detect.js';
export { MAX_CSV_CLASSES } from './csv/labels.js';
export { loadCsv, readCsv, type CsvOptions } from './csv/read.js';
export { loadCsvFeatures, readCsvFeatures, type CsvFeatureOptions, type CsvFeatures, type CsvRecord } from './csv/features.js';
export { formatCsvRow } from './csv/format.js';
