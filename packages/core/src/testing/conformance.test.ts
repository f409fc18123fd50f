import { describe, expect, it } from 'vitest';
import { ACTIVATION_DEFINITIONS, ACTIVATIONS, HIDDEN_ACTIVATIONS } from '../activations.js';
import type { Engine } from '../engine.js';
import { SpecError } from '../errors.js';
import { LOSSES } from '../loss.js';
import { OPTIMIZERS } from '../optimizer.js';
import { LR_SCHEDULES } from '../schedule.js';
import { CONFORMANCE_AREAS, conformanceTestNames, runConformanceSuite } from './conformance.js';

const names = conformanceTestNames();
const inArea = (title: string): string[] => CONFORMANCE_AREAS.find((a) => a.title === title)?.tests.map((t) => t.name) ?? [];
const noEngine = (): Engine => {
  throw new Error('no engine is created when the suite refuses to set up');
};

describe('the conformance suite', () => {
  it('names every test uniquely', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it("derives its activation, loss and optimizer cases from core's tables", () => {
    const forward = inArea('forward pass and activations');
    const gradients = inArea('gradients');
    for (const activation of ACTIVATIONS) {
      expect(forward.filter((n) => n.startsWith(`${activation}: `)), `forward test of ${activation}`).toHaveLength(1);
      expect(gradients.filter((n) => n.startsWith(`${activation}: `) || n.startsWith(`${activation} with `)), `gradient test of ${activation}`).toHaveLength(1);
      if (!ACTIVATION_DEFINITIONS[activation].trainable) {
        expect(gradients).toContain(`${activation}: gradient training is refused with UnsupportedFeatureError naming it (trainable: false in core)`);
      }
    }
    const finiteDifferences = gradients.filter((n) => n.startsWith('gradients match central finite differences'));
    for (const activation of HIDDEN_ACTIVATIONS) {
      expect(finiteDifferences.some((n) => n.includes(`: ${activation},`) || n.includes(`, ${activation} →`)), `a finite-difference case with a hidden ${activation} layer`).toBe(true);
    }
    for (const loss of LOSSES) {
      expect(finiteDifferences.some((n) => n.endsWith(`, ${loss}`)), `a finite-difference case of ${loss}`).toBe(true);
      expect(inArea('losses').some((n) => n.startsWith(`${loss} on `)), `a value test of ${loss}`).toBe(true);
      expect(inArea('validation: specs, shapes, loss and output, data width').some((n) => n.startsWith(`${loss}: accepted`)), `an output-fit test of ${loss}`).toBe(true);
    }
    const optimizers = inArea('optimizers and their state');
    for (const kind of OPTIMIZERS) {
      expect(optimizers).toContain(`${kind} (defaults): three steps follow core's update(), slots and step count included`);
    }
    expect(optimizers).toContain("momentum (nesterov: true): three steps follow core's update(), slots and step count included");
    const schedules = inArea('learning-rate schedules');
    for (const kind of LR_SCHEDULES) {
      for (const optimizer of OPTIMIZERS) expect(schedules.some((n) => n.startsWith(`${kind} schedule with ${optimizer}: each of `)), `${kind} with ${optimizer}`).toBe(true);
      expect(schedules.some((n) => n.startsWith(`${kind} schedule with sgd: a model restored mid-schedule`)), `resuming ${kind}`).toBe(true);
    }
  });

  it('refuses a known gap that names no test, listing the valid names', () => {
    const run = (): void => runConformanceSuite({ name: 'x', dtypes: ['float64'], createEngine: noEngine, knownGaps: { 'learns XOR quickly': 'slow' } });
    expect(run).toThrow(SpecError);
    expect(run).toThrow(/knownGaps\["learns XOR quickly"\]: names no conformance test/);
    expect(run).toThrow(/learns XOR: 2-4-1 tanh\/sigmoid reaches 100% accuracy/);
  });

  it('refuses a known gap without a reason', () => {
    const run = (): void => runConformanceSuite({ name: 'x', dtypes: ['float64'], createEngine: noEngine, knownGaps: { [names[0]!]: ' ' } });
    expect(run).toThrow(/needs a reason/);
  });

  it('accepts a known gap that names a test', () => {
    // No dtypes: nothing is registered, only the gaps are checked.
    expect(() => runConformanceSuite({ name: 'x', dtypes: [], createEngine: noEngine, knownGaps: { [names[0]!]: 'a reason' } })).not.toThrow();
  });
});
