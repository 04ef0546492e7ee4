// For the answer-package and merge tests: a coordinator's study database and copies of it taken
// once the study is created, prepared and assigned — a copy keeps the coordinator's ids for the
// study, assignment and trials, as a reader's workspace does — each served by its own Verdict on
// one settable clock, so the same reading gives the same rows on every copy. A copy stands in for
// a workspace once it has its `workspace` row.
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { CallContext } from '../../app/api/endpoint';
import type { TrialView } from '../../app/study';
import { silentLog } from '../../main/log';
import { createVerdict, type Verdict } from '../../main/verdict';
import { tempDir } from './data';
import type { ProtocolInput } from '../../app/protocol';
import { call, DERM_LABELS, DIAGNOSIS_QUESTION, isicProtocol, PASS } from './study-fixture';

export type SiteVerdict = Verdict & { dbPath: string; dataDir: string };

/**
 * The ISIC study read at two sites: two conditions, three phases (earlier answers left editable: edits
 * are part of the scripts), a truth-scored diagnosis, a rating and an evidence mark scored at the merge.
 */
export const twoSiteProtocol = (cases: number): ProtocolInput =>
  isicProtocol({
    cases: { labels: DERM_LABELS.slice(0, cases) },
    conditions: [
      { id: 'cdam-mel', model: 'test-vit-isic', method: 'cdam', target: 'MEL' },
      { id: 'attention', model: 'test-vit-isic', method: 'attention', target: 'attention' },
    ],
    phases: ['unaided', 'ai', 'ai-explanation'],
    lockEarlierPhases: false,
    questions: [
      { ...DIAGNOSIS_QUESTION, truth: 'diagnosis' },
      { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Localisation' },
      { id: 'evidence', level: 'stimulus', type: 'roi', shape: 'box', required: false, prompt: 'Mark the evidence' },
    ],
  });

/** One clock for every Verdict of a test: set it before each step, so two sites doing the same step record the same times. */
export const clock = { at: Date.parse('2026-12-01T09:00:00.000Z') };
export const now = (): Date => new Date(clock.at);

/** A Verdict on a new data folder (or on `dbPath`), with the bundled packs registered. */
export async function siteVerdict(dbPath = join(tempDir('verdict-site-'), 'study.db')): Promise<SiteVerdict> {
  const v = createVerdict({ dbPath, host: 'cli', log: silentLog, now });
  await v.models.registerBundled();
  return Object.assign(v, { dbPath, dataDir: dirname(dbPath) });
}

/** A consistent copy of the database (VACUUM INTO keeps every INTEGER PRIMARY KEY), opened in a new data folder. */
export async function copySite(v: SiteVerdict): Promise<SiteVerdict> {
  const dbPath = join(tempDir('verdict-site-'), 'study.db');
  v.study.db.prepare('VACUUM INTO ?').run(dbPath);
  return siteVerdict(dbPath);
}

/** Makes a copy a stand-in reader workspace (what opening a study package records). */
export function markWorkspace(db: Database, studyId: number): void {
  const uuid = db.prepare('SELECT uuid FROM study WHERE id = ?').pluck().get(studyId) as string;
  db.prepare(
    "INSERT INTO workspace (study_id, study_uuid, package_sha256, coordinator_fingerprint, opened_at) VALUES (?, ?, 'stand-in', 'stand-in', ?)",
  ).run(studyId, uuid, now().toISOString());
}

/** What making a study package for the reader records at the coordinator (package_issued, the reader's site). */
export function markIssued(db: Database, studyId: number, readerId: number, site: string): void {
  db.prepare(
    "INSERT INTO package_issued (study_id, reader_id, package_sha256, coordinator_fingerprint, created_at) VALUES (?, ?, 'stand-in', 'stand-in', ?)",
  ).run(studyId, readerId, now().toISOString());
  db.prepare('UPDATE reader SET site = ? WHERE id = ?').run(site, readerId);
}

export async function signIn(v: SiteVerdict, readerId: number): Promise<CallContext> {
  const caller = v.newCaller();
  await call(v, caller, 'session.signIn', { readerId, passphrase: PASS });
  return caller;
}

const timings = { timeToFirstInputMs: 420, timeOnTrialMs: 3100 };

/** The answer a reading script gives to a question (`seed`: which reader, `edit`: a second thought). */
function valueFor(q: TrialView['questions'][number], position: number, seed: number, edit: boolean): unknown {
  const k = position + seed + (edit ? 1 : 0);
  switch (q.type) {
    case 'single-choice':
      return q.options[k % q.options.length].value;
    case 'likert':
      return q.min + (k % (q.max - q.min + 1));
    case 'roi':
      if (q.shape === 'click') return { shape: 'click', x: 40 + (k % 9) * 10, y: 60 + (k % 4) * 15 };
      if (q.shape === 'freehand') return { shape: 'freehand', points: [30, 30, 120 + (k % 5) * 8, 40, 90, 130] };
      return { shape: 'box', x0: 20 + (k % 7) * 10, y0: 30, x1: 110 + (k % 5) * 12, y1: 140 };
    case 'yes-no':
      return k % 2 === 0;
    case 'forced-choice':
      return k % 2 === 0 ? 'A' : 'B';
    default:
      return null;
  }
}

/**
 * Reads trials `from`..`to` (positions) as a scripted reader: the clock is set per trial, every
 * question answered, and every fourth trial's first question answered again (an edit).
 */
export async function readTrials(
  v: SiteVerdict,
  caller: CallContext,
  studyId: number,
  from: number,
  to: number,
  seed: number,
): Promise<number> {
  let given = 0;
  for (let p = from; p < to; p++) {
    clock.at = Date.parse('2026-12-01T10:00:00.000Z') + (seed * 1000 + p) * 60_000;
    const view = await call(v, caller, 'reading.trial', { studyId, position: p });
    for (const [i, q] of view.questions.entries()) {
      clock.at += 5_000;
      const answer = (edit: boolean) =>
        call(v, caller, 'reading.answer', {
          studyId,
          trialId: view.trial.id,
          questionId: q.id,
          value: valueFor(q, p, seed, edit) as never,
          displayState: { opacity: 0.5 + (p % 3) / 10, colormap: 'jet' },
          timings,
        });
      await answer(false);
      given++;
      if (i === 0 && p % 4 === 1) {
        clock.at += 5_000;
        await answer(true);
        given++;
      }
    }
  }
  return given;
}
