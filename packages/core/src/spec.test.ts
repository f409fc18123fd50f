import { describe, expect, it } from 'vitest';
import { SpecError } from './errors.js';
import { describeSpec, layerShapes, mlp, parameterCount, untrainableReason, validateSpec } from './spec.js';

const xorSpec = { inputSize: 2, hidden: [{ units: 4, activation: 'tanh' }], output: { units: 1, activation: 'sigmoid' } };

describe('validateSpec', () => {
  it('accepts a well-formed spec and describes it', () => {
    const spec = validateSpec(xorSpec);
    expect(describeSpec(spec)).toBe('2-4-1 tanh/sigmoid');
    expect(layerShapes(spec)).toEqual([{ inputs: 2, outputs: 4 }, { inputs: 4, outputs: 1 }]);
    expect(parameterCount(spec)).toBe(2 * 4 + 4 + 4 * 1 + 1);
  });

  it('accepts a perceptron (no hidden layers, step output)', () => {
    expect(validateSpec({ inputSize: 2, hidden: [], output: { units: 1, activation: 'step' } }).hidden).toEqual([]);
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['not an object', 42, 'spec', /must be an object/],
    ['inputSize zero', { ...xorSpec, inputSize: 0 }, 'spec.inputSize', /positive integer/],
    ['inputSize fractional', { ...xorSpec, inputSize: 2.5 }, 'spec.inputSize', /positive integer/],
    ['hidden not an array', { ...xorSpec, hidden: 'tanh' }, 'spec.hidden', /array/],
    ['unknown activation', { ...xorSpec, hidden: [{ units: 4, activation: 'swish' }] }, 'spec.hidden[0].activation', /unknown activation "swish"/],
    ['units negative', { ...xorSpec, hidden: [{ units: 4, activation: 'tanh' }, { units: -1, activation: 'relu' }] }, 'spec.hidden[1].units', /positive integer/],
    ['softmax hidden', { ...xorSpec, hidden: [{ units: 4, activation: 'softmax' }] }, 'spec.hidden[0].activation', /only allowed on the output/],
    ['softmax with one unit', { ...xorSpec, output: { units: 1, activation: 'softmax' } }, 'spec.output.units', /at least 2/],
    ['missing output', { inputSize: 2, hidden: [] }, 'spec.output', /must be an object/],
    ['absurd width', { ...xorSpec, inputSize: 10_000_000 }, 'spec.inputSize', /larger than the limit/],
    ['too many parameters', { inputSize: 50_000, hidden: [{ units: 50_000, activation: 'relu' }], output: { units: 2, activation: 'softmax' } }, 'spec', /parameters is more than the limit/],
    ['unknown field', { ...xorSpec, dropout: 0.5 }, 'spec.dropout', /unknown field/],
  ];
  for (const [name, value, field, message] of bad) {
    it(`rejects ${name}, naming ${field}`, () => {
      let error: unknown;
      try {
        validateSpec(value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SpecError);
      expect((error as SpecError).field).toBe(field);
      expect((error as SpecError).message).toMatch(message);
      expect((error as SpecError).message.startsWith(`${field}: `)).toBe(true);
    });
  }

  it('mlp() builds the same spec as the JSON form', () => {
    expect(mlp(2, [[4, 'tanh']], [1, 'sigmoid'])).toEqual(validateSpec(xorSpec));
  });
});

describe('untrainableReason', () => {
  it('names the layers whose activation gradient descent cannot train, with the table’s reason', () => {
    expect(untrainableReason(mlp(2, [[3, 'tanh']], [1, 'sigmoid']))).toBeUndefined();
    const reason = untrainableReason(mlp(2, [[3, 'step']], [1, 'step']));
    expect(reason).toMatch(/^hidden layer 0 \(step\), the output layer \(step\) cannot be trained by gradient descent: step — its derivative is 0/);
    expect(reason).toMatch(/perceptron rule/);
  });
});
