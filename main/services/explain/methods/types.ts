// What an explanation method is in main: its descriptor (app/methods.ts: labels, target kind,
// parameters, signedness, needs, reference) plus a computation over one image's backbone pass
// that returns one value per patch token (or, for black-box methods that perturb the input,
// one per input pixel).
import type { ExplainParams, MethodDescriptor, MethodId } from '../../../../app/methods';
import type { BackbonePass, GraphRunner } from '../../models/model-runtime';
import type { Manifest } from '../../models/manifest';

export type ResolvedTarget =
  | { kind: 'output'; name: string; index: number }
  | { kind: 'concept'; name: string; vector: Float32Array }
  /** A map of no particular target (attention), named NO_TARGET. */
  | { kind: 'none'; name: string }
  /** A diagnostic axis of an attribute-token pack, by its row in `attributeMaps`. */
  | { kind: 'axis'; name: string; index: number }
  /** A prototype of a prototype pack, by its row in `prototypeMaps`. */
  | { kind: 'prototype'; name: string; index: number };

export type MethodRun = {
  model: GraphRunner;
  /** The pack's manifest (heads and their kinds, input normalisation). */
  manifest: Manifest;
  /** The model input being explained (C×H×W, normalised), for black-box methods that perturb it. */
  image: Float32Array;
  /** The backbone's pass over the one image being explained (batch 1). */
  pass: BackbonePass;
  target: ResolvedTarget;
  /**
   * The case (and nodule) being explained, for methods that draw noise: the draw is seeded from
   * it, the target and the seed parameter. Absent only where a map is computed outside a study —
   * the exporter's fixtures, seeded by the seed parameter as it is.
   */
  subject?: { caseId: number; noduleId: number | null };
  /** Normalised: only this method's parameters, defaults filled in. */
  params: ExplainParams;
  /** Long methods check it between model calls and report progress. */
  signal: AbortSignal;
  progress: (done: number, total: number) => void;
};

export type MethodDefinition = MethodDescriptor & {
  id: MethodId;
  /** What the returned values cover: one per patch token (default) or one per input pixel. */
  resolution?: 'patches' | 'input';
  /**
   * Bumped when this method's maps change for the same request (the cache then misses its old
   * maps; other methods' stored maps stay valid). Absent: 1.
   */
  version?: number;
  /**
   * The sub-regions (H×W ids 0…R−1) a map of this method is constant over, for methods that
   * rank regions (LiMA's superpixels): its own insertion/deletion metrics step region by region.
   */
  regions?: (input: {
    image: Float32Array;
    channels: number;
    height: number;
    width: number;
    manifest: Manifest;
    params: ExplainParams;
  }) => Int32Array;
  compute: (run: MethodRun) => Promise<Float32Array>;
};
