import { z } from 'zod';
import { EARLY_STOPPING_MONITORS, type EarlyStoppingState } from '../early-stopping.js';
import type { TrainingConfig } from '../engine.js';
import { INPUT_FEATURES, type InputFeatures } from '../features.js';
import { STOP_REASONS, type StopReason } from '../fit.js';
import { LOSSES } from '../loss.js';
import { OPTIMIZERS, type OptimizerState } from '../optimizer.js';
import type { ModelSpec } from '../spec.js';
import { DTYPES, type Weights } from '../weights.js';

/**
 * The model file: versioned JSON holding the spec, the weights and what training left behind. The
 * same file loads into either engine.
 *
 * ```json
 * { "format": "twinprop-model", "version": 1,
 *   "spec": { "inputSize": 2, "hidden": [{ "units": 4, "activation": "tanh" }], "output": { "units": 1, "activation": "sigmoid" } },
 *   "training": { "loss": "binaryCrossEntropy", "optimizer": { "kind": "sgd", "learningRate": 0.1 } },
 *   "weights": { "dtype": "float64", "layers": [{ "kernel": { "shape": [2, 4], "data": [ … ] }, "bias": { "shape": [4], "data": [ … ] } }, … ] },
 *   "optimizerState": { "kind": "sgd", "step": 400, "slots": {} },
 *   "metadata": { "engine": "reference", "backend": "js", "dataset": "xor", "seed": 1, "epochsCompleted": 100, … } }
 * ```
 *
 * `training.schedule` (optional) is a learning-rate schedule (schedule.ts), counted in updates like
 * `optimizerState.step`, so a resumed run continues it.
 *
 * Kernels are row-major `[inputs, outputs]`. Numbers are written with JavaScript's shortest
 * round-trip formatting, so float64 and float32 weights survive a save/load bit for bit.
 */
export const MODEL_FILE_FORMAT = 'twinprop-model';
export const MODEL_FILE_VERSION = 1;

/** Feature standardization fitted on the training part: `x' = (x − mean) / std`. */
export interface Standardization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface ModelMetadata {
  readonly engine?: string;
  readonly backend?: string;
  readonly dataset?: string;
  readonly task?: 'binary' | 'multiclass' | 'regression';
  readonly seed?: number;
  readonly batchSize?: number;
  readonly epochs?: number;
  /** Whole epochs completed when the file was written (checkpoints). */
  readonly epochsCompleted?: number;
  /** Batches completed in the next epoch when the file was written mid-epoch (checkpoints). */
  readonly batchesCompleted?: number;
  readonly classNames?: readonly string[];
  readonly featureNames?: readonly string[];
  readonly standardization?: Standardization;
  /**
   * The model's inputs are derived features of two raw columns (the Playground's X₁², sin X₁, …):
   * `predict` reads the raw columns named in `from` and computes `features` before the first layer.
   */
  readonly inputFeatures?: InputFeatures;
  /** With early stopping: the best epoch by the monitored metric (the weights' epoch when training stopped early). */
  readonly bestEpoch?: number;
  /** Why training ended (fit's `stopReason`): `epochs`, `earlyStopping`, `signal` or `callback`. */
  readonly stopReason?: StopReason;
  readonly createdAt?: string;
  /** Anything else an app wants to keep (JSON values). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface ModelFile {
  readonly spec: ModelSpec;
  readonly training: TrainingConfig;
  readonly weights: Weights;
  readonly optimizerState?: OptimizerState;
  /**
   * Early stopping's state when the file was written (a checkpoint of a run with early stopping):
   * the best epoch so far, its value, the epochs since, and that epoch's weights and optimizer state.
   */
  readonly earlyStopping?: EarlyStoppingState;
  readonly metadata: ModelMetadata;
}

// The file's JSON shape, checked before the spec, training and weights are validated against each other.
const tensorJson = z.object({ shape: z.array(z.number().int().nonnegative()), data: z.array(z.unknown()) }).strict();
export const weightsJson = z.object({ dtype: z.enum(DTYPES), layers: z.array(z.object({ kernel: tensorJson, bias: tensorJson }).strict()) }).strict();
export const optimizerStateJson = z.object({ kind: z.enum(OPTIMIZERS), step: z.number().int().nonnegative(), slots: z.record(z.string(), weightsJson) }).strict();
const metadataJson = z
  .object({
    engine: z.string().max(100),
    backend: z.string().max(100),
    dataset: z.string().max(1000),
    task: z.enum(['binary', 'multiclass', 'regression']),
    seed: z.number().int(),
    batchSize: z.number().int().positive(),
    epochs: z.number().int().nonnegative(),
    epochsCompleted: z.number().int().nonnegative(),
    batchesCompleted: z.number().int().nonnegative(),
    classNames: z.array(z.string()),
    featureNames: z.array(z.string()),
    standardization: z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()) }).strict(),
    inputFeatures: z.object({ from: z.tuple([z.string(), z.string()]), features: z.array(z.enum(INPUT_FEATURES)) }).strict(),
    bestEpoch: z.number().int().nonnegative(),
    stopReason: z.enum(STOP_REASONS),
    createdAt: z.string(),
    extra: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
export const fileJson = z
  .object({
    format: z.literal(MODEL_FILE_FORMAT),
    version: z.number(),
    spec: z.unknown(),
    training: z
      .object({
        loss: z.enum(LOSSES),
        optimizer: z.unknown(),
        regularization: z.object({ l1: z.number().nonnegative(), l2: z.number().nonnegative(), clampAtZero: z.boolean() }).partial().strict().optional(),
        targets: z.enum(['zeroOne', 'signed']).optional(),
        schedule: z.unknown().optional(),
      })
      .strict(),
    weights: weightsJson,
    optimizerState: optimizerStateJson.optional(),
    earlyStopping: z
      .object({
        monitor: z.enum(EARLY_STOPPING_MONITORS),
        bestEpoch: z.number().int().nonnegative(),
        bestValue: z.number().optional(),
        epochsSinceBest: z.number().int().nonnegative(),
        best: z.object({ weights: weightsJson, optimizerState: optimizerStateJson }).strict().optional(),
      })
      .strict()
      .optional(),
    metadata: metadataJson.default({}),
  })
  .strict();
