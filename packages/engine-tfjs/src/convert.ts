/*
 * The boundary between core types and tfjs tensors. Everything that enters the engine is rounded
 * to float32 here; everything that leaves is a fresh Float32Array the caller owns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parameterName, type FloatArray, type Matrix, type Tensor, type Weights } from '@twinprop/core';

/** `data` as a Float32Array: itself if it is one, else a rounded copy. */
export function toFloat32(data: FloatArray): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

export function matrixToTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(toFloat32(m.data), [m.rows, m.cols], 'float32');
}

export function coreToTensor(t: Tensor): tf.Tensor {
  return tf.tensor(toFloat32(t.data), [...t.shape], 'float32');
}

/** A copy of a tensor's values (a host sync). Backends may hand out their own buffer, so copy. */
export function readFloat32(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}

/** Parameters in core's fixed order — layer by layer, kernel then bias — become core {@link Weights}. */
export function tensorsToWeights(params: readonly tf.Tensor[]): Weights {
  const layers: Array<{ kernel: Tensor; bias: Tensor }> = [];
  for (let i = 0; i + 1 < params.length; i += 2) {
    const kernel = params[i];
    const bias = params[i + 1];
    if (kernel === undefined || bias === undefined) throw new Error(`missing ${parameterName(i / 2, 'bias')}`);
    layers.push({
      kernel: { shape: [...kernel.shape], data: readFloat32(kernel) },
      bias: { shape: [...bias.shape], data: readFloat32(bias) },
    });
  }
  return { dtype: 'float32', layers };
}

/** Core {@link Weights} as tensors in the same fixed order (kernel, bias, kernel, bias, …). */
export function weightsToTensors(weights: Weights): tf.Tensor[] {
  return weights.layers.flatMap((layer) => [coreToTensor(layer.kernel), coreToTensor(layer.bias)]);
}
