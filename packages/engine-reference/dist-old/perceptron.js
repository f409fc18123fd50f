import { arrayFor, assertWeightsMatchSpec, DataError, epochOrder, ShapeError, SpecError, } from '@twinprop/core';
/** Trains a single layer of step units on `data` (targets 0 or 1) with the perceptron rule. Never throws for non-convergence. */
export function trainPerceptron(data, options = {}) {
    const { x, y } = data;
    const inputs = x.cols;
    const units = y.cols;
    const rows = x.rows;
    if (rows === 0)
        throw new ShapeError('the perceptron needs at least one sample');
    if (y.rows !== rows)
        throw new ShapeError(`features have ${rows} rows but targets have ${y.rows}`);
    if (inputs < 1 || units < 1)
        throw new ShapeError('the perceptron needs at least one input and one target column');
    for (let i = 0; i < y.data.length; i++) {
        const t = y.data[i];
        if (t !== 0 && t !== 1) {
            throw new DataError(`perceptron targets must be 0 or 1; row ${Math.floor(i / units)}, column ${i % units} is ${String(t)}`);
        }
    }
    const learningRate = options.learningRate ?? 1;
    const maxEpochs = options.maxEpochs ?? 100;
    if (!(Number.isFinite(learningRate) && learningRate > 0))
        throw new SpecError('learningRate', `must be a finite number > 0 (got ${learningRate})`);
    if (!(Number.isInteger(maxEpochs) && maxEpochs >= 1))
        throw new SpecError('maxEpochs', `must be an integer ≥ 1 (got ${maxEpochs})`);
    const spec = { inputSize: inputs, hidden: [], output: { units, activation: 'step' } };
    // W [inputs × units] as in a dense layer's kernel, b [units]; the rule runs in float64.
    const kernel = new Float64Array(inputs * units);
    const bias = new Float64Array(units);
    if (options.initialWeights !== undefined) {
        assertWeightsMatchSpec(spec, options.initialWeights);
        const layer = options.initialWeights.layers[0];
        kernel.set(layer.kernel.data);
        bias.set(layer.bias.data);
    }
    /** ŷ = step(w·x + b) for sample `row` and unit `unit`. */
    const predict = (row, unit) => {
        let z = bias[unit];
        for (let i = 0; i < inputs; i++)
            z += x.data[row * inputs + i] * kernel[i * units + unit];
        return z > 0 ? 1 : 0;
    };
    const errorsPerEpoch = [];
    let converged = false;
    for (let epoch = 1; epoch <= maxEpochs && !converged; epoch++) {
        const order = epochOrder(rows, options.seed ?? 0, epoch, options.seed !== undefined);
        let errors = 0;
        for (const row of order) {
            for (let unit = 0; unit < units; unit++) {
                const error = y.data[row * units + unit] - predict(row, unit); // y − ŷ ∈ {−1, 0, 1}
                if (error === 0)
                    continue;
                errors++;
                for (let i = 0; i < inputs; i++)
                    kernel[i * units + unit] = kernel[i * units + unit] + learningRate * error * x.data[row * inputs + i];
                bias[unit] = bias[unit] + learningRate * error;
            }
        }
        errorsPerEpoch.push(errors);
        converged = errors === 0;
    }
    let finalErrors = 0;
    for (let row = 0; row < rows; row++) {
        for (let unit = 0; unit < units; unit++)
            if (predict(row, unit) !== y.data[row * units + unit])
                finalErrors++;
    }
    const epochs = errorsPerEpoch.length;
    const dtype = options.dtype ?? 'float64';
    const kernelOut = arrayFor(dtype, kernel.length);
    kernelOut.set(kernel);
    const biasOut = arrayFor(dtype, bias.length);
    biasOut.set(bias);
    const w = Array.from({ length: units }, (_, unit) => Array.from({ length: inputs }, (_, i) => kernel[i * units + unit]));
    const message = converged
        ? `converged after ${epochs} epoch${epochs === 1 ? '' : 's'}: every sample is classified correctly`
        : `did not converge after ${epochs} epochs: ${finalErrors} of ${rows * units} outputs are still wrong ` +
            `(${errorsPerEpoch[epochs - 1]} mistakes in the last epoch). The data are probably not linearly ` +
            'separable — one perceptron draws a single line, and no line separates, e.g., XOR; use a hidden layer.';
    return {
        converged,
        epochs,
        errorsPerEpoch,
        finalErrors,
        w,
        b: Array.from(bias),
        spec,
        weights: { dtype, layers: [{ kernel: { shape: [inputs, units], data: kernelOut }, bias: { shape: [units], data: biasOut } }] },
        message,
    };
}
//# sourceMappingURL=perceptron.js.map