import type { Activation } from '@twinprop/core';
import type { ExportFormat } from './errors.js';
import type { PreparedModel, RoundingReport } from './prepare.js';

export const PRODUCER = '@twinprop/interchange';
export const PRODUCER_VERSION = '0.1.0';

/** What an export wrote and changed, for the CLI's output and its JSON. */
export interface ExportReport {
  readonly format: ExportFormat;
  /** `2-4-1 tanh/sigmoid`. */
  readonly model: string;
  /** Each weight-carrying layer and how the format expresses its activation. */
  readonly layers: ReadonlyArray<{ readonly name: string; readonly activation: Activation; readonly as: string }>;
  /** The model's standardization folded into the first layer, so the export takes raw inputs. */
  readonly standardizationFolded: boolean;
  readonly rounding: RoundingReport;
}

export function exportReport(format: ExportFormat, prepared: PreparedModel, as: readonly string[]): ExportReport {
  return {
    format,
    model: prepared.description,
    layers: prepared.layers.map((l, i) => ({ name: l.name, activation: l.activation, as: as[i] ?? '' })),
    standardizationFolded: prepared.standardizationFolded,
    rounding: prepared.rounding,
  };
}
