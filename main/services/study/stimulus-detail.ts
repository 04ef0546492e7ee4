// The part of a self-explaining model's explanation that is not a map, for a reader's trial:
// the axis and predicted value beside a map of a diagnostic axis, the exemplar patches beside a
// map of a prototype (by the kind of target the method explains). Derived from the stored
// explanation row (its outputs and target) and the pack, so a trial shows the same thing every
// time it is opened.
import type { Database } from 'better-sqlite3';
import type { PredictedOutput } from '../../../app/explain';
import { isMethodId, targetKind } from '../../../app/methods';
import type { StimulusDetail } from '../../../app/study';
import { modelRow, registered } from '../models/model-rows';
import { attributeReadings } from '../explain/self-explaining/attribute-report';
import { readExemplar } from '../explain/self-explaining/exemplars';

type Row = { model_id: number; method: string; target: string; outputs_json: string };

export async function stimulusDetail(db: Database, explanationId: number): Promise<StimulusDetail | undefined> {
  const r = db.prepare('SELECT model_id, method, target, outputs_json FROM explanation WHERE id = ?').get(explanationId) as Row;
  const kind = isMethodId(r.method) ? targetKind(r.method) : null;
  if (kind !== 'axis' && kind !== 'prototype') return undefined;
  const model = registered(modelRow(db, r.model_id));
  const m = model.manifest;
  if (kind === 'axis') {
    // The outputs stored with the map, in manifest order: the model's reading when it was shown.
    const outputs = Float32Array.from((JSON.parse(r.outputs_json) as PredictedOutput[]).map((o) => o.value));
    const axis = attributeReadings(m, outputs).find((a) => a.axis === r.target)!;
    return { kind: 'attribute', axis: axis.label, value: axis.value.label, probability: axis.probability };
  }
  const unit = m.prototypes!.units.find((u) => u.name === r.target)!;
  const exemplars = [];
  for (const e of unit.exemplars) exemplars.push({ png: await readExemplar(model, e.file), similarity: e.similarity });
  return { kind: 'prototype', exemplars };
}
