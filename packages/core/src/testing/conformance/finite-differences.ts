/**
 * Central finite differences for the gradient area, and what they need to stay honest near ReLU
 * kinks: an engine-independent float64 forward pass (core's formulas) that says where every
 * pre-activation lies relative to its activation's kinks.
 */
import { expect } from 'vitest';
import { ACTIVATION_DEFINITIONS, type Activation } from '../../activations.js';
import { selectRows } from '../../data.js';
import type { Batch, Model } from '../../engine.js';
import { layersOf, type ModelSpec } from '../../spec.js';
import { cloneWeights, namedParameters, type Matrix, type Weights } from '../../weights.js';

/** Every layer's pre-activations z (rows × units, row-major) by core's formulas in float64, independently of any engine. */
export function preActivations(spec: ModelSpec, weights: Weights, x: Matrix): Array<{ activation: Activation; units: number; z: number[] }> {
  let input = Array.from(x.data);
  let width = spec.inputSize;
  const layers = layersOf(spec);
  return layers.map((layer, l) => {
    const { kernel, bias } = weights.layers[l]!;
    const z: number[] = [];
    for (let r = 0; r < x.rows; r++) {
      for (let j = 0; j < layer.units; j++) {
        let sum = bias.data[j]!;
        for (let i = 0; i < width; i++) sum += input[r * width + i]! * kernel.data[i * layer.units + j]!;
        z.push(sum);
      }
    }
    if (l < layers.length - 1) {
      const value = ACTIVATION_DEFINITIONS[layer.activation].value;
      if (value === undefined) throw new Error(`conformance: ${layer.activation} is not element-wise, so it cannot be a hidden layer here`);
      input = z.map(value);
      width = layer.units;
    }
    return { activation: layer.activation, units: layer.units, z };
  });
}

/** Which side of each kink (core's `kinks` of its activation) every pre-activation lies on, as one string. */
export function kinkPattern(spec: ModelSpec, weights: Weights, x: Matrix): string {
  return preActivations(spec, weights, x)
    .map(({ activation, z }) => z.map((v) => ACTIVATION_DEFINITIONS[activation].kinks.map((k) => (v > k ? '+' : '-')).join('')).join(''))
    .join('|');
}

/** For each row of `x`, how close its nearest pre-activation comes to a kink (Infinity without kinks). */
export function kinkDistances(spec: ModelSpec, weights: Weights, x: Matrix): number[] {
  const distances = new Array<number>(x.rows).fill(Number.POSITIVE_INFINITY);
  for (const { activation, units, z } of preActivations(spec, weights, x)) {
    const kinks = ACTIVATION_DEFINITIONS[activation].kinks;
    z.forEach((v, i) => {
      const r = Math.floor(i / units);
      for (const k of kinks) distances[r] = Math.min(distances[r]!, Math.abs(v - k));
    });
  }
  return distances;
}

/** Central finite differences, and for each parameter whether θ ± h put a pre-activation on the other side of a kink. */
export interface FiniteDifferences {
  readonly gradient: number[];
  /** A quotient across a kink is not a derivative; such components are to be left out (and counted). */
  readonly crossesKink: boolean[];
}

/**
 * `(L(θ + h) − L(θ − h)) / (θ₊ − θ₋)` of `model.loss(batch)` for every parameter in core's order,
 * perturbing through setWeights; θ₊, θ₋ are θ ± h as the model stores them (rounded in float32).
 */
export function finiteDifferences(model: Model, batch: Batch, step: number): FiniteDifferences {
  const base = model.getWeights();
  const probe = cloneWeights(base, 'float64');
  const unperturbed = kinkPattern(model.spec, base, batch.x);
  const gradient: number[] = [];
  const crossesKink: boolean[] = [];
  const lossAt = (p: number, i: number): { loss: number; theta: number; crosses: boolean } => {
    const stored = cloneWeights(probe, model.dtype);
    model.setWeights(stored);
    return { loss: model.loss(batch), theta: namedParameters(stored)[p]!.tensor.data[i]!, crosses: kinkPattern(model.spec, stored, batch.x) !== unperturbed };
  };
  namedParameters(probe).forEach(({ tensor }, p) => {
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      const saved = data[i]!;
      data[i] = saved + step;
      const plus = lossAt(p, i);
      data[i] = saved - step;
      const minus = lossAt(p, i);
      data[i] = saved;
      gradient.push((plus.loss - minus.loss) / (plus.theta - minus.theta));
      crossesKink.push(plus.crosses || minus.crosses);
    }
  });
  model.setWeights(base);
  return { gradient, crossesKink };
}

/** Rows whose pre-activations all lie within this many h of a kink are not used for finite differences. */
export const KINK_MARGIN_STEPS = 5;

/** The first `rows` rows of `candidates` whose pre-activations all stay `margin` away from every kink. */
export function rowsAwayFromKinks(spec: ModelSpec, weights: Weights, candidates: Batch, rows: number, margin: number): Batch {
  const distances = kinkDistances(spec, weights, candidates.x);
  const chosen = distances.flatMap((d, r) => (d >= margin ? [r] : [])).slice(0, rows);
  if (chosen.length < rows) expect.fail(`only ${chosen.length} of ${candidates.x.rows} candidate rows stay ${margin} away from every kink; the suite needs another seed`);
  return { x: selectRows(candidates.x, chosen), y: selectRows(candidates.y, chosen) };
}

