import type { Model } from './engine.js';
import { SpecError } from './errors.js';
import type { EpochLog, FitOptions } from './fit.js';
import type { OptimizerState } from './optimizer.js';
import type { Weights } from './weights.js';

/**
 * Early stopping: watch a validation metric after every epoch, remember the best epoch (its weights
 * and optimizer state), and stop when `patience` epochs in a row bring no improvement — then put the
 * best epoch's weights and optimizer state back, so the model is exactly the one training had at the
 * end of that epoch. The state is plain data ({@link EarlyStoppingState}): a checkpoint that keeps
 * it resumes the patience window bit for bit (`fit`'s `initialEarlyStopping`).
 *
 * Keras's rule: with `minDelta` δ, a value improves on the best `b` when it is below `b − δ`
 * (metrics to minimize) or above `b + δ` (metrics to maximize); the first finite value always does;
 * NaN and ±Infinity never do. Training stops after the epoch at which `epochsSinceBest` reaches
 * `patience`, i.e. at epoch `bestEpoch + patience`.
 */

/** Whether a metric is better small (losses, errors) or large (accuracy). */
export type MonitorDirection = 'min' | 'max';

/** What early stopping can watch: a validation metric of the epoch log. */
export interface MonitorDefinition {
  readonly direction: MonitorDirection;
  /** The tasks that report it: accuracy for classification, MSE for regression, the loss for every task. */
  readonly tasks: readonly ('binary' | 'multiclass' | 'regression')[];
  /** The epoch log's value, `undefined` when the log lacks it. */
  read(log: EpochLog): number | undefined;
}

export const EARLY_STOPPING_MONITORS = ['validationLoss', 'validationAccuracy', 'validationMse'] as const;
export type EarlyStoppingMonitor = (typeof EARLY_STOPPING_MONITORS)[number];

/** The table everything about a monitor derives from: its direction and the tasks that have it. */
export const MONITOR_DEFINITIONS: { readonly [M in EarlyStoppingMonitor]: MonitorDefinition } = {
  validationLoss: { direction: 'min', tasks: ['binary', 'multiclass', 'regression'], read: (log) => log.validationLoss },
  validationAccuracy: { direction: 'max', tasks: ['binary', 'multiclass'], read: (log) => log.validationAccuracy },
  validationMse: { direction: 'min', tasks: ['regression'], read: (log) => log.validationMse },
};

export interface EarlyStoppingOptions {
  /** Epochs without improvement after which training stops: a whole number ≥ 1. */
  readonly patience: number;
  /** The metric to watch (default `validationLoss`); its direction comes from {@link MONITOR_DEFINITIONS}. */
  readonly monitor?: EarlyStoppingMonitor;
  /** How much a value must beat the best by to count as an improvement (default 0; ≥ 0). */
  readonly minDelta?: number;
  /**
   * Put the best epoch's weights and optimizer state back when early stopping ends training
   * (default true). Training that reaches `epochs` keeps its last weights either way (as Keras).
   */
  readonly restoreBest?: boolean;
}

/** The best epoch's weights and optimizer state, copied when it ended. */
export interface EarlyStoppingSnapshot {
  readonly weights: Weights;
  readonly optimizerState: OptimizerState;
}

/** Where early stopping stands after an epoch; plain data, kept in checkpoints to resume the patience window. */
export interface EarlyStoppingState {
  readonly monitor: EarlyStoppingMonitor;
  /** The best epoch so far (1-based); 0 while no epoch has had a finite value. */
  readonly bestEpoch: number;
  /** The monitored value at `bestEpoch` (absent while `bestEpoch` is 0). */
  readonly bestValue?: number;
  /** Epochs completed since `bestEpoch` (since the start while there is none). */
  readonly epochsSinceBest: number;
  /** The weights and optimizer state at the end of `bestEpoch` (absent without `restoreBest`, or while `bestEpoch` is 0). */
  readonly best?: EarlyStoppingSnapshot;
}

/** Options with their defaults filled in. */
export interface ResolvedEarlyStopping {
  readonly patience: number;
  readonly monitor: EarlyStoppingMonitor;
  readonly minDelta: number;
  readonly restoreBest: boolean;
}

/**
 * Checks early-stopping options for a run of `task`, with or without a validation set; throws
 * {@link SpecError} naming the field (`earlyStopping.patience`, …) and saying what to do.
 */
export function resolveEarlyStopping(
  options: EarlyStoppingOptions,
  task: 'binary' | 'multiclass' | 'regression',
  hasValidation: boolean,
): ResolvedEarlyStopping {
  const { patience } = options;
  if (typeof patience !== 'number' || !Number.isInteger(patience) || patience < 1) {
    throw new SpecError('earlyStopping.patience', `must be a whole number ≥ 1: the epochs without improvement before stopping (got ${String(patience)})`);
  }
  const monitor = options.monitor ?? 'validationLoss';
  if (!(EARLY_STOPPING_MONITORS as readonly string[]).includes(monitor)) {
    throw new SpecError('earlyStopping.monitor', `unknown metric ${JSON.stringify(monitor)}; expected one of ${EARLY_STOPPING_MONITORS.join(', ')}`);
  }
  const definition = MONITOR_DEFINITIONS[monitor];
  if (!definition.tasks.includes(task)) {
    const fitting = EARLY_STOPPING_MONITORS.filter((m) => MONITOR_DEFINITIONS[m].tasks.includes(task));
    throw new SpecError('earlyStopping.monitor', `a ${task} task reports no ${monitor}; monitor one of ${fitting.join(', ')}`);
  }
  const minDelta = options.minDelta ?? 0;
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) {
    throw new SpecError('earlyStopping.minDelta', `must be a finite number ≥ 0 (got ${String(minDelta)})`);
  }
  const restoreBest = options.restoreBest ?? true;
  if (typeof restoreBest !== 'boolean') throw new SpecError('earlyStopping.restoreBest', 'must be true or false');
  if (!hasValidation) {
    throw new SpecError('earlyStopping', `watches ${monitor}, which needs a validation set: pass fit's \`validation\` (rows held out from training)`);
  }
  return { patience, monitor, minDelta, restoreBest };
}

/** Whether `value` improves on `best` by more than `minDelta` in `direction` (the first finite value always does). */
export function isImprovement(value: number, best: number | undefined, direction: MonitorDirection, minDelta: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === undefined) return true;
  return direction === 'min' ? value < best - minDelta : value > best + minDelta;
}

/** The model's weights and optimizer state now; both getters return snapshots (the Model contract, checked by the conformance suite). */
function snapshotOf(model: Model): EarlyStoppingSnapshot {
  return { weights: model.getWeights(), optimizerState: model.getOptimizerState() };
}

/** Checks that a state passed back in (a checkpoint's) fits these options; SpecError naming the field. */
function checkInitialState(state: EarlyStoppingState, options: ResolvedEarlyStopping): void {
  const field = 'initialEarlyStopping';
  if (state.monitor !== options.monitor) throw new SpecError(`${field}.monitor`, `is ${state.monitor}, but early stopping watches ${options.monitor}`);
  if (!Number.isInteger(state.bestEpoch) || state.bestEpoch < 0) throw new SpecError(`${field}.bestEpoch`, 'must be a whole number ≥ 0');
  if (!Number.isInteger(state.epochsSinceBest) || state.epochsSinceBest < 0) throw new SpecError(`${field}.epochsSinceBest`, 'must be a whole number ≥ 0');
  if ((state.bestEpoch === 0) !== (state.bestValue === undefined)) {
    throw new SpecError(`${field}.bestValue`, state.bestEpoch === 0 ? 'must be absent while bestEpoch is 0' : `is missing for best epoch ${state.bestEpoch}`);
  }
  if (options.restoreBest && state.bestEpoch > 0 && state.best === undefined) {
    throw new SpecError(`${field}.best`, `is missing: restoring the best epoch needs epoch ${state.bestEpoch}'s weights and optimizer state`);
  }
}

/**
 * The early-stopping bookkeeping `fit` runs after every epoch: {@link observe} updates the best
 * (copying the model's weights and optimizer state when it improves), {@link exhausted} says
 * whether patience has run out, {@link restore} puts the best epoch back.
 */
export class EarlyStopping {
  private current: EarlyStoppingState;

  constructor(
    readonly options: ResolvedEarlyStopping,
    initial?: EarlyStoppingState,
  ) {
    if (initial !== undefined) checkInitialState(initial, options);
    this.current = initial ?? { monitor: options.monitor, bestEpoch: 0, epochsSinceBest: 0 };
  }

  /** The state after the last epoch observed (or the one passed in). Its snapshot is a copy that later steps leave alone. */
  get state(): EarlyStoppingState {
    return this.current;
  }

  /** True once `patience` epochs in a row have not improved. */
  get exhausted(): boolean {
    return this.current.epochsSinceBest >= this.options.patience;
  }

  /** Records the end of `log.epoch`; returns whether it was the best so far. */
  observe(log: EpochLog, model: Model): boolean {
    const { monitor, minDelta, restoreBest } = this.options;
    const definition = MONITOR_DEFINITIONS[monitor];
    const value = definition.read(log) ?? Number.NaN;
    if (!isImprovement(value, this.current.bestValue, definition.direction, minDelta)) {
      this.current = { ...this.current, epochsSinceBest: this.current.epochsSinceBest + 1 };
      return false;
    }
    this.current = { monitor, bestEpoch: log.epoch, bestValue: value, epochsSinceBest: 0, ...(restoreBest ? { best: snapshotOf(model) } : {}) };
    return true;
  }

  /** Puts the best epoch's weights and optimizer state back; false when there is nothing to restore. */
  restore(model: Model): boolean {
    const best = this.current.best;
    if (!this.options.restoreBest || best === undefined) return false;
    model.setWeights(best.weights);
    model.setOptimizerState(best.optimizerState);
    return true;
  }
}

/**
 * `fit`'s early stopping for its options, or `undefined` without `earlyStopping`. Throws
 * {@link SpecError} for bad options, a missing validation set, or a state passed back in without
 * options or for another monitor.
 */
export function earlyStoppingFor(
  options: Pick<FitOptions, 'earlyStopping' | 'initialEarlyStopping' | 'validation'>,
  task: 'binary' | 'multiclass' | 'regression',
): EarlyStopping | undefined {
  if (options.earlyStopping === undefined) {
    if (options.initialEarlyStopping !== undefined) {
      throw new SpecError('initialEarlyStopping', 'is given without earlyStopping options (the patience and the monitor)');
    }
    return undefined;
  }
  return new EarlyStopping(resolveEarlyStopping(options.earlyStopping, task, options.validation !== undefined), options.initialEarlyStopping);
}
