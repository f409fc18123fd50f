import { ReferenceEngine } from './engine.js';
import { ENGINE_NAME } from './model.js';
/**
 * The reference engine for the engine registry: `reference/float32` (the default, like
 * TensorFlow.js) and `reference/float64` (where gradient checks run). It needs nothing but
 * JavaScript, so both variants are always available.
 */
export const referenceEngineProvider = {
    name: ENGINE_NAME,
    description: 'from-scratch forward and backward passes on typed arrays',
    variants: [
        { name: 'float32', dtype: 'float32', description: 'plain JavaScript, Float32Array buffers' },
        { name: 'float64', dtype: 'float64', description: 'plain JavaScript, Float64Array buffers' },
    ],
    availability: () => Promise.resolve([
        { variant: 'float32', available: true, detail: 'Float32Array, plain JavaScript' },
        { variant: 'float64', available: true, detail: 'Float64Array, plain JavaScript' },
    ]),
    create: ({ variant }) => {
        if (variant !== 'float32' && variant !== 'float64') {
            return Promise.reject(new TypeError(`reference engine: unknown variant ${JSON.stringify(variant)}`));
        }
        return Promise.resolve(new ReferenceEngine({ dtype: variant }));
    },
};
//# sourceMappingURL=provider.js.map