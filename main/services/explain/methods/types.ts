// What an explanation method is: an entry in the registry (index.ts) with its reference, the
// kind of target it explains, the parameters it takes (with defaults), and a computation over
// one image's backbone pass that returns one value per patch token.
import type { ExplainParams, MethodId } from '../../../../app/explain';
import type { BackbonePass, GraphRunner } from '../../models/model-runtime';

export type ResolvedTarget =
  | { kind: 'output'; name: string; index: number }
  | { kind: 'concept'; name: string; vector: Float32Array }
  | { kind: 'attention'; name: 'attention' };

export type MethodRun = {
  model: GraphRunner;
  /** The backbone's pass over the one image being explained (batch 1). */
  pass: BackbonePass;
  target: ResolvedTarget;
  /** Normalised: only this method's parameters, defaults filled in. */
  params: ExplainParams;
};

export type MethodDefinition = {
  id: MethodId;
  label: string;
  reference: string;
  /** Signed maps are evidence (> 0) vs counter-evidence (< 0). */
  signed: boolean;
  target: ResolvedTarget['kind'];
  /** The parameters the method takes; a key mapped to undefined has no default. */
  defaults: ExplainParams;
  compute: (run: MethodRun) => Promise<Float32Array>;
};
