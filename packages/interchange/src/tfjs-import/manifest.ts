/**
 * A tfjs weights manifest: the weight files (relative to model.json, nothing outside its folder)
 * and the float32 weights they hold in order, checked against what the topology needs.
 */
import { MAX_PARAMETERS, type ModelSpec } from '@twinprop/core';
import { isRecord, show, type Fail } from './json.js';
import type { DenseDraft } from './topology.js';

/** One weight as the manifest describes it, with its place in the concatenated weight data. */
export interface ManifestWeight {
  readonly name: string;
  readonly shape: readonly number[];
  /** Byte offset in the concatenation of all weight files in manifest order. */
  readonly offset: number;
  readonly bytes: number;
}

/** The weights manifest: groups of files, each holding its weights in order. */
export function readManifest(manifest: unknown, fail: Fail): { paths: string[]; weights: ManifestWeight[]; totalBytes: number } {
  if (!Array.isArray(manifest)) return fail('has no weightsManifest array');
  const paths: string[] = [];
  const weights: ManifestWeight[] = [];
  let offset = 0;
  manifest.forEach((group: unknown, g) => {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      return fail(`weightsManifest[${g}] must be an object {paths, weights}`);
    }
    for (const path of group.paths as unknown[]) {
      if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\') || path.split('/').includes('..') || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
        fail(`weightsManifest[${g}].paths: ${show(path)} must be a file name relative to model.json's folder (no "..", no absolute path or URL)`);
      }
      paths.push(path);
    }
    (group.weights as unknown[]).forEach((entry, k) => {
      const where = `weightsManifest[${g}].weights[${k}]`;
      if (!isRecord(entry) || typeof entry.name !== 'string' || !Array.isArray(entry.shape)) return fail(`${where} must be an object {name, shape, dtype}`);
      if (entry.quantization !== undefined) return fail(`${where} "${entry.name}": quantized weights are not supported; convert without quantization`);
      if (entry.dtype !== 'float32') return fail(`${where} "${entry.name}": dtype ${show(entry.dtype)} is not supported (float32 only)`);
      const shape = entry.shape as unknown[];
      if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) return fail(`${where} "${entry.name}": shape ${show(shape)} is not a list of sizes`);
      const size = (shape as number[]).reduce((a, b) => a * b, 1);
      if (size > MAX_PARAMETERS) return fail(`${where} "${entry.name}": ${size} values is more than the limit of ${MAX_PARAMETERS}`);
      weights.push({ name: entry.name, shape: shape as number[], offset, bytes: size * 4 });
      offset += size * 4;
    });
  });
  if (paths.length === 0) fail('weightsManifest names no weights file');
  return { paths, weights, totalBytes: offset };
}

/** Checks that the manifest holds every weight the topology needs, with the shape it needs, and nothing else. */
export function checkWeightsMatchTopology(weights: readonly ManifestWeight[], spec: ModelSpec, dense: readonly DenseDraft[], fail: Fail): void {
  const used = new Set<string>();
  const find = (layerName: string, part: 'kernel' | 'bias', shape: readonly number[]): void => {
    const candidates = weights.filter((w) => w.name === `${layerName}/${part}` || w.name.endsWith(`/${layerName}/${part}`));
    const weight = candidates[0];
    if (weight === undefined) return fail(`weightsManifest has no ${layerName}/${part}, which layer "${layerName}" needs`);
    if (candidates.length > 1) return fail(`weightsManifest has ${candidates.length} weights for ${layerName}/${part}: ${candidates.map((w) => w.name).join(', ')}`);
    const same = weight.shape.length === shape.length && weight.shape.every((d, i) => d === shape[i]);
    if (!same) return fail(`weightsManifest: ${weight.name} has shape [${weight.shape.join(', ')}], but the topology needs [${shape.join(', ')}]`);
    used.add(weight.name);
  };
  let inputs = spec.inputSize;
  for (const d of dense) {
    find(d.name, 'kernel', [inputs, d.units]);
    if (d.useBias) find(d.name, 'bias', [d.units]);
    inputs = d.units;
  }
  const extra = weights.filter((w) => !used.has(w.name));
  if (extra.length > 0) fail(`weightsManifest has weights no layer uses: ${extra.map((w) => w.name).join(', ')}`);
}
