import { Command } from 'commander';
import {
  cloneWeights,
  defaultLossFor,
  deriveSeed,
  describeSpec,
  initializeWeights,
  namedParameters,
  optimizer,
  Rng,
  selectRows,
  validateSpec,
  validateTrainingConfig,
  type Batch,
  type Dataset,
  type ModelSpec,
  type TrainingConfig,
  type Weights,
} from '@twinprop/core';
import { binaryToMulticlass, fitStandardization } from '@twinprop/datasets';
import { referenceGradientCheck, type GradientCheckReport, type ParameterCheck, type TensorCheck } from '@twinprop/engine-reference';
import { loadSource, scaleWith, standardizeByDefault } from '../data.js';
import { createEngine } from '../engines.js';
import { EXIT, UsageError } from '../errors.js';
import { out, printJson } from '../io.js';
import { addDataOptions, addEngineOptions, addModelOptions, configure, engineRequest, type DataOptions, type EngineOptions, type ModelOptions } from '../options.js';
import { positiveInteger, positiveNumber } from '@twinprop/toolkit';
import { formatError, formatLoss, formatNumber } from '@twinprop/toolkit';
import { renderTable } from '@twinprop/toolkit';
import { defaultOutputFor } from './train.js';

interface GradcheckOptions extends DataOptions, ModelOptions, EngineOptions {
  rows: number;
  step: number;
  tolerance: number;
  atol: number;
  maxParameters: number;
  json?: boolean;
}

/** tfjs computes in float32: its gradients are compared with the float64 reference within |Δ| ≤ atol + rtol·|reference|. */
const TFJS_ABSOLUTE_TOLERANCE = 1e-5;
const TFJS_RELATIVE_TOLERANCE = 1e-3;

export function gradcheckCommand(): Command {
  const command = new Command('gradcheck').description(
    'check backprop: analytic vs finite-difference gradients (reference engine, float64) and, with --engine tfjs, tfjs vs reference',
  );
  addDataOptions(command, 'built-in dataset or .csv file to take the batch from (default: xor)');
  addModelOptions(command);
  command
    .option('--rows <n>', 'rows of the dataset in the batch', positiveInteger, 16)
    .option('--step <h>', 'finite-difference step h', positiveNumber, 1e-6)
    .option('--tolerance <r>', 'finite differences: a parameter passes when its relative error is at most this…', positiveNumber, 1e-6)
    .option('--atol <a>', '…or its absolute error is at most this (float64 rounding of the differences is ~1e-10)', positiveNumber, 1e-8)
    .option('--max-parameters <n>', 'check at most this many parameters (a seeded sample)', positiveInteger, 5000);
  addEngineOptions(command, 'float64 for finite differences')
    .option('--json', 'print the result as one JSON object')
    .addHelpText('after', '\nExit status 1 when a check fails.\n\nExamples:\n  twinprop gradcheck --dataset xor --hidden 4\n  twinprop gradcheck --dataset iris --hidden 8,8 --activation relu --l2 0.01 --engine tfjs --backend cpu')
    .action(async (options: GradcheckOptions, self: Command) => {
      await runGradcheck(options, self);
    });
  return configure(command);
}

interface TensorComparison {
  readonly name: string;
  readonly shape: readonly number[];
  readonly maxAbsoluteError: number;
  readonly maxRelativeError: number;
  readonly passed: boolean;
}

interface EngineComparison {
  readonly engine: string;
  readonly backend: string;
  readonly dtype: string;
  readonly lossReference: number;
  readonly loss: number;
  readonly absoluteTolerance: number;
  readonly relativeTolerance: number;
  readonly maxAbsoluteError: number;
  readonly maxRelativeError: number;
  readonly passed: boolean;
  readonly tensors: TensorComparison[];
}

function buildSpec(data: Dataset, options: GradcheckOptions): { spec: ModelSpec; training: TrainingConfig; data: Dataset } {
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
    optimizer: optimizer('sgd'),
    ...(Object.keys(regularization).length > 0 ? { regularization } : {}),
  });
  return { spec, training, data: shaped };
}

async function runGradcheck(options: GradcheckOptions, command: Command): Promise<void> {
  const request = engineRequest(command, options);
  if (request.engine === 'reference' && request.dtype === 'float32') {
    throw new UsageError('the finite-difference check runs in float64 (in float32 the differences are mostly rounding noise); drop --dtype');
  }
  const name = options.dataset ?? 'xor';
  const loaded = await loadSource({ dataset: name, points: options.points, noise: options.noise, seed: options.seed, label: options.label });
  const { spec, training, data } = buildSpec(loaded, options);
  const count = Math.min(options.rows, data.x.rows);
  // A seeded sample of rows, so generators that emit one class first still give a mixed batch.
  const indices = Array.from(new Rng(deriveSeed(options.seed, 'gradcheck/rows')).permutation(data.x.rows).subarray(0, count)).sort((a, b) => a - b);
  const raw: Batch = { x: selectRows(data.x, indices, 'float64'), y: selectRows(data.y, indices, 'float64') };
  const batch: Batch = standardizeByDefault(name) ? { ...raw, x: scaleWith({ ...data, ...raw }, fitStandardization(raw.x)).x } : raw;
  const weights = initializeWeights(spec, new Rng(deriveSeed(options.seed, 'init')), 'float64');
  const report = referenceGradientCheck(spec, weights, batch, {
    loss: training.loss,
    ...(training.regularization === undefined ? {} : { regularization: training.regularization }),
    step: options.step,
    tolerance: options.tolerance,
    maxParameters: options.maxParameters,
    seed: options.seed,
  });

  const fd = withAbsoluteTolerance(report, options.atol);

  let comparison: EngineComparison | undefined;
  if (request.engine === 'tfjs') {
    const tfjs = await createEngine(request);
    const reference = await createEngine({ engine: 'reference', dtype: 'float64' });
    const tfjsModel = tfjs.createModel(spec, cloneWeights(weights, tfjs.dtype), training);
    const referenceModel = reference.createModel(spec, weights, training);
    try {
      comparison = compareEngines(referenceModel.lossAndGradients(batch), tfjsModel.lossAndGradients(batch), { engine: tfjsModel.engine, backend: tfjsModel.backend, dtype: tfjsModel.dtype });
    } finally {
      tfjsModel.dispose();
      referenceModel.dispose();
    }
  }
  const passed = fd.passed && (comparison?.passed ?? true);
  const shapes = new Map(namedParameters(weights).map((p) => [p.name, p.tensor.shape]));
  if (options.json === true) {
    const headline = comparison ?? fd;
    printJson({
      dataset: name,
      rows: count,
      spec: describeSpec(spec),
      loss: training.loss,
      engine: request.engine,
      maxAbsoluteError: headline.maxAbsoluteError,
      maxRelativeError: headline.maxRelativeError,
      passed,
      finiteDifferences: {
        engine: 'reference',
        dtype: 'float64',
        loss: report.loss,
        step: report.step,
        tolerance: report.tolerance,
        absoluteTolerance: options.atol,
        floor: report.floor,
        checked: report.checked,
        total: report.total,
        maxAbsoluteError: report.maxAbsoluteError,
        maxRelativeError: report.maxRelativeError,
        passed: fd.passed,
        tensors: fd.tensors.map((t) => ({ ...t, shape: shapes.get(t.name) ?? [] })),
      },
      ...(comparison === undefined ? {} : { engineComparison: comparison }),
    });
  } else {
    printReport(fd, comparison, { name, count, spec, loss: training.loss, shapes, atol: options.atol });
  }
  if (!passed) process.exitCode = EXIT.trainingFailed;
}

/**
 * The reference check passes a parameter on relative error alone; a gradient of 1e-5 then fails on
 * float64 noise of 1e-10. Here a parameter also passes when its absolute error is within `atol`
 * (as torch.autograd.gradcheck's `atol`), and the verdicts are recomputed per tensor.
 */
function withAbsoluteTolerance(report: GradientCheckReport, atol: number): GradientCheckReport {
  const ok = (p: ParameterCheck): boolean => p.relativeError <= report.tolerance || p.absoluteError <= atol;
  const tensors: TensorCheck[] = report.tensors.map((t) => ({ ...t, passed: report.parameters.filter((p) => p.name === t.name).every(ok) }));
  return { ...report, tensors, passed: report.parameters.every(ok) };
}

/** Relative error with a floor on the denominator, so near-zero gradients do not turn rounding into huge ratios. */
function relative(a: number, b: number, floor = 1e-7): number {
  const d = Math.abs(a - b);
  return d === 0 ? 0 : d / Math.max(Math.abs(a), Math.abs(b), floor);
}

function compareEngines(
  reference: { loss: number; gradients: Weights },
  other: { loss: number; gradients: Weights },
  info: { engine: string; backend: string; dtype: string },
): EngineComparison {
  const referenceTensors = namedParameters(reference.gradients);
  const otherTensors = namedParameters(other.gradients);
  const tensors = referenceTensors.map(({ name, tensor }, t) => {
    const theirs = otherTensors[t]?.tensor.data ?? new Float64Array(0);
    let maxAbsoluteError = 0;
    let maxRelativeError = 0;
    let passed = theirs.length === tensor.data.length;
    for (let i = 0; i < tensor.data.length; i++) {
      const expected = tensor.data[i] ?? 0;
      const actual = theirs[i] ?? Number.NaN;
      const absolute = Math.abs(expected - actual);
      maxAbsoluteError = Math.max(maxAbsoluteError, absolute);
      maxRelativeError = Math.max(maxRelativeError, relative(expected, actual));
      if (!(absolute <= TFJS_ABSOLUTE_TOLERANCE + TFJS_RELATIVE_TOLERANCE * Math.abs(expected))) passed = false;
    }
    return { name, shape: tensor.shape, maxAbsoluteError, maxRelativeError, passed };
  });
  return {
    ...info,
    lossReference: reference.loss,
    loss: other.loss,
    absoluteTolerance: TFJS_ABSOLUTE_TOLERANCE,
    relativeTolerance: TFJS_RELATIVE_TOLERANCE,
    maxAbsoluteError: Math.max(0, ...tensors.map((t) => t.maxAbsoluteError)),
    maxRelativeError: Math.max(0, ...tensors.map((t) => t.maxRelativeError)),
    passed: tensors.every((t) => t.passed),
    tensors,
  };
}

function printReport(
  report: GradientCheckReport,
  comparison: EngineComparison | undefined,
  info: { name: string; count: number; spec: ModelSpec; loss: string; shapes: Map<string, readonly number[]>; atol: number },
): void {
  const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');
  const shape = (name: string): string => (info.shapes.get(name) ?? []).join('×');
  out(`model ${describeSpec(info.spec)}, ${info.loss}, on ${info.count} rows of ${info.name}; loss ${formatLoss(report.loss)}`);
  out('');
  out(`analytic (backprop) vs central finite differences — reference engine, float64, h = ${formatNumber(report.step)}`);
  out(`a parameter passes when its relative error ≤ ${formatNumber(report.tolerance)} (denominator at least ${formatNumber(report.floor)}) or its absolute error ≤ ${formatNumber(info.atol)}`);
  out(
    renderTable(
      ['tensor', 'shape', 'checked', 'max abs error', 'max rel error', 'passed'],
      report.tensors.map((t) => [t.name, shape(t.name), `${t.checked}/${t.size}`, formatError(t.maxAbsoluteError), formatError(t.maxRelativeError), yes(t.passed)]),
    ),
  );
  out(`overall: max abs ${formatError(report.maxAbsoluteError)}, max rel ${formatError(report.maxRelativeError)} — ${report.passed ? 'passed' : 'FAILED'}`);
  if (comparison === undefined) return;
  out('');
  out(`${comparison.engine} (${comparison.backend}, ${comparison.dtype}) vs reference (float64) analytic gradients`);
  out(`passes when every |Δ| ≤ ${formatNumber(comparison.absoluteTolerance)} + ${formatNumber(comparison.relativeTolerance)}·|reference| (float32 rounding); loss ${formatLoss(comparison.loss)} vs ${formatLoss(comparison.lossReference)}`);
  out(
    renderTable(
      ['tensor', 'shape', 'max abs error', 'max rel error', 'passed'],
      comparison.tensors.map((t) => [t.name, t.shape.join('×'), formatError(t.maxAbsoluteError), formatError(t.maxRelativeError), yes(t.passed)]),
    ),
  );
  out(`overall: max abs ${formatError(comparison.maxAbsoluteError)}, max rel ${formatError(comparison.maxRelativeError)} — ${comparison.passed ? 'passed' : 'FAILED'}`);
}
