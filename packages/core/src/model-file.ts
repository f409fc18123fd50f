import { z } from 'zod';
import { validateTrainingConfig, type TrainingConfig } from './engine.js';
import { ModelFileError, TwinpropError } from './errors.js';
import { jsonErrorOffset } from './json-position.js';
import { LOSSES } from './loss.js';
import { OPTIMIZER_SLOTS, OPTIMIZERS, validateOptimizer, type OptimizerState } from './optimizer.js';
import { layerShapes, parameterCount, validateSpec, type ModelSpec } from './spec.js';
import { DTYPES, parameterName, type DType, type Weights } from './weights.js';

/**
 * The model file: versioned JSON holding the spec, the weights and what training left behind. The
 * same file loads into either engine.
 *
 * ```json
 * { "format": "twinprop-model", "version": 1,
 *   "spec": { "inputSize": 2, "hidden": [{ "units": 4, "activation": "tanh" }], "output": { "units": 1, "activation": "sigmoid" } },
 *   "training": { "loss": "binaryCrossEntropy", "optimizer": { "kind": "sgd", "learningRate": 0.1 } },
 *   "weights": { "dtype": "float64", "layers": [{ "kernel": { "shape": [2, 4], "data": [ … ] }, "bias": { "shape": [4], "data": [ … ] } }, … ] },
 *   "optimizerState": { "kind": "sgd", "step": 400, "slots": {} },
 *   "metadata": { "engine": "reference", "backend": "js", "dataset": "xor", "seed": 1, "epochsCompleted": 100, … } }
 * ```
 *
 * Kernels are row-major `[inputs, outputs]`. Numbers are written with JavaScript's shortest
 * round-trip formatting, so float64 and float32 weights survive a save/load bit for bit.
 */
export const MODEL_FILE_FORMAT = 'twinprop-model';
export const MODEL_FILE_VERSION = 1;
/**
 * Files larger than this (500 MiB) are refused before parsing, and {@link modelFileSizeBound} tells
 * before training whether a model's file could exceed it. (JavaScript strings stop a little above
 * 512 MiB, so a larger JSON file could not be parsed at all.)
 */
export const MAX_MODEL_FILE_BYTES = 500 * 1024 * 1024;
/** JSON nested deeper than this (objects and arrays) is refused; a model file needs 6 levels. */
export const MAX_JSON_DEPTH = 64;

/** Feature standardization fitted on the training part: `x' = (x − mean) / std`. */
export interface Standardization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface ModelMetadata {
  readonly engine?: string;
  readonly backend?: string;
  readonly dataset?: string;
  readonly task?: 'binary' | 'multiclass' | 'regression';
  readonly seed?: number;
  readonly batchSize?: number;
  readonly epochs?: number;
  /** Whole epochs completed when the file was written (checkpoints). */
  readonly epochsCompleted?: number;
  /** Batches completed in the next epoch when the file was written mid-epoch (checkpoints). */
  readonly batchesCompleted?: number;
  readonly classNames?: readonly string[];
  readonly featureNames?: readonly string[];
  readonly standardization?: Standardization;
  readonly createdAt?: string;
  /** Anything else an app wants to keep (JSON values). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface ModelFile {
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly weights: Weights;
  readonly optimizerState?: OptimizerState;
  readonly metadata: ModelMetadata;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const tensorJson = z.object({ shape: z.array(z.number().int().nonnegative()), data: z.array(z.unknown()) }).strict();
const weightsJson = z.object({ dtype: z.enum(DTYPES), layers: z.array(z.object({ kernel: tensorJson, bias: tensorJson }).strict()) }).strict();
const metadataJson = z
  .object({
    engine: z.string().max(100),
    backend: z.string().max(100),
    dataset: z.string().max(1000),
    task: z.enum(['binary', 'multiclass', 'regression']),
    seed: z.number().int(),
    batchSize: z.number().int().positive(),
    epochs: z.number().int().nonnegative(),
    epochsCompleted: z.number().int().nonnegative(),
    batchesCompleted: z.number().int().nonnegative(),
    classNames: z.array(z.string()),
    featureNames: z.array(z.string()),
    standardization: z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()) }).strict(),
    createdAt: z.string(),
    extra: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
const fileJson = z
  .object({
    format: z.literal(MODEL_FILE_FORMAT),
    version: z.number(),
    spec: z.unknown(),
    training: z
      .object({
        loss: z.enum(LOSSES),
        optimizer: z.unknown(),
        regularization: z.object({ l1: z.number().nonnegative(), l2: z.number().nonnegative() }).partial().strict().optional(),
      })
      .strict(),
    weights: weightsJson,
    optimizerState: z
      .object({ kind: z.enum(OPTIMIZERS), step: z.number().int().nonnegative(), slots: z.record(z.string(), weightsJson) })
      .strict()
      .optional(),
    metadata: metadataJson.default({}),
  })
  .strict();

function pathToString(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((s, key) => (typeof key === 'number' ? `${s}[${key}]` : s === '' ? String(key) : `${s}.${String(key)}`), '');
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

function parseJson(text: string, file: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (text.trim() === '') throw new ModelFileError('the file is empty', { file });
    // The position finder below recurses; bound the nesting first.
    const deep = nestingBeyond(text, MAX_JSON_DEPTH);
    if (deep >= 0) {
      const { line, column } = lineAndColumn(text, deep);
      throw new ModelFileError(`nested more than ${MAX_JSON_DEPTH} levels deep at line ${line}, column ${column}; a model file needs far fewer`, { file });
    }
    const offset = jsonErrorOffset(text);
    if (offset >= text.trimEnd().length) {
      throw new ModelFileError('unexpected end of JSON — the file looks truncated', { file });
    }
    const { line, column } = lineAndColumn(text, Math.max(0, offset));
    throw new ModelFileError(`not valid JSON at line ${line}, column ${column} (${message.split(', "')[0] ?? message})`, { file });
  }
}

/**
 * Rejects keys that could pollute prototypes if a consumer merged the object naively, and nesting
 * deeper than {@link MAX_JSON_DEPTH}. Iterative (an explicit stack), so no input can overflow the
 * call stack; arrays of numbers (the weights) are skipped in one pass.
 */
function rejectForbiddenKeys(root: unknown, file: string | undefined): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path, depth } = top;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new ModelFileError(`nested more than ${MAX_JSON_DEPTH} levels deep; a model file needs far fewer`, { field: path, file });
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null) stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) throw new ModelFileError(`forbidden key "${key}"`, { field, file });
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
}

/** The deepest nesting of objects and arrays in JSON text (strings skipped), and where it first exceeds `limit`. */
function nestingBeyond(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

function readTensor(
  json: { shape: number[]; data: unknown[] },
  expected: number[],
  dtype: DType,
  field: string,
  file: string | undefined,
): { shape: number[]; data: Float32Array | Float64Array } {
  const sameShape = json.shape.length === expected.length && json.shape.every((d, i) => d === expected[i]);
  if (!sameShape) {
    throw new ModelFileError(`shape [${json.shape.join(', ')}] does not match the spec, which needs [${expected.join(', ')}]`, {
      field: `${field}.shape`,
      file,
    });
  }
  const size = expected.reduce((a, b) => a * b, 1);
  if (json.data.length !== size) {
    throw new ModelFileError(`has ${json.data.length} values, shape [${expected.join(', ')}] needs ${size}`, { field: `${field}.data`, file });
  }
  const data = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = json.data[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ModelFileError(`must be a finite number (got ${JSON.stringify(v) ?? String(v)})`, { field: `${field}.data[${i}]`, file });
    }
    data[i] = v;
  }
  return { shape: expected, data };
}

function readWeights(json: z.infer<typeof weightsJson>, spec: ModelSpec, field: string, file: string | undefined): Weights {
  const shapes = layerShapes(spec);
  if (json.layers.length !== shapes.length) {
    throw new ModelFileError(`has ${json.layers.length} layers, the spec has ${shapes.length}`, { field: `${field}.layers`, file });
  }
  return {
    dtype: json.dtype,
    layers: json.layers.map((layer, i) => {
      const shape = shapes[i] ?? { inputs: 0, outputs: 0 };
      return {
        kernel: readTensor(layer.kernel, [shape.inputs, shape.outputs], json.dtype, `${field}.layers[${i}].kernel`, file),
        bias: readTensor(layer.bias, [shape.outputs], json.dtype, `${field}.layers[${i}].bias`, file),
      };
    }),
  };
}

function rewrap(error: unknown, prefix: string, file: string | undefined): never {
  if (error instanceof ModelFileError) throw error;
  if (error instanceof TwinpropError) {
    const field = 'field' in error && typeof error.field === 'string' ? error.field : prefix;
    throw new ModelFileError(error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message, {
      field,
      file,
      cause: error,
    });
  }
  throw error;
}

/**
 * Parses and validates a model file. Every malformation — truncation, wrong format or version,
 * unknown activation, shape or length mismatch, non-finite numbers, `__proto__` keys, absurd sizes —
 * raises {@link ModelFileError} naming the file and the field.
 */
export function parseModelFile(text: string, file?: string): ModelFile {
  if (text.length > MAX_MODEL_FILE_BYTES) {
    throw new ModelFileError(`the file is ${text.length} bytes, more than the ${MAX_MODEL_FILE_BYTES}-byte limit`, { file });
  }
  const raw = parseJson(text, file);
  rejectForbiddenKeys(raw, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelFileError('a model file must be a JSON object', { file });
  }
  const header = raw as Record<string, unknown>;
  if (header.format !== MODEL_FILE_FORMAT) {
    throw new ModelFileError(`not a twinprop model file (format is ${JSON.stringify(header.format) ?? 'missing'}, expected "${MODEL_FILE_FORMAT}")`, {
      field: 'format',
      file,
    });
  }
  if (header.version !== MODEL_FILE_VERSION) {
    throw new ModelFileError(`version ${JSON.stringify(header.version) ?? 'missing'} is not supported; this build reads version ${MODEL_FILE_VERSION}`, {
      field: 'version',
      file,
    });
  }
  const parsed = fileJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError(issue?.message ?? 'invalid', { field: pathToString(issue?.path ?? []), file });
  }
  const json = parsed.data;
  let spec: ModelSpec;
  let training: TrainingConfig;
  try {
    spec = validateSpec(json.spec, 'spec');
  } catch (error) {
    rewrap(error, 'spec', file);
  }
  try {
    const optimizer = validateOptimizer(json.training.optimizer, 'training.optimizer');
    training = validateTrainingConfig(spec, {
      loss: json.training.loss,
      optimizer,
      ...(json.training.regularization === undefined ? {} : { regularization: json.training.regularization }),
    });
  } catch (error) {
    rewrap(error, 'training', file);
  }
  const weights = readWeights(json.weights, spec, 'weights', file);
  let optimizerState: OptimizerState | undefined;
  if (json.optimizerState !== undefined) {
    const state = json.optimizerState;
    if (state.kind !== training.optimizer.kind) {
      throw new ModelFileError(`is for ${state.kind}, but training uses ${training.optimizer.kind}`, { field: 'optimizerState.kind', file });
    }
    const slots: Record<string, Weights> = {};
    for (const name of OPTIMIZER_SLOTS[state.kind]) {
      const slot = state.slots[name];
      if (slot === undefined) throw new ModelFileError(`missing slot "${name}"`, { field: 'optimizerState.slots', file });
      slots[name] = readWeights(slot, spec, `optimizerState.slots.${name}`, file);
    }
    for (const name of Object.keys(state.slots)) {
      if (!OPTIMIZER_SLOTS[state.kind].includes(name)) {
        throw new ModelFileError(`unknown slot for ${state.kind}`, { field: `optimizerState.slots.${name}`, file });
      }
    }
    optimizerState = { kind: state.kind, step: state.step, slots };
  }
  const metadata = json.metadata as ModelMetadata;
  const std = metadata.standardization;
  if (std !== undefined && (std.mean.length !== spec.inputSize || std.std.length !== spec.inputSize)) {
    throw new ModelFileError(`mean and std need ${spec.inputSize} values each (one per input)`, { field: 'metadata.standardization', file });
  }
  return { spec, training, weights, ...(optimizerState === undefined ? {} : { optimizerState }), metadata };
}

/** Values per piece the serializer yields (a few hundred kB of text). */
const VALUES_PER_PIECE = 16384;

/** One tensor's data as JSON array text, in pieces. Shortest round-trip formatting (as JSON.stringify). */
function* numbersJson(data: Float32Array | Float64Array): Generator<string> {
  if (data.length === 0) {
    yield '[]';
    return;
  }
  for (let start = 0; start < data.length; start += VALUES_PER_PIECE) {
    const end = Math.min(data.length, start + VALUES_PER_PIECE);
    // JSON.stringify of plain numbers is the engine's native shortest round-trip formatting.
    const text = JSON.stringify(Array.from(data.subarray(start, end)));
    yield `${start === 0 ? '[' : ','}${text.slice(1, -1)}${end === data.length ? ']' : ''}`;
  }
}

function* weightsJsonPieces(weights: Weights): Generator<string> {
  yield `{"dtype":${JSON.stringify(weights.dtype)},"layers":[`;
  for (let i = 0; i < weights.layers.length; i++) {
    const layer = weights.layers[i];
    if (layer === undefined) continue;
    yield `${i === 0 ? '' : ','}{"kernel":{"shape":${JSON.stringify([...layer.kernel.shape])},"data":`;
    yield* numbersJson(layer.kernel.data);
    yield `},"bias":{"shape":${JSON.stringify([...layer.bias.shape])},"data":`;
    yield* numbersJson(layer.bias.data);
    yield '}}';
  }
  yield ']}';
}

function assertFinite(weights: Weights, field: string): void {
  weights.layers.forEach((layer, i) => {
    for (const [part, tensor] of [['kernel', layer.kernel], ['bias', layer.bias]] as const) {
      const data = tensor.data;
      for (let k = 0; k < data.length; k++) {
        const v = data[k] ?? Number.NaN;
        if (!Number.isFinite(v)) {
          throw new ModelFileError(`refusing to save a non-finite ${field === 'weights' ? 'weight' : 'value'} (${v}) at index ${k}`, {
            field: field === 'weights' ? parameterName(i, part) : `${field}/${parameterName(i, part)}`,
          });
        }
      }
    }
  });
}

/**
 * The file's JSON text in pieces, for writing a model of any size without building one string
 * (see writeModelFile). Everything is checked before the first piece: weights and optimizer slots
 * must be finite. The pieces joined are exactly {@link serializeModelFile}'s text.
 */
export function serializeModelFileChunks(model: ModelFile): Iterable<string> {
  assertFinite(model.weights, 'weights');
  const state = model.optimizerState;
  if (state !== undefined) for (const [name, slot] of Object.entries(state.slots)) assertFinite(slot, `optimizerState.slots.${name}`);
  // Small parts go through JSON.stringify (which also drops undefined fields); the weights are streamed.
  const head = `{"format":${JSON.stringify(MODEL_FILE_FORMAT)},"version":${MODEL_FILE_VERSION},"spec":${JSON.stringify(model.spec)},"training":${JSON.stringify(model.training)},"weights":`;
  const metadata = JSON.stringify(model.metadata ?? {});
  function* pieces(): Generator<string> {
    yield head;
    yield* weightsJsonPieces(model.weights);
    if (state !== undefined) {
      yield `,"optimizerState":{"kind":${JSON.stringify(state.kind)},"step":${JSON.stringify(state.step)},"slots":{`;
      let first = true;
      for (const [name, slot] of Object.entries(state.slots)) {
        yield `${first ? '' : ','}${JSON.stringify(name)}:`;
        first = false;
        yield* weightsJsonPieces(slot);
      }
      yield '}}';
    }
    yield `,"metadata":${metadata}}\n`;
  }
  return pieces();
}

/** The file's JSON text. Weights must be finite; the result parses back to identical numbers. */
export function serializeModelFile(model: ModelFile): string {
  return [...serializeModelFileChunks(model)].join('');
}

/** Characters a number takes at most in the file, with its comma: `-1.2345678e-38,` / `-1.2345678901234567e-308,`. */
const MAX_NUMBER_CHARS: { readonly [D in DType]: number } = { float32: 16, float64: 25 };

/**
 * An upper bound on the size in bytes of the model file for `spec` trained with `training` in
 * `dtype` (weights plus the optimizer's slots, every number at its longest), not counting the
 * metadata. Compare it with {@link MAX_MODEL_FILE_BYTES} before training to refuse a model that
 * could not be saved and read back.
 */
export function modelFileSizeBound(spec: ModelSpec, training: TrainingConfig, dtype: DType): number {
  const copies = 1 + OPTIMIZER_SLOTS[training.optimizer.kind].length;
  const layers = layerShapes(spec).length;
  return parameterCount(spec) * copies * MAX_NUMBER_CHARS[dtype] + 4096 + layers * copies * 200;
}
