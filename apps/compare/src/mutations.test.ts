import { optimizer, parseEngineId, type Engine } from '@twinprop/core';
import { engines } from '@twinprop/toolkit';
import { describe, expect, it } from 'vitest';
import { perturbOneGradientEntry, plantFault, referenceWithWrongTanhDerivative, withoutAdamBiasCorrection } from './faults.js';
import { runComparison, type ComparisonReport } from './harness.js';
import type { ComparisonRow } from './pair.js';
import { defineScenario, type Scenario } from './scenario.js';

/*
 * Each test plants one fault in one engine and checks that the harness fails exactly the scenarios
 * the fault touches — on the check that should catch it — and passes all the others.
 */

const IRIS = { name: 'iris', seed: 3, testFraction: 0.2, standardize: true } as const;
const PLAYGROUND = { noise: 10, seed: 7, testFraction: 0.25 } as const;

/** Small scenarios that together cover tanh/relu/sigmoid, every loss and every optimizer. */
const SCENARIOS = {
  xorTanhAdam: defineScenario(
    {
      dataset: { name: 'xor', testFraction: 0 },
      hidden: [[4, 'tanh']],
      output: [1, 'sigmoid'],
      loss: 'binaryCrossEntropy',
      optimizer: optimizer('adam', { learningRate: 0.05 }),
      seed: 2,
    },
    { batchSize: 4, epochs: 60 },
  ),
  circleReluSgd: defineScenario(
    {
      dataset: { name: 'circle', ...PLAYGROUND },
      hidden: [[6, 'relu']],
      output: [1, 'sigmoid'],
      loss: 'binaryCrossEntropy',
      optimizer: optimizer('sgd', { learningRate: 0.1 }),
    },
    { points: 120, batchSize: 10, epochs: 5 },
  ),
  irisSigmoidSoftmaxMomentum: defineScenario(
    {
      dataset: IRIS,
      hidden: [[5, 'sigmoid']],
      output: [3, 'softmax'],
      loss: 'softmaxCrossEntropy',
      optimizer: optimizer('momentum', { learningRate: 0.05, momentum: 0.9 }),
    },
    { batchSize: 10, epochs: 5 },
  ),
  irisSoftmaxAdam: defineScenario(
    { dataset: IRIS, hidden: [], output: [3, 'softmax'], loss: 'softmaxCrossEntropy', optimizer: optimizer('adam', { learningRate: 0.01 }) },
    { batchSize: 10, epochs: 5 },
  ),
  gaussTanhLinearMomentum: defineScenario(
    {
      dataset: { name: 'gauss', ...PLAYGROUND, noise: 20 },
      hidden: [[4, 'tanh']],
      output: [1, 'linear'],
      loss: 'meanSquaredError',
      optimizer: optimizer('momentum', { learningRate: 0.02, momentum: 0.9, nesterov: true }),
    },
    { points: 120, batchSize: 10, epochs: 5 },
  ),
} satisfies Record<string, Scenario>;
const ALL = Object.values(SCENARIOS);

const isTfjs = (id: string): boolean => parseEngineId(id).engine === 'tfjs';
const isReference = (id: string): boolean => parseEngineId(id).engine === 'reference';
const realEngines = (id: string): Promise<Engine> => engines.create(id);

async function run(createEngine: (id: string) => Promise<Engine>, engineIds?: readonly string[]): Promise<ComparisonReport> {
  // One backend keeps this quick; the fault lives in the engine wrapper, not the backend.
  return runComparison({ scenarios: ALL, createEngine, keras: false, ...(engineIds === undefined ? { backends: ['wasm'] } : { engines: engineIds }) });
}

function failedScenarios(report: ComparisonReport): string[] {
  return [...new Set(report.scenarios.filter((r) => !r.passed).map((r) => r.scenario))].sort();
}

function names(...scenarios: Scenario[]): string[] {
  return scenarios.map((s) => s.name).sort();
}

function rowsOf(report: ComparisonReport, scenario: Scenario): ComparisonRow[] {
  const rows = report.scenarios.filter((r) => r.scenario === scenario.name);
  expect(rows.length).toBeGreaterThan(0);
  return rows;
}

/** The row's finite-difference checks: one for each float64 engine in it, none otherwise. */
function fdOf(row: ComparisonRow): boolean[] {
  const float64 = [row.baseline, row.engine].filter((e) => e.dtype === 'float64').map((e) => e.id);
  expect(row.finiteDifferences.map((fd) => fd.engine)).toEqual(float64);
  return row.finiteDifferences.map((fd) => fd.passed);
}

describe('planted faults are caught, and only where they are', () => {
  it('the unmodified engines pass every scenario (the baseline the faults are measured against)', async () => {
    const report = await run(realEngines);
    expect(report.scenarios).toHaveLength(ALL.length * 2);
    expect(report.scenarios.map((r) => `${r.baseline.id} vs ${r.engine.id}`)).toEqual(ALL.flatMap(() => ['reference/float64 vs tfjs/wasm', 'reference/float32 vs tfjs/wasm']));
    expect(failedScenarios(report)).toEqual([]);
  }, 60_000);

  it('one gradient entry off by 1e-3 relative in tfjs, for softmax outputs only → exactly the softmax scenarios fail, on the gradient check', async () => {
    const report = await run(
      plantFault(isTfjs, (engine) => perturbOneGradientEntry(engine, { relative: 1e-3, applies: (spec) => spec.output.activation === 'softmax' })),
    );
    expect(failedScenarios(report)).toEqual(names(SCENARIOS.irisSigmoidSoftmaxMomentum, SCENARIOS.irisSoftmaxAdam));
    for (const scenario of [SCENARIOS.irisSigmoidSoftmaxMomentum, SCENARIOS.irisSoftmaxAdam]) {
      for (const row of rowsOf(report, scenario)) {
        expect(row.gradients?.passed).toBe(false);
        // The planted 1e-3 shows up as ~1e-3 on the output kernel, nowhere else.
        const bad = row.gradients!.parameters.filter((p) => p.maxRel > row.gradients!.tolerance.rtol).map((p) => p.name);
        expect(bad).toEqual(['dense_' + String(scenario.spec.hidden.length) + '/kernel']);
        expect(row.gradients!.maxRel).toBeGreaterThan(5e-4);
        expect(row.gradients!.maxRel).toBeLessThan(2e-3);
        // Nothing else is wrong: the fault is in lossAndGradients only.
        expect(row.forward?.passed).toBe(true);
        expect(fdOf(row).every((passed) => passed)).toBe(true);
        expect(row.trajectory?.passed).toBe(true);
        expect(row.failures).toHaveLength(1);
        expect(row.failures[0]).toMatch(new RegExp(`^gradients, ${row.baseline.id} vs tfjs/wasm: dense_\\d/kernel\\[\\d+\\]`));
      }
    }
  }, 60_000);

  it('tanh differentiated as 1 − tanh z in the reference engine → exactly the tanh scenarios fail, against tfjs and (in float64) against finite differences', async () => {
    const report = await run(plantFault(isReference, (engine) => referenceWithWrongTanhDerivative(engine.dtype)));
    expect(failedScenarios(report)).toEqual(names(SCENARIOS.xorTanhAdam, SCENARIOS.gaussTanhLinearMomentum));
    for (const scenario of [SCENARIOS.xorTanhAdam, SCENARIOS.gaussTanhLinearMomentum]) {
      for (const row of rowsOf(report, scenario)) {
        expect(row.forward?.passed).toBe(true); // the forward pass is right
        expect(row.gradients?.passed).toBe(false);
        // The float64 row checks the faulty engine against finite differences, and that fails too.
        expect(fdOf(row)).toEqual(row.baseline.dtype === 'float64' ? [false] : []);
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
    const report = await run(plantFault(isTfjs, withoutAdamBiasCorrection));
    expect(failedScenarios(report)).toEqual(names(SCENARIOS.xorTanhAdam, SCENARIOS.irisSoftmaxAdam));
    for (const scenario of [SCENARIOS.xorTanhAdam, SCENARIOS.irisSoftmaxAdam]) {
      for (const row of rowsOf(report, scenario)) {
        expect(row.gradients?.passed).toBe(true);
        expect(fdOf(row).every((passed) => passed)).toBe(true);
        expect(row.trajectory?.passed).toBe(false);
        // The very first update is already ~3× too large (1/√(1 − β₂) · (1 − β₁) ≈ 3.16).
        expect(row.trajectory!.maxWeightDrift).toBeGreaterThan(1e-2);
        expect(row.failures.some((f) => f.startsWith('trajectory'))).toBe(true);
      }
    }
  }, 60_000);

  it('with --engines, a fault in one engine fails exactly its own rows: Adam without bias correction in tfjs/cpu only', async () => {
    const report = await run(
      plantFault((id) => id === 'tfjs/cpu', withoutAdamBiasCorrection),
      ['reference/float64', 'tfjs/wasm', 'tfjs/cpu'],
    );
    expect(report.scenarios).toHaveLength(ALL.length * 2);
    const failed = report.scenarios.filter((r) => !r.passed);
    expect(failed.map((r) => r.engine.id)).toEqual(['tfjs/cpu', 'tfjs/cpu']);
    expect([...new Set(failed.map((r) => r.scenario))].sort()).toEqual(names(SCENARIOS.xorTanhAdam, SCENARIOS.irisSoftmaxAdam));
    for (const row of failed) {
      expect(row.baseline.id).toBe('reference/float64');
      expect(row.trajectory?.passed).toBe(false);
      expect(row.gradients?.passed).toBe(true);
    }
  }, 90_000);
});
