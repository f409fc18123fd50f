import { describe, expect, it } from 'vitest';
import { gateArity, gateDataset, GATES, type Gate } from './gates.js';

// The truth tables as the lecture writes them (x1, x2 → y), not computed by the code under test.
const TABLES: Record<Gate, Array<[number[], number]>> = {
  and: [[[0, 0], 0], [[0, 1], 0], [[1, 0], 0], [[1, 1], 1]],
  or: [[[0, 0], 0], [[0, 1], 1], [[1, 0], 1], [[1, 1], 1]],
  not: [[[0], 1], [[1], 0]],
  nand: [[[0, 0], 1], [[0, 1], 1], [[1, 0], 1], [[1, 1], 0]],
  xor: [[[0, 0], 0], [[0, 1], 1], [[1, 0], 1], [[1, 1], 0]],
};

describe('logic gates', () => {
  it.each(GATES)('%s is its exact truth table, binary with Float64 data', (gate) => {
    const data = gateDataset(gate);
    const table = TABLES[gate];
    expect(data.task).toBe('binary');
    expect(data.x.data).toBeInstanceOf(Float64Array);
    expect(data.y.data).toBeInstanceOf(Float64Array);
    expect([data.x.rows, data.x.cols, data.y.rows, data.y.cols]).toEqual([table.length, gateArity(gate), table.length, 1]);
    table.forEach(([inputs, output], r) => {
      expect(Array.from(data.x.data.subarray(r * data.x.cols, (r + 1) * data.x.cols))).toEqual(inputs);
      expect(data.y.data[r]).toBe(output);
    });
    expect(data.classNames).toEqual(['0', '1']);
  });

  it('XOR is (x1 ∧ ¬x2) ∨ (¬x1 ∧ x2), as the lecture builds it from AND, OR and NOT', () => {
    const and = gateDataset('and').y.data;
    const or = gateDataset('or').y.data;
    const not = gateDataset('not').y.data; // not[v] = ¬v
    const xor = gateDataset('xor');
    for (let r = 0; r < 4; r++) {
      const a = xor.x.data[2 * r]!;
      const b = xor.x.data[2 * r + 1]!;
      const left = and[2 * a + not[b]!]!; // x1 ∧ ¬x2
      const right = and[2 * not[a]! + b]!; // ¬x1 ∧ x2
      expect(xor.y.data[r]).toBe(or[2 * left + right]);
    }
  });

  it('NAND is the negation of AND', () => {
    const and = gateDataset('and').y.data;
    gateDataset('nand').y.data.forEach((v, r) => expect(v).toBe(1 - and[r]!));
  });

  it('float32 on request', () => {
    expect(gateDataset('or', { dtype: 'float32' }).x.data).toBeInstanceOf(Float32Array);
  });
});
