import { SpecError } from './errors.js';
import type { OptimizerConfig } from './optimizer.js';

/**
 * Learning-rate schedules. η is the optimizer's `learningRate` (the base rate) and `t` the 0-based
 * index of the update: the optimizer's count of completed updates before it (`OptimizerState.step`),
 * so the first update is t = 0. A schedule is counted in updates, never in epochs, because that is
 * what the optimizer state stores and resumes: a model restored mid-schedule continues it exactly.
 *
 * - `constant` — `η_t = η`. The same as no schedule.
 * - `step` — `η_t = η · factor^⌊t / every⌋`: the rate is multiplied by `factor` after every
 *   `every` updates (updates 0 … every−1 run at η).
 * - `exponential` — `η_t = η · decayRate^(t / decaySteps)`, continuous (not a staircase): the rate
 *   falls by the factor `decayRate` every `decaySteps` updates, smoothly in between.
 * - `cosine` — a linear warm-up over the first W = `warmupSteps` updates (default 0),
 *   `η_t = η · ((t + 1) / W)` for t < W, so the first update already moves (at η/W) and update
 *   W − 1 runs at η; then, with t' = t − W, cosine decay over D = `decaySteps` updates to
 *   η_min = `minLearningRate` (default 0): `η_t = η_min + ½(η − η_min)(1 + cos(π·min(t', D)/D))`.
 *   The decay starts at η (t' = 0, so η is used twice, at the end of the warm-up and the start of
 *   the decay), reaches η_min at t' = D and stays there. In float64 it is evaluated as
 *   `max(η_min, η − ½(η − η_min)(1 − cos(π·t'/D)))` for t' < D and `η_min` from t' = D on — the
 *   same number in exact arithmetic, written so that t' = 0 gives η exactly and no rounding
 *   leaves [η_min, η].
 *
 * Each schedule's rate lies in [0, η] for every t, and falls monotonically after the warm-up:
 * {@link validateSchedule} refuses parameters that would let it be negative, grow, or stop being
 * finite (a factor outside (0, 1], a minimum above η).
 */
export const LR_SCHEDULES = ['constant', 'step', 'exponential', 'cosine'] as const;
export type LrScheduleKind = (typeof LR_SCHEDULES)[number];

export interface ConstantSchedule {
  readonly kind: 'constant';
}
export interface StepSchedule {
  readonly kind: 'step';
  /** Updates between two decays (≥ 1). */
  readonly every: number;
  /** What the rate is multiplied by at each decay, in (0, 1]. */
  readonly factor: number;
}
export interface ExponentialSchedule {
  readonly kind: 'exponential';
  /** The factor the rate falls by over `decaySteps` updates, in (0, 1]. */
  readonly decayRate: number;
  /** Updates over which the rate falls by `decayRate` (≥ 1). */
  readonly decaySteps: number;
}
export interface CosineSchedule {
  readonly kind: 'cosine';
  /** D: updates from the end of the warm-up to η_min (≥ 1). */
  readonly decaySteps: number;
  /** η_min in [0, η], default 0. */
  readonly minLearningRate?: number;
  /** W: updates of linear warm-up before the decay (≥ 0), default 0. */
  readonly warmupSteps?: number;
}
export type LearningRateSchedule = ConstantSchedule | StepSchedule | ExponentialSchedule | CosineSchedule;

/**
 * The rule a schedule parameter must follow: `steps`, a whole number of updates ≥ 1; `count`, a
 * whole number of updates ≥ 0; `factor`, a number in (0, 1]; `rate`, a learning rate in [0, η].
 */
export type ScheduleParameterRule = 'steps' | 'count' | 'factor' | 'rate';

export interface ScheduleParameter {
  readonly rule: ScheduleParameterRule;
  /** Whether the field may be left out (it then takes the default the formula names). */
  readonly optional: boolean;
}

/**
 * One schedule as core defines it. {@link LR_SCHEDULE_DEFINITIONS} is the table validation, the
 * engines, the conformance suite and the apps derive from.
 */
export interface ScheduleDefinition<S extends LearningRateSchedule = LearningRateSchedule> {
  /** The rate of update t, in words. */
  readonly formula: string;
  /** Every field besides `kind`, with its rule. */
  readonly parameters: { readonly [K in Exclude<keyof S, 'kind'>]-?: ScheduleParameter };
  /**
   * The learning rate of update t (0-based: the optimizer's completed steps before the update)
   * for base rate η, in float64, exactly as {@link formula} writes it. Both engines use this very
   * number (the float32 ones round it once, as tfjs does with any JS number it is given).
   */
  rate(schedule: S, learningRate: number, t: number): number;
  /** A short description for people, e.g. `×0.5 every 30 steps`. */
  describe(schedule: S): string;
}

export const LR_SCHEDULE_DEFINITIONS: { readonly [K in LrScheduleKind]: ScheduleDefinition<Extract<LearningRateSchedule, { kind: K }>> } = {
  constant: {
    formula: 'η_t = η',
    parameters: {},
    rate: (_schedule, learningRate) => learningRate,
    describe: () => 'constant',
  },
  step: {
    formula: 'η_t = η · factor^⌊t / every⌋',
    parameters: { every: { rule: 'steps', optional: false }, factor: { rule: 'factor', optional: false } },
    rate: (schedule, learningRate, t) => learningRate * schedule.factor ** Math.floor(t / schedule.every),
    describe: (schedule) => `step: ×${schedule.factor} every ${schedule.every} steps`,
  },
  exponential: {
    formula: 'η_t = η · decayRate^(t / decaySteps) (continuous)',
    parameters: { decayRate: { rule: 'factor', optional: false }, decaySteps: { rule: 'steps', optional: false } },
    rate: (schedule, learningRate, t) => learningRate * schedule.decayRate ** (t / schedule.decaySteps),
    describe: (schedule) => `exponential: ×${schedule.decayRate} per ${schedule.decaySteps} steps`,
  },
  cosine: {
    formula: "η_t = η·(t + 1)/W for t < W (warm-up); then with t' = t − W: η_min + ½(η − η_min)(1 + cos(π·min(t', D)/D))",
    // Evaluated as max(η_min, η − ½(η − η_min)(1 − cos(π·t'/D))) for t' < D and η_min after: exactly
    // η at t' = 0 and never outside [η_min, η] after rounding (see the header).
    parameters: {
      decaySteps: { rule: 'steps', optional: false },
      minLearningRate: { rule: 'rate', optional: true },
      warmupSteps: { rule: 'count', optional: true },
    },
    rate: (schedule, learningRate, t) => {
      const warmup = schedule.warmupSteps ?? 0;
      if (t < warmup) return learningRate * ((t + 1) / warmup);
      const min = schedule.minLearningRate ?? 0;
      const decayed = t - warmup;
      if (decayed >= schedule.decaySteps) return min;
      return Math.max(min, learningRate - 0.5 * (learningRate - min) * (1 - Math.cos((Math.PI * decayed) / schedule.decaySteps)));
    },
    describe: (schedule) => {
      const warmup = schedule.warmupSteps ?? 0;
      const min = schedule.minLearningRate ?? 0;
      return `cosine: to ${min} over ${schedule.decaySteps} steps${warmup > 0 ? ` after ${warmup} warm-up steps` : ''}`;
    },
  },
};

/** Any schedule's definition, for code that handles every schedule alike. */
export interface AnyScheduleDefinition {
  readonly formula: string;
  readonly parameters: Readonly<Record<string, ScheduleParameter>>;
  rate(schedule: LearningRateSchedule, learningRate: number, t: number): number;
  describe(schedule: LearningRateSchedule): string;
}

/** The definition of `kind`, typed for any schedule. */
export function scheduleDefinition(kind: LrScheduleKind): AnyScheduleDefinition {
  // Each entry takes its own kind's schedule; indexing by the union kind needs the widening.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  return LR_SCHEDULE_DEFINITIONS[kind] as unknown as AnyScheduleDefinition;
}

function checkParameter(value: unknown, field: string, rule: ScheduleParameterRule, learningRate: number): void {
  const fail = (expected: string): never => {
    throw new SpecError(field, `must be ${expected} (got ${typeof value === 'number' ? String(value) : JSON.stringify(value)})`);
  };
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(rule === 'steps' || rule === 'count' ? 'a whole number of updates' : 'a finite number');
  }
  const n = value as number;
  switch (rule) {
    case 'steps':
      if (!Number.isSafeInteger(n) || n < 1) fail('a whole number of updates ≥ 1');
      return;
    case 'count':
      if (!Number.isSafeInteger(n) || n < 0) fail('a whole number of updates ≥ 0');
      return;
    case 'factor':
      if (!(n > 0 && n <= 1)) fail('in (0, 1]: a factor ≤ 0 would make the rate 0 or negative, one above 1 would grow it without bound');
      return;
    case 'rate':
      if (n < 0) fail('≥ 0: a learning rate cannot be negative');
      if (n > learningRate) fail(`at most the learning rate η = ${learningRate} the schedule decays from`);
      return;
  }
}

/**
 * Checks a schedule (e.g. from a model file) for base rate `learningRate`, throwing
 * {@link SpecError} naming the field: an unknown kind or field, a missing parameter, or one that
 * breaks its rule — so that every accepted schedule gives a finite rate in [0, η] at every step.
 */
export function validateSchedule(value: unknown, learningRate: number, field = 'schedule'): LearningRateSchedule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SpecError(field, 'must be an object');
  const schedule = value as Record<string, unknown>;
  const kind = schedule.kind;
  if (typeof kind !== 'string' || !(LR_SCHEDULES as readonly string[]).includes(kind)) {
    throw new SpecError(`${field}.kind`, `unknown learning-rate schedule ${JSON.stringify(kind)}; expected one of ${LR_SCHEDULES.join(', ')}`);
  }
  const parameters = scheduleDefinition(kind as LrScheduleKind).parameters;
  for (const key of Object.keys(schedule)) {
    if (key !== 'kind' && !(key in parameters)) {
      const known = Object.keys(parameters);
      throw new SpecError(`${field}.${key}`, `unknown field for the ${kind} schedule${known.length === 0 ? ' (it has no parameters)' : ` (it has ${known.join(', ')})`}`);
    }
  }
  for (const [name, parameter] of Object.entries(parameters)) {
    const given = schedule[name];
    if (given === undefined) {
      if (parameter.optional) continue;
      throw new SpecError(`${field}.${name}`, `missing; the ${kind} schedule needs it`);
    }
    checkParameter(given, `${field}.${name}`, parameter.rule, learningRate);
  }
  return schedule as unknown as LearningRateSchedule;
}

/**
 * The learning rate of the update after `step` completed updates (t = step), for an optimizer and
 * an optional schedule: η itself without one. Throws if the schedule gives a negative or
 * non-finite rate (validation rules that out; this guards against a schedule that skipped it).
 */
export function learningRateAt(optimizer: Pick<OptimizerConfig, 'learningRate'>, schedule: LearningRateSchedule | undefined, step: number): number {
  if (schedule === undefined) return optimizer.learningRate;
  const rate = scheduleDefinition(schedule.kind).rate(schedule, optimizer.learningRate, step);
  if (!(rate >= 0 && Number.isFinite(rate))) {
    throw new SpecError('training.schedule', `gives the learning rate ${rate} at step ${step}; a rate must be finite and ≥ 0`);
  }
  return rate;
}

/**
 * The optimizer config an engine applies at the update after `step` completed updates: `optimizer`
 * itself when there is no schedule or it is constant (no copy), else a copy whose `learningRate`
 * is {@link learningRateAt}.
 */
export function optimizerAtStep<C extends OptimizerConfig>(optimizer: C, schedule: LearningRateSchedule | undefined, step: number): C {
  if (schedule === undefined || schedule.kind === 'constant') return optimizer;
  return { ...optimizer, learningRate: learningRateAt(optimizer, schedule, step) };
}

/** `step: ×0.5 every 30 steps`, `cosine: to 0 over 100 steps after 10 warm-up steps`, … */
export function describeSchedule(schedule: LearningRateSchedule): string {
  return scheduleDefinition(schedule.kind).describe(schedule);
}
