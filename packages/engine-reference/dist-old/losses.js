/**
 * Binary cross-entropy on a sigmoid output: ℓ = −y log ŷ − (1 − y) log(1 − ŷ), ŷ = σ(z).
 * Written in z so that it never takes the log of 0: ℓ = max(z, 0) − z·y + log(1 + e^−|z|).
 * Gradient (the lecture's derivation): ∂ℓ/∂ŷ · ∂ŷ/∂z = ((1 − y)/(1 − ŷ) − y/ŷ) · ŷ(1 − ŷ) = ŷ − y,
 * so for a weight of the output layer ∂ℓ/∂w₁ = (ŷ − y)·x₁.
 */
const binaryCrossEntropy = {
    name: 'binaryCrossEntropy',
    formula: 'ℓ = max(z, 0) − z·y + log(1 + e^−|z|); ∂ℓ/∂z = σ(z) − y',
    forward(z, _h, y, rows, cols) {
        let sum = 0;
        for (let i = 0; i < rows * cols; i++) {
            const zi = z[i];
            sum += Math.max(zi, 0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi)));
        }
        return sum / (rows * cols);
    },
    backward(_z, h, y, dLossDLogits, rows, cols) {
        const n = rows * cols;
        for (let i = 0; i < n; i++)
            dLossDLogits[i] = (h[i] - y[i]) / n;
    },
};
/**
 * Softmax cross-entropy: ℓ = −Σ_k y_k log p_k with p = softmax(z). Since log p_k = z_k − lse(z),
 * ℓ = (Σ_k y_k)·lse(z) − Σ_k y_k z_k, where lse(z) = m + log Σ_j e^{z_j − m}, m = max_j z_j.
 * Gradient: ∂ℓ/∂z_k = (Σ_j y_j)·p_k − y_k, which is p − y for one-hot targets.
 */
const softmaxCrossEntropy = {
    name: 'softmaxCrossEntropy',
    formula: 'ℓ = logsumexp(z) − Σ_k y_k z_k (one-hot y); ∂ℓ/∂z = p − y',
    forward(z, _h, y, rows, cols) {
        let sum = 0;
        for (let r = 0; r < rows; r++) {
            const row = r * cols;
            let max = -Infinity;
            for (let k = 0; k < cols; k++)
                max = Math.max(max, z[row + k]);
            let expSum = 0;
            for (let k = 0; k < cols; k++)
                expSum += Math.exp(z[row + k] - max);
            const logSumExp = max + Math.log(expSum);
            for (let k = 0; k < cols; k++)
                sum += y[row + k] * (logSumExp - z[row + k]);
        }
        return sum / rows;
    },
    backward(_z, h, y, dLossDLogits, rows, cols) {
        for (let r = 0; r < rows; r++) {
            const row = r * cols;
            let targetSum = 0; // Σ_k y_k, 1 for one-hot targets
            for (let k = 0; k < cols; k++)
                targetSum += y[row + k];
            for (let k = 0; k < cols; k++)
                dLossDLogits[row + k] = (targetSum * h[row + k] - y[row + k]) / rows;
        }
    },
};
/**
 * Mean squared error: ℓ = (ŷ − y)², ŷ = σ(z), averaged over rows × units.
 * Gradient: ∂ℓ/∂ŷ = 2(ŷ − y), then through the output activation: ∂ℓ/∂z = 2(ŷ − y)·σ'(z).
 */
const meanSquaredError = {
    name: 'meanSquaredError',
    formula: "ℓ = (ŷ − y)²; ∂ℓ/∂ŷ = 2(ŷ − y), ∂ℓ/∂z = 2(ŷ − y)·σ'(z)",
    forward(_z, h, y, rows, cols) {
        let sum = 0;
        for (let i = 0; i < rows * cols; i++) {
            const d = h[i] - y[i];
            sum += d * d;
        }
        return sum / (rows * cols);
    },
    backward(z, h, y, dLossDLogits, rows, cols, output) {
        const n = rows * cols;
        // First ∂L/∂H into the output buffer, then the chain rule through σ, in place.
        for (let i = 0; i < n; i++)
            dLossDLogits[i] = (2 * (h[i] - y[i])) / n;
        output.backward(z, h, dLossDLogits, dLossDLogits, rows, cols);
    },
};
/**
 * The TensorFlow Playground's error: ℓ = ½(ŷ − y)², ŷ = σ(z), averaged over rows × units.
 * Gradient: ∂ℓ/∂ŷ = ŷ − y (the Playground's `Errors.SQUARE.der`), then ∂ℓ/∂z = (ŷ − y)·σ'(z).
 */
const halfSquaredError = {
    name: 'halfSquaredError',
    formula: "ℓ = ½(ŷ − y)²; ∂ℓ/∂ŷ = ŷ − y, ∂ℓ/∂z = (ŷ − y)·σ'(z)",
    forward(_z, h, y, rows, cols) {
        let sum = 0;
        for (let i = 0; i < rows * cols; i++) {
            const d = h[i] - y[i];
            sum += 0.5 * d * d;
        }
        return sum / (rows * cols);
    },
    backward(z, h, y, dLossDLogits, rows, cols, output) {
        const n = rows * cols;
        for (let i = 0; i < n; i++)
            dLossDLogits[i] = (h[i] - y[i]) / n;
        output.backward(z, h, dLossDLogits, dLossDLogits, rows, cols);
    },
};
/** Every core loss, by name. */
export const LOSS_FUNCTIONS = {
    binaryCrossEntropy,
    softmaxCrossEntropy,
    meanSquaredError,
    halfSquaredError,
};
/** Regularization of the kernels: λ₁ Σ|w| + λ₂ · ½ Σ w². */
export function regularizationLoss(kernels, l1, l2) {
    if (l1 === 0 && l2 === 0)
        return 0;
    let sumAbs = 0;
    let sumSquares = 0;
    for (const kernel of kernels) {
        for (let i = 0; i < kernel.length; i++) {
            const w = kernel[i];
            sumAbs += Math.abs(w);
            sumSquares += w * w;
        }
    }
    return l1 * sumAbs + l2 * 0.5 * sumSquares;
}
/** dLossDKernel += λ₁·sign(w) + λ₂·w (sign(0) = 0): the gradient of {@link regularizationLoss}. */
export function addRegularizationGradient(kernel, dLossDKernel, l1, l2) {
    if (l1 === 0 && l2 === 0)
        return;
    for (let i = 0; i < kernel.length; i++) {
        const w = kernel[i];
        dLossDKernel[i] = dLossDKernel[i] + l1 * Math.sign(w) + l2 * w;
    }
}
/** Core's regularization: λ₁ Σ|w| + λ₂ · ½ Σ w² over the kernels; biases are not regularized. */
export const REGULARIZATION = {
    formula: 'λ₁ Σ|w| + λ₂ · ½ Σ w² over kernels only; ∂/∂w = λ₁·sign(w) + λ₂·w, ∂/∂b = 0',
    loss: (kernels, _biases, l1, l2) => regularizationLoss(kernels, l1, l2),
    addGradient(parameter, dLossDParameter, part, l1, l2) {
        if (part === 'kernel')
            addRegularizationGradient(parameter, dLossDParameter, l1, l2);
    },
};
/**
 * The TensorFlow Playground's clamped regularization (core's `clampedSgdStep`), split around the
 * optimizer's data step so that the data step stays the optimizer's own:
 *
 * - {@link prepareClampedStep}, before the data step: a dead link's gradient is zeroed (it does not
 *   move) and `dRegularizationDKernel` ← λ₁·sign(θ) + λ₂·θ at the weight **before** the step;
 * - {@link finishClampedStep}, after it (θ₁ in `kernel`): θ₂ = θ₁ − η·dRegularizationDKernel; a link
 *   whose θ₁·θ₂ < 0 becomes 0 and dead (`deadLinks[i] = 1`), never updated again.
 * float32 models round after every operation, as tfjs does.
 */
export function prepareClampedStep(kernel, dLossDKernel, dRegularizationDKernel, deadLinks, l1, l2) {
    const round = kernel instanceof Float32Array ? Math.fround : (x) => x;
    for (let i = 0; i < kernel.length; i++) {
        if (deadLinks[i] === 1) {
            dLossDKernel[i] = 0;
            dRegularizationDKernel[i] = 0;
            continue;
        }
        const w = kernel[i];
        dRegularizationDKernel[i] = round(round(l1 * Math.sign(w)) + round(l2 * w));
    }
}
/** Second half of the clamped step; see {@link prepareClampedStep}. */
export function finishClampedStep(kernel, dRegularizationDKernel, deadLinks, learningRate) {
    const round = kernel instanceof Float32Array ? Math.fround : (x) => x;
    const c = round(-learningRate);
    for (let i = 0; i < kernel.length; i++) {
        if (deadLinks[i] === 1)
            continue;
        const afterData = kernel[i];
        const afterRegularization = round(afterData + round(c * dRegularizationDKernel[i]));
        if (afterData * afterRegularization < 0) {
            kernel[i] = 0;
            deadLinks[i] = 1;
        }
        else {
            kernel[i] = afterRegularization;
        }
    }
}
//# sourceMappingURL=losses.js.map