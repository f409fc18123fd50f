import { expect } from 'vitest';
import { ACTIVATION_DEFINITIONS, ACTIVATIONS, type Activation } from '../../activations.js';
import type { Task } from '../../data.js';
import type { Batch, Engine, TrainingConfig } from '../../engine.js';
import { LOSS_DEFINITIONS, type LossName, type Regularization } from '../../loss.js';
import { optimizer, type OptimizerConfig } from '../../optimizer.js';
import type { Rng } from '../../rng.js';
import type { ModelSpec } from '../../spec.js';
import { createWeights, matrix, matrixFromRows, namedParameters, type DType, type Weights } from '../../weights.js';
import type { ConformanceTolerances } from './tolerances.js';

/** What a test of the suite runs against: one engine, its dtype and that dtype's bounds. */
export interface ConformanceContext {
  readonly engine: Engine;
  readonly dtype: DType;
  readonly tolerance: ConformanceTolerances;
}

/** One check. `name` is what `knownGaps` refers to; it is unique across the suite. */
export interface ConformanceTest {
  readonly name: string;
  /** Milliseconds, for the few tests that train for a while. */
  readonly timeout?: number;
  run(context: ConformanceContext): void | Promise<void>;
}

/** One contract area: a `describe` of its own. */
export interface ConformanceArea {
  readonly title: string;
  readonly tests: readonly ConformanceTest[];
}

/** How many output units "several" means: enough that a mean over rows and a mean over rows × units differ. */
export const SEVERAL_UNITS = 3;

export function outputUnits(activation: Activation): number {
  return Math.max(SEVERAL_UNITS, ACTIVATION_DEFINITIONS[activation].minUnits);
}

export function training(loss: LossName, opt: OptimizerConfig = optimizer('sgd', { learningRate: 0.1 }), regularization?: Regularization): TrainingConfig {
  return { loss, optimizer: opt, ...(regularization === undefined ? {} : { regularization }) };
}

/** The output activation a loss naturally goes with: one whose default loss it is, trainable, and that it fits. */
export function naturalOutput(loss: LossName): Activation {
  const definition = LOSS_DEFINITIONS[loss];
  const fitting = ACTIVATIONS.filter((a) => ACTIVATION_DEFINITIONS[a].trainable && definition.fits(a));
  const natural = fitting.find((a) => ACTIVATION_DEFINITIONS[a].defaultLoss === loss) ?? fitting[0];
  if (natural === undefined) throw new Error(`conformance: no trainable output activation fits ${loss}`);
  return natural;
}

/** The truth table inputs of the lecture's two-input gates. */
export const TWO_INPUTS = matrixFromRows([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);

/** Weights of `spec` with every value given (missing ones 0). */
export function weightsOf(spec: ModelSpec, dtype: DType, values: ReadonlyArray<{ kernel: readonly number[]; bias: readonly number[] }>): Weights {
  return createWeights(spec, dtype, (layer, part, index) => values[layer]?.[part][index] ?? 0);
}

/** A square single-layer model's weights with the identity kernel and zero bias: its logits are its inputs. */
export function identityWeights(spec: ModelSpec, dtype: DType): Weights {
  const k = spec.inputSize;
  return createWeights(spec, dtype, (_layer, part, i) => (part === 'kernel' && i % (k + 1) === 0 ? 1 : 0));
}

/** Targets of the kind a task expects, rows × units row-major: 0/1 per unit, one-hot rows, or reals in [−1, 1]. */
export function targetsFor(task: Task, rows: number, units: number, rng: Rng): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    switch (task) {
      case 'binary':
        for (let j = 0; j < units; j++) y.push(rng.int(2));
        break;
      case 'multiclass': {
        const c = rng.int(units);
        for (let j = 0; j < units; j++) y.push(j === c ? 1 : 0);
        break;
      }
      case 'regression':
        for (let j = 0; j < units; j++) y.push(rng.uniform(-1, 1));
        break;
    }
  }
  return y;
}

/** Features uniform in [−1, 1] and targets of the kind `loss` expects. */
export function randomBatch(spec: ModelSpec, loss: LossName, rows: number, rng: Rng, dtype: DType): Batch {
  const x = matrix(rows, spec.inputSize, Array.from({ length: rows * spec.inputSize }, () => rng.uniform(-1, 1)), dtype);
  const k = spec.output.units;
  return { x, y: matrix(rows, k, targetsFor(LOSS_DEFINITIONS[loss].task, rows, k, rng), dtype) };
}

/** Every parameter in core's order (kernel 0, bias 0, kernel 1, …), as one list. */
export function weightsData(weights: Weights): number[] {
  return namedParameters(weights).flatMap((p) => Array.from(p.tensor.data));
}

/** Runs `fn`, asserting it throws an instance of `type`; returns the error for further checks. */
export function expectThrows<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E, what: string): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return expect.fail(`${what}: threw ${shown}, expected a ${type.name}`);
  }
  return expect.fail(`${what}: did not throw, expected a ${type.name}`);
}
