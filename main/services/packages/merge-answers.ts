// Merging a reader's answer package into the coordinator's study database. Refused, with the
// reason, unless: the package is intact and signed (readPackage); it names a study held here, under
// the protocol version the study runs; a study package was made here for its reader; it is signed by
// the key registered for that reader — or, none registered yet, by the key whose fingerprint the
// coordinator confirmed (trust on first use, which registers it); its event log is an intact chain
// vouching for every answer (answer-log.ts); and that log extends the one merged from this reader
// before (an older package is 'package.stale'; a log that differs is forged). The same package again
// changes nothing. Then, in one transaction: the answers not merged before, as new rows of `answer`
// (edits supersede the merged versions they superseded there, evidence marks scored against the
// truth held here, as reading-service scores them), each with its own 'answer' event so this log
// still vouches for every answer; what the newly opened trials showed, from this study's own
// prepared maps at the reader's times; the reader's new events; the import; one 'answers.merged'.
import type { Database } from 'better-sqlite3';
import type { Roi } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import { appendEvent } from '../db/event-log';
import { checkAnswer } from '../study/answer-check';
import { maskTruthOf, type MaskTruth } from '../study/answer-scores';
import { imageSize, readerCase } from '../study/reader-case';
import { assignmentOf, studyContext, trialsOf, type StudyContext, type TrialRow } from '../study/study-rows';
import { questionsFor } from '../study/trial-plan';
import { checkAnswerContent, type AnswerContent } from './answer-log';
import type { PackagedAnswer } from './answer-package';
import { readPackage } from './package-archive';
import { fingerprintOf } from './package-keys';
import { insertAnswers, recordOpenedTrials, type CheckedAnswer, type MergeDeps, type RefuseFn } from './merge-rows';

export type { MergeDeps } from './merge-rows';

export type MergeResult = { readerName: string; site: string | null; added: number; alreadyMerged: boolean; fingerprint: string };

type Reader = { id: number; name: string; site: string | null };

/** Merges one answer package (see the top of this file); `trust`: the fingerprint the coordinator confirmed, for a reader with no key registered yet. */
export async function mergeAnswerPackage(d: MergeDeps & { file: string; trust?: string }): Promise<MergeResult> {
  const { db, file } = d;
  const pkg = readPackage(file, 'answers');
  const m = pkg.manifest;
  const refuse: RefuseFn = (code, why, detail = {}) => refusal(code, `${file} is refused: ${why}.`, { file, ...detail });

  const study = db.prepare('SELECT id, name FROM study WHERE uuid = ?').get(m.study.uuid) as { id: number; name: string } | undefined;
  if (!study)
    throw refuse('package.wrong-study', `it is from another study ("${m.study.name}", ${m.study.uuid}), which this database does not hold`);
  const ctx = studyContext(db, study.id);
  if (ctx.protocolRow.sha256 !== m.study.protocolSha256)
    throw refuse('package.wrong-study', `its answers were given under another version of the protocol than study "${study.name}" runs`, {
      protocolSha256: m.study.protocolSha256,
    });
  const reader = db.prepare('SELECT id, name, site FROM reader WHERE id = ?').get(m.reader.id) as Reader | undefined;
  const assignment = reader && assignmentOf(db, study.id, reader.id);
  const issued = db.prepare('SELECT 1 FROM package_issued WHERE study_id = ? AND reader_id = ?').get(study.id, m.reader.id);
  if (!reader || !assignment || !issued)
    throw refuse(
      'package.not-issued',
      `no study package of "${study.name}" was made here for its reader (${m.reader.name}, id ${m.reader.id})`,
    );

  const fingerprint = fingerprintOf(m.signer.publicKey);
  const registered = db.prepare('SELECT public_key, fingerprint FROM reader_key WHERE reader_id = ?').get(reader.id) as
    { public_key: string; fingerprint: string } | undefined;
  if (registered && registered.public_key !== m.signer.publicKey)
    throw refuse(
      'package.untrusted-key',
      `it is signed by a key (${fingerprint}) that is not the one registered for ${reader.name} (${registered.fingerprint})`,
      { fingerprint, registered: registered.fingerprint },
    );
  if (!registered && d.trust !== fingerprint)
    throw refuse(
      'package.untrusted-key',
      `${reader.name} has no key registered yet: confirm with them that their key's fingerprint is ${fingerprint}, then import it trusting that fingerprint`,
      { fingerprint, readerName: reader.name },
    );

  const result = { readerName: reader.name, site: reader.site, fingerprint };
  // The same package again changes nothing; but once a newer one was merged, an older one is stale, merged before or not.
  const prior = db.prepare('SELECT id FROM answer_import WHERE package_sha256 = ?').pluck().get(pkg.sha256) as number | undefined;
  if (prior !== undefined) {
    const latest = db
      .prepare('SELECT id, imported_at FROM answer_import WHERE study_id = ? AND reader_id = ? ORDER BY id DESC LIMIT 1')
      .get(study.id, reader.id) as { id: number; imported_at: string };
    if (latest.id === prior) return { ...result, added: 0, alreadyMerged: true };
    throw refuse('package.stale', `it is older than the package from ${reader.name} merged on ${latest.imported_at}`);
  }

  const content = checkAnswerContent(pkg, reader.id);
  const fresh = newPart(db, content, study.id, reader, refuse);
  const trials = new Map(trialsOf(db, assignment.id).map((t) => [t.id, t]));
  // An answer to a stimulus is kept with what was shown: its trial must have been opened (now or in an earlier package).
  const opened = new Set([
    ...content.visits.map((v) => v.trial_id),
    ...(db
      .prepare('SELECT v.trial_id FROM trial_visit v JOIN trial t ON t.id = v.trial_id WHERE t.assignment_id = ?')
      .pluck()
      .all(assignment.id) as number[]),
  ]);
  const checked = checkNewAnswers(db, ctx, trials, opened, fresh.answers, refuse);
  // Reading a lesion mask is asynchronous: read before the transaction, which must not wait.
  const masks = new Map<number, MaskTruth>();
  for (const a of checked) if (a.roi) masks.set(a.row.id, await maskTruthOf(db, d.imaging, a.trial, a.imageId));

  const at = d.now().toISOString();
  const added = db
    .transaction(() => {
      // Checked before the masks were read (which awaits): another import of this reader's answers may have committed meanwhile.
      const head = db.prepare('SELECT max(seq) FROM remote_event WHERE study_id = ? AND reader_id = ?').pluck().get(study.id, reader.id) as
        number | null;
      if ((head ?? 0) !== fresh.fromSeq)
        throw refuse('package.stale', `another package from ${reader.name} was merged while this one was being checked: import it again`);
      if (!registered)
        db.prepare('INSERT INTO reader_key (reader_id, public_key, fingerprint, trusted_at) VALUES (?, ?, ?, ?)').run(
          reader.id,
          m.signer.publicKey,
          fingerprint,
          at,
        );
      recordOpenedTrials(d, ctx, assignment.labels_json, trials, content, refuse);
      const added = insertAnswers(db, study.id, reader.id, checked, masks, at);
      const insertEvent = db.prepare(
        'INSERT INTO remote_event (reader_id, study_id, seq, at, kind, payload_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const e of fresh.events) insertEvent.run(reader.id, study.id, e.id, e.at, e.kind, e.payload_json, e.prev_hash, e.hash);
      const last = content.log[content.log.length - 1];
      db.prepare(
        `INSERT INTO answer_import (study_id, reader_id, package_sha256, reader_fingerprint, last_event_seq, last_event_hash, answers_added, app_version, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(study.id, reader.id, pkg.sha256, fingerprint, last.id, last.hash, added, m.appVersion, at);
      appendEvent(
        db,
        'answers.merged',
        { studyId: study.id, readerId: reader.id, packageSha256: pkg.sha256, fingerprint, answersAdded: added, lastEventSeq: last.id },
        at,
      );
      return added;
    })
    .immediate();
  return { ...result, added, alreadyMerged: false };
}

const refusal = (code: Parameters<RefuseFn>[0], message: string, detail: Record<string, string | number>) =>
  new VerdictError(code, message, detail);

/**
 * The part of the package not merged before: its log must extend the reader's merged log (the same
 * event at the last merged seq — the chain then vouches for all before it). Shorter: an older package.
 */
function newPart(
  db: Database,
  content: AnswerContent,
  studyId: number,
  reader: Reader,
  refuse: RefuseFn,
): { events: AnswerContent['log']; answers: PackagedAnswer[]; fromSeq: number } {
  const merged = db
    .prepare('SELECT seq, hash FROM remote_event WHERE study_id = ? AND reader_id = ? ORDER BY seq DESC LIMIT 1')
    .get(studyId, reader.id) as { seq: number; hash: string } | undefined;
  const mergedAt = () =>
    (
      db
        .prepare('SELECT imported_at FROM answer_import WHERE study_id = ? AND reader_id = ? ORDER BY id DESC LIMIT 1')
        .get(studyId, reader.id) as {
        imported_at: string;
      }
    ).imported_at;
  const last = content.log[content.log.length - 1];
  if (!last) throw refuse('package.invalid', 'its event log (log.json) is empty', { part: 'log.json' });
  if (merged) {
    const same = content.log.find((e) => e.id === merged.seq);
    if (last.id <= merged.seq) {
      const older =
        last.hash ===
        (
          db.prepare('SELECT hash FROM remote_event WHERE study_id = ? AND reader_id = ? AND seq = ?').get(studyId, reader.id, last.id) as
            { hash: string } | undefined
        )?.hash;
      if (older)
        throw refuse('package.stale', `it is older than the package from ${reader.name} merged on ${mergedAt()}: it holds nothing new`, {
          lastEventSeq: last.id,
        });
    }
    if (!same || same.hash !== merged.hash)
      throw refuse(
        'package.forged',
        `its event log (log.json) differs from the one ${reader.name} sent before (merged on ${mergedAt()}) at or before event ${Math.min(merged.seq, last.id)}: a log only ever grows, so this one was rewritten`,
        { part: 'log.json', eventId: merged.seq },
      );
  }
  const fromSeq = merged?.seq ?? 0;
  const events = content.log.filter((e) => e.id > fromSeq);
  // Answers whose events were merged before were merged with them.
  const answers = content.answers.filter((a) => content.answerEvent.get(a.id)! > fromSeq);
  return { events, answers, fromSeq };
}

/** Each new answer is the reader's own trial's, to a question asked there, with a value the question takes (as reading-service checks it). */
function checkNewAnswers(
  db: Database,
  ctx: StudyContext,
  trials: Map<number, TrialRow>,
  opened: Set<number>,
  answers: PackagedAnswer[],
  refuse: RefuseFn,
): CheckedAnswer[] {
  // Per reading unit: a reader's trials show each case several times (phases, conditions).
  const cases = new Map<string, ReturnType<typeof readerCase>>();
  const caseOf = (t: TrialRow) => {
    const key = `${t.case_id}|${t.nodule_id}`;
    let c = cases.get(key);
    if (!c) cases.set(key, (c = readerCase(db, t.case_id, t.nodule_id)));
    return c;
  };
  return [...answers]
    .sort((a, b) => a.id - b.id)
    .map((row) => {
      const bad = (why: string) =>
        refuse('package.forged', `answers.json: answer ${row.id} ${why}`, { part: 'answers.json', answerId: row.id });
      const trial = trials.get(row.trial_id);
      if (!trial) throw bad(`is to trial ${row.trial_id}, which is not one of the reader's trials in this study`);
      if (trial.kind !== 'case' && !opened.has(trial.id))
        throw bad(`is to trial ${trial.id}, whose stimuli the reader's workspace never showed (visits.json has no first opening of it)`);
      const question = questionsFor(ctx.protocol, trial.kind, trial.phase).find((q) => q.id === row.question_id);
      if (!question) throw bad(`answers "${row.question_id}", which is not asked on trial ${trial.id}`);
      // Only an evidence mark is checked against (and scored on) the case's image; other answers need no case.
      const c = question.type === 'roi' ? caseOf(trial) : null;
      const image = c ? imageSize(c) : { width: 0, height: 0 };
      let value;
      try {
        value = checkAnswer(question, JSON.parse(row.value_json), image);
      } catch (e) {
        throw bad(`is not a valid answer: ${(e as Error).message}`);
      }
      const roi = question.type === 'roi' && value !== null ? (value as Roi) : null;
      return { row, trial, roi, imageId: c?.images[0]?.id ?? null, image };
    });
}
