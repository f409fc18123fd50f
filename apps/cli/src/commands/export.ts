import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import { readModelFile } from '@twinprop/core/node';
import { EXPORT_FORMATS, exportOnnx, exportTfjs, FORMAT_NAMES, writeFileAtomic, writeTfjsExport, type ExportFormat, type ExportReport } from '@twinprop/interchange';
import { renderPairs } from '@twinprop/toolkit';
import { UsageError } from '../errors.js';
import { out, printJson, warn } from '../io.js';
import { configure } from '../options.js';

interface ExportOptions {
  model: string;
  format: ExportFormat;
  out: string;
  json?: boolean;
}

export function exportCommand(): Command {
  const command = new Command('export')
    .description('write a saved model as a TensorFlow.js LayersModel (model.json + weights.bin) or an ONNX file')
    .requiredOption('-m, --model <file>', 'model file written by `twinprop train --out`')
    .addOption(new Option('--format <format>', 'tfjs: a folder with model.json and weights.bin; onnx: one .onnx file').choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption('-o, --out <path>', 'tfjs: the folder to write; onnx: the file to write')
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', '\nExamples:\n  twinprop export --model iris.json --format tfjs --out iris-tfjs/\n  twinprop export --model iris.json --format onnx --out iris.onnx')
    .action(async (options: ExportOptions) => {
      await runExport(options);
    });
  return configure(command);
}

async function kindOf(path: string): Promise<'file' | 'directory' | 'missing' | 'other'> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

async function runExport(options: ExportOptions): Promise<void> {
  const file = await readModelFile(options.model);
  const derived = file.metadata.inputFeatures;
  if (derived !== undefined) {
    // The exported graph starts at the first layer: whoever runs it must compute the features first.
    warn(
      `${options.model} computes its inputs from (${derived.from.join(', ')}) as ${derived.features.join(', ')} before its first layer; ` +
        `the exported model takes those ${derived.features.length} features, not the raw columns — compute them before calling it`,
    );
  }
  const kind = await kindOf(options.out);
  let report: ExportReport;
  let written: Array<{ path: string; bytes: number }>;
  switch (options.format) {
    case 'tfjs': {
      if (kind === 'file' || kind === 'other') throw new UsageError(`--out ${options.out}: is a file; --format tfjs writes a folder (model.json and weights.bin)`);
      const exported = exportTfjs(file);
      const paths = await writeTfjsExport(options.out, exported);
      report = exported.report;
      written = [
        { path: paths.modelJson, bytes: Buffer.byteLength(exported.modelJsonText) },
        { path: paths.weights, bytes: exported.weightsBin.length },
      ];
      break;
    }
    case 'onnx': {
      if (kind === 'directory') throw new UsageError(`--out ${options.out}: is a folder; --format onnx writes one file (for example ${join(options.out, `${basename(options.model, '.json')}.onnx`)})`);
      const exported = exportOnnx(file);
      await writeFileAtomic(options.out, exported.bytes);
      report = exported.report;
      written = [{ path: options.out, bytes: exported.bytes.length }];
      break;
    }
  }
  if (options.json === true) {
    printJson({ source: options.model, ...report, files: written });
    return;
  }
  out(`exported ${options.model} (${report.model}) as ${FORMAT_NAMES[report.format]}`);
  out(
    renderPairs([
      ...written.map((w): [string, string] => ['wrote', `${w.path} (${w.bytes} bytes)`]),
      ...report.layers.map((l): [string, string] => [l.name, `${l.activation} → ${l.as}`]),
      ['inputs', report.standardizationFolded ? 'raw: the stored standardization is folded into dense_0 (W′ = W/σ, b′ = b − Σ(μ/σ)·W)' : 'as stored (no standardization)'],
      ['precision', report.rounding.statement],
    ]),
  );
}
