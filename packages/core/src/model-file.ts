import { z } from 'zod';
import { validateTrainingConfig, type TrainingConfig } from './engine.js';
import { ModelFileError, TwinpropError } from './errors.js';
import { jsonErrorOffset } from './json-position.js';
import { LOSSES } from './loss.js';
import { OPTIMIZER_SLOTS, OPTIMIZERS, validateOptimizer, type OptimizerState } from './optimizer.js';
import { layerShapes, validateSpec, type ModelSpec } from './spec.js';
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
/** Files larger than this are refused before parsing. */
export const MAX_MODEL_FILE_BYTES = 512 * 1024 * 1024;

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
    const offset = jsonErrorOffset(text);
    if (offset >= text.trimEnd().length) {
      throw new ModelFileError('unexpected end of JSON — the file looks truncated', { file });
    }
    const { line, column } = lineAndColumn(text, Math.max(0, offset));
    throw new ModelFileError(`not valid JSON at line ${line}, column ${column} (${message.split(', "')[0] ?? message})`, { file });
  }
}

/** Rejects keys that could pollute prototypes if a consumer merged the object naively. */
function rejectForbiddenKeys(value: unknown, path: string, file: string | undefined): void {
  if (Array.isArray(value)) {
    // Typed numeric arrays can be huge; only descend into arrays that hold objects.
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) rejectForbiddenKeys(item, `${path}[${i}]`, file);
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) throw new ModelFileError(`forbidden key "${key}"`, { field, file });
    rejectForbiddenKeys((value as Record<string, unknown>)[key], field, file);
  }
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
  rejectForbiddenKeys(raw, '', file);
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

function weightsToJson(weights: Weights): unknown {
  return {
    dtype: weights.dtype,
    layers: weights.layers.map((layer) => ({
      kernel: { shape: [...layer.kernel.shape], data: Array.from(layer.kernel.data) },
      bias: { shape: [...layer.bias.shape], data: Array.from(layer.bias.data) },
    })),
  };
}

/** The file's JSON text. Weights must be finite; the result parses back to identical numbers. */
export function serializeModelFile(model: ModelFile): string {
  model.weights.layers.forEach((layer, i) => {
    for (const [part, tensor] of [['kernel', layer.kernel], ['bias', layer.bias]] as const) {
      const bad = tensor.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new ModelFileError(`refusing to save a non-finite weight (${tensor.data[bad]}) at index ${bad}`, { field: parameterName(i, part) });
    }
  });
  const json = {
    format: MODEL_FILE_FORMAT,
    version: MODEL_FILE_VERSION,
    spec: model.spec,
    training: model.training,
    weights: weightsToJson(model.weights),
    ...(model.optimizerState === undefined
      ? {}
      : {
          optimizerState: {
            kind: model.optimizerState.kind,
            step: model.optimizerState.step,
            slots: Object.fromEntries(Object.entries(model.optimizerState.slots).map(([k, w]) => [k, weightsToJson(w)])),
          },
        }),
    metadata: model.metadata,
  };
  return `${JSON.stringify(json)}\n`;
}
