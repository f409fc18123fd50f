import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateTrainingConfig } from './engine.js';
import { ModelFileError, SpecError } from './errors.js';
import { initializeWeights } from './init.js';
import { parseModelFile, serializeModelFile, type ModelFile } from './model-file.js';
import { optimizer } from './optimizer.js';
import { Rng } from './rng.js';
import {
  describeSchedule,
  learningRateAt,
  LR_SCHEDULE_DEFINITIONS,
  LR_SCHEDULES,
  optimizerAtStep,
  validateSchedule,
  type LearningRateSchedule,
} from './schedule.js';
import { mlp } from './spec.js';

const rate = (schedule: LearningRateSchedule, eta: number, t: number): number => learningRateAt({ learningRate: eta }, schedule, t);
/** The rates of updates 0 … n − 1. */
const rates = (schedule: LearningRateSchedule, eta: number, n: number): number[] => Array.from({ length: n }, (_, t) => rate(schedule, eta, t));

function specErrorOf(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe("core's learning-rate schedules: the rate of each update, against numbers worked by hand", () => {
  it('has one entry per schedule, each with its formula', () => {
    expect(Object.keys(LR_SCHEDULE_DEFINITIONS).sort()).toEqual([...LR_SCHEDULES].sort());
    for (const kind of LR_SCHEDULES) expect(LR_SCHEDULE_DEFINITIONS[kind].formula).toMatch(/η_t = /);
  });

  it('constant (and no schedule at all) keeps η at every step', () => {
    expect(rates({ kind: 'constant' }, 0.1, 4)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(learningRateAt({ learningRate: 0.1 }, undefined, 1e6)).toBe(0.1);
  });

  it('step: η·factor^⌊t/every⌋ — updates 0…every−1 at η, the decay lands on update `every`', () => {
    // every 3, factor 0.5, η = 0.1: 0.1 0.1 0.1 | 0.05 0.05 0.05 | 0.025
    expect(rates({ kind: 'step', every: 3, factor: 0.5 }, 0.1, 7)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
    // every 1: halved at each update; factor 1 is constant.
    expect(rates({ kind: 'step', every: 1, factor: 0.5 }, 1, 4)).toEqual([1, 0.5, 0.25, 0.125]);
    expect(rates({ kind: 'step', every: 2, factor: 1 }, 0.3, 5)).toEqual([0.3, 0.3, 0.3, 0.3, 0.3]);
  });

  it('exponential: η·decayRate^(t/decaySteps), continuous between the whole periods', () => {
    const schedule: LearningRateSchedule = { kind: 'exponential', decayRate: 0.5, decaySteps: 4 };
    expect(rate(schedule, 0.1, 0)).toBe(0.1);
    expect(rate(schedule, 0.1, 4)).toBe(0.05);
    expect(rate(schedule, 0.1, 8)).toBe(0.025);
    // Half a period: 0.1·0.5^½ = 0.1/√2 = 0.0707106781186547…; a quarter: 0.1·2^(−¼) = 0.0840896415253714…
    expect(rate(schedule, 0.1, 2)).toBeCloseTo(0.0707106781186547, 15);
    expect(rate(schedule, 0.1, 1)).toBeCloseTo(0.0840896415253714, 15);
  });

  it('cosine without warm-up: η at t = 0, the midpoint at D/2, η_min from t = D on', () => {
    const toZero: LearningRateSchedule = { kind: 'cosine', decaySteps: 10 };
    expect(rate(toZero, 0.1, 0)).toBe(0.1);
    expect(rate(toZero, 0.1, 5)).toBeCloseTo(0.05, 15); // ½·0.1·(1 + cos(π/2))
    expect(rate(toZero, 0.1, 10)).toBe(0); // ½·0.1·(1 + cos π) = 0 exactly
    expect(rate(toZero, 0.1, 25)).toBe(0);
    // t = 2: ½·0.1·(1 + cos(π/5)) = 0.05·(1 + 0.8090169943749474) = 0.0904508497187473…
    expect(rate(toZero, 0.1, 2)).toBeCloseTo(0.0904508497187474, 15);
    const toMin: LearningRateSchedule = { kind: 'cosine', decaySteps: 10, minLearningRate: 0.01 };
    expect(rate(toMin, 0.1, 5)).toBeCloseTo(0.055, 15); // 0.01 + ½·0.09·1
    expect(rate(toMin, 0.1, 10)).toBe(0.01);
    expect(rate(toMin, 0.1, 11)).toBe(0.01);
    expect(rate(toMin, 0.1, 1000)).toBe(0.01);
  });

  it('cosine with warm-up: η·(t + 1)/W for the first W updates, then the decay from η shifted by W', () => {
    const schedule: LearningRateSchedule = { kind: 'cosine', decaySteps: 10, warmupSteps: 4 };
    // 0.025 0.05 0.075 0.1 | 0.1 (t' = 0) … 0.05 at t' = 5 (t = 9) … 0 at t' = 10 (t = 14)
    const first = rates(schedule, 0.1, 5);
    expect([first[0], first[1], first[3], first[4]]).toEqual([0.025, 0.05, 0.1, 0.1]);
    expect(first[2]).toBeCloseTo(0.075, 16);
    expect(rate(schedule, 0.1, 9)).toBeCloseTo(0.05, 15);
    expect(rate(schedule, 0.1, 14)).toBe(0);
    expect(rate(schedule, 0.1, 13)).toBeGreaterThan(0);
    // W = 1: the single warm-up update already runs at η.
    const single = rates({ kind: 'cosine', decaySteps: 2, warmupSteps: 1 }, 0.4, 4);
    expect([single[0], single[1], single[3]]).toEqual([0.4, 0.4, 0]);
    expect(single[2]).toBeCloseTo(0.2, 15); // ½·0.4·(1 + cos(π/2))
  });

  it('optimizerAtStep: the config itself without a schedule or with a constant one, else a copy at the scheduled rate', () => {
    const adam = optimizer('adam', { learningRate: 0.01 });
    expect(optimizerAtStep(adam, undefined, 5)).toBe(adam);
    expect(optimizerAtStep(adam, { kind: 'constant' }, 5)).toBe(adam);
    const stepped = optimizerAtStep(adam, { kind: 'step', every: 2, factor: 0.1 }, 2);
    expect(stepped).toEqual({ ...adam, learningRate: 0.001 });
    expect(adam.learningRate).toBe(0.01);
  });

  it('describes each schedule in a few words', () => {
    expect(describeSchedule({ kind: 'constant' })).toBe('constant');
    expect(describeSchedule({ kind: 'step', every: 30, factor: 0.5 })).toBe('step: ×0.5 every 30 steps');
    expect(describeSchedule({ kind: 'exponential', decayRate: 0.9, decaySteps: 100 })).toBe('exponential: ×0.9 per 100 steps');
    expect(describeSchedule({ kind: 'cosine', decaySteps: 90, warmupSteps: 10, minLearningRate: 1e-4 })).toBe('cosine: to 0.0001 over 90 steps after 10 warm-up steps');
  });
});

describe('validateSchedule: a schedule that could give a negative, growing or non-finite rate is refused, naming the field', () => {
  const cases: Array<[unknown, string, RegExp]> = [
    ['cosine', 'schedule', /must be an object/],
    [{ kind: 'linear' }, 'schedule.kind', /unknown learning-rate schedule "linear"; expected one of constant, step, exponential, cosine/],
    [{ kind: 'constant', every: 3 }, 'schedule.every', /unknown field for the constant schedule \(it has no parameters\)/],
    [{ kind: 'step', factor: 0.5 }, 'schedule.every', /missing; the step schedule needs it/],
    [{ kind: 'step', every: 0, factor: 0.5 }, 'schedule.every', /whole number of updates ≥ 1 \(got 0\)/],
    [{ kind: 'step', every: 2.5, factor: 0.5 }, 'schedule.every', /whole number of updates ≥ 1 \(got 2.5\)/],
    [{ kind: 'step', every: 3, factor: 0 }, 'schedule.factor', /in \(0, 1\]/],
    [{ kind: 'step', every: 3, factor: -0.5 }, 'schedule.factor', /negative/],
    [{ kind: 'step', every: 3, factor: 1.5 }, 'schedule.factor', /grow it without bound/],
    [{ kind: 'step', every: 3, factor: Number.NaN }, 'schedule.factor', /finite number \(got NaN\)/],
    [{ kind: 'step', every: 3, factor: '0.5' }, 'schedule.factor', /finite number \(got "0.5"\)/],
    [{ kind: 'exponential', decayRate: 0.5, decaySteps: Number.POSITIVE_INFINITY }, 'schedule.decaySteps', /whole number of updates \(got Infinity\)/],
    [{ kind: 'exponential', decayRate: 2, decaySteps: 10 }, 'schedule.decayRate', /in \(0, 1\]/],
    [{ kind: 'cosine', decaySteps: 10, minLearningRate: -1e-4 }, 'schedule.minLearningRate', /≥ 0/],
    [{ kind: 'cosine', decaySteps: 10, minLearningRate: 0.5 }, 'schedule.minLearningRate', /at most the learning rate η = 0.1/],
    [{ kind: 'cosine', decaySteps: 10, warmupSteps: -1 }, 'schedule.warmupSteps', /≥ 0 \(got -1\)/],
    [{ kind: 'cosine', decaySteps: 10, warmup: 2 }, 'schedule.warmup', /unknown field for the cosine schedule \(it has decaySteps, minLearningRate, warmupSteps\)/],
  ];
  it.each(cases)('%j → %s', (schedule, field, message) => {
    const error = specErrorOf(() => validateSchedule(schedule, 0.1));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('accepts the edges: factor 1, a minimum equal to η, no warm-up', () => {
    expect(() => validateSchedule({ kind: 'step', every: 1, factor: 1 }, 0.1)).not.toThrow();
    expect(() => validateSchedule({ kind: 'cosine', decaySteps: 1, minLearningRate: 0.1, warmupSteps: 0 }, 0.1)).not.toThrow();
  });

  it('validateTrainingConfig checks training.schedule against the optimizer’s rate', () => {
    const spec = mlp(2, [], [1, 'sigmoid']);
    const training = { loss: 'binaryCrossEntropy', optimizer: optimizer('sgd', { learningRate: 0.01 }) } as const;
    expect(validateTrainingConfig(spec, { ...training, schedule: { kind: 'cosine', decaySteps: 5, minLearningRate: 0.01 } }).schedule).toBeDefined();
    const error = specErrorOf(() => validateTrainingConfig(spec, { ...training, schedule: { kind: 'cosine', decaySteps: 5, minLearningRate: 0.02 } }));
    expect(error.field).toBe('training.schedule.minLearningRate');
  });

  it('learningRateAt refuses a rate that is negative or not finite (a schedule that skipped validation)', () => {
    expect(() => learningRateAt({ learningRate: 0.1 }, { kind: 'step', every: 1, factor: -1 }, 1)).toThrow(/-0.1 at step 1/);
    expect(() => learningRateAt({ learningRate: 0.1 }, { kind: 'exponential', decayRate: 10, decaySteps: 1 }, 400)).toThrow(/Infinity at step 400/);
  });
});

/** Any valid schedule, with parameters over their whole allowed ranges, and a base rate. */
const arbitraryScheduleAndRate: fc.Arbitrary<{ schedule: LearningRateSchedule; eta: number }> = fc
  .record({
    eta: fc.double({ min: 1e-8, max: 10, noNaN: true }),
    kind: fc.constantFrom(...LR_SCHEDULES),
    steps: fc.integer({ min: 1, max: 10_000 }),
    warmup: fc.integer({ min: 0, max: 1000 }),
    // Factors within 1e-9 of 1 are left out: there one step's change is below what Math.pow resolves.
    factor: fc.oneof(fc.double({ min: Number.MIN_VALUE, max: 1 - 1e-9, noNaN: true }), fc.constant(1)),
    minFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ eta, kind, steps, warmup, factor, minFraction }) => {
    const schedules: { [K in LearningRateSchedule['kind']]: LearningRateSchedule } = {
      constant: { kind: 'constant' },
      step: { kind: 'step', every: steps, factor },
      exponential: { kind: 'exponential', decayRate: factor, decaySteps: steps },
      cosine: { kind: 'cosine', decaySteps: steps, warmupSteps: warmup, minLearningRate: Math.min(eta, eta * minFraction) },
    };
    return { schedule: validateSchedule(schedules[kind], eta), eta };
  });

describe('properties of every valid schedule (fast-check)', () => {
  it('the rate is finite and in [0, η] at every step', () => {
    fc.assert(
      fc.property(arbitraryScheduleAndRate, fc.integer({ min: 0, max: 1e9 }), ({ schedule, eta }, t) => {
        const r = rate(schedule, eta, t);
        return Number.isFinite(r) && r >= 0 && r <= eta;
      }),
    );
  });

  it('after the warm-up the rate never rises from one update to the next; during it, it rises to η', () => {
    fc.assert(
      fc.property(arbitraryScheduleAndRate, fc.integer({ min: 0, max: 1e7 }), ({ schedule, eta }, t) => {
        const warmup = schedule.kind === 'cosine' ? (schedule.warmupSteps ?? 0) : 0;
        if (t + 1 < warmup) return rate(schedule, eta, t + 1) > rate(schedule, eta, t);
        if (t + 1 === warmup) return rate(schedule, eta, t) === eta;
        return rate(schedule, eta, t + 1) <= rate(schedule, eta, t);
      }),
    );
  });

  it('the first update after the warm-up runs at η (no schedule starts below its base rate)', () => {
    fc.assert(
      fc.property(arbitraryScheduleAndRate, ({ schedule, eta }) => {
        const warmup = schedule.kind === 'cosine' ? (schedule.warmupSteps ?? 0) : 0;
        return rate(schedule, eta, warmup) === eta;
      }),
    );
  });
});

describe('the model file keeps training.schedule', () => {
  const spec = mlp(2, [[3, 'tanh']], [1, 'sigmoid']);
  const file = (schedule: unknown): ModelFile => ({
    spec,
    training: { loss: 'binaryCrossEntropy', optimizer: optimizer('sgd', { learningRate: 0.1 }), schedule: schedule as LearningRateSchedule },
    weights: initializeWeights(spec, new Rng(1)),
    optimizerState: { kind: 'sgd', step: 7, slots: {} },
    metadata: {},
  });

  it('round-trips every schedule, and a file without one reads back without one', () => {
    const schedules: LearningRateSchedule[] = [
      { kind: 'constant' },
      { kind: 'step', every: 30, factor: 0.5 },
      { kind: 'exponential', decayRate: 0.96, decaySteps: 100 },
      { kind: 'cosine', decaySteps: 90, warmupSteps: 10, minLearningRate: 1e-4 },
    ];
    for (const schedule of schedules) expect(parseModelFile(serializeModelFile(file(schedule))).training.schedule).toEqual(schedule);
    const { schedule: _none, ...training } = file(undefined).training;
    expect(parseModelFile(serializeModelFile({ ...file(undefined), training })).training).not.toHaveProperty('schedule');
  });

  it('refuses a bad schedule with ModelFileError naming the field', () => {
    const text = serializeModelFile(file({ kind: 'step', every: 30, factor: 0.5 })).replace('"factor":0.5', '"factor":-0.5');
    expect(() => parseModelFile(text, 'm.json')).toThrow(ModelFileError);
    expect(() => parseModelFile(text, 'm.json')).toThrow(/training\.schedule\.factor/);
    const above = serializeModelFile(file({ kind: 'cosine', decaySteps: 5 })).replace('"decaySteps":5', '"decaySteps":5,"minLearningRate":0.5');
    expect(() => parseModelFile(above, 'm.json')).toThrow(/training\.schedule\.minLearningRate.*at most the learning rate η = 0\.1/);
  });
});
