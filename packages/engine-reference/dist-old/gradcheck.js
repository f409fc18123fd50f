import { cloneWeights, defaultLossFor, namedParameters, optimizer, parameterCount, relativeError as coreRelativeError, Rng, SpecError, } from '@twinprop/core';
import { ReferenceEngine } from './engine.js';
/**
 * Core's {@link coreRelativeError} — the same formula, `|a − n| / max(|a|, |n|, floor)`, 0 when
 * equal — except that it is NaN (core: Infinity, or 0 for two equal infinities) whenever either
 * side is not finite, as this report has always said.
 */
function relativeError(analytic, numeric, floor) {
    return Number.isFinite(analytic) && Number.isFinite(numeric) ? coreRelativeError(analytic, numeric, floor) : Number.NaN;
}
/** Sorted indices to check in a tensor of `size` values. */
function sampleIndices(size, count, rng) {
    if (count >= size)
        return Array.from({ length: size }, (_, i) => i);
    return Array.from(rng.permutation(size).subarray(0, count)).sort((a, b) => a - b);
}
/** Checks `model`'s gradient on `batch` against central finite differences of `model.loss`. Restores the weights afterwards. */
export function gradientCheck(model, batch, options = {}) {
    const step = options.step ?? 1e-6;
    const tolerance = options.tolerance ?? 1e-6;
    const floor = options.floor ?? 1e-3;
    const maxParameters = options.maxParameters ?? 5000;
    if (!(step > 0 && Number.isFinite(step)))
        throw new SpecError('step', `must be a finite number > 0 (got ${step})`);
    if (!(Number.isInteger(maxParameters) && maxParameters >= 1))
        throw new SpecError('maxParameters', `must be an integer ≥ 1 (got ${maxParameters})`);
    const { loss, gradients } = model.lossAndGradients(batch);
    const denominatorFloor = floor * Math.max(1, Math.abs(loss));
    const original = model.getWeights();
    const probe = cloneWeights(original, 'float64');
    const total = parameterCount(model.spec);
    const rng = new Rng(options.seed ?? 0);
    const analyticTensors = namedParameters(gradients);
    const parameters = [];
    const tensors = [];
    /** L at the probe weights, and the probe's value as the model stores it (rounded in float32). */
    const lossAt = (tensorIndex, index) => {
        const inModel = cloneWeights(probe, model.dtype);
        model.setWeights(inModel);
        return { loss: model.loss(batch), value: namedParameters(inModel)[tensorIndex].tensor.data[index] };
    };
    try {
        namedParameters(probe).forEach(({ name, tensor }, t) => {
            const size = tensor.data.length;
            const count = total <= maxParameters ? size : Math.min(size, Math.max(1, Math.floor((maxParameters * size) / total)));
            const analyticData = analyticTensors[t].tensor.data;
            let maxAbsoluteError = 0;
            let maxRelativeError = 0;
            for (const index of sampleIndices(size, count, rng)) {
                const theta = tensor.data[index];
                tensor.data[index] = theta + step;
                const plus = lossAt(t, index);
                tensor.data[index] = theta - step;
                const minus = lossAt(t, index);
                tensor.data[index] = theta;
                // Divide by the perturbation actually applied (float32 rounds θ ± h).
                const numeric = (plus.loss - minus.loss) / (plus.value - minus.value);
                const analytic = analyticData[index];
                const check = {
                    name,
                    index,
                    analytic,
                    numeric,
                    absoluteError: Math.abs(analytic - numeric),
                    relativeError: relativeError(analytic, numeric, denominatorFloor),
                };
                parameters.push(check);
                maxAbsoluteError = Math.max(maxAbsoluteError, check.absoluteError);
                maxRelativeError = Math.max(maxRelativeError, check.relativeError);
            }
            tensors.push({ name, size, checked: count, maxAbsoluteError, maxRelativeError, passed: maxRelativeError <= tolerance });
        });
    }
    finally {
        model.setWeights(original);
    }
    let worst;
    for (const p of parameters)
        if (worst === undefined || p.relativeError > worst.relativeError || Number.isNaN(p.relativeError))
            worst = p;
    const maxRelativeError = worst?.relativeError ?? 0;
    return {
        passed: parameters.every((p) => p.relativeError <= tolerance),
        loss,
        step,
        tolerance,
        floor: denominatorFloor,
        checked: parameters.length,
        total,
        maxAbsoluteError: parameters.reduce((m, p) => Math.max(m, p.absoluteError), 0),
        maxRelativeError,
        worst,
        tensors,
        parameters,
    };
}
/** {@link gradientCheck} on a float64 reference-engine model built from `spec` and `weights`. */
export function referenceGradientCheck(spec, weights, batch, options = {}) {
    const model = new ReferenceEngine({ dtype: 'float64' }).createModel(spec, weights, {
        loss: options.loss ?? defaultLossFor(spec.output.activation),
        optimizer: optimizer('sgd'),
        ...(options.regularization === undefined ? {} : { regularization: options.regularization }),
    });
    try {
        return gradientCheck(model, batch, options);
    }
    finally {
        model.dispose();
    }
}
//# sourceMappingURL=gradcheck.js.map