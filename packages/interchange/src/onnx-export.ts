import { LEAKY_RELU_ALPHA, type Activation, type ModelFile } from '@twinprop/core';
import { ExportError } from './errors.js';
import { describeLayer, float32Bytes, prepareModel, type PreparedLayer } from './prepare.js';
import { ProtoWriter } from './protobuf.js';
import { exportReport, PRODUCER, PRODUCER_VERSION, type ExportReport } from './report.js';
import { exportMetadata } from './tfjs-export.js';

/**
 * ONNX, written by hand from onnx.proto (proto2) — only the messages and fields an MLP needs.
 * Opset 13 (IR version 7): each layer is `MatMul(x, W)`, `Add(·, b)`, then its activation.
 */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;
/** The graph's input and output names. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/** TensorProto.DataType values used here. */
const FLOAT = 1;
/** AttributeProto.AttributeType values used here. */
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;

interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly attributes?: ReadonlyArray<{ readonly name: string; readonly float?: number; readonly int?: number }>;
}

interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** How one activation becomes ONNX nodes: from the pre-activation `z` to the layer's output `out`. */
interface OnnxActivationPlan {
  /** How it is written, for the report. */
  readonly as: string;
  readonly nodes: (z: string, out: string, prefix: string) => { nodes: OnnxNode[]; constants: OnnxTensor[] };
}

const single = (op: string, attributes?: OnnxNode['attributes']): OnnxActivationPlan => ({
  as: op,
  nodes: (z, out) => ({ nodes: [{ op, inputs: [z], output: out, ...(attributes === undefined ? {} : { attributes }) }], constants: [] }),
});

/**
 * Core's activations in ONNX. Partial on purpose: an activation core adds later is refused by name
 * until it is mapped here.
 */
export const ONNX_ACTIVATIONS: Partial<Record<Activation, OnnxActivationPlan>> = {
  linear: { as: '(none)', nodes: () => ({ nodes: [], constants: [] }) },
  sigmoid: single('Sigmoid'),
  tanh: single('Tanh'),
  relu: single('Relu'),
  leakyRelu: single('LeakyRelu', [{ name: 'alpha', float: LEAKY_RELU_ALPHA }]),
  softmax: single('Softmax', [{ name: 'axis', int: -1 }]),
  // σ(z) = 1 if z > 0 else 0: Greater(z, 0) gives a bool tensor, Cast(to = FLOAT) makes it 1 or 0.
  step: {
    as: 'Greater(z, 0) → Cast(float)',
    nodes: (z, out, prefix) => ({
      nodes: [
        { op: 'Greater', inputs: [z, `${prefix}/zero`], output: `${prefix}/positive` },
        { op: 'Cast', inputs: [`${prefix}/positive`], output: out, attributes: [{ name: 'to', int: FLOAT }] },
      ],
      constants: [{ name: `${prefix}/zero`, dims: [], data: new Float32Array(1) }],
    }),
  },
};

/** Why an activation cannot be written as ONNX (none of core's today). */
export const ONNX_REFUSALS: Partial<Record<Activation, string>> = {};

function planFor(layer: PreparedLayer, count: number): OnnxActivationPlan {
  const plan = ONNX_ACTIVATIONS[layer.activation];
  if (plan !== undefined) return plan;
  const why = ONNX_REFUSALS[layer.activation] ?? `${PRODUCER} ${PRODUCER_VERSION} has no ONNX mapping for it`;
  throw new ExportError('onnx', `${describeLayer(layer.index, count)} uses ${layer.activation} — ${why}`, layer.name);
}

function tensorProto(tensor: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of tensor.dims) w.int(1, d);
  return w.int(2, FLOAT).string(8, tensor.name).bytes(9, float32Bytes([tensor.data]));
}

function nodeProto(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  w.string(2, node.output).string(3, node.output).string(4, node.op);
  for (const attribute of node.attributes ?? []) {
    const a = new ProtoWriter().string(1, attribute.name);
    if (attribute.float !== undefined) a.float(2, attribute.float).int(20, ATTRIBUTE_FLOAT);
    if (attribute.int !== undefined) a.int(3, attribute.int).int(20, ATTRIBUTE_INT);
    w.message(5, a);
  }
  return w;
}

/** ValueInfoProto of a float tensor [batch, width] (batch symbolic). */
function valueInfo(name: string, width: number): ProtoWriter {
  const shape = new ProtoWriter()
    .message(1, new ProtoWriter().string(2, 'batch'))
    .message(1, new ProtoWriter().int(1, width));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

export interface OnnxExport {
  /** The `.onnx` file. */
  readonly bytes: Uint8Array;
  readonly report: ExportReport;
}

/**
 * Writes a model as an ONNX graph (opset 13) with input `input` [batch, inputSize] and output
 * `output` [batch, units], float32 throughout, the standardization stored in the model folded into
 * the first layer. The model's task, class and feature names go into `metadata_props`. Pure.
 */
export function exportOnnx(model: ModelFile): OnnxExport {
  const prepared = prepareModel(model);
  const count = prepared.layers.length;
  const plans = prepared.layers.map((layer) => planFor(layer, count));
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let x = ONNX_INPUT;
  prepared.layers.forEach((layer, i) => {
    const plan = plans[i] ?? planFor(layer, count);
    const last = i === count - 1;
    const out = last ? ONNX_OUTPUT : `${layer.name}/output`;
    const activation = plan.nodes(`${layer.name}/z`, out, layer.name);
    const z = activation.nodes.length === 0 ? out : `${layer.name}/z`;
    initializers.push({ name: `${layer.name}/kernel`, dims: [layer.inputs, layer.units], data: layer.kernel });
    initializers.push({ name: `${layer.name}/bias`, dims: [layer.units], data: layer.bias });
    initializers.push(...activation.constants);
    nodes.push({ op: 'MatMul', inputs: [x, `${layer.name}/kernel`], output: `${layer.name}/xw` });
    nodes.push({ op: 'Add', inputs: [`${layer.name}/xw`, `${layer.name}/bias`], output: z });
    nodes.push(...activation.nodes);
    x = out;
  });
  const graph = new ProtoWriter();
  for (const node of nodes) graph.message(1, nodeProto(node));
  graph.string(2, 'twinprop_mlp');
  for (const tensor of initializers) graph.message(5, tensorProto(tensor));
  graph.string(10, `${prepared.description}; ${prepared.rounding.statement}`);
  graph.message(11, valueInfo(ONNX_INPUT, prepared.inputSize));
  graph.message(12, valueInfo(ONNX_OUTPUT, prepared.layers.at(-1)?.units ?? 0));

  const metadata = exportMetadata(model, prepared.rounding.statement, prepared.description);
  const modelProto = new ProtoWriter()
    .int(1, ONNX_IR_VERSION)
    .string(2, PRODUCER)
    .string(3, PRODUCER_VERSION)
    .string(6, `twinprop model ${prepared.description}`)
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(metadata)) {
    modelProto.message(14, new ProtoWriter().string(1, `twinprop.${key}`).string(2, typeof value === 'string' ? value : JSON.stringify(value)));
  }
  return { bytes: modelProto.finish(), report: exportReport('onnx', prepared, plans.map((p) => p.as)) };
}
