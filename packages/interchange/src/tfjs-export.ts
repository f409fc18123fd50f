import { LEAKY_RELU_ALPHA, type Activation, type ModelFile } from '@twinprop/core';
import { ExportError } from './errors.js';
import { describeLayer, float32Bytes, prepareModel, type PreparedLayer } from './prepare.js';
import { exportReport, PRODUCER, PRODUCER_VERSION, type ExportReport } from './report.js';

/** The weights file every TensorFlow.js export writes beside its model.json. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** How one core activation is written in a tfjs-layers (Keras) Sequential model. */
interface TfjsActivationPlan {
  /** The Dense layer's own `activation` string. */
  readonly dense: 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'softmax';
  /** A layer after the Dense that applies the activation (tfjs has no `leakyRelu` activation string). */
  readonly after?: { readonly className: 'LeakyReLU'; readonly prefix: string; readonly config: Readonly<Record<string, unknown>> };
}

/**
 * Core's activations as tfjs-layers writes them. Partial on purpose: an activation core adds later
 * is refused by name (see {@link TFJS_REFUSALS}) until it is mapped here.
 */
export const TFJS_ACTIVATIONS: Partial<Record<Activation, TfjsActivationPlan>> = {
  linear: { dense: 'linear' },
  sigmoid: { dense: 'sigmoid' },
  tanh: { dense: 'tanh' },
  relu: { dense: 'relu' },
  leakyRelu: { dense: 'linear', after: { className: 'LeakyReLU', prefix: 'leaky_re_lu', config: { alpha: LEAKY_RELU_ALPHA } } },
  softmax: { dense: 'softmax' },
};

/** Why an activation cannot be written as a tfjs-layers model. */
export const TFJS_REFUSALS: Partial<Record<Activation, string>> = {
  step: 'tfjs-layers has no step (Heaviside) activation or layer; ThresholdedReLU gives z, not 1, above its threshold',
};

function planFor(layer: PreparedLayer, count: number): TfjsActivationPlan {
  const plan = TFJS_ACTIVATIONS[layer.activation];
  if (plan !== undefined) return plan;
  const why = TFJS_REFUSALS[layer.activation] ?? `${PRODUCER} ${PRODUCER_VERSION} has no TensorFlow.js mapping for it`;
  throw new ExportError('tfjs', `${describeLayer(layer.index, count)} uses ${layer.activation} — ${why}`, layer.name);
}

/** A tfjs `model.json` (the `layers-model` format that `tf.loadLayersModel` reads). */
export interface TfjsModelJson {
  readonly format: 'layers-model';
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: {
    readonly class_name: 'Sequential';
    readonly config: { readonly name: string; readonly layers: ReadonlyArray<{ readonly class_name: string; readonly config: Readonly<Record<string, unknown>> }> };
    readonly backend: 'tensor_flow.js';
  };
  readonly weightsManifest: ReadonlyArray<{
    readonly paths: readonly string[];
    readonly weights: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[]; readonly dtype: 'float32' }>;
  }>;
  readonly userDefinedMetadata: { readonly twinprop: TwinpropExportMetadata };
}

/** What an export keeps of the model file beyond its weights (read back by the importer). */
export interface TwinpropExportMetadata {
  readonly model: string;
  readonly task?: string;
  readonly classNames?: readonly string[];
  readonly featureNames?: readonly string[];
  /** The standardization that was folded into dense_0 (kept for the record; the weights already contain it). */
  readonly foldedStandardization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly rounding: string;
}

export interface TfjsExport {
  readonly modelJson: TfjsModelJson;
  /** `model.json`'s text. */
  readonly modelJsonText: string;
  /** `weights.bin`: float32 little-endian, in manifest order. */
  readonly weightsBin: Uint8Array;
  readonly report: ExportReport;
}

function denseConfig(layer: PreparedLayer, activation: string, first: boolean): Record<string, unknown> {
  return {
    name: layer.name,
    trainable: true,
    ...(first ? { batch_input_shape: [null, layer.inputs] } : {}),
    dtype: 'float32',
    units: layer.units,
    activation,
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
}

export function exportMetadata(model: ModelFile, statement: string, description: string): TwinpropExportMetadata {
  const m = model.metadata;
  return {
    model: description,
    ...(m.task === undefined ? {} : { task: m.task }),
    ...(m.classNames === undefined ? {} : { classNames: m.classNames }),
    ...(m.featureNames === undefined ? {} : { featureNames: m.featureNames }),
    ...(m.standardization === undefined ? {} : { foldedStandardization: m.standardization }),
    rounding: statement,
  };
}

/**
 * Writes a model as a TensorFlow.js LayersModel: a Sequential of Dense layers (plus a LeakyReLU
 * layer after each leakyRelu Dense), one weights file. Weights are float32, the standardization
 * stored in the model is folded into the first layer. Pure — no file is touched and no TensorFlow.js
 * is loaded. Throws {@link ExportError} for an activation tfjs-layers cannot express.
 */
export function exportTfjs(model: ModelFile): TfjsExport {
  const prepared = prepareModel(model);
  const count = prepared.layers.length;
  const plans = prepared.layers.map((layer) => planFor(layer, count));
  const layers: Array<{ class_name: string; config: Record<string, unknown> }> = [];
  const weights: Array<{ name: string; shape: number[]; dtype: 'float32' }> = [];
  prepared.layers.forEach((layer, i) => {
    const plan = plans[i] ?? { dense: 'linear' };
    layers.push({ class_name: 'Dense', config: denseConfig(layer, plan.dense, i === 0) });
    if (plan.after !== undefined) {
      layers.push({ class_name: plan.after.className, config: { name: `${plan.after.prefix}_${layer.index}`, trainable: true, dtype: 'float32', ...plan.after.config } });
    }
    weights.push({ name: `${layer.name}/kernel`, shape: [layer.inputs, layer.units], dtype: 'float32' });
    weights.push({ name: `${layer.name}/bias`, shape: [layer.units], dtype: 'float32' });
  });
  const modelJson: TfjsModelJson = {
    format: 'layers-model',
    generatedBy: `${PRODUCER} ${PRODUCER_VERSION}`,
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'twinprop_mlp', layers }, backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights }],
    userDefinedMetadata: { twinprop: exportMetadata(model, prepared.rounding.statement, prepared.description) },
  };
  const as = plans.map((p) => (p.after === undefined ? `Dense(activation: ${p.dense})` : `Dense(activation: ${p.dense}) + ${p.after.className}`));
  return {
    modelJson,
    modelJsonText: `${JSON.stringify(modelJson, null, 2)}\n`,
    weightsBin: float32Bytes(prepared.layers.flatMap((l) => [l.kernel, l.bias])),
    report: exportReport('tfjs', prepared, as),
  };
}
