import { TwinpropError } from '@twinprop/core';

/** The formats this package writes. */
export const EXPORT_FORMATS = ['tfjs', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_NAMES: { readonly [F in ExportFormat]: string } = {
  tfjs: 'TensorFlow.js',
  onnx: 'ONNX',
};

/**
 * A model cannot be written in a format: a layer uses something the format cannot express
 * (`step` in TensorFlow.js, …). The message names the format, the layer and why. Its code,
 * `UNSUPPORTED`, is the one engines use for features they lack.
 */
export class ExportError extends TwinpropError {
  readonly format: ExportFormat;
  readonly layer: string | undefined;
  constructor(format: ExportFormat, message: string, layer?: string) {
    super('UNSUPPORTED', `cannot export to ${FORMAT_NAMES[format]}: ${message}`);
    this.format = format;
    this.layer = layer;
  }
}
