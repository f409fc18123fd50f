/**
 * A third-party engine package in miniature, for `--engine-module` tests and for measuring two
 * engines of the same precision against each other: `mirror` is the reference engine with every
 * hidden layer's units stored in reverse order. The network computes the same function, but each
 * next layer's dot products sum their terms in the opposite order — so `mirror/float64` differs
 * from `reference/float64` by float64 rounding alone (and `mirror/float32` from
 * `reference/float32` by float32 rounding alone). Weights, gradients and optimizer state enter
 * and leave in the usual order.
 *
 * `mirror/gpu` never loads (for tests of an unavailable engine named explicitly).
 */
import type { Batch, DType, Engine, EngineProvider, LossAndGradients, OptimizerState, Weights } from '@twinprop/core';
import { ReferenceEngine } from '@twinprop/engine-reference';
import { DelegatingModel } from '../faults.js';

/** Index j of `units` counted from the other end. */
const reversed = (j: number, units: number): number => units - 1 - j;

/**
 * Reverses the hidden units: layer ℓ's kernel columns and bias (ℓ hidden), and the next layer's
 * kernel rows. Its own inverse, so it maps both ways.
 */
function mirror(weights: Weights): Weights {
  const last = weights.layers.length - 1;
  return {
    dtype: weights.dtype,
    layers: weights.layers.map((layer, l) => {
      const [rows = 0, cols = 0] = layer.kernel.shape;
      const flipRows = l > 0;
      const flipCols = l < last;
      const kernel = layer.kernel.data.slice();
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const from = (flipRows ? reversed(i, rows) : i) * cols + (flipCols ? reversed(j, cols) : j);
          kernel[i * cols + j] = layer.kernel.data[from] ?? Number.NaN;
        }
      }
      const bias = layer.bias.data.slice();
      if (flipCols) for (let j = 0; j < cols; j++) bias[j] = layer.bias.data[reversed(j, cols)] ?? Number.NaN;
      return { kernel: { shape: layer.kernel.shape, data: kernel }, bias: { shape: layer.bias.shape, data: bias } };
    }),
  };
}

function mirrorSlots(state: OptimizerState): OptimizerState {
  return { ...state, slots: Object.fromEntries(Object.entries(state.slots).map(([name, w]) => [name, mirror(w)])) };
}

/** The reference model underneath, seen in the usual unit order. */
class MirrorModel extends DelegatingModel {
  override readonly engine = 'mirror';

  override lossAndGradients(batch: Batch): LossAndGradients {
    const { loss, gradients } = this.inner.lossAndGradients(batch);
    return { loss, gradients: mirror(gradients) };
  }
  override getWeights(): Weights {
    return mirror(this.inner.getWeights());
  }
  override setWeights(weights: Weights): void {
    this.inner.setWeights(mirror(weights));
  }
  override getOptimizerState(): OptimizerState {
    return mirrorSlots(this.inner.getOptimizerState());
  }
  override setOptimizerState(state: OptimizerState): void {
    this.inner.setOptimizerState(mirrorSlots(state));
  }
}

function mirrorEngine(dtype: DType): Engine {
  const reference = new ReferenceEngine({ dtype });
  return {
    name: 'mirror',
    backend: reference.backend,
    dtype,
    createModel: (spec, weights, training) => new MirrorModel(reference.createModel(spec, mirror(weights), training)),
  };
}

export const mirrorEngineProvider: EngineProvider = {
  name: 'mirror',
  description: 'the reference engine with its hidden units in reverse order (a test fixture)',
  variants: [
    { name: 'float64', dtype: 'float64', description: 'reference/float64, units reversed' },
    { name: 'float32', dtype: 'float32', description: 'reference/float32, units reversed' },
    { name: 'gpu', dtype: 'float32', description: 'never loads' },
  ],
  availability: () =>
    Promise.resolve([
      { variant: 'float64', available: true, detail: 'Float64Array, hidden units reversed' },
      { variant: 'float32', available: true, detail: 'Float32Array, hidden units reversed' },
      { variant: 'gpu', available: false, reason: 'the mirror fixture has no GPU. It exists to test an unavailable engine.' },
    ]),
  create: ({ variant }) => {
    if (variant === 'float64' || variant === 'float32') return Promise.resolve(mirrorEngine(variant));
    return Promise.reject(new Error(`mirror: variant ${variant} does not load`));
  },
};
