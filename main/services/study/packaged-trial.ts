// A trial in a reader's workspace (a study package opened at another site). What it shows was
// computed by the coordinator's own reading code when the package was made (trial-display.ts
// computeStimuli / computePrediction, reader-case.ts) and travels as one packaged_trial row: the
// reader's view of the case, the blinded stimuli with their values in one blob (slot order) and
// the AI outputs. The workspace has no models, no explanation rows and no method names, so
// nothing here computes. A first opening is recorded — the trial's visit and a 'stimulus.shown'
// event with the maps' hashes, which the merge matches against the coordinator's own maps.
import type { Database } from 'better-sqlite3';
import type { PredictedOutput } from '../../../app/explain';
import type { BlindedStimulus, ReaderCase, StimulusDetail } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import { appendEvent } from '../db/event-log';
import type { ComputedStimulus } from './trial-display';

/** A prototype's exemplar PNGs as base64 (JSON has no bytes). */
type PackagedDetail =
  Extract<StimulusDetail, { kind: 'attribute' }> | { kind: 'prototype'; exemplars: { png: string; similarity: number }[] };

/** A blinded stimulus without its values (they travel in the trial's .bin), with its map's hash. */
export type PackagedStimulus = Omit<BlindedStimulus, 'values' | 'detail'> & { detail?: PackagedDetail; mapSha256: string };

/** `trials/<id>.json` of a study package; `trials/<id>.bin` holds the stimuli's Float32 values in slot order. */
export type PackagedTrialJson = { case: ReaderCase; stimuli: PackagedStimulus[]; prediction: PredictedOutput[] | null };

export type PackagedTrialRow = {
  trial_id: number;
  case_json: string;
  stimuli_json: string;
  values_blob: Buffer;
  prediction_json: string | null;
};

/** A trial's view as a package carries it: the JSON part and the values part. */
export function encodeTrial(view: { case: ReaderCase; stimuli: ComputedStimulus[]; prediction: PredictedOutput[] | null }): {
  json: PackagedTrialJson;
  values: Buffer;
} {
  const stimuli = view.stimuli.map(({ stimulus: { values: _, detail, ...s }, mapSha256 }): PackagedStimulus => ({
    ...s,
    ...(detail ? { detail: encodeDetail(detail) } : {}),
    mapSha256,
  }));
  const values = Buffer.concat(view.stimuli.map((s) => Buffer.from(s.stimulus.values)));
  return { json: { case: view.case, stimuli, prediction: view.prediction }, values };
}

const encodeDetail = (d: StimulusDetail): PackagedDetail =>
  d.kind === 'attribute'
    ? d
    : { kind: 'prototype', exemplars: d.exemplars.map((e) => ({ png: Buffer.from(e.png).toString('base64'), similarity: e.similarity })) };

const decodeDetail = (d: PackagedDetail): StimulusDetail =>
  d.kind === 'attribute'
    ? d
    : {
        kind: 'prototype',
        exemplars: d.exemplars.map((e) => ({ png: arrayBufferOf(Buffer.from(e.png, 'base64')), similarity: e.similarity })),
      };

const arrayBufferOf = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

export const packagedTrial = (db: Database, trialId: number): PackagedTrialRow | undefined =>
  db.prepare('SELECT * FROM packaged_trial WHERE trial_id = ?').get(trialId) as PackagedTrialRow | undefined;

/** The stimuli as the coordinator's code showed them, each with its map's hash. */
export function packagedStimuli(row: PackagedTrialRow): { stimulus: BlindedStimulus; mapSha256: string }[] {
  const packaged = JSON.parse(row.stimuli_json) as PackagedStimulus[];
  let at = 0;
  const out = packaged.map(({ mapSha256, detail, ...s }) => {
    const bytes = s.grid.rows * s.grid.cols * 4;
    const values = arrayBufferOf(row.values_blob.subarray(at, at + bytes));
    at += bytes;
    return { stimulus: { ...s, values, ...(detail ? { detail: decodeDetail(detail) } : {}) } as BlindedStimulus, mapSha256 };
  });
  if (at !== row.values_blob.byteLength)
    throw new VerdictError('package.invalid', `Trial ${row.trial_id}: its stimuli's values do not match their grids.`, {
      trialId: row.trial_id,
    });
  return out;
}

/** The trial's stimuli; its first opening is recorded (visit and 'stimulus.shown', one transaction). */
export function showPackagedStimuli(db: Database, row: PackagedTrialRow, at: string): BlindedStimulus[] {
  const shown = packagedStimuli(row);
  db.transaction(() => {
    const { changes } = db.prepare('INSERT OR IGNORE INTO trial_visit (trial_id, first_opened_at) VALUES (?, ?)').run(row.trial_id, at);
    if (changes === 1)
      appendEvent(db, 'stimulus.shown', { trialId: row.trial_id, stimuli: shown.map((s, slot) => ({ slot, mapSha256: s.mapSha256 })) }, at);
  }).immediate();
  return shown.map((s) => s.stimulus);
}

export const packagedPrediction = (row: PackagedTrialRow): PredictedOutput[] | null =>
  row.prediction_json === null ? null : (JSON.parse(row.prediction_json) as PredictedOutput[]);

export const packagedCase = (row: PackagedTrialRow): ReaderCase => JSON.parse(row.case_json) as ReaderCase;
