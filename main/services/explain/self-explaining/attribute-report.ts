// How an attribute-token model (ExpLICD) reads a case, axis by axis: the value it predicts on
// each diagnostic axis (the argmax of the axis's pooled concept logits) and its softmax
// probability among the axis's values. The axis maps themselves are `attribute-map` explanations.
import type { AttributeReading } from '../../../../app/explain';
import type { Manifest } from '../../models/manifest';
import { predictedOutputs } from '../outputs';

/** `outputs`: the K outputs of one image, in manifest order. */
export function attributeReadings(manifest: Manifest, outputs: Float32Array): AttributeReading[] {
  const predicted = predictedOutputs(manifest, outputs);
  return (manifest.attributes?.axes ?? []).map((axis) => {
    const units = manifest.outputs.find((o) => o.head === axis.head)!.units;
    const values = units.map((u) => ({
      name: u.name,
      label: u.label ?? u.name,
      probability: predicted.find((p) => p.name === u.name)!.probability ?? 0,
    }));
    const best = values.reduce((a, b) => (b.probability > a.probability ? b : a));
    return { axis: axis.name, label: axis.label, value: { name: best.name, label: best.label }, probability: best.probability, values };
  });
}
