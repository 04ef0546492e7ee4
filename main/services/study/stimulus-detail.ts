// The part of a self-explaining model's explanation that is not a map, for a reader's trial:
// the axis and predicted value beside an attribute map, the exemplar patches beside a prototype
// map. Derived from the stored explanation row (its outputs and target) and the pack, so a
// trial shows the same thing every time it is opened.
import type { Database } from 'better-sqlite3';
import type { PredictedOutput } from '../../../app/explain';
import type { StimulusDetail } from '../../../app/study';
import { modelRow, registered } from '../models/model-rows';
import { readExemplar } from '../explain/self-explaining/exemplars';

type Row = { model_id: number; method: string; target: string; outputs_json: string };

export async function stimulusDetail(db: Database, explanationId: number): Promise<StimulusDetail | undefined> {
  const r = db.prepare('SELECT model_id, method, target, outputs_json FROM explanation WHERE id = ?').get(explanationId) as Row;
  if (r.method !== 'attribute-map' && r.method !== 'prototype-map') return undefined;
  const model = registered(modelRow(db, r.model_id));
  const m = model.manifest;
  if (r.method === 'attribute-map') {
    const axis = m.attributes!.axes.find((a) => a.name === r.target)!;
    const values = m.outputs.find((o) => o.head === axis.head)!.units;
    const outputs = JSON.parse(r.outputs_json) as PredictedOutput[];
    const scored = values.map((u) => ({ label: u.label ?? u.name, probability: outputs.find((o) => o.name === u.name)?.probability ?? 0 }));
    const best = scored.reduce((a, b) => (b.probability > a.probability ? b : a));
    return { kind: 'attribute', axis: axis.label, value: best.label, probability: best.probability };
  }
  const unit = m.prototypes!.units.find((u) => u.name === r.target)!;
  const exemplars = [];
  for (const e of unit.exemplars) exemplars.push({ png: await readExemplar(model, e.file), similarity: e.similarity });
  return { kind: 'prototype', exemplars };
}
