/**
 * Every error twinprop throws on purpose is a {@link TwinpropError}: it carries a stable `code`
 * and a message written for the person who made the mistake. Apps map these to exit codes;
 * anything else is a bug and deserves its stack trace.
 */
export class TwinpropError extends Error {
  /** Stable machine-readable identifier, e.g. `SPEC_INVALID`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A ModelSpec (or a training configuration) is malformed; `field` is a path such as `hidden[1].units`. */
export class SpecError extends TwinpropError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('SPEC_INVALID', `${field}: ${message}`);
    this.field = field;
  }
}

/** A model file could not be read; `field` is a JSON path such as `weights.layers[0].kernel.data[3]`. */
export class ModelFileError extends TwinpropError {
  readonly field: string | undefined;
  readonly file: string | undefined;
  constructor(message: string, options: { field?: string; file?: string; cause?: unknown } = {}) {
    const where = [options.file, options.field].filter((s) => s !== undefined && s !== '').join(': ');
    super('MODEL_FILE_INVALID', where === '' ? message : `${where}: ${message}`, { cause: options.cause });
    this.field = options.field;
    this.file = options.file;
  }
}

/** Input data does not fit the model or the operation (wrong widths, empty data, …). */
export class ShapeError extends TwinpropError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** Loss became NaN or ±Infinity during training. */
export class NonFiniteLossError extends TwinpropError {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  constructor(epoch: number, batch: number, loss: number) {
    super(
      'NON_FINITE_LOSS',
      `loss became ${String(loss)} at epoch ${epoch}, batch ${batch}; ` +
        'training diverged — try a lower learning rate (or stronger regularization)',
    );
    this.epoch = epoch;
    this.batch = batch;
    this.loss = loss;
  }
}

/**
 * The weights became NaN or ±Infinity although every loss before an update was finite: the last
 * update of an epoch (checked at the epoch's end) or of the run blew them up.
 */
export class NonFiniteWeightsError extends TwinpropError {
  readonly epoch: number;
  /** The 1-based batch after which the weights were found non-finite (the epoch's last). */
  readonly batch: number;
  /** The parameter holding the first non-finite value, e.g. `dense_0/kernel`. */
  readonly parameter: string;
  readonly value: number;
  constructor(epoch: number, batch: number, parameter: string, value: number) {
    super(
      'NON_FINITE_WEIGHTS',
      `the weights became ${String(value)} (in ${parameter}) at epoch ${epoch}, batch ${batch}; ` +
        'training diverged — try a lower learning rate (or stronger regularization)',
    );
    this.epoch = epoch;
    this.batch = batch;
    this.parameter = parameter;
    this.value = value;
  }
}

/**
 * A file could not be written (no space left, permission denied, a folder in the way, …). `file` is
 * the path the caller asked for, never the temporary file; a previous file at that path is kept.
 */
export class FileWriteError extends TwinpropError {
  readonly file: string;
  /** The file-system error code, e.g. `ENOSPC`, when there is one. */
  readonly reason: string | undefined;
  constructor(file: string, message: string, options: { reason?: string; cause?: unknown } = {}) {
    super('FILE_WRITE_FAILED', `${file}: ${message}`, { cause: options.cause });
    this.file = file;
    this.reason = options.reason;
  }
}

/** An engine does not support a feature; names both. */
export class UnsupportedFeatureError extends TwinpropError {
  readonly engine: string;
  readonly feature: string;
  constructor(engine: string, feature: string, reason: string) {
    super('UNSUPPORTED', `${engine} engine: ${feature} is not supported — ${reason}`);
    this.engine = engine;
    this.feature = feature;
  }
}

/** A requested compute backend cannot be loaded here (e.g. `tensorflow` without @tensorflow/tfjs-node). */
export class BackendUnavailableError extends TwinpropError {
  readonly backend: string;
  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', message, options);
    this.backend = backend;
  }
}

/** User data (CSV, dataset names, …) is malformed; names the file, line and column where known. */
export class DataError extends TwinpropError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, where: { file?: string; line?: number; column?: number } = {}) {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(where.file);
    if (where.line !== undefined) parts.push(`line ${where.line}`);
    if (where.column !== undefined) parts.push(`column ${where.column}`);
    super('DATA_INVALID', parts.length > 0 ? `${parts.join(', ')}: ${message}` : message);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** A model or a prepared data set was used after `dispose()`; `what` says which. */
export class DisposedError extends TwinpropError {
  readonly engine: string;
  readonly what: 'model' | 'data';
  constructor(engine: string, what: 'model' | 'data') {
    super('DISPOSED', `${engine} engine: ${what === 'model' ? 'this model was disposed' : 'the prepared data was disposed'} and cannot be used any more`);
    this.engine = engine;
    this.what = what;
  }
}

/**
 * `trainStep` was handed data that this model's `prepare()` did not return: prepared by another
 * engine, another backend, or not prepared at all.
 */
export class ForeignDataError extends TwinpropError {
  readonly engine: string;
  constructor(engine: string, detail: string) {
    super('FOREIGN_DATA', `${engine} engine: trainStep needs data returned by this model's prepare() — ${detail}`);
    this.engine = engine;
  }
}

/** An engine id names no registered engine, or a variant the engine does not offer. */
export class UnknownEngineError extends TwinpropError {
  readonly id: string;
  constructor(id: string, message: string) {
    super('ENGINE_UNKNOWN', message);
    this.id = id;
  }
}
