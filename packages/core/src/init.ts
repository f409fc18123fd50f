import type { Rng } from './rng.js';
import { ACTIVATION_DEFINITIONS, type Activation } from './activations.js';
import { layerShapes, layersOf, type ModelSpec } from './spec.js';
import { arrayFor, type DType, type Weights } from './weights.js';

/**
 * Weight initializers. Weights are always initialized here, in core, from the seeded {@link Rng},
 * and copied into an engine — so both engines start from identical weights (tfjs's own
 * initializers ignore seeds).
 *
 * - `glorotUniform` (Xavier): `W ~ U(−a, a)`, `a = √(6 / (fanIn + fanOut))`; variance `2/(fanIn+fanOut)`.
 * - `heNormal`: `W ~ N(0, 2 / fanIn)`. (Not truncated, unlike Keras's `he_normal`.)
 * - `zeros`: all 0 (biases by default).
 */
export const INITIALIZERS = ['glorotUniform', 'heNormal', 'zeros'] as const;
export type Initializer = (typeof INITIALIZERS)[number];

/** Fills `out` with draws from `initializer` for a kernel of shape [fanIn, fanOut]. */
export function initialize(initializer: Initializer, out: { length: number; [i: number]: number }, fanIn: number, fanOut: number, rng: Rng): void {
  switch (initializer) {
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
      return;
    }
    case 'heNormal': {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
      return;
    }
    case 'zeros':
      for (let i = 0; i < out.length; i++) out[i] = 0;
      return;
  }
}

/** He for ReLU-family layers, Glorot for the rest (core's activation table says which). */
export function defaultInitializerFor(activation: Activation): Initializer {
  return ACTIVATION_DEFINITIONS[activation].initializer;
}

export interface InitOptions {
  /** Kernel initializer for every layer; default {@link defaultInitializerFor} each layer's activation. */
  readonly kernel?: Initializer;
  /** Bias initializer; default `zeros`. */
  readonly bias?: Initializer;
}

/**
 * Fresh weights for `spec`, drawn from `rng` layer by layer (kernel then bias), in float64 and
 * then rounded to `dtype`. The same seed gives the same weights for both dtypes up to rounding.
 */
export function initializeWeights(spec: ModelSpec, rng: Rng, dtype: DType = 'float64', options: InitOptions = {}): Weights {
  const layers = layersOf(spec);
  return {
    dtype,
    layers: layerShapes(spec).map((shape, i) => {
      const activation = layers[i]?.activation ?? 'linear';
      const kernel64 = new Float64Array(shape.inputs * shape.outputs);
      const bias64 = new Float64Array(shape.outputs);
      initialize(options.kernel ?? defaultInitializerFor(activation), kernel64, shape.inputs, shape.outputs, rng);
      initialize(options.bias ?? 'zeros', bias64, shape.inputs, shape.outputs, rng);
      const kernel = arrayFor(dtype, kernel64.length);
      kernel.set(kernel64);
      const bias = arrayFor(dtype, bias64.length);
      bias.set(bias64);
      return { kernel: { shape: [shape.inputs, shape.outputs], data: kernel }, bias: { shape: [shape.outputs], data: bias } };
    }),
  };
}
