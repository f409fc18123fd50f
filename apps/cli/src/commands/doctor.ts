import { Command } from 'commander';
import { reasonHeadline } from '@twinprop/core';
import { engines, renderTable } from '@twinprop/toolkit';
import { collect } from '../engine-options.js';
import { out, printJson } from '../io.js';
import { configure } from '../options.js';
import { loadEngineModule } from '@twinprop/toolkit';

interface DoctorOptions {
  json?: boolean;
  engineModule: string[];
}

/**
 * `twinprop doctor`: which engines and variants (TensorFlow.js backends) load here, and for each
 * that does not, why — straight from the engine registry's availability report.
 */
export function doctorCommand(): Command {
  const command = new Command('doctor')
    .description('which engines and backends load here, and why not')
    .option('--engine-module <specifier>', 'also check the engines a package or .js file registers (repeatable)', collect, [])
    .option('--json', 'print the report as JSON')
    .action(async (options: DoctorOptions) => {
      for (const specifier of options.engineModule) await loadEngineModule(specifier);
      const statuses = await engines.availability();
      const node = process.versions.node;
      if (options.json === true) {
        printJson({
          node,
          platform: `${process.platform}-${process.arch}`,
          engines: statuses.map((s) => ({
            id: s.id,
            engine: s.engine,
            variant: s.variant.name,
            dtype: s.variant.dtype,
            available: s.available,
            ...(s.available ? { detail: s.detail } : { reason: s.reason }),
          })),
        });
        return;
      }
      out(`node ${node} on ${process.platform}-${process.arch}\n`);
      // The table keeps each reason's first sentence; the whole reason (install help) follows it.
      const notes = statuses.flatMap((s) => (!s.available && reasonHeadline(s.reason) !== s.reason ? [{ id: s.id, reason: s.reason }] : []));
      out(
        renderTable(
          ['engine id', 'dtype', 'loads', 'detail or why not'],
          statuses.map((s) => [s.id, s.variant.dtype, s.available ? 'yes' : 'no', s.available ? s.detail : reasonHeadline(s.reason)]),
          { align: ['left', 'left', 'left', 'left'] },
        ),
      );
      for (const s of notes) out(`\n${s.id}: ${s.reason}`);
      const usable = statuses.filter((s) => s.available).length;
      out(`\n${usable} of ${statuses.length} engine variants load here; --engine <id> chooses one.`);
    });
  return configure(command);
}
