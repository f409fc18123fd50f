/**
 * A tfjs Sequential's layers to a twinprop spec: Dense layers, each optionally followed by one
 * Activation, LeakyReLU (α = 0.01), ReLU or Softmax layer, with an optional InputLayer first.
 */
import { LEAKY_RELU_ALPHA, ModelFileError, SpecError, validateSpec, type Activation, type ModelSpec } from '@twinprop/core';
import { isRecord, show, type Fail } from './json.js';

/** Activation strings of a Dense (or Activation) layer, in tfjs's and Keras's spellings. */
const DENSE_ACTIVATIONS: Readonly<Record<string, Activation>> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  softmax: 'softmax',
};

export const SUPPORTED = 'twinprop imports Sequential models of Dense layers, each optionally followed by an Activation, LeakyReLU (alpha 0.01), ReLU or Softmax layer';

/** A 2-D input shape `[null, n]` → n. */
function inputWidth(shape: unknown, where: string, fail: Fail): number {
  if (!Array.isArray(shape) || shape.length !== 2 || (shape[0] !== null && typeof shape[0] !== 'number')) {
    fail(`${where}: input shape ${show(shape)} is not [batch, features] — twinprop takes one flat vector per example`);
  }
  const n: unknown = shape[1];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`${where}: input shape ${show(shape)} needs a positive feature count`);
  return n;
}

export interface DenseDraft {
  name: string;
  units: number;
  activation: Activation;
  /** Set once an activation (its own or a following layer's) has been applied. */
  activated: boolean;
  useBias: boolean;
}

/**
 * The spec that `layers` (modelTopology's config.layers) describe, the Dense layers it was made
 * from, and notes for the user (a missing bias). Refuses any other layer, naming it.
 */
export function specFromLayers(layers: readonly unknown[], file: string, fail: Fail): { spec: ModelSpec; dense: DenseDraft[]; notes: string[] } {
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
  return { spec, dense, notes };
}
