// What a trial shows, fixed the first time it is opened and read back ever after (its maps and
// outputs were computed when the study was created; opening a trial computes nothing): the
// explanation map(s) — each recorded with its explanation row, the exact model (pack hash),
// the execution provider that computed it and the map's hash — and, in the AI phases, the
// model's outputs. Single stimuli carry their condition's blinded label; a comparison's two
// maps are "A" (first) and "B" (second), the answers its forced choice takes.
import type { Database } from 'better-sqlite3';
import type { ExplanationMap, MapPlacement, PredictedOutput } from '../../../app/explain';
import type { BlindedStimulus } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import type { ExplanationService, MapRequest } from '../explain/explain-service';
import { method } from '../explain/methods';
import { sha256Of } from '../db/canonical-json';
import { appendEvent } from '../db/event-log';
import { stimulusDetail } from './stimulus-detail';
import { colourScaleOf, stimulusDisplay } from './stimulus-display';
import { conditionMap } from './stimulus-preparation';
import { captionOf } from './stimulus-caption';
import type { ResolvedModel } from './protocol-resolve';
import type { ShownMap } from '../cases/roi-scoring';
import type { StudyContext, TrialRow } from './study-rows';

export type DisplayDeps = { db: Database; explain: ExplanationService; now: () => Date };

type StimulusRow = { slot: number; label: string; method: string; explanation_id: number };
type MapRow = { grid_rows: number; grid_cols: number; map: Buffer; placement_json: string };

const storedStimuli = (db: Database, trialId: number): StimulusRow[] =>
  db.prepare('SELECT slot, label, method, explanation_id FROM stimulus WHERE trial_id = ? ORDER BY slot').all(trialId) as StimulusRow[];

/** The map the study prepared for this request; a reader's trial never computes one. */
function preparedMap(d: DisplayDeps, req: MapRequest): ExplanationMap {
  const map = d.explain.cached(req);
  if (!map)
    throw new VerdictError(
      'study.not-prepared',
      "This trial's explanation is not ready: the study is still being prepared (or its preparation failed). Tell the study coordinator.",
    );
  return map;
}

/** The trial's stimuli, recorded (what was shown, when) on first opening; the maps were computed when the study was created. */
export async function shownStimuli(
  d: DisplayDeps,
  ctx: StudyContext,
  labels: Record<string, string>,
  trial: TrialRow,
): Promise<BlindedStimulus[]> {
  if (trial.kind === 'case') return [];
  let rows = storedStimuli(d.db, trial.id);
  if (rows.length === 0) {
    const slots = trial.kind === 'comparison' ? [trial.condition_id!, trial.condition_b_id!] : [trial.condition_id!];
    const shown: { slot: number; label: string; conditionId: string; map: ExplanationMap; model: ResolvedModel }[] = [];
    for (const [slot, conditionId] of slots.entries()) {
      const c = ctx.protocol.conditions.find((x) => x.id === conditionId)!;
      const pack = trial.sanity ? ctx.protocol.sanityChecks!.model : c.model;
      const model = ctx.resolved.models[pack];
      const map = preparedMap(d, conditionMap(ctx, conditionId, { caseId: trial.case_id, noduleId: trial.nodule_id }, trial.sanity === 1));
      const label = trial.kind === 'comparison' ? (slot === 0 ? 'A' : 'B') : labels[conditionId];
      shown.push({ slot, label, conditionId, map, model });
    }
    const at = d.now().toISOString();
    const insert = d.db
      .prepare(`INSERT OR IGNORE INTO stimulus (trial_id, slot, label, condition_id, explanation_id, model_id, model_sha256, provider, method, target, map_sha256, shown_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    d.db
      .transaction(() => {
        const recorded = shown.map((s) => {
          const mapSha256 = sha256Of(Buffer.from(s.map.values));
          const { changes } = insert.run(
            trial.id,
            s.slot,
            s.label,
            s.conditionId,
            s.map.id,
            s.model.modelId,
            s.model.sha256,
            s.map.provider,
            s.map.method,
            s.map.target,
            mapSha256,
            at,
          );
          return { changes, slot: s.slot, explanationId: s.map.id, modelSha256: s.model.sha256, provider: s.map.provider, mapSha256 };
        });
        // Another opening of the same trial may have recorded it first; only the first is logged.
        if (recorded.every((r) => r.changes === 1))
          appendEvent(d.db, 'stimulus.shown', { trialId: trial.id, stimuli: recorded.map(({ changes: _, ...r }) => r) }, at);
      })
      .immediate();
    rows = storedStimuli(d.db, trial.id);
  }
  const out: BlindedStimulus[] = [];
  const scale = colourScaleOf(ctx.protocol);
  for (const r of rows) {
    const m = mapOf(d.db, r.explanation_id);
    const detail = await stimulusDetail(d.db, r.explanation_id);
    const shown = stimulusDisplay(m.values, method(r.method).signed, scale);
    out.push({
      label: r.label,
      display: shown.display,
      grid: m.grid,
      values: shown.values.buffer as ArrayBuffer,
      range: shown.range,
      placement: m.placement,
      ...(detail ? { detail } : {}),
      ...captionOf(d.db, ctx, trial, r.slot),
    });
  }
  return out;
}

/** The map a single-stimulus trial showed (for scoring marks against it); null before it was shown. */
export function shownMap(db: Database, trialId: number): ShownMap | null {
  const r = db.prepare('SELECT explanation_id FROM stimulus WHERE trial_id = ? AND slot = 0').get(trialId) as
    { explanation_id: number } | undefined;
  return r ? mapOf(db, r.explanation_id) : null;
}

export const stimuliRecorded = (db: Database, trialId: number): number =>
  (db.prepare('SELECT count(*) AS n FROM stimulus WHERE trial_id = ?').get(trialId) as { n: number }).n;

function mapOf(db: Database, explanationId: number): ShownMap {
  const r = db.prepare('SELECT grid_rows, grid_cols, map, placement_json FROM explanation WHERE id = ?').get(explanationId) as MapRow;
  const values = new Float32Array(r.map.byteLength / 4);
  new Uint8Array(values.buffer).set(r.map);
  return { values, grid: { rows: r.grid_rows, cols: r.grid_cols }, placement: JSON.parse(r.placement_json) as MapPlacement };
}

/**
 * AI phases: the outputs of the model whose explanation the trial shows, recorded on first
 * opening — a stimulus trial's own condition's model (a sanity trial's: the real model of the
 * condition it imitates, so the outputs give nothing away); a comparison's, when both of its
 * conditions are one model's, and none when they are two models' (either one's outputs would be
 * passed off as the other's); a case trial's, the protocol's first condition's model. They are
 * read from that condition's prepared map of the case (stored with the model's outputs from the
 * same pass), so opening the trial computes nothing.
 */
export async function shownPrediction(d: DisplayDeps, ctx: StudyContext, trial: TrialRow): Promise<PredictedOutput[] | null> {
  if (trial.phase === 'unaided') return null;
  const conditionOf = (id: string) => ctx.protocol.conditions.find((c) => c.id === id)!;
  const shown = trial.condition_id ? conditionOf(trial.condition_id) : ctx.protocol.conditions[0];
  if (trial.condition_b_id && conditionOf(trial.condition_b_id).model !== shown.model) return null;
  const read = () =>
    d.db.prepare('SELECT outputs_json FROM trial_prediction WHERE trial_id = ?').get(trial.id) as { outputs_json: string } | undefined;
  let row = read();
  if (!row) {
    const model = ctx.resolved.models[shown.model];
    const p = preparedMap(d, conditionMap(ctx, shown.id, { caseId: trial.case_id, noduleId: trial.nodule_id }));
    d.db
      .prepare(
        'INSERT OR IGNORE INTO trial_prediction (trial_id, model_id, model_sha256, provider, outputs_json, shown_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(trial.id, model.modelId, model.sha256, p.provider, JSON.stringify(p.outputs), d.now().toISOString());
    row = read()!;
  }
  return JSON.parse(row.outputs_json) as PredictedOutput[];
}
