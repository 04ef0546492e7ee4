// The two graphs of one opened pack (models/README.md): `backbone` (image → outputs, attention,
// residual, embedding) and `tail` (residual, seed, concept → outputs, cdam), with the batch
// dimension free. ORT's `run` is asynchronous, so inference never blocks the main process.
import * as ort from 'onnxruntime-node';
import { VerdictError } from '../../../app/errors';
import { outputCount, type Manifest } from './manifest';

export type Dims = {
  /** Model input channels, height and width. */
  channels: number;
  height: number;
  width: number;
  /** K output units, N patch tokens, N+1 tokens with CLS, D features, attention heads; attribute axes and prototypes (0 if none). */
  outputs: number;
  patches: number;
  tokens: number;
  dim: number;
  heads: number;
  axes: number;
  prototypes: number;
  grid: { rows: number; cols: number };
};

export const dimsOf = (m: Manifest): Dims => ({
  channels: m.input.channels,
  height: m.input.height,
  width: m.input.width,
  outputs: outputCount(m),
  patches: m.vit.grid[0] * m.vit.grid[1],
  tokens: m.vit.tokens,
  dim: m.vit.dim,
  heads: m.vit.heads,
  axes: m.attributes?.axes.length ?? 0,
  prototypes: m.prototypes?.units.length ?? 0,
  grid: { rows: m.vit.grid[0], cols: m.vit.grid[1] },
});

/**
 * Backbone results for a batch, row-major: outputs [B,K], attention [B,heads,N], residual [B,N+1,D],
 * embedding [B,D]; attribute-token packs add attributeMaps [B,axes,N], prototype packs
 * prototypeMaps [B,P,N] and prototypeActivations [B,P].
 */
export type BackbonePass = {
  batch: number;
  outputs: Float32Array;
  attention: Float32Array;
  residual: Float32Array;
  embedding: Float32Array;
  attributeMaps?: Float32Array;
  prototypeMaps?: Float32Array;
  prototypeActivations?: Float32Array;
};
export type TailPass = { batch: number; outputs: Float32Array; cdam: Float32Array };

/** What methods need from a model; tests can supply a fake. */
export type GraphRunner = {
  readonly dims: Dims;
  readonly provider: string;
  backbone(image: Float32Array, batch: number): Promise<BackbonePass>;
  tail(residual: Float32Array, seed: Float32Array, concept: Float32Array, batch: number): Promise<TailPass>;
};

export class ModelRuntime implements GraphRunner {
  readonly dims: Dims;
  readonly provider: string;
  readonly #label: string;
  readonly #backbone: ort.InferenceSession;
  /** Null for packs without the CDAM family (attribute-token and prototype heads). */
  readonly #tail: ort.InferenceSession | null;

  constructor(label: string, manifest: Manifest, backbone: ort.InferenceSession, tail: ort.InferenceSession | null, provider: string) {
    this.#label = label;
    this.dims = dimsOf(manifest);
    this.#backbone = backbone;
    this.#tail = tail;
    this.provider = provider;
  }

  async backbone(image: Float32Array, batch: number): Promise<BackbonePass> {
    const { channels, height, width, outputs, heads, patches, tokens, dim, axes, prototypes } = this.dims;
    expectLength('image', image, batch * channels * height * width);
    const r = await this.#run(this.#backbone, 'backbone', { image: new ort.Tensor('float32', image, [batch, channels, height, width]) });
    return {
      batch,
      outputs: take(r, 'outputs', batch * outputs),
      attention: take(r, 'attention', batch * heads * patches),
      residual: take(r, 'residual', batch * tokens * dim),
      embedding: take(r, 'embedding', batch * dim),
      ...(axes ? { attributeMaps: take(r, 'attributeMaps', batch * axes * patches) } : {}),
      ...(prototypes
        ? {
            prototypeMaps: take(r, 'prototypeMaps', batch * prototypes * patches),
            prototypeActivations: take(r, 'prototypeActivations', batch * prototypes),
          }
        : {}),
    };
  }

  async tail(residual: Float32Array, seed: Float32Array, concept: Float32Array, batch: number): Promise<TailPass> {
    const { outputs, tokens, dim, patches } = this.dims;
    if (!this.#tail)
      throw new VerdictError('explain.unsupported-method', `${this.#label} has no tail graph, so it offers no CDAM.`, { graph: 'tail' });
    expectLength('residual', residual, batch * tokens * dim);
    expectLength('seed', seed, batch * outputs);
    expectLength('concept', concept, batch * dim);
    const r = await this.#run(this.#tail, 'tail', {
      residual: new ort.Tensor('float32', residual, [batch, tokens, dim]),
      seed: new ort.Tensor('float32', seed, [batch, outputs]),
      concept: new ort.Tensor('float32', concept, [batch, dim]),
    });
    return { batch, outputs: take(r, 'outputs', batch * outputs), cdam: take(r, 'cdam', batch * patches) };
  }

  async #run(session: ort.InferenceSession, graph: string, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
    try {
      return await session.run(feeds);
    } catch (e) {
      const reason = String((e as Error).message ?? e).split('\n')[0];
      throw new VerdictError('explain.inference-failed', `${this.#label} ${graph}: ONNX Runtime (${this.provider}) failed: ${reason}`, {
        graph,
        provider: this.provider,
      });
    }
  }

  async release(): Promise<void> {
    await Promise.allSettled([this.#backbone.release(), this.#tail?.release()]);
  }
}

function expectLength(name: string, a: Float32Array, n: number): void {
  if (a.length !== n) throw new VerdictError('internal', `${name}: ${a.length} values given, ${n} expected.`);
}

function take(r: ort.InferenceSession.ReturnType, name: string, n: number): Float32Array {
  const t = r[name];
  if (!t || !(t.data instanceof Float32Array) || t.data.length !== n) {
    throw new VerdictError(
      'explain.inference-failed',
      `Graph output "${name}" has ${t ? `${t.data.length} ${t.type} values` : 'no value'}; expected ${n} float32.`,
      { tensor: name },
    );
  }
  return t.data;
}
