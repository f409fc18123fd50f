import { Command } from 'commander';
import { DATASETS } from '@twinprop/datasets';
import { out, printJson } from '../io.js';
import { configure } from '../options.js';
import { renderTable } from '@twinprop/toolkit';

interface DatasetsOptions {
  json?: boolean;
}

export function datasetsCommand(): Command {
  const command = new Command('datasets')
    .description('list the built-in datasets (any .csv file works too)')
    .option('--json', 'print the list as JSON')
    .action((options: DatasetsOptions) => {
      if (options.json === true) {
        printJson(DATASETS);
        return;
      }
      const rows = DATASETS.map((d) => [
        d.name,
        d.task,
        `${d.rows} × ${d.features} → ${d.outputs}`,
        d.options.length === 0 ? '—' : d.options.map((o) => `--${o}`).join(' '),
        d.description,
      ]);
      out(renderTable(['name', 'task', 'shape (rows × features → outputs)', 'options', 'description'], rows, { align: ['left', 'left', 'left', 'left', 'left'] }));
      out('\nOr a CSV file: --dataset path/to/data.csv (header row; label in the last column, or --label <column>).');
    });
  return configure(command);
}
