/**
 * A model file's text to a validated {@link ModelFile}: the JSON shape first, then the spec, the
 * training configuration, the weights and optimizer slots against the spec, and the metadata.
 */
import type { z } from 'zod';
import type { EarlyStoppingSnapshot, EarlyStoppingState } from '../early-stopping.js';
import { optimizerSlotsFor, validateTrainingConfig, type TrainingConfig } from '../engine.js';
import { ModelFileError, TwinpropError } from '../errors.js';
import { DEAD_LINKS_SLOT } from '../loss.js';
import { validateOptimizer, type OptimizerState } from '../optimizer.js';
import { validateSchedule } from '../schedule.js';
import { layerShapes, validateSpec, type ModelSpec } from '../spec.js';
import type { DType, Weights } from '../weights.js';
import { parseJson, rejectForbiddenKeys } from './json.js';
import { MAX_MODEL_FILE_BYTES } from './limits.js';
import { fileJson, MODEL_FILE_FORMAT, MODEL_FILE_VERSION, type ModelFile, type ModelMetadata, type optimizerStateJson, type weightsJson } from './schema.js';

function pathToString(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((s, key) => (typeof key === 'number' ? `${s}[${key}]` : s === '' ? String(key) : `${s}.${String(key)}`), '');
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
      ...(json.training.targets === undefined ? {} : { targets: json.training.targets }),
      ...(json.training.schedule === undefined ? {} : { schedule: validateSchedule(json.training.schedule, optimizer.learningRate, 'training.schedule') }),
    });
  } catch (error) {
    rewrap(error, 'training', file);
  }
  const weights = readWeights(json.weights, spec, 'weights', file);
  const optimizerState = json.optimizerState === undefined ? undefined : readOptimizerState(json.optimizerState, spec, training, 'optimizerState', file);
  const earlyStopping = json.earlyStopping === undefined ? undefined : readEarlyStopping(json.earlyStopping, spec, training, weights.dtype, file);
  const metadata = json.metadata as ModelMetadata;
  const std = metadata.standardization;
  if (std !== undefined && (std.mean.length !== spec.inputSize || std.std.length !== spec.inputSize)) {
    throw new ModelFileError(`mean and std need ${spec.inputSize} values each (one per input)`, { field: 'metadata.standardization', file });
  }
  const inputFeatures = metadata.inputFeatures;
  if (inputFeatures !== undefined && inputFeatures.features.length !== spec.inputSize) {
    throw new ModelFileError(`names ${inputFeatures.features.length} features but the model has ${spec.inputSize} inputs`, {
      field: 'metadata.inputFeatures.features',
      file,
    });
  }
  return {
    spec,
    training,
    weights,
    ...(optimizerState === undefined ? {} : { optimizerState }),
    ...(earlyStopping === undefined ? {} : { earlyStopping }),
    metadata,
  };
}

function readOptimizerState(state: z.infer<typeof optimizerStateJson>, spec: ModelSpec, training: TrainingConfig, field: string, file: string | undefined): OptimizerState {
  if (state.kind !== training.optimizer.kind) {
    throw new ModelFileError(`is for ${state.kind}, but training uses ${training.optimizer.kind}`, { field: `${field}.kind`, file });
  }
  const slots: Record<string, Weights> = {};
  const expected = optimizerSlotsFor(training);
  for (const name of expected) {
    const slot = state.slots[name];
    if (slot === undefined) throw new ModelFileError(`missing slot "${name}"`, { field: `${field}.slots`, file });
    slots[name] = readWeights(slot, spec, `${field}.slots.${name}`, file);
  }
  const deadLinks = slots[DEAD_LINKS_SLOT];
  if (deadLinks !== undefined) assertDeadLinks(deadLinks, `${field}.slots.${DEAD_LINKS_SLOT}`, file);
  for (const name of Object.keys(state.slots)) {
    if (!expected.includes(name)) {
      throw new ModelFileError(`unknown slot for ${state.kind}${training.regularization?.clampAtZero === true ? ' with clampAtZero' : ''}`, {
        field: `${field}.slots.${name}`,
        file,
      });
    }
  }
  return { kind: state.kind, step: state.step, slots };
}

/** The early-stopping state: counters that agree, and the best epoch's weights and optimizer state checked like the model's own. */
function readEarlyStopping(
  json: NonNullable<z.infer<typeof fileJson>['earlyStopping']>,
  spec: ModelSpec,
  training: TrainingConfig,
  dtype: DType,
  file: string | undefined,
): EarlyStoppingState {
  const { monitor, bestEpoch, bestValue, epochsSinceBest, best } = json;
  if (bestEpoch === 0 && (bestValue !== undefined || best !== undefined)) {
    throw new ModelFileError('is 0 (no best epoch yet), but a best value or best weights are given', { field: 'earlyStopping.bestEpoch', file });
  }
  if (bestEpoch > 0 && bestValue === undefined) throw new ModelFileError(`is missing for best epoch ${bestEpoch}`, { field: 'earlyStopping.bestValue', file });
  let snapshot: EarlyStoppingSnapshot | undefined;
  if (best !== undefined) {
    if (best.weights.dtype !== dtype) {
      throw new ModelFileError(`is ${best.weights.dtype}, but the weights are ${dtype}`, { field: 'earlyStopping.best.weights.dtype', file });
    }
    snapshot = {
      weights: readWeights(best.weights, spec, 'earlyStopping.best.weights', file),
      optimizerState: readOptimizerState(best.optimizerState, spec, training, 'earlyStopping.best.optimizerState', file),
    };
  }
  return { monitor, bestEpoch, ...(bestValue === undefined ? {} : { bestValue }), epochsSinceBest, ...(snapshot === undefined ? {} : { best: snapshot }) };
}

/** The dead-link mask holds 0 (alive) or 1 (dead) for kernel entries and 0 for every bias. */
function assertDeadLinks(mask: Weights, field: string, file: string | undefined): void {
  mask.layers.forEach((layer, i) => {
    for (const [part, tensor] of [['kernel', layer.kernel], ['bias', layer.bias]] as const) {
      for (let k = 0; k < tensor.data.length; k++) {
        const v = tensor.data[k];
        const ok = part === 'kernel' ? v === 0 || v === 1 : v === 0;
        if (!ok) {
          throw new ModelFileError(`must be ${part === 'kernel' ? '0 (alive) or 1 (dead)' : '0 (biases never die)'}, got ${String(v)} at index ${k}`, {
            field: `${field}/layers.${i}.${part}`,
            file,
          });
        }
      }
    }
  });
}
