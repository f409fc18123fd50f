import { serializeModelFile, type ModelFile } from '@twinprop/core';
import type { RunData } from '../data/run-data.js';
import type { EngineRun, TwinRun } from './twin.js';

/**
 * One engine's model as core's model file — the file `twinprop predict --model` and `twinprop
 * evaluate --model` read: spec, training, weights, optimizer state (dead links included), and the
 * input features it computes from (x₁, x₂); the Playground link and seed ride along in `extra`.
 */
export function modelFileOf(run: TwinRun, engine: EngineRun, data: RunData, link: { readonly hash: string; readonly seed: string }): string {
  const file: ModelFile = {
    spec: engine.model.spec,
    training: engine.model.training,
    weights: engine.model.getWeights(),
    optimizerState: engine.model.getOptimizerState(),
    metadata: {
      engine: engine.model.engine,
      backend: engine.model.backend,
      dataset: data.name,
      task: run.setup.fit.task,
      batchSize: run.setup.fit.batchSize,
      epochs: run.epoch,
      epochsCompleted: run.epoch,
      batchesCompleted: 0,
      featureNames: ['x1', 'x2'],
      inputFeatures: { from: ['x1', 'x2'], features: [...run.setup.features] },
      ...(data.classNames.length > 0 ? { classNames: [...data.classNames] } : {}),
      createdAt: new Date().toISOString(),
      extra: { playgroundHash: link.hash, seed: link.seed },
    },
  };
  return serializeModelFile(file);
}
