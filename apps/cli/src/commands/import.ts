import { Command, Option } from 'commander';
import { describeSpec, LOSSES, type LossName } from '@twinprop/core';
import { writeModelFile } from '@twinprop/core/node';
import { readTfjsModel } from '@twinprop/interchange';
import { renderPairs } from '@twinprop/toolkit';
import { out, printJson, warn } from '../io.js';
import { configure } from '../options.js';

const IMPORT_FORMATS = ['tfjs'] as const;

interface ImportOptions {
  from: (typeof IMPORT_FORMATS)[number];
  out: string;
  loss?: LossName;
  json?: boolean;
}

export function importCommand(): Command {
  const command = new Command('import')
    .description('read a TensorFlow.js LayersModel (Sequential of Dense layers) into a twinprop model file')
    .argument('<model>', 'the model.json (its weight files are read from the same folder)')
    .addOption(new Option('--from <format>', 'the format of <model>').choices(IMPORT_FORMATS).makeOptionMandatory())
    .requiredOption('-o, --out <file>', 'the twinprop model file to write')
    .addOption(new Option('--loss <name>', "loss to train with (default: the model's training loss, else the output's natural one)").choices(LOSSES))
    .option('--json', 'print what was imported as JSON')
    .addHelpText('after', '\nExample:\n  twinprop import --from tfjs keras-model/model.json --out model.json')
    .action(async (model: string, options: ImportOptions) => {
      await runImport(model, options);
    });
  return configure(command);
}

async function runImport(source: string, options: ImportOptions): Promise<void> {
  const { modelFile, notes } = await readTfjsModel(source, options.loss === undefined ? {} : { loss: options.loss });
  await writeModelFile(options.out, modelFile);
  const summary = { from: options.from, source, out: options.out, model: describeSpec(modelFile.spec), loss: modelFile.training.loss, optimizer: modelFile.training.optimizer.kind, notes };
  if (options.json === true) {
    printJson(summary);
    return;
  }
  for (const note of notes) warn(note);
  out(`imported ${source} (TensorFlow.js LayersModel) as ${summary.model}`);
  out(renderPairs([['wrote', options.out], ['weights', 'float32, as stored'], ['training', `${summary.loss}, ${summary.optimizer}`]]));
}
