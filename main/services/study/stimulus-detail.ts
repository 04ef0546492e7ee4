// The part of a self-explaining model's explanation that is not a map, for a reader's trial:
// the axis and predicted value beside an attribute map, the exemplar patches beside a prototype
// map. Derived from the stored explanation row (its outputs and target) and the pack, so a
// trial shows the same thing every time it is opened.
import type { Database } from 'better-sqlite3';
import type { PredictedOutput } from '../../../app/explain';
import type { StimulusDetail } from '../../../app/study';
import { modelRow, registered } from '../models/model-rows';
import { attributeReadings } from '../explain/self-explaining/attribute-report';
import { readExemplar } from '../explain/self-explaining/exemplars';

type Row = { model_id: number; method: string; target: string; outputs_json: string };

export async function stimulusDetail(db: Database, explanationId: number): Promise<StimulusDetail | undefined> {
  const r = db.prepare('SELECT model_id, method, target, outputs_json FROM explanation WHERE id = ?').get(explanationId) as Row;
  if (r.method !== 'attribute-map' && r.method !== 'prototype-map') return undefined;
  const model = registered(modelRow(db, r.model_id));
  const m = model.manifest;
  if (r.method === 'attribute-map') {
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
