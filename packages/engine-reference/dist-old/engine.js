import { DTYPES, SpecError, } from '@twinprop/core';
import { ACTIVATION_FUNCTIONS } from './activations.js';
import { BACKEND_NAME, ENGINE_NAME, MODEL_TABLES, ReferenceModel } from './model.js';
/** Checks that every swapped-in record is named for its key. */
function checkNames(field, records) {
    for (const [name, record] of Object.entries(records)) {
        if (record !== undefined && record.name !== name)
            throw new SpecError(`${field}.${name}`, `the record is named ${JSON.stringify(record.name)}`);
    }
}
/** Kinds an `optimizers` option may name. */
const OPTIMIZER_KINDS = new Set(Object.keys(MODEL_TABLES.optimizers));
/**
 * The from-scratch engine: hand-written forward and backward passes on typed arrays, no ML
 * dependency. Backend `js`. In float64 it is the engine gradient checks run in.
 */
export class ReferenceEngine {
    name = ENGINE_NAME;
    backend = BACKEND_NAME;
    dtype;
    activations;
    tables;
    constructor(options = {}) {
        const dtype = options.dtype ?? 'float32';
        if (!DTYPES.includes(dtype)) {
            throw new SpecError('dtype', `unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
        }
        this.dtype = dtype;
        checkNames('activations', options.activations ?? {});
        checkNames('losses', options.losses ?? {});
        for (const kind of Object.keys(options.optimizers ?? {})) {
            if (!OPTIMIZER_KINDS.has(kind))
                throw new SpecError(`optimizers.${kind}`, 'not an optimizer of core');
        }
        this.activations = { ...ACTIVATION_FUNCTIONS, ...options.activations };
        this.tables = {
            losses: { ...MODEL_TABLES.losses, ...options.losses },
            optimizers: { ...MODEL_TABLES.optimizers, ...options.optimizers },
            regularization: options.regularization ?? MODEL_TABLES.regularization,
        };
    }
    /** Validates the spec, the training config and the weights' shapes, and copies the weights in. */
    createModel(spec, weights, training) {
        return new ReferenceModel(spec, weights, training, this.dtype, this.activations, this.tables);
    }
}
/** `createReferenceEngine({ dtype: 'float64' })`. */
export function createReferenceEngine(options = {}) {
    return new ReferenceEngine(options);
}
//# sourceMappingURL=engine.js.map