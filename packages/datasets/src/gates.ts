import { arrayFor, type Dataset, type DType } from '@twinprop/core';

/** The logic gates of the perceptron lecture. */
export const GATES = ['and', 'or', 'not', 'nand', 'xor'] as const;
export type Gate = (typeof GATES)[number];

/** The truth function of each gate on inputs in {0, 1}. NOT reads only its first input. */
export const GATE_FUNCTIONS: Readonly<Record<Gate, (a: number, b: number) => number>> = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  not: (a) => 1 - a,
  nand: (a, b) => 1 - (a & b),
  // XOR(x1, x2) = (x1 ∧ ¬x2) ∨ (¬x1 ∧ x2)
  xor: (a, b) => a ^ b,
};

/** How many inputs a gate takes: 1 for NOT, 2 for the others. */
export function gateArity(gate: Gate): 1 | 2 {
  switch (gate) {
    case 'not':
      return 1;
    case 'and':
    case 'or':
    case 'nand':
    case 'xor':
      return 2;
  }
}

/**
 * The exact truth table of a gate as a binary dataset: every input combination once, in counting
 * order (`0`, `1` for NOT; `00`, `01`, `10`, `11` otherwise), `y` the gate's output in {0, 1}.
 */
export function gateDataset(gate: Gate, options: { dtype?: DType } = {}): Dataset {
  const dtype = options.dtype ?? 'float64';
  const inputs = gateArity(gate);
  const rows = 2 ** inputs;
  const x = arrayFor(dtype, rows * inputs);
  const y = arrayFor(dtype, rows);
  const truth = GATE_FUNCTIONS[gate];
  for (let r = 0; r < rows; r++) {
    // Row r spells its inputs in binary, most significant bit first.
    const a = inputs === 1 ? r : (r >> 1) & 1;
    const b = r & 1;
    x[r * inputs] = a;
    if (inputs === 2) x[r * inputs + 1] = b;
    y[r] = truth(a, b);
  }
  return {
    name: gate,
    task: 'binary',
    x: { rows, cols: inputs, data: x },
    y: { rows, cols: 1, data: y },
    classNames: ['0', '1'],
    featureNames: inputs === 1 ? ['x'] : ['x1', 'x2'],
  };
}
