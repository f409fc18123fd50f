import { describe, expect, it } from 'vitest';
import {
  mapWeights,
  namedParameters,
  type Batch,
  type BatchRows,
  type Engine,
  type LossAndGradients,
  type Model,
  type OptimizerState,
  type PreparedData,
  type Weights,
} from '@twinprop/core';
import { CONFORMANCE_AREAS, CONFORMANCE_TOLERANCE, DelegatingModel, runConformanceSuite } from '@twinprop/core/testing';
import { ACTIVATION_FUNCTIONS, type ActivationFunction } from './activations.js';
import { ReferenceEngine } from './engine.js';

runConformanceSuite({
  name: 'reference',
  dtypes: ['float32', 'float64'],
  createEngine: (dtype) => new ReferenceEngine({ dtype }),
});

// ── The suite can fail: planted faults ───────────────────────────────────────────────────────

/** What a fault changes in a model that otherwise delegates to a correct reference model. */
interface Fault {
  /** Scales the data loss (and, consistently, its gradients) of a model. */
  readonly lossScale?: (model: Model) => number;
  /** Rewrites the weights after a correct step; gets the weights before it. */
  readonly afterStep?: (model: Model, before: Weights) => Weights | undefined;
}

class FaultyModel extends DelegatingModel {
  constructor(
    inner: Model,
    private readonly fault: Fault,
  ) {
    super(inner);
  }
  private scale(): number {
    return this.fault.lossScale?.(this.inner) ?? 1;
  }
  override loss(batch: Batch): number {
    return this.inner.loss(batch) * this.scale();
  }
  override lossAndGradients(batch: Batch): LossAndGradients {
    const { loss, gradients } = this.inner.lossAndGradients(batch);
    const k = this.scale();
    return { loss: loss * k, gradients: mapWeights(gradients, (t) => t.data.map((g) => g * k)) };
  }
  override trainStep(data: PreparedData, rows: BatchRows, returnLoss?: boolean): number | undefined {
    const before = this.inner.getWeights();
    const loss = this.inner.trainStep(data, rows, returnLoss);
    const rewritten = this.fault.afterStep?.(this.inner, before);
    if (rewritten !== undefined) this.inner.setWeights(rewritten);
    return loss === undefined ? undefined : loss * this.scale();
  }
}

function faultyEngine(inner: Engine, fault: Fault): Engine {
  return {
    name: inner.name,
    backend: inner.backend,
    dtype: inner.dtype,
    createModel: (spec, weights, training) => new FaultyModel(inner.createModel(spec, weights, training), fault),
  };
}

/** θ_before − η·direction(slots), element-wise over every parameter (for rewriting an update). */
function stepFrom(before: Weights, state: OptimizerState, learningRate: number, direction: (slots: number[]) => number): Weights {
  const slots = Object.values(state.slots).map((w) => namedParameters(w).map((p) => p.tensor.data));
  let tensor = 0;
  return mapWeights(before, (t) => {
    const p = tensor++;
    return t.data.map((theta, i) => theta - learningRate * direction(slots.map((s) => s[p]![i]!)));
  });
}

/** tanh′ computed as 1 − tanh z instead of 1 − tanh² z. */
const tanhWrongDerivative: ActivationFunction = {
  ...ACTIVATION_FUNCTIONS.tanh,
  backward(_z, h, dLossDOutput, dLossDPreActivation, rows, cols) {
    for (let i = 0; i < rows * cols; i++) dLossDPreActivation[i] = dLossDOutput[i]! * (1 - h[i]!);
  },
};

const dtype = 'float64';
const reference = new ReferenceEngine({ dtype });
const PLANTED: Array<{ fault: string; engine: Engine; caughtBy: string[] }> = [
  {
    fault: "tanh′ = 1 − tanh z (should be 1 − tanh² z), through the engine's activations option",
    engine: new ReferenceEngine({ dtype, activations: { tanh: tanhWrongDerivative } }),
    caughtBy: ["tanh: gradients of 1-unit models follow core's derivative(z) by the chain rule (hidden and output layer)"],
  },
  {
    fault: 'binary cross-entropy averaged over rows instead of rows × units (value and gradients alike)',
    engine: faultyEngine(reference, { lossScale: (m) => (m.training.loss === 'binaryCrossEntropy' ? m.spec.output.units : 1) }),
    caughtBy: ["binaryCrossEntropy on 3 sigmoid units: value matches core's batchLoss (mean over 4 rows × 3 units)"],
  },
  {
    fault: 'Adam without bias correction: θ ← θ − η·m/(√v + ε)',
    engine: faultyEngine(reference, {
      afterStep: (m, before) => {
        const config = m.training.optimizer;
        if (config.kind !== 'adam') return undefined;
        return stepFrom(before, m.getOptimizerState(), config.learningRate, ([mt, vt]) => mt! / (Math.sqrt(vt!) + config.epsilon));
      },
    }),
    caughtBy: ["adam (defaults): three steps follow core's update(), slots and step count included"],
  },
  {
    fault: 'Nesterov ignored: θ ← θ − η·a even with nesterov: true',
    engine: faultyEngine(reference, {
      afterStep: (m, before) => {
        const config = m.training.optimizer;
        if (config.kind !== 'momentum' || !config.nesterov) return undefined;
        return stepFrom(before, m.getOptimizerState(), config.learningRate, ([a]) => a!);
      },
    }),
    caughtBy: ["momentum (nesterov: true): three steps follow core's update(), slots and step count included"],
  },
  {
    fault: 'the learning-rate schedule ignored: every update at the base rate η',
    engine: {
      ...faultyEngine(reference, {}),
      createModel: (spec, weights, { schedule: _ignored, ...training }) => reference.createModel(spec, weights, training),
    },
    caughtBy: (['step', 'exponential', 'cosine'] as const).flatMap((kind) =>
      (['sgd', 'momentum', 'adam'] as const).map((o) => `${kind} schedule with ${o}: each of 6 steps is core's update() at core's scheduled rate for that step`),
    ),
  },
];

/** Runs every test of the suite against `engine` and returns the names of those that fail. */
async function failingTests(engine: Engine): Promise<string[]> {
  const context = { engine, dtype, tolerance: CONFORMANCE_TOLERANCE[dtype] } as const;
  const failed: string[] = [];
  for (const area of CONFORMANCE_AREAS) {
    for (const test of area.tests) {
      try {
        await test.run(context);
      } catch {
        failed.push(test.name);
      }
    }
  }
  return failed;
}

describe('the conformance suite catches planted faults (reference engine, float64)', () => {
  it('a faithful wrapper fails nothing (so the faults below are what the failures are about)', async () => {
    expect(await failingTests(faultyEngine(reference, {}))).toEqual([]);
  });
  for (const { fault, engine, caughtBy } of PLANTED) {
    it(`catches: ${fault}`, async () => {
      const failed = await failingTests(engine);
      console.info(`[conformance] planted fault "${fault}" failed ${failed.length} test(s):\n  ${failed.join('\n  ')}`);
      expect(failed).toEqual(expect.arrayContaining(caughtBy));
    });
  }
});
