import {
  ACTIVATION_DEFINITIONS,
  ModelFileError,
  optimizer as makeOptimizer,
  TwinpropError,
  validateTrainingConfig,
  type LossName,
  type ModelFile,
  type ModelMetadata,
  type ModelSpec,
  type OptimizerConfig,
  type Weights,
} from '@twinprop/core';
import { isRecord, show } from './tfjs-import/json.js';
import { checkWeightsMatchTopology, readManifest, type ManifestWeight } from './tfjs-import/manifest.js';
import { specFromLayers, SUPPORTED } from './tfjs-import/topology.js';

export type { ManifestWeight } from './tfjs-import/manifest.js';

/**
 * Reading a TensorFlow.js LayersModel (`model.json` + weight files) — what `model.save()` in tfjs
 * writes and what `tensorflowjs_converter --output_format tfjs_layers_model` makes of a Keras
 * model — into a twinprop model file. Accepted: a Sequential whose layers are Dense, each optionally
 * followed by one Activation, LeakyReLU (α = 0.01), ReLU or Softmax layer, with an optional InputLayer
 * first. Everything else is refused with {@link ModelFileError} naming the file and the layer.
 *
 * The parts, in `tfjs-import/`: `topology.ts` (the layers to a spec), `manifest.ts` (the weight
 * files and the weights they hold, against the topology), `json.ts` (looking into untyped values).
 * Reading the files from disk is Node's, in `node.ts`.
 */

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

  const { spec, dense, notes } = specFromLayers(layers, file, fail);
  const { paths, weights, totalBytes } = readManifest(json.weightsManifest, fail);
  checkWeightsMatchTopology(weights, spec, dense, fail);

  const lossName = trainingLoss(json, outer);
  const loss = lossName === undefined ? undefined : LOSS_NAMES[lossName];
  if (lossName !== undefined && loss === undefined) notes.push(`its training loss ${show(lossName)} has no twinprop equivalent; the default loss for the output is used`);
  return { paths, totalBytes, weights, spec, dense: dense.map((d) => ({ name: d.name, useBias: d.useBias })), loss, metadata: metadataFrom(json), notes };
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
