// A model's raw outputs as named predictions: class logits of one head share a softmax
// (probabilities), regression outputs are reported as they are.
import type { PredictedOutput } from '../../../app/explain';
import { softmax } from '../../../app/numeric';
import { targetsOf, type Manifest } from '../models/manifest';

/** `outputs`: the K values of one image, in manifest order. */
export function predictedOutputs(manifest: Manifest, outputs: Float32Array): PredictedOutput[] {
  const targets = targetsOf(manifest);
  const result: PredictedOutput[] = targets.map((t, i) => ({
    name: t.name,
    head: t.head,
    kind: t.kind,
    value: outputs[i],
    probability: null,
  }));
  let offset = 0;
  for (const head of manifest.outputs) {
    const n = head.units.length;
    if (head.kind === 'class-logits') {
      const probs = softmax(Array.from(outputs.subarray(offset, offset + n)));
      for (let i = 0; i < n; i++) result[offset + i].probability = probs[i];
    }
    offset += n;
  }
  return result;
}
