import { addRowVector, allocate, multiply, multiplyTransposedA, multiplyTransposedB, sumRows } from './matrix.js';
/**
 * A fully connected layer H = σ(X·W + b) on a batch: X [rows × in], W [in × out], b [out].
 *
 * Forward:   Z = X·W + b           H = σ(Z)
 * Backward:  ∂L/∂Z = ∂L/∂H ⊙ σ'(Z)  (the output layer gets ∂L/∂Z from the loss instead)
 *            ∂L/∂W = Xᵀ · ∂L/∂Z     ∂L/∂b = Σ_rows ∂L/∂Z     ∂L/∂X = ∂L/∂Z · Wᵀ
 *
 * Each row of the batch is one sample; summing over rows in ∂L/∂W and ∂L/∂b is the Σ over the
 * minibatch of the lecture's SGD (the 1/|batch| of the mean is already inside ∂L/∂Z).
 */
export class DenseLayer {
    inputs;
    outputs;
    activation;
    dtype;
    /** W, [in × out] row-major: W[i][j] connects input i to unit j. */
    kernel;
    /** b, [out]. */
    bias;
    /** ∂L/∂W, derivative of the loss w.r.t. the kernel, [in × out]. */
    dLossDKernel;
    /** ∂L/∂b, derivative of the loss w.r.t. the bias, [out]. */
    dLossDBias;
    constructor(inputs, outputs, activation, dtype) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.activation = activation;
        this.dtype = dtype;
        this.kernel = allocate(dtype, inputs * outputs);
        this.bias = allocate(dtype, outputs);
        this.dLossDKernel = allocate(dtype, inputs * outputs);
        this.dLossDBias = allocate(dtype, outputs);
    }
    /** Buffers for a batch of `rows` samples. */
    createBuffers(rows) {
        const size = rows * this.outputs;
        return {
            preActivation: allocate(this.dtype, size),
            output: allocate(this.dtype, size),
            dLossDOutput: allocate(this.dtype, size),
            dLossDPreActivation: allocate(this.dtype, size),
        };
    }
    /** Z = X·W + b, then H = σ(Z). `input` is X [rows × in]. */
    forward(input, buffers, rows) {
        multiply(input, this.kernel, buffers.preActivation, rows, this.inputs, this.outputs);
        addRowVector(buffers.preActivation, this.bias, rows, this.outputs);
        this.activation.forward(buffers.preActivation, buffers.output, rows, this.outputs);
    }
    /**
     * ∂L/∂Z = ∂L/∂H ⊙ σ'(Z), from `buffers.dLossDOutput` into `buffers.dLossDPreActivation`.
     * Skipped for the output layer, whose ∂L/∂Z the loss writes directly.
     */
    backwardActivation(buffers, rows) {
        this.activation.backward(buffers.preActivation, buffers.output, buffers.dLossDOutput, buffers.dLossDPreActivation, rows, this.outputs);
    }
    /**
     * From ∂L/∂Z (in `buffers.dLossDPreActivation`): ∂L/∂W = Xᵀ·∂L/∂Z and ∂L/∂b = Σ_rows ∂L/∂Z into
     * this layer's gradient buffers, and, when `dLossDInput` is given, ∂L/∂X = ∂L/∂Z·Wᵀ [rows × in]
     * into it (the previous layer's ∂L/∂H). The first layer skips ∂L/∂X: nothing needs it.
     */
    backward(input, buffers, rows, dLossDInput) {
        const dLossDPreActivation = buffers.dLossDPreActivation;
        multiplyTransposedA(input, dLossDPreActivation, this.dLossDKernel, rows, this.inputs, this.outputs);
        sumRows(dLossDPreActivation, this.dLossDBias, rows, this.outputs);
        if (dLossDInput !== undefined) {
            multiplyTransposedB(dLossDPreActivation, this.kernel, dLossDInput, rows, this.outputs, this.inputs);
        }
    }
}
//# sourceMappingURL=dense.js.map