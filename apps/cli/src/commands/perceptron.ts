import { Command, Option } from 'commander';
import { optimizer } from '@twinprop/core';
import { gateDataset, GATES, type Gate } from '@twinprop/datasets';
import { trainPerceptron } from '@twinprop/engine-reference';
import { out, printJson } from '../io.js';
import { configure } from '../options.js';
import { engines, positiveInteger, positiveNumber, renderTable, seed } from '@twinprop/toolkit';

interface PerceptronOptions {
  gate: Gate;
  lr: number;
  epochs: number;
  seed?: number;
  json?: boolean;
}

/** The weights the lecture sets by hand (σ(x) = 1 if x > 0): one separating line for each gate. */
const LECTURE_WEIGHTS: Partial<Record<Gate, { w: number[]; b: number }>> = {
  and: { w: [1, 1], b: -1.5 },
  or: { w: [1, 1], b: -0.5 },
  not: { w: [-1], b: 0.5 },
};

const GATE_FORMULA: Record<Gate, string> = {
  and: 'x1 ∧ x2',
  or: 'x1 ∨ x2',
  not: '¬x',
  nand: '¬(x1 ∧ x2)',
  xor: '(x1 ∧ ¬x2) ∨ (¬x1 ∧ x2)',
};

export function perceptronCommand(): Command {
  const command = new Command('perceptron')
    .description('the lecture’s demo: learn a logic gate with one perceptron and the perceptron rule (XOR cannot be learned)')
    .addOption(new Option('-g, --gate <gate>', 'logic gate').choices(GATES).makeOptionMandatory())
    .option('--lr <rate>', 'learning rate η of the rule w ← w + η(y − ŷ)x, b ← b + η(y − ŷ)', positiveNumber, 1)
    .option('--epochs <n>', 'passes over the truth table before giving up', positiveInteger, 100)
    .option('--seed <n>', 'visit the rows in a seeded random order each epoch (default: in table order)', seed)
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', '\nExamples:\n  twinprop perceptron --gate and\n  twinprop perceptron --gate xor')
    .action(async (options: PerceptronOptions) => {
      await runPerceptron(options);
    });
  return configure(command);
}

/** σ(⟨w, x⟩ + b) with σ(z) = 1 if z > 0 else 0. */
function fire(w: readonly number[], b: number, x: readonly number[]): number {
  return w.reduce((z, wi, i) => z + wi * (x[i] ?? 0), b) > 0 ? 1 : 0;
}

async function runPerceptron(options: PerceptronOptions): Promise<void> {
  const data = gateDataset(options.gate);
  const report = trainPerceptron(data, {
    learningRate: options.lr,
    maxEpochs: options.epochs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  // Predictions of the learned weights, computed by the reference engine's step layer.
  const model = (await engines.create('reference/float64')).createModel(report.spec, report.weights, {
    loss: 'meanSquaredError',
    optimizer: optimizer('sgd'),
  });
  const outputs = model.predict(data.x);
  model.dispose();
  const inputs = data.x.cols;
  const rows = Array.from({ length: data.x.rows }, (_, r) => ({
    x: Array.from(data.x.data.subarray(r * inputs, (r + 1) * inputs)),
    target: data.y.data[r] ?? 0,
    prediction: outputs.data[r] ?? 0,
  }));
  const w = report.w[0] ?? [];
  const b = report.b[0] ?? 0;
  const lecture = LECTURE_WEIGHTS[options.gate];
  if (options.json === true) {
    printJson({
      gate: options.gate,
      learningRate: options.lr,
      converged: report.converged,
      epochs: report.epochs,
      errorsPerEpoch: report.errorsPerEpoch,
      finalErrors: report.finalErrors,
      w,
      b,
      table: rows,
      message: report.message,
      ...(lecture === undefined ? {} : { lectureWeights: lecture }),
    });
    return;
  }
  const names = data.featureNames ?? [];
  const show = (n: number): string => String(Number(n.toPrecision(6)));
  out(`perceptron rule on ${options.gate.toUpperCase()} = ${GATE_FORMULA[options.gate]}, η = ${options.lr}, starting from w = 0, b = 0`);
  out(`  ŷ = σ(${w.map((_, i) => `w${w.length === 1 ? '' : i + 1}·${names[i] ?? `x${i + 1}`}`).join(' + ')} + b),  σ(z) = 1 if z > 0 else 0`);
  out('');
  out(`learned   ${w.map((v, i) => `w${w.length === 1 ? '' : i + 1} = ${show(v)}`).join(', ')}, b = ${show(b)}`);
  out(`mistakes  per epoch: ${report.errorsPerEpoch.length <= 12 ? report.errorsPerEpoch.join(', ') : `${report.errorsPerEpoch.slice(0, 10).join(', ')}, … (${report.epochs} epochs)`}`);
  out('');
  out(
    renderTable(
      [...names, 'target', 'ŷ', 'correct?'],
      rows.map((row) => [...row.x.map(String), String(row.target), String(row.prediction), row.prediction === row.target ? 'yes' : 'NO']),
      { align: [...names.map(() => 'right' as const), 'right', 'right', 'left'] },
    ),
  );
  out('');
  if (report.converged) {
    out(`result: ${report.message}.`);
  } else {
    out(`result: ${report.message}`);
    if (options.gate === 'xor') {
      out('XOR is not linearly separable: no single line w1·x1 + w2·x2 + b = 0 puts (0,1) and (1,0) on one side and (0,0) and (1,1) on the other.');
      out('A hidden layer fixes it — try: twinprop train --dataset xor --hidden 4');
    }
  }
  if (lecture !== undefined) {
    const agrees = rows.every((row) => fire(lecture.w, lecture.b, row.x) === row.target);
    out(
      `the lecture's weights ${lecture.w.map((v, i) => `w${lecture.w.length === 1 ? '' : i + 1} = ${v}`).join(', ')}, b = ${lecture.b} ` +
        `${agrees ? 'also classify every row correctly' : 'do NOT reproduce this table'} — any separating line works.`,
    );
  }
}
