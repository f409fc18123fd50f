import {
  DEAD_LINKS_SLOT,
  describeSpec,
  INPUT_FEATURE_DEFINITIONS,
  layerShapes,
  layersOf,
  parameterCount,
  type Activation,
  type InputFeature,
  type LearningRateSchedule,
  type ModelFile,
  type OptimizerConfig,
  type Regularization,
} from '@twinprop/core';
import { historyOf, type HistoryEntry } from '../run-file.js';

/**
 * What a model file says about itself, without running it: a Keras-style layer table, the inputs,
 * the training settings, the metadata, the last epoch of the stored history and the dead links.
 */

export interface LayerRow {
  /** 1-based, hidden layers first, the output layer last. */
  readonly layer: number;
  readonly kind: 'hidden' | 'output';
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  /**
   * Keras's `(None, units)`: the batch dimension first, `null` because a model takes any number
   * of rows. Printed as `(None, 4)`, as `model.summary()` prints it.
   */
  readonly outputShape: readonly [null, number];
  /** inputs·units (the kernel) + units (the bias). */
  readonly parameters: number;
}

export interface InputsSummary {
  readonly size: number;
  /** The names the model stores for its inputs, if any. */
  readonly featureNames: readonly string[] | undefined;
  /** For a model on derived features (the Playground's X₁², sin X₁, …): the raw columns and each input's formula. */
  readonly derived:
    | { readonly from: readonly [string, string]; readonly features: ReadonlyArray<{ readonly name: InputFeature; readonly label: string }> }
    | undefined;
}

export interface DeadLinks {
  /** Kernel entries the L1 clamp set to 0 for good (slot value 1). */
  readonly count: number;
  /** All kernel entries (links). */
  readonly of: number;
  readonly perLayer: readonly number[];
}

export interface ModelSummary {
  readonly spec: string;
  readonly input: { readonly outputShape: readonly [null, number] };
  readonly layers: readonly LayerRow[];
  readonly parameters: number;
  readonly inputs: InputsSummary;
  readonly training: {
    readonly loss: string;
    readonly optimizer: OptimizerConfig;
    readonly regularization: Regularization | undefined;
    /** The learning-rate schedule (constant when the file has none). */
    readonly schedule: LearningRateSchedule | undefined;
    /** `zeroOne` when the file does not say. */
    readonly targets: 'zeroOne' | 'signed';
  };
  readonly metadata: {
    readonly engine: string | undefined;
    readonly backend: string | undefined;
    readonly dtype: string;
    readonly dataset: string | undefined;
    readonly task: string | undefined;
    readonly epochs: number | undefined;
    readonly epochsCompleted: number | undefined;
    readonly batchSize: number | undefined;
    readonly seed: number | undefined;
    readonly classNames: readonly string[] | undefined;
    readonly createdAt: string | undefined;
    /** A run made by `train --playground`: its URL's hash and seed. */
    readonly playground: { readonly hash?: string; readonly seed?: string } | undefined;
  };
  readonly optimizerState: { readonly kind: string; readonly step: number; readonly slots: readonly string[] } | undefined;
  /** The last epoch of the stored loss curve (`metadata.extra.history`), if the file has one. */
  readonly finalEpoch: HistoryEntry | undefined;
  readonly deadLinks: DeadLinks | undefined;
}

function playgroundOf(file: ModelFile): ModelSummary['metadata']['playground'] {
  const value = file.metadata.extra?.playground;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return {
    ...(typeof record.hash === 'string' ? { hash: record.hash } : {}),
    ...(typeof record.seed === 'string' || typeof record.seed === 'number' ? { seed: String(record.seed) } : {}),
  };
}

function deadLinksOf(file: ModelFile): DeadLinks | undefined {
  const slot = file.optimizerState?.slots[DEAD_LINKS_SLOT];
  if (slot === undefined) return undefined;
  const perLayer = slot.layers.map((layer) => {
    let dead = 0;
    for (const v of layer.kernel.data) if (v !== 0) dead++;
    return dead;
  });
  return { count: perLayer.reduce((a, b) => a + b, 0), of: file.weights.layers.reduce((n, layer) => n + layer.kernel.data.length, 0), perLayer };
}

export function summarize(file: ModelFile): ModelSummary {
  const shapes = layerShapes(file.spec);
  const specLayers = layersOf(file.spec);
  const layers = specLayers.map((layer, l): LayerRow => {
    const inputs = shapes[l]?.inputs ?? 0;
    return {
      layer: l + 1,
      kind: l === specLayers.length - 1 ? 'output' : 'hidden',
      inputs,
      units: layer.units,
      activation: layer.activation,
      outputShape: [null, layer.units],
      parameters: inputs * layer.units + layer.units,
    };
  });
  const derived = file.metadata.inputFeatures;
  const m = file.metadata;
  const history = historyOf(file);
  return {
    spec: describeSpec(file.spec),
    input: { outputShape: [null, file.spec.inputSize] },
    layers,
    parameters: parameterCount(file.spec),
    inputs: {
      size: file.spec.inputSize,
      featureNames: m.featureNames,
      derived: derived === undefined ? undefined : { from: derived.from, features: derived.features.map((name) => ({ name, label: INPUT_FEATURE_DEFINITIONS[name].label })) },
    },
    training: {
      loss: file.training.loss,
      optimizer: file.training.optimizer,
      regularization: file.training.regularization,
      schedule: file.training.schedule,
      targets: file.training.targets ?? 'zeroOne',
    },
    metadata: {
      engine: m.engine,
      backend: m.backend,
      dtype: file.weights.dtype,
      dataset: m.dataset,
      task: m.task,
      epochs: m.epochs,
      epochsCompleted: m.epochsCompleted,
      batchSize: m.batchSize,
      seed: m.seed,
      classNames: m.classNames,
      createdAt: m.createdAt,
      playground: playgroundOf(file),
    },
    optimizerState: file.optimizerState === undefined ? undefined : { kind: file.optimizerState.kind, step: file.optimizerState.step, slots: Object.keys(file.optimizerState.slots) },
    finalEpoch: history[history.length - 1],
    deadLinks: deadLinksOf(file),
  };
}
