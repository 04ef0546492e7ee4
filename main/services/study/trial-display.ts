// What a trial shows, fixed the first time it is opened and read back ever after (its maps and
// outputs were computed when the study was created; opening a trial computes nothing): the
// explanation map(s) — each recorded with its explanation row, the exact model (pack hash),
// the execution provider that computed it and the map's hash — and, in the AI phases, the
// model's outputs. Single stimuli carry their condition's blinded label; a comparison's two
// maps are "A" (first) and "B" (second), the answers its forced choice takes. The same code
// computes a trial's view without recording it for a study package (computeStimuli,
// computePrediction); a reader's workspace shows what its package carries (packaged-trial.ts).
import type { Database } from 'better-sqlite3';
import type { ExplanationMap, MapPlacement, PredictedOutput } from '../../../app/explain';
import type { BlindedStimulus, ReaderCase } from '../../../app/study';
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
import { packagedCase, packagedPrediction, packagedTrial, showPackagedStimuli } from './packaged-trial';
import { readerCase } from './reader-case';

/** `explain`: only its prepared maps are read here (a merge passes a memo of them: its trials show few distinct maps). */
export type DisplayDeps = { db: Database; explain: Pick<ExplanationService, 'cached'>; now: () => Date };

type StimulusRow = { slot: number; label: string; method: string; explanation_id: number; map_sha256: string };
type MapRow = { grid_rows: number; grid_cols: number; map: Buffer; placement_json: string };

const storedStimuli = (db: Database, trialId: number): StimulusRow[] =>
  db
    .prepare('SELECT slot, label, method, explanation_id, map_sha256 FROM stimulus WHERE trial_id = ? ORDER BY slot')
    .all(trialId) as StimulusRow[];

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

/** A stimulus a trial shows, before it is blinded: its slot, label and explanation row. */
type ShownSlot = { slot: number; label: string; method: string; explanationId: number; mapSha256: string };

/** What a trial's stimuli would show now, from the study's prepared maps (nothing recorded). */
function preparedSlots(
  d: DisplayDeps,
  ctx: StudyContext,
  labels: Record<string, string>,
  trial: TrialRow,
): (ShownSlot & { conditionId: string; map: ExplanationMap; model: ResolvedModel })[] {
  const slots = trial.kind === 'comparison' ? [trial.condition_id!, trial.condition_b_id!] : [trial.condition_id!];
  return slots.map((conditionId, slot) => {
    const c = ctx.protocol.conditions.find((x) => x.id === conditionId)!;
    const pack = trial.sanity ? ctx.protocol.sanityChecks!.model : c.model;
    const map = preparedMap(d, conditionMap(ctx, conditionId, { caseId: trial.case_id, noduleId: trial.nodule_id }, trial.sanity === 1));
    const label = trial.kind === 'comparison' ? (slot === 0 ? 'A' : 'B') : labels[conditionId];
    const mapSha256 = sha256Of(Buffer.from(map.values));
    return { slot, label, conditionId, map, model: ctx.resolved.models[pack], method: map.method, explanationId: map.id, mapSha256 };
  });
}

const recordedSlots = (db: Database, trialId: number): ShownSlot[] =>
  storedStimuli(db, trialId).map((r) => ({
    slot: r.slot,
    label: r.label,
    method: r.method,
    explanationId: r.explanation_id,
    mapSha256: r.map_sha256,
  }));

/** Records what a trial's first opening showed (another opening may have recorded it first: only the first is logged). */
function recordShown(d: DisplayDeps, trial: TrialRow, shown: ReturnType<typeof preparedSlots>): void {
  const at = d.now().toISOString();
  const insert = d.db
    .prepare(`INSERT OR IGNORE INTO stimulus (trial_id, slot, label, condition_id, explanation_id, model_id, model_sha256, provider, method, target, map_sha256, shown_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  d.db
    .transaction(() => {
      const recorded = shown.map((s) => {
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
          s.mapSha256,
          at,
        );
        return {
          changes,
          slot: s.slot,
          explanationId: s.map.id,
          modelSha256: s.model.sha256,
          provider: s.map.provider,
          mapSha256: s.mapSha256,
        };
      });
      if (recorded.every((r) => r.changes === 1))
        appendEvent(d.db, 'stimulus.shown', { trialId: trial.id, stimuli: recorded.map(({ changes: _, ...r }) => r) }, at);
    })
    .immediate();
}

/** One stimulus as the reader sees it: the map drawn as the protocol says, its detail and caption — never its method or model. */
async function blinded(db: Database, ctx: StudyContext, trial: TrialRow, s: ShownSlot): Promise<BlindedStimulus> {
  const m = mapOf(db, s.explanationId);
  const detail = await stimulusDetail(db, s.explanationId);
  const shown = stimulusDisplay(m.values, method(s.method).signed, colourScaleOf(ctx.protocol));
  return {
    label: s.label,
    display: shown.display,
    grid: m.grid,
    values: shown.values.buffer as ArrayBuffer,
    range: shown.range,
    placement: m.placement,
    ...(detail ? { detail } : {}),
    ...captionOf(db, ctx, trial, s.slot),
  };
}

/** A blinded stimulus with the hash of the map it was drawn from (the hash the coordinator's stimulus row records). */
export type ComputedStimulus = { stimulus: BlindedStimulus; mapSha256: string };

/**
 * The trial's stimuli exactly as its reader would be shown them, recording nothing: what was
 * recorded if the trial was opened, else what the prepared maps give. A study package carries
 * these (computed by the same code as a reading), so a reader elsewhere sees the same thing.
 */
export async function computeStimuli(
  d: DisplayDeps,
  ctx: StudyContext,
  labels: Record<string, string>,
  trial: TrialRow,
): Promise<ComputedStimulus[]> {
  if (trial.kind === 'case') return [];
  const recorded = recordedSlots(d.db, trial.id);
  const slots = recorded.length ? recorded : preparedSlots(d, ctx, labels, trial);
  const out: ComputedStimulus[] = [];
  for (const s of slots) out.push({ stimulus: await blinded(d.db, ctx, trial, s), mapSha256: s.mapSha256 });
  return out;
}

/**
 * The trial's stimuli, recorded (what was shown, when) on first opening; the maps were computed
 * when the study was created. A workspace's trial shows what its package carries.
 */
export async function shownStimuli(
  d: DisplayDeps,
  ctx: StudyContext,
  labels: Record<string, string>,
  trial: TrialRow,
): Promise<BlindedStimulus[]> {
  if (trial.kind === 'case') return [];
  const packaged = packagedTrial(d.db, trial.id);
  if (packaged) return showPackagedStimuli(d.db, packaged, d.now().toISOString());
  if (recordedSlots(d.db, trial.id).length === 0) recordShown(d, trial, preparedSlots(d, ctx, labels, trial));
  const out: BlindedStimulus[] = [];
  for (const s of recordedSlots(d.db, trial.id)) out.push(await blinded(d.db, ctx, trial, s));
  return out;
}

/** The case as the trial's reader sees it (a workspace's packaged trial: as its package carries it). */
export function shownCase(db: Database, trial: Pick<TrialRow, 'id' | 'case_id' | 'nodule_id'>): ReaderCase {
  const packaged = packagedTrial(db, trial.id);
  return packaged ? packagedCase(packaged) : readerCase(db, trial.case_id, trial.nodule_id);
}

/** The map a single-stimulus trial showed (for scoring marks against it); null before it was shown. */
export function shownMap(db: Database, trialId: number): ShownMap | null {
  const r = db.prepare('SELECT explanation_id FROM stimulus WHERE trial_id = ? AND slot = 0').get(trialId) as
    { explanation_id: number } | undefined;
  return r ? mapOf(db, r.explanation_id) : null;
}

/** Whether the trial's stimuli have been shown (recorded; a workspace's packaged trial: opened). */
export const stimuliShown = (db: Database, trialId: number): boolean =>
  db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM stimulus WHERE trial_id = @id)
        OR EXISTS (SELECT 1 FROM packaged_trial p JOIN trial_visit v ON v.trial_id = p.trial_id WHERE p.trial_id = @id)`,
    )
    .pluck()
    .get({ id: trialId }) === 1;

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
  const packaged = packagedTrial(d.db, trial.id);
  if (packaged) return packagedPrediction(packaged);
  return recordPrediction(d, ctx, trial);
}

/** The outputs the trial shows, recorded when first shown (another opening may have recorded them first: those are kept). */
function recordPrediction(d: DisplayDeps, ctx: StudyContext, trial: TrialRow): PredictedOutput[] | null {
  const p = predictionOf(d, ctx, trial);
  if (!p?.record) return p?.outputs ?? null;
  d.db
    .prepare(
      'INSERT OR IGNORE INTO trial_prediction (trial_id, model_id, model_sha256, provider, outputs_json, shown_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(trial.id, p.record.model.modelId, p.record.model.sha256, p.record.provider, JSON.stringify(p.outputs), d.now().toISOString());
  return recordedPrediction(d.db, trial.id);
}

/**
 * A trial a reader opened at another site (merging their answer package): records here what it
 * showed — its stimuli and AI outputs from this study's own prepared maps, as a first opening here
 * would, shown at `at` — and returns the maps' hashes in slot order (none for a case trial), to
 * compare with those the reader's log recorded.
 */
export function recordShownElsewhere(
  d: DisplayDeps,
  ctx: StudyContext,
  labels: Record<string, string>,
  trial: TrialRow,
  at: string,
): string[] {
  const then: DisplayDeps = { ...d, now: () => new Date(at) };
  if (trial.kind !== 'case' && recordedSlots(d.db, trial.id).length === 0)
    recordShown(then, trial, preparedSlots(then, ctx, labels, trial));
  recordPrediction(then, ctx, trial);
  return recordedSlots(d.db, trial.id).map((s) => s.mapSha256);
}

/** The AI outputs the trial shows (as shownPrediction), recording nothing; a study package carries them. */
export function computePrediction(d: DisplayDeps, ctx: StudyContext, trial: TrialRow): PredictedOutput[] | null {
  return predictionOf(d, ctx, trial)?.outputs ?? null;
}

const recordedPrediction = (db: Database, trialId: number): PredictedOutput[] | null => {
  const row = db.prepare('SELECT outputs_json FROM trial_prediction WHERE trial_id = ?').get(trialId) as
    { outputs_json: string } | undefined;
  return row ? (JSON.parse(row.outputs_json) as PredictedOutput[]) : null;
};

/** The outputs recorded at a first opening, or those of the prepared map with what to record about them. */
function predictionOf(
  d: DisplayDeps,
  ctx: StudyContext,
  trial: TrialRow,
): { outputs: PredictedOutput[]; record?: { model: ResolvedModel; provider: string } } | null {
  if (trial.phase === 'unaided') return null;
  const conditionOf = (id: string) => ctx.protocol.conditions.find((c) => c.id === id)!;
  const shown = trial.condition_id ? conditionOf(trial.condition_id) : ctx.protocol.conditions[0];
  if (trial.condition_b_id && conditionOf(trial.condition_b_id).model !== shown.model) return null;
  const recorded = recordedPrediction(d.db, trial.id);
  if (recorded) return { outputs: recorded };
  const p = preparedMap(d, conditionMap(ctx, shown.id, { caseId: trial.case_id, noduleId: trial.nodule_id }));
  return { outputs: p.outputs, record: { model: ctx.resolved.models[shown.model], provider: p.provider } };
}
