// The graphs of one opened pack (models/README.md). A ViT pack has two: `backbone` (image →
// outputs, attention, residual, embedding) and `tail` (residual, seed, concept → outputs, cdam);
// a black-box pack one, `model` (image → outputs, under the tensor names its manifest's
// `blackBox` section gives), which `backbone` runs too: its pass has outputs only. The batch
// dimension is free. ORT's `run` is asynchronous, so inference never blocks the main process.
import * as ort from 'onnxruntime-node';
import { VerdictError } from '../../../app/errors';
import type { CamHead, FeatureGrid } from '../explain/cam';
import { outputCount, type Manifest } from './manifest';

export type Dims = {
  /** Model input channels, height and width. */
  channels: number;
  height: number;
  width: number;
  /**
   * K output units, N patch tokens, N+1 tokens with CLS, D features, attention heads; attribute
   * axes and prototypes (0 if none). A black-box pack has no tokens: N, N+1, D, heads and the grid are 0.
   */
  outputs: number;
  patches: number;
  tokens: number;
  dim: number;
  heads: number;
  axes: number;
  prototypes: number;
  grid: { rows: number; cols: number };
};

export const dimsOf = (m: Manifest): Dims => {
  const grid = m.vit?.grid ?? [0, 0];
  return {
    channels: m.input.channels,
    height: m.input.height,
    width: m.input.width,
    outputs: outputCount(m),
    patches: grid[0] * grid[1],
    tokens: m.vit?.tokens ?? 0,
    dim: m.vit?.dim ?? 0,
    heads: m.vit?.heads ?? 0,
    axes: m.attributes?.axes.length ?? 0,
    prototypes: m.prototypes?.units.length ?? 0,
    grid: { rows: grid[0], cols: grid[1] },
  };
};

/**
 * Backbone results for a batch, row-major: outputs [B,K], attention [B,heads,N], residual [B,N+1,D],
 * embedding [B,D]; attribute-token packs add attributeMaps [B,axes,N], prototype packs
 * prototypeMaps [B,P,N] and prototypeActivations [B,P]. A black-box pack's pass has outputs
 * only (log-probabilities where its graph puts out probabilities: softmax gives them back).
 */
export type BackbonePass = {
  batch: number;
  outputs: Float32Array;
  attention?: Float32Array;
  residual?: Float32Array;
  embedding?: Float32Array;
  attributeMaps?: Float32Array;
  prototypeMaps?: Float32Array;
  prototypeActivations?: Float32Array;
  /** The last convolutional feature map [B, C, h, w] of a black-box pack that declares blackBox.cam. */
  features?: Float32Array;
};
export type TailPass = { batch: number; outputs: Float32Array; cdam: Float32Array };

/** A ViT backbone's part of a pass, refused for a black-box pack's, which has none. */
export function vitPart(pass: BackbonePass, part: 'attention' | 'residual' | 'embedding'): Float32Array {
  const v = pass[part];
  if (!v)
    throw new VerdictError('explain.unsupported-method', `This is a black-box pack: its graph puts out no ${part} (a ViT backbone's).`, {
      part,
    });
  return v;
}

/** What methods need from a model; tests can supply a fake. */
export type GraphRunner = {
  readonly dims: Dims;
  readonly provider: string;
  /** A black-box pack's declared global-average-pool + linear head and its feature map's C×h×w (blackBox.cam); absent otherwise. */
  readonly cam?: { head: CamHead; grid: FeatureGrid } | null;
  backbone(image: Float32Array, batch: number): Promise<BackbonePass>;
  tail(residual: Float32Array, seed: Float32Array, concept: Float32Array, batch: number): Promise<TailPass>;
};

export class ModelRuntime implements GraphRunner {
  readonly dims: Dims;
  readonly provider: string;
  readonly #label: string;
  /** A black-box pack's tensor names and output kind; null for a ViT pack. */
  readonly #blackBox: Manifest['blackBox'] | null;
  readonly #backbone: ort.InferenceSession;
  /** Null for packs without the CDAM family (attribute-token and prototype heads). */
  readonly #tail: ort.InferenceSession | null;

  readonly cam: { head: CamHead; grid: FeatureGrid } | null;

  constructor(
    label: string,
    manifest: Manifest,
    backbone: ort.InferenceSession,
    tail: ort.InferenceSession | null,
    provider: string,
    cam: { head: CamHead; grid: FeatureGrid } | null = null,
  ) {
    this.#label = label;
    this.cam = cam;
    this.dims = dimsOf(manifest);
    this.#blackBox = manifest.blackBox ?? null;
    this.#backbone = backbone;
    this.#tail = tail;
    this.provider = provider;
  }

  async backbone(image: Float32Array, batch: number): Promise<BackbonePass> {
    const { channels, height, width, outputs, heads, patches, tokens, dim, axes, prototypes } = this.dims;
    expectLength('image', image, batch * channels * height * width);
    if (this.#blackBox) return this.#blackBoxPass(this.#blackBox, image, batch);
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

  /** The black-box graph under its own tensor names; probabilities come back as their logarithms. */
  async #blackBoxPass(bb: NonNullable<Manifest['blackBox']>, image: Float32Array, batch: number): Promise<BackbonePass> {
    const { channels, height, width, outputs } = this.dims;
    const r = await this.#run(this.#backbone, 'model', { [bb.input]: new ort.Tensor('float32', image, [batch, channels, height, width]) });
    const out = take(r, bb.output, batch * outputs);
    const g = this.cam?.grid;
    const features = bb.cam && g ? { features: take(r, bb.cam.features, batch * g.channels * g.rows * g.cols) } : {};
    if (bb.outputKind === 'probabilities') {
      const logs = new Float32Array(out.length);
      // log(0) would be −∞; the smallest float32 normal keeps every value finite.
      for (let i = 0; i < out.length; i++) logs[i] = Math.log(Math.max(out[i], 1.1754943508222875e-38));
      return { batch, outputs: logs, ...features };
    }
    return { batch, outputs: out, ...features };
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
