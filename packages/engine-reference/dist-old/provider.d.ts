import type { EngineProvider } from '@twinprop/core';
/**
 * The reference engine for the engine registry: `reference/float32` (the default, like
 * TensorFlow.js) and `reference/float64` (where gradient checks run). It needs nothing but
 * JavaScript, so both variants are always available.
 */
export declare const referenceEngineProvider: EngineProvider;
//# sourceMappingURL=provider.d.ts.map