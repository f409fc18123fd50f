import { Command } from 'commander';
import {
  cloneWeights,
  compareWeights,
  deriveSeed,
  describeSpec,
  initializeWeights,
  namedParameters,
  optimizer,
  parseEngineId,
  Rng,
  selectRows,
  worstAbs,
  worstRel,
  type Batch,
  type ModelSpec,
  type Weights,
} from '@twinprop/core';
import { fitStandardization } from '@twinprop/datasets';
import { gradientCheck, type GradientCheckReport, type ParameterCheck, type TensorCheck } from '@twinprop/engine-reference';
import { engines, formatError, formatLoss, formatNumber, positiveInteger, positiveNumber, renderTable } from '@twinprop/toolkit';
import { loadSource, scaleWith, standardizeByDefault } from '../data.js';
import { addEngineOptions, engineRequest, engineSelector, type EngineOptions } from '../engine-options.js';
import { EXIT, UsageError } from '../errors.js';
import { out, printJson } from '../io.js';
import { modelFromOptions } from '../model-spec.js';
import { addDataOptions, addModelOptions, configure, type DataOptions, type ModelOptions } from '../options.js';

interface GradcheckOptions extends DataOptions, ModelOptions, EngineOptions {
  rows: number;
  step: number;
  tolerance: number;
  atol: number;
  maxParameters: number;
  json?: boolean;
}

/** Where finite differences run: the reference engine in float64. Any other engine is compared with it. */
const FINITE_DIFFERENCE_ENGINE = 'reference/float64';

/** An engine in float32 passes when every |Δ| ≤ atol + rtol·|reference| against the float64 reference (torch.allclose's rule). */
const FLOAT32_ABSOLUTE_TOLERANCE = 1e-5;
const FLOAT32_RELATIVE_TOLERANCE = 1e-3;
/** The denominator floor of the reported relative errors (core's relativeError), so near-zero gradients do not turn rounding into huge ratios. */
const RELATIVE_ERROR_FLOOR = 1e-7;

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
    .addHelpText('after', '\nExit status 1 when a check fails.\n\nExamples:\n  twinprop gradcheck --dataset xor --hidden 4\n  twinprop gradcheck --dataset iris --hidden 8,8 --activation relu --l2 0.01 --engine tfjs/cpu')
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
  readonly engineId: string;
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

async function runGradcheck(options: GradcheckOptions, command: Command): Promise<void> {
  const request = await engineRequest(command, options);
  // The engine under test; the reference engine runs in float64 here unless told otherwise.
  const selector = engineSelector(request, { dtype: 'float64' });
  const fdEngine = parseEngineId(FINITE_DIFFERENCE_ENGINE);
  if (selector.engine === fdEngine.engine && engines.candidates(selector).variants.every((v) => v.dtype !== 'float64')) {
    throw new UsageError(
      `the finite-difference check runs in float64 (in float32 the differences are mostly rounding noise); ${request.dtype === undefined ? `use --engine ${FINITE_DIFFERENCE_ENGINE}` : 'drop --dtype'}`,
    );
  }
  const name = options.dataset ?? 'xor';
  const loaded = await loadSource({ dataset: name, points: options.points, noise: options.noise, seed: options.seed, label: options.label });
  const { spec, training, data } = modelFromOptions(loaded, options, optimizer('sgd'));
  const count = Math.min(options.rows, data.x.rows);
  // A seeded sample of rows, so generators that emit one class first still give a mixed batch.
  const indices = Array.from(new Rng(deriveSeed(options.seed, 'gradcheck/rows')).permutation(data.x.rows).subarray(0, count)).sort((a, b) => a - b);
  const raw: Batch = { x: selectRows(data.x, indices, 'float64'), y: selectRows(data.y, indices, 'float64') };
  const batch: Batch = standardizeByDefault(name) ? { ...raw, x: scaleWith({ ...data, ...raw }, fitStandardization(raw.x)).x } : raw;
  const weights = initializeWeights(spec, new Rng(deriveSeed(options.seed, 'init')), 'float64');

  const reference = await engines.resolve(FINITE_DIFFERENCE_ENGINE);
  const referenceModel = reference.engine.createModel(spec, weights, training);
  let report: GradientCheckReport;
  let comparison: EngineComparison | undefined;
  let engineId = reference.id;
  try {
    report = gradientCheck(referenceModel, batch, { step: options.step, tolerance: options.tolerance, maxParameters: options.maxParameters, seed: options.seed });
    const underTest = await engines.resolve(selector);
    engineId = underTest.id;
    if (underTest.id !== reference.id) {
      const model = underTest.engine.createModel(spec, cloneWeights(weights, underTest.engine.dtype), training);
      try {
        comparison = compareEngines(referenceModel.lossAndGradients(batch), model.lossAndGradients(batch), {
          engine: model.engine,
          engineId: underTest.id,
          backend: model.backend,
          dtype: model.dtype,
        });
      } finally {
        model.dispose();
      }
    }
  } finally {
    referenceModel.dispose();
  }

  const fd = withAbsoluteTolerance(report, options.atol);
  const passed = fd.passed && (comparison?.passed ?? true);
  const shapes = new Map(namedParameters(weights).map((p) => [p.name, p.tensor.shape]));
  if (options.json === true) {
    const headline = comparison ?? fd;
    printJson({
      dataset: name,
      rows: count,
      spec: describeSpec(spec),
      loss: training.loss,
      engine: parseEngineId(engineId).engine,
      engineId,
      maxAbsoluteError: headline.maxAbsoluteError,
      maxRelativeError: headline.maxRelativeError,
      passed,
      finiteDifferences: {
        engine: fdEngine.engine,
        engineId: reference.id,
        dtype: reference.variant.dtype,
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

/** The pass rule stated in the report: every |other − reference| ≤ atol + rtol·|reference|. */
function allClose(reference: ArrayLike<number>, other: ArrayLike<number>): boolean {
  if (reference.length !== other.length) return false;
  for (let i = 0; i < reference.length; i++) {
    const expected = reference[i] ?? Number.NaN;
    if (!(Math.abs((other[i] ?? Number.NaN) - expected) <= FLOAT32_ABSOLUTE_TOLERANCE + FLOAT32_RELATIVE_TOLERANCE * Math.abs(expected))) return false;
  }
  return true;
}

/** Another engine's analytic gradients against the float64 reference's, tensor by tensor (core's compareWeights: shapes first, then values). */
function compareEngines(
  reference: { loss: number; gradients: Weights },
  other: { loss: number; gradients: Weights },
  info: { engine: string; engineId: string; backend: string; dtype: string },
): EngineComparison {
  const diffs = compareWeights(reference.gradients, other.gradients, RELATIVE_ERROR_FLOOR);
  const ours = namedParameters(reference.gradients);
  const theirs = namedParameters(other.gradients);
  const tensors = diffs.map((d, t) => ({
    name: d.name,
    shape: d.shape,
    maxAbsoluteError: d.maxAbs,
    maxRelativeError: d.maxRel,
    passed: d.shapeMatches && allClose(ours[t]?.tensor.data ?? [], theirs[t]?.tensor.data ?? []),
  }));
  return {
    ...info,
    lossReference: reference.loss,
    loss: other.loss,
    absoluteTolerance: FLOAT32_ABSOLUTE_TOLERANCE,
    relativeTolerance: FLOAT32_RELATIVE_TOLERANCE,
    maxAbsoluteError: worstAbs(diffs),
    maxRelativeError: worstRel(diffs),
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
