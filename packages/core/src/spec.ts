import { ACTIVATION_DEFINITIONS, ACTIVATIONS, type Activation } from './activations.js';
import { SpecError } from './errors.js';

/** Widest layer a spec may declare; anything larger is almost certainly a typo or a hostile file. */
export const MAX_UNITS = 100_000;
/** Most parameters (kernels + biases) a spec may declare. */
export const MAX_PARAMETERS = 100_000_000;
/** Most hidden layers a spec may declare. */
export const MAX_HIDDEN_LAYERS = 64;

export interface LayerSpec {
  /** Number of neurons in the layer. */
  readonly units: number;
  readonly activation: Activation;
}

/**
 * A multilayer perceptron as plain JSON: `inputSize` features, then each hidden layer, then the
 * output layer. Layer ℓ computes `H_ℓ = σ_ℓ(H_{ℓ−1}·W_ℓ + b_ℓ)` with `W_ℓ` of shape [in, out].
 */
export interface ModelSpec {
  readonly inputSize: number;
  readonly hidden: readonly LayerSpec[];
  readonly output: LayerSpec;
}

/** All layers that carry weights, hidden first, output last. */
export function layersOf(spec: ModelSpec): LayerSpec[] {
  return [...spec.hidden, spec.output];
}

/**
 * Why gradient descent cannot train `spec`: its layers whose activation is not `trainable` in
 * core's table, with the table's reason — or undefined when every layer can be trained. Engines
 * throw this in their UnsupportedFeatureError.
 */
export function untrainableReason(spec: ModelSpec): string | undefined {
  const layers = layersOf(spec);
  const bad = layers.map((layer, index) => ({ index, activation: layer.activation })).filter((l) => !ACTIVATION_DEFINITIONS[l.activation].trainable);
  if (bad.length === 0) return undefined;
  const names = [...new Set(bad.map((l) => l.activation))];
  const which = bad.map((l) => (l.index === layers.length - 1 ? `the output layer (${l.activation})` : `hidden layer ${l.index} (${l.activation})`)).join(', ');
  return `${which} cannot be trained by gradient descent: ${names.map((a) => `${a} — ${ACTIVATION_DEFINITIONS[a].notTrainableBecause ?? 'it is not differentiable'}`).join('; ')}`;
}

/** [inputs, outputs] of every weight-carrying layer. */
export function layerShapes(spec: ModelSpec): Array<{ inputs: number; outputs: number }> {
  const shapes: Array<{ inputs: number; outputs: number }> = [];
  let inputs = spec.inputSize;
  for (const layer of layersOf(spec)) {
    shapes.push({ inputs, outputs: layer.units });
    inputs = layer.units;
  }
  return shapes;
}

/** Number of trainable parameters (kernels and biases). */
export function parameterCount(spec: ModelSpec): number {
  return layerShapes(spec).reduce((n, s) => n + s.inputs * s.outputs + s.outputs, 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function checkUnits(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SpecError(field, `must be a positive integer (got ${describe(value)})`);
  }
  if (value > MAX_UNITS) {
    throw new SpecError(field, `${value} is larger than the limit of ${MAX_UNITS}`);
  }
  return value;
}

function checkLayer(value: unknown, field: string, isOutput: boolean): LayerSpec {
  if (!isRecord(value)) throw new SpecError(field, `must be an object {units, activation} (got ${describe(value)})`);
  checkKeys(value, ['units', 'activation'], field);
  const units = checkUnits(value.units, `${field}.units`);
  const activation = value.activation;
  if (typeof activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new SpecError(
      `${field}.activation`,
      `unknown activation ${describe(activation)}; expected one of ${ACTIVATIONS.join(', ')}`,
    );
  }
  const definition = ACTIVATION_DEFINITIONS[activation as Activation];
  if (definition.outputOnly && !isOutput) throw new SpecError(`${field}.activation`, `${activation} is only allowed on the output layer`);
  if (units < definition.minUnits) {
    throw new SpecError(`${field}.units`, `a ${activation} ${isOutput ? 'output' : 'layer'} needs at least ${definition.minUnits} units${definition.task === 'multiclass' ? ' (one per class)' : ''}`);
  }
  return { units, activation: activation as Activation };
}

function checkKeys(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new SpecError(field === '' ? key : `${field}.${key}`, `unknown field; expected only ${allowed.join(', ')}`);
    }
  }
}

/**
 * Checks that `value` is a well-formed {@link ModelSpec} and returns a clean copy.
 * Throws {@link SpecError} naming the offending field (e.g. `spec.hidden[1].activation`).
 */
export function validateSpec(value: unknown, path = 'spec'): ModelSpec {
  if (!isRecord(value)) throw new SpecError(path, `must be an object (got ${describe(value)})`);
  checkKeys(value, ['inputSize', 'hidden', 'output'], path);
  const inputSize = checkUnits(value.inputSize, `${path}.inputSize`);
  const hiddenValue = value.hidden ?? [];
  if (!Array.isArray(hiddenValue)) {
    throw new SpecError(`${path}.hidden`, `must be an array of layers (got ${describe(hiddenValue)})`);
  }
  if (hiddenValue.length > MAX_HIDDEN_LAYERS) {
    throw new SpecError(`${path}.hidden`, `${hiddenValue.length} layers is more than the limit of ${MAX_HIDDEN_LAYERS}`);
  }
  const hidden = hiddenValue.map((layer, i) => checkLayer(layer, `${path}.hidden[${i}]`, false));
  const output = checkLayer(value.output, `${path}.output`, true);
  const spec: ModelSpec = { inputSize, hidden, output };
  const count = parameterCount(spec);
  if (count > MAX_PARAMETERS) {
    throw new SpecError(path, `${count} parameters is more than the limit of ${MAX_PARAMETERS}`);
  }
  return spec;
}

/** `mlp(2, [[4, 'tanh']], [1, 'sigmoid'])` — a terse way to write a spec in code and tests. */
export function mlp(
  inputSize: number,
  hidden: ReadonlyArray<readonly [number, Activation]>,
  output: readonly [number, Activation],
): ModelSpec {
  return validateSpec({
    inputSize,
    hidden: hidden.map(([units, activation]) => ({ units, activation })),
    output: { units: output[0], activation: output[1] },
  });
}

/** `2-4-1 tanh/sigmoid`-style one-line description. */
export function describeSpec(spec: ModelSpec): string {
  const sizes = [spec.inputSize, ...layersOf(spec).map((l) => l.units)].join('-');
  const acts = layersOf(spec)
    .map((l) => l.activation)
    .join('/');
  return `${sizes} ${acts}`;
}
