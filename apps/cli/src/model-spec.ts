import {
  defaultLossFor,
  validateSpec,
  validateTrainingConfig,
  type Activation,
  type Dataset,
  type ModelSpec,
  type OptimizerConfig,
  type Task,
  type TrainingConfig,
} from '@twinprop/core';
import { binaryToMulticlass } from '@twinprop/datasets';
import type { ModelOptions } from './options.js';

/**
 * The output layer `--output` defaults to for each task. This is the one mapping the CLI keeps:
 * core's activation table says what each output predicts (`ACTIVATION_DEFINITIONS[a].task`), but
 * several fit a task (linear, tanh, relu and leakyRelu all predict real values), and which of them
 * is the default is the CLI's choice. A new activation in core needs no edit here; a new task fails
 * to compile until it has an entry.
 */
const DEFAULT_OUTPUT: { readonly [T in Task]: Activation } = {
  binary: 'sigmoid',
  multiclass: 'softmax',
  regression: 'linear',
};

export function defaultOutputFor(task: Task): Activation {
  return DEFAULT_OUTPUT[task];
}

/**
 * The spec and training config that `--hidden`, `--activation`, `--output`, `--loss`, `--l1` and
 * `--l2` describe for `data` (a binary dataset meets a softmax output as one-hot over two classes,
 * so the data comes back reshaped to fit).
 */
export function modelFromOptions(
  data: Dataset,
  options: ModelOptions,
  optimizer: OptimizerConfig,
): { spec: ModelSpec; training: TrainingConfig; data: Dataset } {
  const output = options.output ?? defaultOutputFor(data.task);
  const shaped = data.task === 'binary' && output === 'softmax' ? binaryToMulticlass(data) : data;
  const spec = validateSpec({
    inputSize: shaped.x.cols,
    hidden: options.hidden.map((units) => ({ units, activation: options.activation })),
    output: { units: shaped.y.cols, activation: output },
  });
  const regularization = { ...(options.l1 > 0 ? { l1: options.l1 } : {}), ...(options.l2 > 0 ? { l2: options.l2 } : {}) };
  const training = validateTrainingConfig(spec, {
    loss: options.loss ?? defaultLossFor(output),
    optimizer,
    ...(Object.keys(regularization).length > 0 ? { regularization } : {}),
  });
  return { spec, training, data: shaped };
}
