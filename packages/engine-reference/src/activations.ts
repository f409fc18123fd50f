import { LEAKY_RELU_ALPHA, type Activation, type FloatArray } from '@twinprop/core';
import { tanh as tanhOf } from './tanh.js';

/**
 * An activation σ, applied to a layer's pre-activations Z [rows × cols] to give its outputs
 * H = σ(Z), with its derivative right beside it.
 *
 * `forward` caches nothing itself: the layer keeps Z and H, and `backward` receives both, so each
 * derivative is written in whichever is simpler (σ'(z) = σ(z)(1 − σ(z)) = h(1 − h) for sigmoid).
 */
export interface ActivationFunction {
  readonly name: Activation;
  /** σ(z) and σ'(z), in words. */
  readonly formula: string;
  /** H = σ(Z), element-wise (row-wise for softmax). */
  forward(z: FloatArray, h: FloatArray, rows: number, cols: number): void;
  /**
   * The chain rule through σ: ∂L/∂Z = ∂L/∂H ⊙ σ'(Z) (for softmax, the Jacobian-vector product).
   * `dLossDPreActivation` may be the same array as `dLossDOutput`.
   */
  backward(z: FloatArray, h: FloatArray, dLossDOutput: FloatArray, dLossDPreActivation: FloatArray, rows: number, cols: number): void;
}

/** The lecture's perceptron: σ(z) = 1 if z > 0 else 0. */
const step: ActivationFunction = {
  name: 'step',
  formula: "σ(z) = 1 if z > 0 else 0; σ'(z) = 0 for z ≠ 0 (undefined at 0)",
  forward(z, h, rows, cols) {
    for (let i = 0; i < rows * cols; i++) h[i] = z[i]! > 0 ? 1 : 0;
  },
  backward(_z, _h, _dLossDOutput, dLossDPreActivation, rows, cols) {
    // The true derivative: zero almost everywhere. Models refuse to train step layers by gradient
    // descent for exactly this reason (nothing would ever change); see perceptron.ts.
    dLossDPreActivation.fill(0, 0, rows * cols);
  },
};

const linear: ActivationFunction = {
  name: 'linear',
  formula: "σ(z) = z; σ'(z) = 1",
  forward(z, h, rows, cols) {
    for (let i = 0; i < rows * cols; i++) h[i] = z[i]!;
  },
  backward(_z, _h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let i = 0; i < rows * cols; i++) dLossDPreActivation[i] = dLossDOutput[i]!;
  },
};

const sigmoid: ActivationFunction = {
  name: 'sigmoid',
  formula: "σ(z) = 1 / (1 + e^−z); σ'(z) = σ(z)(1 − σ(z))",
  forward(z, h, rows, cols) {
    for (let i = 0; i < rows * cols; i++) h[i] = 1 / (1 + Math.exp(-z[i]!));
  },
  backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let i = 0; i < rows * cols; i++) {
      const hi = h[i]!;
      dLossDPreActivation[i] = dLossDOutput[i]! * hi * (1 - hi);
    }
  },
};

const tanh: ActivationFunction = {
  name: 'tanh',
  formula: "σ(z) = tanh z; σ'(z) = 1 − tanh² z",
  forward(z, h, rows, cols) {
    for (let i = 0; i < rows * cols; i++) h[i] = tanhOf(z[i]!); // the engine's own tanh (tanh.ts), the same bits in every runtime
  },
  backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let i = 0; i < rows * cols; i++) {
      const hi = h[i]!;
      dLossDPreActivation[i] = dLossDOutput[i]! * (1 - hi * hi);
    }
  },
};

const relu: ActivationFunction = {
  name: 'relu',
  formula: "σ(z) = max(0, z); σ'(z) = 1 if z > 0 else 0",
  forward(z, h, rows, cols) {
    for (let i = 0; i < rows * cols; i++) {
      const zi = z[i]!;
      h[i] = zi > 0 ? zi : 0;
    }
  },
  backward(z, _h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let i = 0; i < rows * cols; i++) dLossDPreActivation[i] = z[i]! > 0 ? dLossDOutput[i]! : 0;
  },
};

const leakyRelu: ActivationFunction = {
  name: 'leakyRelu',
  formula: `σ(z) = z if z > 0 else α·z; σ'(z) = 1 if z > 0 else α (α = ${LEAKY_RELU_ALPHA})`,
  forward(z, h, rows, cols) {
    for (let i = 0; i < rows * cols; i++) {
      const zi = z[i]!;
      h[i] = zi > 0 ? zi : LEAKY_RELU_ALPHA * zi;
    }
  },
  backward(z, _h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let i = 0; i < rows * cols; i++) {
      const d = dLossDOutput[i]!;
      dLossDPreActivation[i] = z[i]! > 0 ? d : LEAKY_RELU_ALPHA * d;
    }
  },
};

/**
 * Softmax over each row: p_k = e^{z_k − m} / Σ_j e^{z_j − m} with m = max_j z_j (subtracting the
 * max changes nothing mathematically and keeps e^· ≤ 1). Training pairs it with cross-entropy,
 * whose fused gradient p − y is computed in losses.ts; `backward` here is the general
 * Jacobian-vector product ∂L/∂z_k = p_k (∂L/∂p_k − Σ_j p_j ∂L/∂p_j).
 */
const softmax: ActivationFunction = {
  name: 'softmax',
  formula: "p_k = e^{z_k} / Σ_j e^{z_j}; ∂p_k/∂z_j = p_k(δ_kj − p_j)",
  forward(z, h, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const row = r * cols;
      let max = -Infinity;
      for (let k = 0; k < cols; k++) max = Math.max(max, z[row + k]!);
      let sum = 0;
      for (let k = 0; k < cols; k++) sum += Math.exp(z[row + k]! - max);
      for (let k = 0; k < cols; k++) h[row + k] = Math.exp(z[row + k]! - max) / sum;
    }
  },
  backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const row = r * cols;
      let dot = 0; // Σ_j p_j ∂L/∂p_j
      for (let k = 0; k < cols; k++) dot += h[row + k]! * dLossDOutput[row + k]!;
      for (let k = 0; k < cols; k++) dLossDPreActivation[row + k] = h[row + k]! * (dLossDOutput[row + k]! - dot);
    }
  },
};

/** A record for every core activation. */
export type ActivationTable = { readonly [A in Activation]: ActivationFunction };

/** Every core activation, by name. Adding one to core makes this record fail to compile until it is written here. */
export const ACTIVATION_FUNCTIONS: ActivationTable = {
  step,
  linear,
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  softmax,
};
