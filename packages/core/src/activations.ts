import type { Task } from './data.js';
import type { Initializer } from './init.js';
import type { LossName } from './loss.js';

/**
 * Activation functions σ, applied element-wise after `z = x·W + b` (softmax: over each row).
 * {@link ACTIVATION_DEFINITIONS} is the one table every other place derives from: the spec
 * validator, the default initializer and loss, what an output layer predicts, the conformance
 * suite's formulas, the CLI's choices. Adding an activation means adding its name here and its
 * entry below; the engines' own tables (the reference engine's record, the tfjs engine's op) then
 * fail to compile until they have it.
 *
 * `step` is the lecture's perceptron: σ(x) = 1 if x > 0, 0 otherwise. It has no useful gradient,
 * so step layers are trained with the perceptron rule, never by gradient descent.
 */
export const ACTIVATIONS = ['step', 'linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** The negative slope α of `leakyRelu` (same on every engine). */
export const LEAKY_RELU_ALPHA = 0.01;

export interface ActivationDefinition {
  /** σ(z) and σ'(z), in words. */
  readonly formula: string;
  /**
   * σ(z) in float64 as written in {@link formula} — what every engine is held to. Absent for
   * softmax, which is not element-wise.
   */
  readonly value?: (z: number) => number;
  /**
   * dσ/dz in float64, with the convention engines follow where σ has a kink (the derivative from
   * the left: relu'(0) = 0, leakyRelu'(0) = α). Absent for softmax (a Jacobian).
   */
  readonly derivative?: (z: number) => number;
  /** Points where dσ/dz jumps; finite differences across them are not derivatives. */
  readonly kinks: readonly number[];
  /** Allowed only on the output layer (softmax). */
  readonly outputOnly: boolean;
  /** Fewest units a layer of this activation may have. */
  readonly minUnits: number;
  /** Whether gradient descent can train it (`step` has zero derivative almost everywhere). */
  readonly trainable: boolean;
  /** For an untrainable activation: why, and what to do instead (engines put it in their refusal). */
  readonly notTrainableBecause?: string;
  /** The kernel initializer it gets by default: He for the ReLU family, Glorot for the rest. */
  readonly initializer: Initializer;
  /** The loss that naturally pairs with it on the output layer. */
  readonly defaultLoss: LossName;
  /** What an output layer of this activation predicts. */
  readonly task: Task;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export const ACTIVATION_DEFINITIONS: { readonly [A in Activation]: ActivationDefinition } = {
  step: {
    formula: "σ(z) = 1 if z > 0 else 0; σ'(z) = 0 for z ≠ 0 (undefined at 0)",
    value: (z) => (z > 0 ? 1 : 0),
    derivative: () => 0,
    kinks: [0],
    outputOnly: false,
    minUnits: 1,
    trainable: false,
    notTrainableBecause:
      'its derivative is 0 everywhere except at 0, where it is undefined, so gradients never move the weights; ' +
      'train a single step layer with the perceptron rule (trainPerceptron, `twinprop perceptron`), or use sigmoid or tanh for gradient descent',
    initializer: 'glorotUniform',
    defaultLoss: 'meanSquaredError',
    task: 'binary',
  },
  linear: {
    formula: "σ(z) = z; σ'(z) = 1",
    value: (z) => z,
    derivative: () => 1,
    kinks: [],
    outputOnly: false,
    minUnits: 1,
    trainable: true,
    initializer: 'glorotUniform',
    defaultLoss: 'meanSquaredError',
    task: 'regression',
  },
  sigmoid: {
    formula: "σ(z) = 1 / (1 + e^−z); σ'(z) = σ(z)(1 − σ(z))",
    value: sigmoid,
    derivative: (z) => sigmoid(z) * (1 - sigmoid(z)),
    kinks: [],
    outputOnly: false,
    minUnits: 1,
    trainable: true,
    initializer: 'glorotUniform',
    defaultLoss: 'binaryCrossEntropy',
    task: 'binary',
  },
  tanh: {
    formula: "σ(z) = tanh z; σ'(z) = 1 − tanh² z",
    value: Math.tanh,
    derivative: (z) => 1 - Math.tanh(z) ** 2,
    kinks: [],
    outputOnly: false,
    minUnits: 1,
    trainable: true,
    initializer: 'glorotUniform',
    defaultLoss: 'meanSquaredError',
    task: 'regression',
  },
  relu: {
    formula: "σ(z) = max(0, z); σ'(z) = 1 if z > 0 else 0",
    value: (z) => (z > 0 ? z : 0),
    derivative: (z) => (z > 0 ? 1 : 0),
    kinks: [0],
    outputOnly: false,
    minUnits: 1,
    trainable: true,
    initializer: 'heNormal',
    defaultLoss: 'meanSquaredError',
    task: 'regression',
  },
  leakyRelu: {
    formula: `σ(z) = z if z > 0 else α·z; σ'(z) = 1 if z > 0 else α (α = ${LEAKY_RELU_ALPHA})`,
    value: (z) => (z > 0 ? z : LEAKY_RELU_ALPHA * z),
    derivative: (z) => (z > 0 ? 1 : LEAKY_RELU_ALPHA),
    kinks: [0],
    outputOnly: false,
    minUnits: 1,
    trainable: true,
    initializer: 'heNormal',
    defaultLoss: 'meanSquaredError',
    task: 'regression',
  },
  softmax: {
    formula: 'p_k = e^{z_k} / Σ_j e^{z_j} over each row (output layer only); ∂p_k/∂z_j = p_k(δ_kj − p_j), fused with cross-entropy',
    kinks: [],
    outputOnly: true,
    minUnits: 2,
    trainable: true,
    initializer: 'glorotUniform',
    defaultLoss: 'softmaxCrossEntropy',
    task: 'multiclass',
  },
};

/** Activations a hidden layer trained by gradient descent may use. */
export const HIDDEN_ACTIVATIONS: readonly Activation[] = ACTIVATIONS.filter((a) => ACTIVATION_DEFINITIONS[a].trainable && !ACTIVATION_DEFINITIONS[a].outputOnly);
/** Activations an output layer trained by gradient descent may use. */
export const OUTPUT_ACTIVATIONS: readonly Activation[] = ACTIVATIONS.filter((a) => ACTIVATION_DEFINITIONS[a].trainable);

/** softmax(z) of one row in float64, the max subtracted first (the formula engines are held to). */
export function softmaxRow(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}
