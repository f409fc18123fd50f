/**
 * A model file's text, in pieces (the weights streamed), so that a model of any size is written
 * without building one string. Non-finite values are refused before the first piece.
 */
import { ModelFileError } from '../errors.js';
import type { OptimizerState } from '../optimizer.js';
import { parameterName, type Weights } from '../weights.js';
import { MODEL_FILE_FORMAT, MODEL_FILE_VERSION, type ModelFile } from './schema.js';

/** Values per piece the serializer yields (a few hundred kB of text). */
const VALUES_PER_PIECE = 16384;

/** One tensor's data as JSON array text, in pieces. Shortest round-trip formatting (as JSON.stringify). */
function* numbersJson(data: Float32Array | Float64Array): Generator<string> {
  if (data.length === 0) {
    yield '[]';
    return;
  }
  for (let start = 0; start < data.length; start += VALUES_PER_PIECE) {
    const end = Math.min(data.length, start + VALUES_PER_PIECE);
    // JSON.stringify of plain numbers is the engine's native shortest round-trip formatting.
    const text = JSON.stringify(Array.from(data.subarray(start, end)));
    yield `${start === 0 ? '[' : ','}${text.slice(1, -1)}${end === data.length ? ']' : ''}`;
  }
}

function* weightsJsonPieces(weights: Weights): Generator<string> {
  yield `{"dtype":${JSON.stringify(weights.dtype)},"layers":[`;
  for (let i = 0; i < weights.layers.length; i++) {
    const layer = weights.layers[i];
    if (layer === undefined) continue;
    yield `${i === 0 ? '' : ','}{"kernel":{"shape":${JSON.stringify([...layer.kernel.shape])},"data":`;
    yield* numbersJson(layer.kernel.data);
    yield `},"bias":{"shape":${JSON.stringify([...layer.bias.shape])},"data":`;
    yield* numbersJson(layer.bias.data);
    yield '}}';
  }
  yield ']}';
}

function* optimizerStateJsonPieces(state: OptimizerState): Generator<string> {
  yield `{"kind":${JSON.stringify(state.kind)},"step":${JSON.stringify(state.step)},"slots":{`;
  let first = true;
  for (const [name, slot] of Object.entries(state.slots)) {
    yield `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    yield* weightsJsonPieces(slot);
  }
  yield '}}';
}

function assertFinite(weights: Weights, field: string): void {
  weights.layers.forEach((layer, i) => {
    for (const [part, tensor] of [['kernel', layer.kernel], ['bias', layer.bias]] as const) {
      const data = tensor.data;
      for (let k = 0; k < data.length; k++) {
        const v = data[k] ?? Number.NaN;
        if (!Number.isFinite(v)) {
          throw new ModelFileError(`refusing to save a non-finite ${field === 'weights' ? 'weight' : 'value'} (${v}) at index ${k}`, {
            field: field === 'weights' ? parameterName(i, part) : `${field}/${parameterName(i, part)}`,
          });
        }
      }
    }
  });
}

/**
 * The file's JSON text in pieces, for writing a model of any size without building one string
 * (see writeModelFile). Everything is checked before the first piece: weights and optimizer slots
 * (the early-stopping snapshot's too) must be finite. The pieces joined are exactly {@link serializeModelFile}'s text.
 */
export function serializeModelFileChunks(model: ModelFile): Iterable<string> {
  assertFinite(model.weights, 'weights');
  const state = model.optimizerState;
  if (state !== undefined) for (const [name, slot] of Object.entries(state.slots)) assertFinite(slot, `optimizerState.slots.${name}`);
  const early = model.earlyStopping;
  if (early?.bestValue !== undefined && !Number.isFinite(early.bestValue)) {
    throw new ModelFileError(`refusing to save a non-finite best value (${early.bestValue})`, { field: 'earlyStopping.bestValue' });
  }
  if (early?.best !== undefined) {
    assertFinite(early.best.weights, 'earlyStopping.best.weights');
    for (const [name, slot] of Object.entries(early.best.optimizerState.slots)) assertFinite(slot, `earlyStopping.best.optimizerState.slots.${name}`);
  }
  // Small parts go through JSON.stringify (which also drops undefined fields); the weights are streamed.
  const head = `{"format":${JSON.stringify(MODEL_FILE_FORMAT)},"version":${MODEL_FILE_VERSION},"spec":${JSON.stringify(model.spec)},"training":${JSON.stringify(model.training)},"weights":`;
  const metadata = JSON.stringify(model.metadata ?? {});
  function* pieces(): Generator<string> {
    yield head;
    yield* weightsJsonPieces(model.weights);
    if (state !== undefined) {
      yield ',"optimizerState":';
      yield* optimizerStateJsonPieces(state);
    }
    if (early !== undefined) {
      const { best, ...counters } = early;
      yield `,"earlyStopping":${JSON.stringify(counters).slice(0, -1)}`;
      if (best !== undefined) {
        yield ',"best":{"weights":';
        yield* weightsJsonPieces(best.weights);
        yield ',"optimizerState":';
        yield* optimizerStateJsonPieces(best.optimizerState);
        yield '}';
      }
      yield '}';
    }
    yield `,"metadata":${metadata}}\n`;
  }
  return pieces();
}

/** The file's JSON text. Weights must be finite; the result parses back to identical numbers. */
export function serializeModelFile(model: ModelFile): string {
  return [...serializeModelFileChunks(model)].join('');
}
