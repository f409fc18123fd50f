import {
  ACTIVATION_DEFINITIONS,
  LEAKY_RELU_ALPHA,
  MAX_PARAMETERS,
  ModelFileError,
  optimizer as makeOptimizer,
  SpecError,
  TwinpropError,
  validateSpec,
  validateTrainingConfig,
  type Activation,
  type LossName,
  type ModelFile,
  type ModelMetadata,
  type ModelSpec,
  type OptimizerConfig,
  type Weights,
} from '@twinprop/core';

/**
 * Reading a TensorFlow.js LayersModel (`model.json` + weight files) — what `model.save()` in tfjs
 * writes and what `tensorflowjs_converter --output_format tfjs_layers_model` makes of a Keras
 * model — into a twinprop model file. Accepted: a Sequential whose layers are Dense, each optionally
 * followed by one Activation, LeakyReLU (α = 0.01), ReLU or Softmax layer, with an optional InputLayer
 * first. Everything else is refused with {@link ModelFileError} naming the file and the layer.
 */

/** Activation strings of a Dense (or Activation) layer, in tfjs's and Keras's spellings. */
const DENSE_ACTIVATIONS: Readonly<Record<string, Activation>> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  softmax: 'softmax',
};

/** Keras/tfjs loss names (training_config.loss) and twinprop's. */
const LOSS_NAMES: Readonly<Record<string, LossName>> = {
  meanSquaredError: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
  binaryCrossentropy: 'binaryCrossEntropy',
  binary_crossentropy: 'binaryCrossEntropy',
  categoricalCrossentropy: 'softmaxCrossEntropy',
  categorical_crossentropy: 'softmaxCrossEntropy',
};

const SUPPORTED = 'twinprop imports Sequential models of Dense layers, each optionally followed by an Activation, LeakyReLU (alpha 0.01), ReLU or Softmax layer';

/** One weight as the manifest describes it, with its place in the concatenated weight data. */
export interface ManifestWeight {
  readonly name: string;
  readonly shape: readonly number[];
  /** Byte offset in the concatenation of all weight files in manifest order. */
  readonly offset: number;
  readonly bytes: number;
}

/** A parsed `model.json`, before the weight files are read. */
export interface TfjsModelPlan {
  /** The weight files, relative to model.json's folder, in manifest order (their bytes are concatenated). */
  readonly paths: readonly string[];
  /** Bytes all weight files must hold together. */
  readonly totalBytes: number;
  readonly weights: readonly ManifestWeight[];
  readonly spec: ModelSpec;
  /** For each weight-carrying layer: its tfjs name and whether it has a bias. */
  readonly dense: ReadonlyArray<{ readonly name: string; readonly useBias: boolean }>;
  readonly loss: LossName | undefined;
  readonly metadata: ModelMetadata;
  readonly notes: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** A 2-D input shape `[null, n]` → n. */
function inputWidth(shape: unknown, where: string, fail: (message: string) => never): number {
  if (!Array.isArray(shape) || shape.length !== 2 || (shape[0] !== null && typeof shape[0] !== 'number')) {
    fail(`${where}: input shape ${show(shape)} is not [batch, features] — twinprop takes one flat vector per example`);
  }
  const n: unknown = shape[1];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`${where}: input shape ${show(shape)} needs a positive feature count`);
  return n;
}

interface DenseDraft {
  name: string;
  units: number;
  activation: Activation;
  /** Set once an activation (its own or a following layer's) has been applied. */
  activated: boolean;
  useBias: boolean;
}

/**
 * Parses and checks a tfjs `model.json` (its object or its text) without reading any weights.
 * `file` is the name used in messages.
 */
export function planTfjsImport(modelJson: unknown, file: string): TfjsModelPlan {
  const fail = (message: string): never => {
    throw new ModelFileError(message, { file });
  };
  let json = modelJson;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (error) {
      fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (!isRecord(json)) return fail('a TensorFlow.js model.json must be a JSON object');
  if (json.format !== undefined && json.format !== 'layers-model') {
    fail(`format is ${show(json.format)}; only TensorFlow.js LayersModels ("layers-model") can be imported, not graph models`);
  }
  const outer = json.modelTopology;
  if (!isRecord(outer)) return fail('has no modelTopology object — not a TensorFlow.js LayersModel');
  // tensorflowjs_converter wraps the Keras model in model_config; tfjs's own save does not.
  const topology: Record<string, unknown> = isRecord(outer.model_config) ? outer.model_config : outer;
  if (topology.class_name !== 'Sequential') {
    fail(`modelTopology is a ${show(topology.class_name)} model; ${SUPPORTED}`);
  }
  const config = topology.config;
  const layers: unknown = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0) return fail('modelTopology.config.layers must be a non-empty array');

  let inputSize: number | undefined;
  const dense: DenseDraft[] = [];
  const notes: string[] = [];
  layers.forEach((layer: unknown, i) => {
    if (!isRecord(layer) || typeof layer.class_name !== 'string' || !isRecord(layer.config)) {
      fail(`layer ${i} must be an object {class_name, config}`);
      return;
    }
    const c = layer.config;
    const name = typeof c.name === 'string' ? c.name : `#${i}`;
    const where = `layer ${i} "${name}" (${layer.class_name})`;
    const shape = c.batch_input_shape ?? c.batch_shape;
    if (shape !== undefined && inputSize === undefined) inputSize = inputWidth(shape, where, fail);
    else if (typeof c.input_dim === 'number' && inputSize === undefined) inputSize = inputWidth([null, c.input_dim], where, fail);
    const previous = dense.at(-1);
    const activate = (activation: Activation): void => {
      if (previous === undefined) return fail(`${where}: an activation layer must follow a Dense layer`);
      if (previous.activated && previous.activation !== 'linear') {
        return fail(`${where}: applies ${activation} after "${previous.name}" already applied ${previous.activation}; twinprop layers have one activation each`);
      }
      previous.activation = activation;
      previous.activated = true;
    };
    switch (layer.class_name) {
      case 'InputLayer':
        if (i !== 0) fail(`${where}: an InputLayer must come first`);
        if (inputSize === undefined) fail(`${where}: has no batch_input_shape`);
        return;
      case 'Dense': {
        const units = c.units;
        if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) return fail(`${where}: units must be a positive integer (got ${show(units)})`);
        const activationName = c.activation ?? 'linear';
        const activation = typeof activationName === 'string' ? DENSE_ACTIVATIONS[activationName] : undefined;
        if (activation === undefined) {
          return fail(`${where}: activation ${show(activationName)} is not supported (twinprop has ${Object.keys(DENSE_ACTIVATIONS).join(', ')}, and leakyRelu as a LeakyReLU layer)`);
        }
        if (c.use_bias === false) notes.push(`"${name}" has no bias; it is imported with a zero bias (which twinprop would train)`);
        dense.push({ name, units, activation, activated: activation !== 'linear', useBias: c.use_bias !== false });
        return;
      }
      case 'Activation': {
        const a = c.activation;
        const activation = typeof a === 'string' ? DENSE_ACTIVATIONS[a] : undefined;
        if (activation === undefined) return fail(`${where}: activation ${show(a)} is not supported (twinprop has ${Object.keys(DENSE_ACTIVATIONS).join(', ')})`);
        activate(activation);
        return;
      }
      case 'LeakyReLU': {
        // tfjs and Keras 2 call the slope alpha (default 0.3); Keras 3 calls it negative_slope.
        const alpha = c.alpha ?? c.negative_slope ?? 0.3;
        if (typeof alpha !== 'number' || Math.abs(alpha - LEAKY_RELU_ALPHA) > 1e-7) {
          return fail(`${where}: alpha ${show(alpha)} is not twinprop's leakyRelu slope ${LEAKY_RELU_ALPHA}`);
        }
        activate('leakyRelu');
        return;
      }
      case 'ReLU': {
        const maxValue = c.max_value ?? null;
        const threshold = c.threshold ?? 0;
        const slope = c.negative_slope ?? 0;
        if (maxValue !== null || threshold !== 0 || (slope !== 0 && slope !== LEAKY_RELU_ALPHA)) {
          return fail(`${where}: max_value ${show(maxValue)}, threshold ${show(threshold)}, negative_slope ${show(slope)} — only a plain ReLU (or negative_slope ${LEAKY_RELU_ALPHA}) is supported`);
        }
        activate(slope === 0 ? 'relu' : 'leakyRelu');
        return;
      }
      case 'Softmax': {
        // Every tensor here is [batch, units], so the last axis is -1 or 1 (tfjs writes 1).
        const axis: unknown = c.axis ?? -1;
        const single: unknown = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
        if (single !== -1 && single !== 1) return fail(`${where}: axis ${show(axis)}; only the last axis (-1, or 1 for [batch, units]) is supported`);
        activate('softmax');
        return;
      }
      case 'Dropout':
        return fail(
          `${where}: is not supported — twinprop's engines train without dropout, so the imported model's gradients would not be its training gradients; ` +
            'remove the layer (at inference it is the identity) and export again',
        );
      default:
        return fail(`${where}: is not supported; ${SUPPORTED}`);
    }
  });
  if (dense.length === 0) fail('has no Dense layer');
  if (inputSize === undefined) fail(`the first layer has no batch_input_shape, so the number of inputs is unknown`);

  let spec: ModelSpec;
  const last = dense.at(-1);
  try {
    spec = validateSpec({
      inputSize,
      hidden: dense.slice(0, -1).map((d) => ({ units: d.units, activation: d.activation })),
      output: { units: last?.units, activation: last?.activation },
    });
  } catch (error) {
    if (error instanceof SpecError) {
      const index = /^spec\.hidden\[(\d+)\]/.exec(error.field)?.[1];
      const layerName = index === undefined ? last?.name : dense[Number(index)]?.name;
      throw new ModelFileError(`layer "${layerName ?? '?'}": ${error.message.replace(/^spec[^:]*: /, '')}`, { file, cause: error });
    }
    throw error;
  }

  // The weights manifest: groups of files, each holding its weights in order.
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) return fail('has no weightsManifest array');
  const paths: string[] = [];
  const weights: ManifestWeight[] = [];
  let offset = 0;
  manifest.forEach((group: unknown, g) => {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      return fail(`weightsManifest[${g}] must be an object {paths, weights}`);
    }
    for (const path of group.paths as unknown[]) {
      if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\') || path.split('/').includes('..') || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
        fail(`weightsManifest[${g}].paths: ${show(path)} must be a file name relative to model.json's folder (no "..", no absolute path or URL)`);
      }
      paths.push(path as string);
    }
    (group.weights as unknown[]).forEach((entry, k) => {
      const where = `weightsManifest[${g}].weights[${k}]`;
      if (!isRecord(entry) || typeof entry.name !== 'string' || !Array.isArray(entry.shape)) return fail(`${where} must be an object {name, shape, dtype}`);
      if (entry.quantization !== undefined) return fail(`${where} "${entry.name}": quantized weights are not supported; convert without quantization`);
      if (entry.dtype !== 'float32') return fail(`${where} "${entry.name}": dtype ${show(entry.dtype)} is not supported (float32 only)`);
      const shape = entry.shape as unknown[];
      if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) return fail(`${where} "${entry.name}": shape ${show(shape)} is not a list of sizes`);
      const size = (shape as number[]).reduce((a, b) => a * b, 1);
      if (size > MAX_PARAMETERS) return fail(`${where} "${entry.name}": ${size} values is more than the limit of ${MAX_PARAMETERS}`);
      weights.push({ name: entry.name, shape: shape as number[], offset, bytes: size * 4 });
      offset += size * 4;
    });
  });
  if (paths.length === 0) fail('weightsManifest names no weights file');

  // Every weight the topology needs, with the shape it needs; nothing else.
  const used = new Set<string>();
  const find = (layerName: string, part: 'kernel' | 'bias', shape: readonly number[]): void => {
    const candidates = weights.filter((w) => w.name === `${layerName}/${part}` || w.name.endsWith(`/${layerName}/${part}`));
    const weight = candidates[0];
    if (weight === undefined) return fail(`weightsManifest has no ${layerName}/${part}, which layer "${layerName}" needs`);
    if (candidates.length > 1) return fail(`weightsManifest has ${candidates.length} weights for ${layerName}/${part}: ${candidates.map((w) => w.name).join(', ')}`);
    const same = weight.shape.length === shape.length && weight.shape.every((d, i) => d === shape[i]);
    if (!same) return fail(`weightsManifest: ${weight.name} has shape [${weight.shape.join(', ')}], but the topology needs [${shape.join(', ')}]`);
    used.add(weight.name);
  };
  let inputs = spec.inputSize;
  for (const d of dense) {
    find(d.name, 'kernel', [inputs, d.units]);
    if (d.useBias) find(d.name, 'bias', [d.units]);
    inputs = d.units;
  }
  const extra = weights.filter((w) => !used.has(w.name));
  if (extra.length > 0) fail(`weightsManifest has weights no layer uses: ${extra.map((w) => w.name).join(', ')}`);

  const lossName = trainingLoss(json, outer);
  const loss = lossName === undefined ? undefined : LOSS_NAMES[lossName];
  if (lossName !== undefined && loss === undefined) notes.push(`its training loss ${show(lossName)} has no twinprop equivalent; the default loss for the output is used`);
  return { paths, totalBytes: offset, weights, spec, dense: dense.map((d) => ({ name: d.name, useBias: d.useBias })), loss, metadata: metadataFrom(json), notes };
}

function trainingLoss(json: Record<string, unknown>, topology: Record<string, unknown>): string | undefined {
  const config = isRecord(json.trainingConfig) ? json.trainingConfig : isRecord(topology.training_config) ? topology.training_config : undefined;
  const loss = config?.loss;
  return typeof loss === 'string' ? loss : undefined;
}

/** Class and feature names and the task, where a twinprop export recorded them. */
function metadataFrom(json: Record<string, unknown>): ModelMetadata {
  const user = isRecord(json.userDefinedMetadata) && isRecord(json.userDefinedMetadata.twinprop) ? json.userDefinedMetadata.twinprop : {};
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v) : undefined);
  const task = user.task === 'binary' || user.task === 'multiclass' || user.task === 'regression' ? user.task : undefined;
  const classNames = strings(user.classNames);
  const featureNames = strings(user.featureNames);
  return {
    ...(task === undefined ? {} : { task }),
    ...(classNames === undefined ? {} : { classNames }),
    ...(featureNames === undefined ? {} : { featureNames }),
  };
}

export interface TfjsImportOptions {
  /** Name of model.json in messages. */
  readonly file: string;
  /** Name of the weight data in messages (default: the manifest's paths). */
  readonly weightsFile?: string;
  /** The loss to train with (default: the model's training_config loss if twinprop has it, else the output's natural loss). */
  readonly loss?: LossName;
  /** The optimizer to train with (default: sgd with its default learning rate). */
  readonly optimizer?: OptimizerConfig;
}

export interface TfjsImport {
  readonly modelFile: ModelFile;
  /** Things worth telling the user (a missing bias, an unknown loss). */
  readonly notes: readonly string[];
}

/** Throws unless the weight data holds exactly the bytes the manifest describes (truncated or oversized files). */
export function checkWeightBytes(plan: TfjsModelPlan, length: number, file: string, weightsFile: string): void {
  if (length === plan.totalBytes) return;
  const problem =
    length < plan.totalBytes
      ? `${plan.totalBytes - length} bytes short — the file is truncated`
      : `${length - plan.totalBytes} bytes too many — oversized, or the weights of another model`;
  throw new ModelFileError(`holds ${length} bytes, but the weights manifest in ${file} describes ${plan.totalBytes} (${plan.totalBytes / 4} float32 values): ${problem}`, {
    file: weightsFile,
  });
}

/**
 * Builds the twinprop model file from a planned `model.json` and the concatenated bytes of its
 * weight files (manifest order). The weights are float32, exactly the stored values.
 */
export function importTfjs(plan: TfjsModelPlan, weightData: Uint8Array, options: TfjsImportOptions): TfjsImport {
  const weightsFile = options.weightsFile ?? plan.paths.join(' + ');
  checkWeightBytes(plan, weightData.length, options.file, weightsFile);
  const view = new DataView(weightData.buffer, weightData.byteOffset, weightData.byteLength);
  const byName = new Map(plan.weights.map((w) => [w.name, w]));
  const read = (layerName: string, part: 'kernel' | 'bias', size: number): Float32Array => {
    const entry = [...byName.values()].find((w) => w.name === `${layerName}/${part}` || w.name.endsWith(`/${layerName}/${part}`));
    const data = new Float32Array(size);
    if (entry === undefined) return data; // no bias: zeros
    for (let i = 0; i < size; i++) {
      const v = view.getFloat32(entry.offset + i * 4, true);
      if (!Number.isFinite(v)) throw new ModelFileError(`${entry.name}[${i}] is ${v}; weights must be finite`, { file: weightsFile });
      data[i] = v;
    }
    return data;
  };
  let inputs = plan.spec.inputSize;
  const layers = plan.dense.map((d, i) => {
    const units = (i === plan.dense.length - 1 ? plan.spec.output : plan.spec.hidden[i])?.units ?? 0;
    const layer = {
      kernel: { shape: [inputs, units], data: read(d.name, 'kernel', inputs * units) },
      bias: { shape: [units], data: d.useBias ? read(d.name, 'bias', units) : new Float32Array(units) },
    };
    inputs = units;
    return layer;
  });
  const weights: Weights = { dtype: 'float32', layers };
  const loss = options.loss ?? plan.loss ?? ACTIVATION_DEFINITIONS[plan.spec.output.activation].defaultLoss;
  let training;
  try {
    training = validateTrainingConfig(plan.spec, { loss, optimizer: options.optimizer ?? makeOptimizer('sgd') });
  } catch (error) {
    if (error instanceof TwinpropError) throw new ModelFileError(error.message, { file: options.file, cause: error });
    throw error;
  }
  return {
    modelFile: {
      spec: plan.spec,
      training,
      weights,
      metadata: { ...plan.metadata, extra: { importedFrom: { format: 'tfjs-layers-model', file: options.file } } },
    },
    notes: plan.notes,
  };
}
