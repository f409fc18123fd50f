import { describe, expect, test } from 'vitest';
import { playgroundSpec, playgroundTraining } from '@twinprop/datasets/playground';
import { readHash } from '../state/hash.js';
import { parseUploadedCsv } from './csv.js';
import { playgroundRunData, runSetup, uploadedRunData } from './run-data.js';

const { settings } = readHash('#seed=0.5&percTrainData=70&networkShape=3&activation=relu');

describe("a run's data and set-up", () => {
  test("a Playground link: the Playground's network and training", () => {
    const data = playgroundRunData(settings);
    expect([data.train.x.rows, data.test.x.rows]).toEqual([350, 150]);
    const setup = runSetup(settings, data);
    expect(setup.spec).toEqual(playgroundSpec(settings));
    expect(setup.training).toEqual(playgroundTraining(settings));
    expect(setup.fit).toEqual({ batchSize: 10, seed: 0, shuffle: false, partialBatch: 'carry', task: 'binary' });
  });

  test('an uploaded CSV of two classes: ±1 labels, split by percTrainData after the seeded shuffle', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${-i},${i % 2 === 0 ? 'even' : 'odd'}`);
    const upload = parseUploadedCsv(['x1,x2,parity', ...rows].join('\n'));
    const data = uploadedRunData(upload, settings);
    expect([data.train.x.rows, data.test.x.rows]).toEqual([14, 6]);
    for (const part of [data.train, data.test]) {
      for (let r = 0; r < part.x.rows; r++) {
        const i = part.x.data[2 * r]!;
        expect(part.x.data[2 * r + 1]! + i).toBe(0);
        expect(part.y.data[r]).toBe(i % 2 === 0 ? -1 : 1);
      }
    }
    const firsts = (d: typeof data): number[] => Array.from({ length: d.train.x.rows }, (_, r) => d.train.x.data[2 * r]!);
    expect(firsts(uploadedRunData(upload, settings))).toEqual(firsts(data));
    expect(firsts(uploadedRunData(upload, { ...settings, seed: 'other' }))).not.toEqual(firsts(data));
    const setup = runSetup(settings, data);
    expect(setup.spec.output).toEqual({ units: 1, activation: 'tanh' });
    expect(setup.training.targets).toBe('signed');
  });

  test('an uploaded CSV of three classes: one-hot targets, a softmax output and cross-entropy', () => {
    const upload = parseUploadedCsv('1,1,a\n2,2,b\n3,3,c\n4,4,a\n5,5,b\n6,6,c\n');
    const data = uploadedRunData(upload, settings);
    expect(data.task).toBe('multiclass');
    expect(data.train.y.cols).toBe(3);
    for (let r = 0; r < data.train.x.rows; r++) {
      const k = (data.train.x.data[2 * r]! - 1) % 3;
      expect(Array.from(data.train.y.data.subarray(3 * r, 3 * r + 3))).toEqual([0, 1, 2].map((c) => (c === k ? 1 : 0)));
    }
    const setup = runSetup(settings, data);
    expect(setup.spec.output).toEqual({ units: 3, activation: 'softmax' });
    expect(setup.training.loss).toBe('softmaxCrossEntropy');
    expect(setup.training.targets).toBeUndefined();
    expect(setup.fit.task).toBe('multiclass');
  });
});
