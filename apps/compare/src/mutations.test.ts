import { optimizer } from '@twinprop/core';
import { createReferenceEngine } from '@twinprop/engine-reference';
import { createTfjsEngine } from '@twinprop/engine-tfjs';
import { describe, expect, it } from 'vitest';
import type { EngineFactories } from './engines.js';
import { perturbOneGradientEntry, referenceWithWrongTanhDerivative, withoutAdamBiasCorrection } from './faults.js';
import { runComparison, type ComparisonReport, type ComparisonRow } from './harness.js';
import { defineScenario, type Scenario } from './scenarios.js';

/*
 * Each test plants one fault in one engine and checks that the harness fails exactly the scenarios
 * the fault touches — on the check that should catch it — and passes all the others.
 */

const IRIS = { name: 'iris', seed: 3, testFraction: 0.2, standardize: true } as const;

/** Small scenarios that together cover tanh/relu/sigmoid, every loss and every optimizer. */
const SCENARIOS: Record<string, Scenario> = {
  xorTanhAdam: defineScenario({
    dataset: { name: 'xor', testFraction: 0 },
    inputs: 2,
    hidden: [[4, 'tanh']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.05 }),
    batchSize: 4,
    epochs: 60,
    seed: 2,
  }),
  circleReluSgd: defineScenario({
    dataset: { name: 'circle', points: 120, noise: 10, seed: 7, testFraction: 0.25 },
    inputs: 2,
    hidden: [[6, 'relu']],
    output: [1, 'sigmoid'],
    loss: 'binaryCrossEntropy',
    optimizer: optimizer('sgd', { learningRate: 0.1 }),
    batchSize: 10,
    epochs: 5,
  }),
  irisSigmoidSoftmaxMomentum: defineScenario({
    dataset: IRIS,
    inputs: 4,
    hidden: [[5, 'sigmoid']],
    output: [3, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    batchSize: 10,
    epochs: 5,
  }),
  irisSoftmaxAdam: defineScenario({
    dataset: IRIS,
    inputs: 4,
    hidden: [],
    output: [3, 'softmax'],
    loss: 'softmaxCrossEntropy',
    optimizer: optimizer('adam', { learningRate: 0.01 }),
    batchSize: 10,
    epochs: 5,
  }),
  gaussTanhLinearMomentum: defineScenario({
    dataset: { name: 'gauss', points: 120, noise: 20, seed: 7, testFraction: 0.25 },
    inputs: 2,
    hidden: [[4, 'tanh']],
    output: [1, 'linear'],
    loss: 'meanSquaredError',
    optimizer: optimizer('momentum', { learningRate: 0.02, momentum: 0.9, nesterov: true }),
    batchSize: 10,
    epochs: 5,
  }),
};
const ALL = Object.values(SCENARIOS);

const realEngines: EngineFactories = {
  reference: (dtype) => createReferenceEngine({ dtype }),
  tfjs: (backend) => createTfjsEngine({ backend }),
};

async function run(engines: EngineFactories): Promise<ComparisonReport> {
  // One backend keeps this quick; the fault lives in the engine wrapper, not the backend.
  return runComparison({ scenarios: ALL, engines, backends: ['wasm'], keras: false });
}

function failedScenarios(report: ComparisonReport): string[] {
  return [...new Set(report.scenarios.filter((r) => !r.passed).map((r) => r.scenario))].sort();
}

function names(...scenarios: Scenario[]): string[] {
  return scenarios.map((s) => s.name).sort();
}

function rowsOf(report: ComparisonReport, scenario: Scenario): ComparisonRow[] {
  return report.scenarios.filter((r) => r.scenario === scenario.name);
}

describe('planted faults are caught, and only where they are', () => {
  it('the unmodified engines pass every scenario (the baseline the faults are measured against)', async () => {
    const report = await run(realEngines);
    expect(report.scenarios).toHaveLength(ALL.length * 2);
    expect(failedScenarios(report)).toEqual([]);
  }, 60_000);

  it('one gradient entry off by 1e-3 relative in tfjs, for softmax outputs only → exactly the softmax scenarios fail, on the gradient check', async () => {
    const report = await run({
      ...realEngines,
      tfjs: async (backend) =>
        perturbOneGradientEntry(await createTfjsEngine({ backend }), { relative: 1e-3, applies: (spec) => spec.output.activation === 'softmax' }),
    });
    expect(failedScenarios(report)).toEqual(names(SCENARIOS.irisSigmoidSoftmaxMomentum!, SCENARIOS.irisSoftmaxAdam!));
    for (const scenario of [SCENARIOS.irisSigmoidSoftmaxMomentum!, SCENARIOS.irisSoftmaxAdam!]) {
      for (const row of rowsOf(report, scenario)) {
        expect(row.gradients?.passed).toBe(false);
        // The planted 1e-3 shows up as ~1e-3 on the output kernel, nowhere else.
        const bad = row.gradients!.parameters.filter((p) => p.maxRel > row.gradients!.tolerance.rtol).map((p) => p.name);
        expect(bad).toEqual(['dense_' + String(scenario.spec.hidden.length) + '/kernel']);
        expect(row.gradients!.maxRel).toBeGreaterThan(5e-4);
        expect(row.gradients!.maxRel).toBeLessThan(2e-3);
        // Nothing else is wrong: the fault is in lossAndGradients only.
        expect(row.forward?.passed).toBe(true);
        expect(row.finiteDifferences?.passed).toBe(true);
        expect(row.trajectory?.passed).toBe(true);
        expect(row.failures.join('\n')).toMatch(/gradients vs tfjs: dense_\d\/kernel\[\d+\]/);
      }
    }
  }, 60_000);

  it('tanh differentiated as 1 − tanh z in the reference engine → exactly the tanh scenarios fail, against tfjs and against finite differences', async () => {
    const report = await run({ ...realEngines, reference: (dtype) => referenceWithWrongTanhDerivative(dtype) });
    expect(failedScenarios(report)).toEqual(names(SCENARIOS.xorTanhAdam!, SCENARIOS.gaussTanhLinearMomentum!));
    for (const scenario of [SCENARIOS.xorTanhAdam!, SCENARIOS.gaussTanhLinearMomentum!]) {
      for (const row of rowsOf(report, scenario)) {
        expect(row.forward?.passed).toBe(true); // the forward pass is right
        expect(row.gradients?.passed).toBe(false);
        expect(row.finiteDifferences?.passed).toBe(false);
        expect(row.trajectory?.passed).toBe(false);
        // The output layer's own gradients are right; the fault shows from the tanh layer down.
        const bad = row.gradients!.parameters.filter((p) => p.maxRel > row.gradients!.tolerance.rtol).map((p) => p.name);
        expect(bad).toEqual(['dense_0/kernel', 'dense_0/bias']);
      }
    }
    // The real engine is untouched afterwards.
    const after = await run(realEngines);
    expect(failedScenarios(after)).toEqual([]);
  }, 90_000);

  it('Adam without bias correction in tfjs → exactly the Adam scenarios fail, on the trajectory, with gradients still agreeing', async () => {
    const report = await run({ ...realEngines, tfjs: async (backend) => withoutAdamBiasCorrection(await createTfjsEngine({ backend })) });
    expect(failedScenarios(report)).toEqual(names(SCENARIOS.xorTanhAdam!, SCENARIOS.irisSoftmaxAdam!));
    for (const scenario of [SCENARIOS.xorTanhAdam!, SCENARIOS.irisSoftmaxAdam!]) {
      for (const row of rowsOf(report, scenario)) {
        expect(row.gradients?.passed).toBe(true);
        expect(row.finiteDifferences?.passed).toBe(true);
        expect(row.trajectory?.passed).toBe(false);
        // The very first update is already ~3× too large (1/√(1 − β₂) · (1 − β₁) ≈ 3.16).
        expect(row.trajectory!.maxWeightDrift).toBeGreaterThan(1e-2);
        expect(row.failures.some((f) => f.startsWith('trajectory'))).toBe(true);
      }
    }
  }, 60_000);
});
