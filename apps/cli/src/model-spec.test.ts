import { ACTIVATION_DEFINITIONS, defaultLossFor, LOSS_DEFINITIONS, OUTPUT_ACTIVATIONS, type Task } from '@twinprop/core';
import { describe, expect, it } from 'vitest';
import { defaultOutputFor } from './model-spec.js';

describe('defaultOutputFor', () => {
  it('gives each task an output layer that core says predicts that task, trains, and pairs with a loss for it', () => {
    for (const task of ['binary', 'multiclass', 'regression'] as const satisfies readonly Task[]) {
      const output = defaultOutputFor(task);
      expect(OUTPUT_ACTIVATIONS).toContain(output);
      expect(ACTIVATION_DEFINITIONS[output].task).toBe(task);
      expect(LOSS_DEFINITIONS[defaultLossFor(output)].task).toBe(task);
    }
  });
});
