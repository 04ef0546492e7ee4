// Studies: created from a saved protocol (which freezes it; the case list and model rows are
// resolved now and stored), given to readers (each reader's seeded, counterbalanced trial list
// is generated once and stored), summarised for the coordinator, and checked for integrity.
// Creating a study starts computing its stimuli in the background (stimulus-preparation.ts).
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { AnswerListing, IntegrityReport, ReaderProgress, StudyId, StudySummary } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import type { ModelService } from '../models/model-service';
import type { Recipient } from '../../event-bus';
import type { StimulusPreparation } from './stimulus-preparation';
import type { ProtocolService } from './protocol-service';
import { canonicalJson, sha256Of } from '../db/canonical-json';
import { appendEvent, verifyEventLog } from '../db/event-log';
import { parseProtocol } from './protocol-parse';
import { readerSeed } from './seeded-random';
import { assignmentsOf, entriesOf, studyContext, trialsOf, type AssignmentRow, type StudyResolved } from './study-rows';
import { planTrials, type PlannedTrial, type TrialPlan } from './trial-plan';
import { progressOf, trialStates } from './trial-progress';
import { answerListing } from './answer-listing';

export class StudyService {
  readonly #db: Database;
  readonly #protocols: ProtocolService;
  readonly #models: ModelService;
  readonly #preparation: StimulusPreparation;
  readonly #now: () => Date;

  constructor(
    db: Database,
    protocols: ProtocolService,
    models: ModelService,
    preparation: StimulusPreparation,
    now: () => Date = () => new Date(),
  ) {
    this.#db = db;
    this.#protocols = protocols;
    this.#models = models;
    this.#preparation = preparation;
    this.#now = now;
  }

  /** Creates the study and starts computing its stimuli; progress goes to `to` (the coordinator). */
  async create(protocolRowId: number, name: string, to: Recipient = 'staff'): Promise<StudySummary> {
    const saved = this.#protocols.get(protocolRowId);
    await this.#models.registerBundled();
    // Checked again against the database as it is now: cases or packs may have changed since saving.
    const r = this.#protocols.resolve(parseProtocol(saved.protocol));
    const resolved: StudyResolved = { models: r.models, sanityConditions: r.sanityConditions };
    const at = this.#now().toISOString();
    const id = this.#db
      .transaction(() => {
        const id = Number(
          this.#db
            // uuid: the study's identity on other workstations (study and answer packages name it).
            .prepare('INSERT INTO study (name, protocol_row_id, resolved_json, created_at, uuid) VALUES (?, ?, ?, ?, ?)')
            .run(name.trim(), protocolRowId, JSON.stringify(resolved), at, randomUUID()).lastInsertRowid,
        );
        const entry = this.#db.prepare('INSERT INTO study_entry (study_id, case_index, case_id, nodule_id) VALUES (?, ?, ?, ?)');
        r.cases.forEach((c, i) => entry.run(id, i, c.caseId, c.noduleId));
        appendEvent(
          this.#db,
          'study.created',
          {
            studyId: id,
            name: name.trim(),
            protocolRowId,
            protocolSha256: saved.sha256,
            cases: r.cases.map((c) => [c.caseId, c.noduleId]),
            models: r.models,
          },
          at,
        );
        return id;
      })
      .immediate();
    void this.#preparation.start(id, to);
    return this.summary(id);
  }

  /** Computes the study's missing stimuli again (after a failure, a cancel or a restart). */
  prepare(studyId: StudyId, to: Recipient = 'staff'): StudySummary {
    studyContext(this.#db, studyId);
    void this.#preparation.start(studyId, to);
    return this.summary(studyId);
  }

  /**
   * At start-up: an open study whose preparation was cut short (the app closed while it ran) goes
   * on in the background, reporting to the staff, so its readers are not left waiting for a
   * coordinator to press "Prepare again".
   */
  resumePreparations(): number[] {
    const open = this.#db.prepare("SELECT id FROM study WHERE status = 'open' ORDER BY id").all() as { id: number }[];
    const resumed = open.filter((s) => this.#preparation.state(s.id).state === 'incomplete').map((s) => s.id);
    for (const id of resumed) void this.#preparation.start(id, 'staff');
    return resumed;
  }

  /** Resolves once the study's stimulus preparation has ended (the CLI and tests wait for it). */
  async prepared(studyId: StudyId): Promise<StudySummary> {
    await this.#preparation.settled(studyId);
    return this.summary(studyId);
  }

  list(): StudySummary[] {
    return (this.#db.prepare('SELECT id FROM study ORDER BY id').all() as { id: number }[]).map((s) => this.summary(s.id));
  }

  /** Gives the study to a reader: seed, blinded labels and trial list are fixed now (again: unchanged). */
  assign(studyId: StudyId, readerId: number): StudySummary {
    this.assignReader(studyId, readerId);
    return this.summary(studyId);
  }

  /** The assignment alone, without the study summary (which reads every reader's progress). */
  assignReader(studyId: StudyId, readerId: number): void {
    const ctx = studyContext(this.#db, studyId);
    if (!this.#db.prepare('SELECT 1 FROM reader WHERE id = ?').get(readerId))
      throw new VerdictError('not-found', `No reader with id ${readerId}.`, { readerId });
    const at = this.#now().toISOString();
    this.#db
      .transaction(() => {
        if (this.#db.prepare('SELECT 1 FROM assignment WHERE study_id = ? AND reader_id = ?').get(studyId, readerId)) return;
        if (ctx.study.status !== 'open') throw new VerdictError('study.closed', `Study ${studyId} is closed.`, { studyId });
        const readerIndex = (this.#db.prepare('SELECT count(*) AS n FROM assignment WHERE study_id = ?').get(studyId) as { n: number }).n;
        const seed = readerSeed(ctx.protocol.order.seed, readerId);
        const plan = planTrials({
          protocol: ctx.protocol,
          cases: entriesOf(this.#db, studyId),
          readerIndex,
          seed,
          sanityConditions: ctx.resolved.sanityConditions,
        });
        const trialsSha256 = sha256Of(canonicalJson(plan.trials));
        const assignmentId = Number(
          this.#db
            .prepare(
              'INSERT INTO assignment (study_id, reader_id, reader_index, seed, labels_json, trials_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
            )
            .run(studyId, readerId, readerIndex, seed, JSON.stringify(plan.labels), trialsSha256, at).lastInsertRowid,
        );
        const insert = this.#db
          .prepare(`INSERT INTO trial (assignment_id, position, case_index, case_id, nodule_id, phase, kind, condition_id, condition_b_id, sanity, repeat_of)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        const ids: number[] = [];
        for (const t of plan.trials) {
          ids.push(
            Number(
              insert.run(
                assignmentId,
                t.position,
                t.caseIndex,
                t.caseId,
                t.noduleId,
                t.phase,
                t.kind,
                t.conditionId,
                t.conditionBId,
                t.sanity ? 1 : 0,
                t.repeatOf === null ? null : ids[t.repeatOf],
              ).lastInsertRowid,
            ),
          );
        }
        appendEvent(
          this.#db,
          'study.assigned',
          { studyId, readerId, readerIndex, seed, labels: plan.labels, trials: plan.trials.length, trialsSha256 },
          at,
        );
      })
      .immediate();
  }

  summary(studyId: StudyId): StudySummary {
    const ctx = studyContext(this.#db, studyId);
    const readers = assignmentsOf(this.#db, studyId).map((a): ReaderProgress => {
      const p = progressOf(trialStates(this.#db, ctx.protocol, a.id));
      const { name, site } = this.#db.prepare('SELECT name, site FROM reader WHERE id = ?').get(a.reader_id) as {
        name: string;
        site: string | null;
      };
      return { readerId: a.reader_id, name, site, done: p.done, total: p.total, timeSpentMs: p.timeSpentMs, seed: a.seed };
    });
    const answers = (
      this.#db
        .prepare(
          `SELECT count(*) AS n FROM answer a JOIN trial t ON t.id = a.trial_id JOIN assignment s ON s.id = t.assignment_id
      WHERE s.study_id = ? AND NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = a.id)`,
        )
        .get(studyId) as { n: number }
    ).n;
    const { protocolRow: pr, study } = ctx;
    return {
      id: study.id,
      name: study.name,
      protocol: { rowId: pr.id, id: pr.protocol_id, version: pr.version, title: pr.title },
      status: study.status,
      createdAt: study.created_at,
      cases: entriesOf(this.#db, studyId).length,
      readers,
      answers,
      preparation: this.#preparation.state(studyId),
    };
  }

  /** Every answer's latest version, unblinded (the coordinator's view). */
  answers(studyId: StudyId): AnswerListing[] {
    this.summary(studyId);
    return answerListing(this.#db, studyId);
  }

  integrity(): IntegrityReport {
    return verifyEventLog(this.#db);
  }

  /** A reader's trial list regenerated from the stored seed and index, beside the stored one. */
  reproduce(studyId: StudyId, readerId: number): { stored: TrialPlan; regenerated: TrialPlan; same: boolean } {
    const ctx = studyContext(this.#db, studyId);
    const a = this.#db.prepare('SELECT * FROM assignment WHERE study_id = ? AND reader_id = ?').get(studyId, readerId) as
      AssignmentRow | undefined;
    if (!a) throw new VerdictError('not-found', `Reader ${readerId} has no assignment in study ${studyId}.`, { studyId, readerId });
    const regenerated = planTrials({
      protocol: ctx.protocol,
      cases: entriesOf(this.#db, studyId),
      readerIndex: a.reader_index,
      seed: a.seed,
      sanityConditions: ctx.resolved.sanityConditions,
    });
    const rows = trialsOf(this.#db, a.id);
    const positionOf = new Map(rows.map((t) => [t.id, t.position]));
    const stored: TrialPlan = {
      labels: JSON.parse(a.labels_json) as Record<string, string>,
      trials: rows.map((t): PlannedTrial => ({
        position: t.position,
        caseIndex: t.case_index,
        caseId: t.case_id,
        noduleId: t.nodule_id,
        phase: t.phase,
        kind: t.kind,
        conditionId: t.condition_id,
        conditionBId: t.condition_b_id,
        sanity: t.sanity === 1,
        repeatOf: t.repeat_of === null ? null : positionOf.get(t.repeat_of)!,
      })),
    };
    const same = canonicalJson(stored) === canonicalJson(regenerated) && sha256Of(canonicalJson(regenerated.trials)) === a.trials_sha256;
    return { stored, regenerated, same };
  }
}
