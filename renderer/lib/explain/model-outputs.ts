// A model's outputs as the panel shows them: class probabilities per head (softmax over the
// head's logits where main did not send one), and for LIDC the regression biomarkers beside the
// readers' ratings of the same characteristic.
import { LIDC_CHARACTERISTICS, type LidcCharacteristics, type Nodule } from '../../../app/domain';
import type { AttributeAxis, ModelTarget, PredictedOutput } from '../../../app/explain';
import { softmax } from '../../../app/numeric';

export type OutputBar = { name: string; label: string; value: number; probability: number };
export type HeadBars = { head: string; bars: OutputBar[] };

/** Class-logit heads, in the model's order, each unit with its probability. */
export function classHeads(outputs: readonly PredictedOutput[], targets: readonly ModelTarget[]): HeadBars[] {
  const label = (name: string) => targets.find((t) => t.name === name)?.label ?? name;
  const heads: HeadBars[] = [];
  for (const o of outputs) {
    if (o.kind !== 'class-logits') continue;
    let h = heads.find((x) => x.head === o.head);
    if (!h) heads.push((h = { head: o.head, bars: [] }));
    h.bars.push({ name: o.name, label: label(o.name), value: o.value, probability: o.probability ?? NaN });
  }
  for (const h of heads) {
    if (h.bars.some((b) => !Number.isFinite(b.probability))) {
      const p = softmax(h.bars.map((b) => b.value));
      h.bars.forEach((b, i) => (b.probability = p[i]));
    }
  }
  return heads;
}

/**
 * The outputs the bars show: an attribute-token model's axis heads are left to the attribute
 * panel, which names their values in words rather than as units like "color.3".
 */
export function barOutputs(outputs: readonly PredictedOutput[], attributes: readonly AttributeAxis[] | null): readonly PredictedOutput[] {
  if (!attributes?.length) return outputs;
  const axisHeads = new Set(attributes.map((a) => a.head));
  return outputs.filter((o) => !axisHeads.has(o.head));
}

/** Regression outputs that are not LIDC characteristics (e.g. a general-purpose score). */
export function otherRegressions(outputs: readonly PredictedOutput[]): PredictedOutput[] {
  return outputs.filter((o) => o.kind === 'regression' && !isCharacteristic(o.name) && o.name !== 'diameter');
}

const isCharacteristic = (name: string): name is keyof LidcCharacteristics => (LIDC_CHARACTERISTICS as readonly string[]).includes(name);

/** The model's prediction of each LIDC characteristic it predicts (regression outputs named like the characteristic). */
export function characteristicPredictions(outputs: readonly PredictedOutput[]): Partial<Record<keyof LidcCharacteristics, number>> {
  const out: Partial<Record<keyof LidcCharacteristics, number>> = {};
  for (const o of outputs) if (o.kind === 'regression' && isCharacteristic(o.name)) out[o.name] = o.value;
  return out;
}

/** Predicted diameter (mm) against the readers' consensus diameter of the nodule, when the model has one. */
export function diameterComparison(
  outputs: readonly PredictedOutput[],
  nodule: Pick<Nodule, 'diameterMm'>,
): { model: number; readers: number | null } | null {
  const d = outputs.find((o) => o.kind === 'regression' && o.name === 'diameter');
  return d ? { model: d.value, readers: nodule.diameterMm } : null;
}

/** Mean of the readers' ratings of one characteristic (those who rated it). */
export function readerMean(nodule: Pick<Nodule, 'marks'>, key: keyof LidcCharacteristics): number | null {
  const r = nodule.marks.flatMap((m) => (m.characteristics ? [m.characteristics[key]] : []));
  return r.length ? r.reduce((a, b) => a + b, 0) / r.length : null;
}
