import { optimizer, type Engine, type Matrix, type Model, type ModelSpec, type Weights } from '@twinprop/core';

/**
 * Every hidden neuron's output on a set of points, for the neurons' heatmaps: for hidden layer ℓ,
 * a model of the same engine made of the first ℓ + 1 layers (its output layer is layer ℓ, with
 * layer ℓ's activation), given the first ℓ + 1 layers' weights. The engine computes; nothing here
 * re-implements a forward pass.
 */
export class LayerProbe {
  private readonly models: Model[];

  constructor(engine: Engine, spec: ModelSpec, weights: Weights) {
    this.models = spec.hidden.map((layer, l) => {
      const truncated: ModelSpec = { inputSize: spec.inputSize, hidden: spec.hidden.slice(0, l), output: layer };
      return engine.createModel(truncated, sliceWeights(weights, l + 1), { loss: 'meanSquaredError', optimizer: optimizer('sgd') });
    });
  }

  /** Outputs of every hidden layer (rows × units each) at `inputs`, for `weights` of the full model. */
  outputs(weights: Weights, inputs: Matrix): Matrix[];
  /** Outputs of hidden layer `layer` only. */
  outputs(weights: Weights, inputs: Matrix, layer: number): Matrix;
  outputs(weights: Weights, inputs: Matrix, layer?: number): Matrix[] | Matrix {
    const at = (l: number): Matrix => {
      const model = this.models[l]!;
      model.setWeights(sliceWeights(weights, l + 1));
      return model.predict(inputs);
    };
    return layer === undefined ? this.models.map((_, l) => at(l)) : at(layer);
  }

  dispose(): void {
    for (const m of this.models) m.dispose();
  }
}

function sliceWeights(weights: Weights, layers: number): Weights {
  return { dtype: weights.dtype, layers: weights.layers.slice(0, layers) };
}
