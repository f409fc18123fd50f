import { normalFrom, uniformFrom, type RandomSource } from './rng.js';
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
 * - `playground`: the TensorFlow Playground's — kernels `W ~ U[−0.5, 0.5)` drawn one unit at a time
 *   (all the links into output unit 0, then into unit 1, …: column by column of the `[in, out]`
 *   kernel, the order the Playground builds its links in), biases 0.1 without a draw.
 */
export const INITIALIZERS = ['glorotUniform', 'heNormal', 'zeros', 'playground'] as const;
export type Initializer = (typeof INITIALIZERS)[number];

/** The Playground's initial bias (`Node.bias = 0.1`). */
export const PLAYGROUND_BIAS = 0.1;

/**
 * Fills `out` with draws from `initializer` for a kernel of shape [fanIn, fanOut] (row-major), or
 * for a bias of `fanOut` entries when `role` is `bias`.
 */
export function initialize(
  initializer: Initializer,
  out: { length: number; [i: number]: number },
  fanIn: number,
  fanOut: number,
  random: RandomSource,
  role: 'kernel' | 'bias' = 'kernel',
): void {
  switch (initializer) {
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < out.length; i++) out[i] = uniformFrom(random, -limit, limit);
      return;
    }
    case 'heNormal': {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < out.length; i++) out[i] = normalFrom(random, 0, std);
      return;
    }
    case 'zeros':
      for (let i = 0; i < out.length; i++) out[i] = 0;
      return;
    case 'playground':
      if (role === 'bias') {
        for (let i = 0; i < out.length; i++) out[i] = PLAYGROUND_BIAS;
        return;
      }
      // Unit by unit (column o of the [in, out] kernel), each unit's input links in order.
      for (let o = 0; o < fanOut; o++) {
        for (let i = 0; i < fanIn; i++) out[i * fanOut + o] = random.next() - 0.5;
      }
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
export function initializeWeights(spec: ModelSpec, rng: RandomSource, dtype: DType = 'float64', options: InitOptions = {}): Weights {
  const layers = layersOf(spec);
  return {
    dtype,
    layers: layerShapes(spec).map((shape, i) => {
      const activation = layers[i]?.activation ?? 'linear';
      const kernel64 = new Float64Array(shape.inputs * shape.outputs);
      const bias64 = new Float64Array(shape.outputs);
      initialize(options.kernel ?? defaultInitializerFor(activation), kernel64, shape.inputs, shape.outputs, rng);
      initialize(options.bias ?? 'zeros', bias64, shape.inputs, shape.outputs, rng, 'bias');
      const kernel = arrayFor(dtype, kernel64.length);
      kernel.set(kernel64);
      const bias = arrayFor(dtype, bias64.length);
      bias.set(bias64);
      return { kernel: { shape: [shape.inputs, shape.outputs], data: kernel }, bias: { shape: [shape.outputs], data: bias } };
    }),
  };
}
