import { LEAKY_RELU_ALPHA } from '@twinprop/core';
/** The lecture's perceptron: σ(z) = 1 if z > 0 else 0. */
const step = {
    name: 'step',
    formula: "σ(z) = 1 if z > 0 else 0; σ'(z) = 0 for z ≠ 0 (undefined at 0)",
    forward(z, h, rows, cols) {
        for (let i = 0; i < rows * cols; i++)
            h[i] = z[i] > 0 ? 1 : 0;
    },
    backward(_z, _h, _dLossDOutput, dLossDPreActivation, rows, cols) {
        // The true derivative: zero almost everywhere. Models refuse to train step layers by gradient
        // descent for exactly this reason (nothing would ever change); see perceptron.ts.
        dLossDPreActivation.fill(0, 0, rows * cols);
    },
};
const linear = {
    name: 'linear',
    formula: "σ(z) = z; σ'(z) = 1",
    forward(z, h, rows, cols) {
        for (let i = 0; i < rows * cols; i++)
            h[i] = z[i];
    },
    backward(_z, _h, dLossDOutput, dLossDPreActivation, rows, cols) {
        for (let i = 0; i < rows * cols; i++)
            dLossDPreActivation[i] = dLossDOutput[i];
    },
};
const sigmoid = {
    name: 'sigmoid',
    formula: "σ(z) = 1 / (1 + e^−z); σ'(z) = σ(z)(1 − σ(z))",
    forward(z, h, rows, cols) {
        for (let i = 0; i < rows * cols; i++)
            h[i] = 1 / (1 + Math.exp(-z[i]));
    },
    backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
        for (let i = 0; i < rows * cols; i++) {
            const hi = h[i];
            dLossDPreActivation[i] = dLossDOutput[i] * hi * (1 - hi);
        }
    },
};
const tanh = {
    name: 'tanh',
    formula: "σ(z) = tanh z; σ'(z) = 1 − tanh² z",
    forward(z, h, rows, cols) {
        for (let i = 0; i < rows * cols; i++)
            h[i] = Math.tanh(z[i]);
    },
    backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
        for (let i = 0; i < rows * cols; i++) {
            const hi = h[i];
            dLossDPreActivation[i] = dLossDOutput[i] * (1 - hi * hi);
        }
    },
};
const relu = {
    name: 'relu',
    formula: "σ(z) = max(0, z); σ'(z) = 1 if z > 0 else 0",
    forward(z, h, rows, cols) {
        for (let i = 0; i < rows * cols; i++) {
            const zi = z[i];
            h[i] = zi > 0 ? zi : 0;
        }
    },
    backward(z, _h, dLossDOutput, dLossDPreActivation, rows, cols) {
        for (let i = 0; i < rows * cols; i++)
            dLossDPreActivation[i] = z[i] > 0 ? dLossDOutput[i] : 0;
    },
};
const leakyRelu = {
    name: 'leakyRelu',
    formula: `σ(z) = z if z > 0 else α·z; σ'(z) = 1 if z > 0 else α (α = ${LEAKY_RELU_ALPHA})`,
    forward(z, h, rows, cols) {
        for (let i = 0; i < rows * cols; i++) {
            const zi = z[i];
            h[i] = zi > 0 ? zi : LEAKY_RELU_ALPHA * zi;
        }
    },
    backward(z, _h, dLossDOutput, dLossDPreActivation, rows, cols) {
        for (let i = 0; i < rows * cols; i++) {
            const d = dLossDOutput[i];
            dLossDPreActivation[i] = z[i] > 0 ? d : LEAKY_RELU_ALPHA * d;
        }
    },
};
/**
 * Softmax over each row: p_k = e^{z_k − m} / Σ_j e^{z_j − m} with m = max_j z_j (subtracting the
 * max changes nothing mathematically and keeps e^· ≤ 1). Training pairs it with cross-entropy,
 * whose fused gradient p − y is computed in losses.ts; `backward` here is the general
 * Jacobian-vector product ∂L/∂z_k = p_k (∂L/∂p_k − Σ_j p_j ∂L/∂p_j).
 */
const softmax = {
    name: 'softmax',
    formula: "p_k = e^{z_k} / Σ_j e^{z_j}; ∂p_k/∂z_j = p_k(δ_kj − p_j)",
    forward(z, h, rows, cols) {
        for (let r = 0; r < rows; r++) {
            const row = r * cols;
            let max = -Infinity;
            for (let k = 0; k < cols; k++)
                max = Math.max(max, z[row + k]);
            let sum = 0;
            for (let k = 0; k < cols; k++)
                sum += Math.exp(z[row + k] - max);
            for (let k = 0; k < cols; k++)
                h[row + k] = Math.exp(z[row + k] - max) / sum;
        }
    },
    backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
        for (let r = 0; r < rows; r++) {
            const row = r * cols;
            let dot = 0; // Σ_j p_j ∂L/∂p_j
            for (let k = 0; k < cols; k++)
                dot += h[row + k] * dLossDOutput[row + k];
            for (let k = 0; k < cols; k++)
                dLossDPreActivation[row + k] = h[row + k] * (dLossDOutput[row + k] - dot);
        }
    },
};
/** Every core activation, by name. Adding one to core makes this record fail to compile until it is written here. */
export const ACTIVATION_FUNCTIONS = {
    step,
    linear,
    sigmoid,
    tanh,
    relu,
    leakyRelu,
    softmax,
};
//# sourceMappingURL=activations.js.map