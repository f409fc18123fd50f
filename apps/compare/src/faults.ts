import {
  cloneWeights,
  namedParameters,
  type Batch,
  type BatchRows,
  type DType,
  type Engine,
  type EngineRegistry,
  type LossAndGradients,
  type ModelSpec,
  type PreparedData,
  type TrainingConfig,
} from '@twinprop/core';
import { DelegatingModel, wrapEngine } from '@twinprop/core';
import { engines } from '@twinprop/toolkit';
import { ACTIVATION_FUNCTIONS, ReferenceEngine, type ActivationFunction } from '@twinprop/engine-reference';

/**
 * Planted faults: engines wrapped so that they are wrong in one specific, realistic way. The
 * harness's own tests hand them to `runComparison` (through `createEngine`, see {@link plantFault})
 * and check that exactly the scenarios the fault touches fail, on exactly the check that should
 * catch it — a harness that cannot fail proves nothing.
 */

/** The delegating model and engine wrapper come from core's testing helpers (one definition). */
export { DelegatingModel, wrapEngine };

/**
 * An engine source for `runComparison({ createEngine })`: the registry's engines, with `fault`
 * applied to those whose id `applies` to. `fault` receives the real engine.
 */
export function plantFault(
  applies: (id: string) => boolean,
  fault: (engine: Engine, id: string) => Engine | Promise<Engine>,
  registry: EngineRegistry = engines,
): (id: string) => Promise<Engine> {
  return async (id) => {
    const engine = await registry.create(id);
    return applies(id) ? fault(engine, id) : engine;
  };
}

/**
 * Fault 1 — one wrong gradient entry: for models that `applies` to, `lossAndGradients` returns the
 * largest-magnitude entry of the output layer's kernel gradient scaled by (1 + `relative`). Like a
 * slightly wrong term in one loss's gradient (training itself is left alone).
 */
export function perturbOneGradientEntry(
  engine: Engine,
  options: { readonly relative: number; readonly applies: (spec: ModelSpec, training: TrainingConfig) => boolean },
): Engine {
  return wrapEngine(engine, (model) =>
    options.applies(model.spec, model.training)
      ? new (class extends DelegatingModel {
          override lossAndGradients(batch: Batch): LossAndGradients {
            const { loss, gradients } = this.inner.lossAndGradients(batch);
            const out = cloneWeights(gradients);
            const kernel = out.layers[out.layers.length - 1]?.kernel.data;
            if (kernel !== undefined && kernel.length > 0) {
              let worst = 0;
              for (let i = 1; i < kernel.length; i++) if (Math.abs(kernel[i] ?? 0) > Math.abs(kernel[worst] ?? 0)) worst = i;
              kernel[worst] = (kernel[worst] ?? 0) * (1 + options.relative);
            }
            return { loss, gradients: out };
          }
        })(model)
      : model,
  );
}

/** tanh's derivative written as 1 − tanh z instead of 1 − tanh² z (a classic slip). */
const TANH_WITH_WRONG_DERIVATIVE: ActivationFunction = {
  ...ACTIVATION_FUNCTIONS.tanh,
  formula: "σ(z) = tanh z; σ'(z) = 1 − tanh z (WRONG: planted fault)",
  backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let i = 0; i < rows * cols; i++) dLossDPreActivation[i] = (dLossDOutput[i] ?? 0) * (1 - (h[i] ?? 0));
  },
};

/**
 * Fault 2 — a wrong activation derivative inside the reference engine's backprop: a reference
 * engine whose tanh layers differentiate as `1 − tanh z`, given to it as its activation table
 * (the shared table, and every other engine, are untouched).
 */
export function referenceWithWrongTanhDerivative(dtype: DType): Engine {
  return new ReferenceEngine({ dtype, activations: { tanh: TANH_WITH_WRONG_DERIVATIVE } });
}

/**
 * Fault 3 — Adam without bias correction: after each real step, the parameters are reset to
 * `θ_before − η·m/(√v + ε)` from the engine's own updated moments, i.e. `m̂ = m`, `v̂ = v`.
 * Gradients are untouched; only the update rule is wrong.
 */
export function withoutAdamBiasCorrection(engine: Engine): Engine {
  return wrapEngine(engine, (model) =>
    model.training.optimizer.kind === 'adam'
      ? new (class extends DelegatingModel {
          override trainStep(data: PreparedData, rows: BatchRows, returnLoss?: boolean): number | undefined {
            const config = this.training.optimizer;
            if (config.kind !== 'adam') return this.inner.trainStep(data, rows, returnLoss);
            const before = cloneWeights(this.inner.getWeights(), 'float64');
            const loss = this.inner.trainStep(data, rows, returnLoss);
            const { slots } = this.inner.getOptimizerState();
            const m = slots.firstMoment;
            const v = slots.secondMoment;
            if (m === undefined || v === undefined) throw new Error('adam state without moments');
            const mData = namedParameters(m);
            const vData = namedParameters(v);
            namedParameters(before).forEach(({ tensor }, p) => {
              for (let i = 0; i < tensor.data.length; i++) {
                const mi = mData[p]?.tensor.data[i] ?? 0;
                const vi = vData[p]?.tensor.data[i] ?? 0;
                tensor.data[i] = (tensor.data[i] ?? 0) - (config.learningRate * mi) / (Math.sqrt(vi) + config.epsilon);
              }
            });
            this.inner.setWeights(cloneWeights(before, this.dtype));
            return loss;
          }
        })(model)
      : model,
  );
}
