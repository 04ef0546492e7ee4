// Checks an ONNX graph against the manifest, in two steps, each refusing with `model.bad-shape`
// naming the graph, the tensor, and the expected and actual shapes:
// 1. the graph's inputs and outputs are the manifest's `graphs` entry: same names, float32,
//    same rank, the batch dimension free, and every dimension the manifest fixes equal
//    (-1 in the manifest = free; the exporter writes -1 where ONNX shape inference left a
//    dimension symbolic);
// 2. every dimension known (from the manifest or the graph) agrees with the shape the
//    manifest's input, vit and outputs sections imply (e.g. residual [-1, tokens, dim]).
import type { InferenceSession } from 'onnxruntime-node';
import { VerdictError } from '../../../app/errors';
import { expectedGraphShapes, graphRoles, type GraphRole, type Manifest } from './manifest';

type Metadata = InferenceSession['inputMetadata'][number];
type Dim = number | string;
type Io = { inputs: Record<string, number[]>; outputs: Record<string, number[]> };

const fmt = (s: readonly Dim[]) => `[${s.map((d) => (typeof d === 'string' ? d || '?' : d < 0 ? -1 : d)).join(', ')}]`;
const isFree = (d: Dim) => typeof d === 'string' || d < 0;

const badShape = (graph: string, tensor: string, message: string, expected: string, actual: string) =>
  new VerdictError('model.bad-shape', `${graph}: ${message}`, { graph, tensor, expected, actual });

function checkSide(graph: string, side: 'input' | 'output', declared: Record<string, number[]>, actual: readonly Metadata[]): void {
  const byName = new Map(actual.map((m) => [m.name, m]));
  for (const [name, want] of Object.entries(declared)) {
    const got = byName.get(name);
    if (!got) {
      throw badShape(
        graph,
        name,
        `the manifest says ${side} "${name}" ${fmt(want)} but the graph's ${side}s are ${[...byName.keys()].map((n) => `"${n}"`).join(', ') || 'none'}`,
        fmt(want),
        'missing',
      );
    }
    if (!got.isTensor) throw badShape(graph, name, `${side} "${name}" is not a tensor`, fmt(want), 'not a tensor');
    if (got.type !== 'float32') throw badShape(graph, name, `${side} "${name}" is ${got.type}, expected float32`, 'float32', got.type);
    const shape = got.shape;
    const fits = shape.length === want.length && want.every((d, i) => (i === 0 ? isFree(shape[0]) : d < 0 || shape[i] === d));
    if (!fits)
      throw badShape(
        graph,
        name,
        `${side} "${name}" has shape ${fmt(shape)} but the manifest says ${fmt(want)} (-1 = free)`,
        fmt(want),
        fmt(shape),
      );
  }
  if (side === 'input') {
    const extra = [...byName.keys()].filter((n) => !(n in declared));
    if (extra.length)
      throw badShape(graph, extra[0], `the graph needs input "${extra[0]}", which the manifest does not list`, 'absent', extra[0]);
  }
}

/** Step 1: the ONNX session's metadata against the manifest's `graphs` entry for it. */
export function checkGraph(graph: string, declared: Io, session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>): void {
  checkSide(graph, 'input', declared.inputs, session.inputMetadata);
  checkSide(graph, 'output', declared.outputs, session.outputMetadata);
}

/**
 * Step 2: known dimensions against the implied shapes. `sessions` (when the graphs were opened)
 * adds the dimensions the graphs fix where the manifest writes -1.
 */
export function checkImpliedShapes(
  m: Manifest,
  sessions?: Partial<Record<GraphRole, Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>>>,
): void {
  const implied = expectedGraphShapes(m);
  for (const role of graphRoles(m)) {
    const graph = m.files[role]!.path;
    const meta = sessions?.[role];
    const actualOf = new Map(
      [...(meta?.inputMetadata ?? []), ...(meta?.outputMetadata ?? [])].map((x) => [x.name, x.isTensor ? x.shape : []]),
    );
    for (const io of ['inputs', 'outputs'] as const) {
      for (const [name, want] of Object.entries(implied[role]![io])) {
        const declared = m.graphs[role]![io][name];
        const actual = actualOf.get(name) ?? [];
        const known: Dim[] = declared.map((d, i) =>
          d >= 0 ? d : typeof actual[i] === 'number' && (actual[i] as number) >= 0 ? actual[i] : (actual[i] ?? -1),
        );
        const fits = want.every((d, i) => d < 0 || isFree(known[i]) || known[i] === d);
        if (!fits) {
          throw badShape(
            graph,
            name,
            `${io === 'inputs' ? 'input' : 'output'} "${name}" is ${fmt(known)} but the manifest's input, ${m.blackBox ? 'blackBox' : 'vit'} and outputs imply ${fmt(want)}`,
            fmt(want),
            fmt(known),
          );
        }
      }
    }
  }
}
