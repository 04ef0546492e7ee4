// Protocols: checked (schema, then this database), saved as content-hashed rows, listed. A
// row a study uses is frozen — the database refuses to change it (migration 0002's triggers),
// and saving different content under its id and version is refused with the next free
// version named — so answers always point at the exact protocol they were given under.
import type { Database } from 'better-sqlite3';
import type { Protocol, Question } from '../../../app/protocol';
import type { ProtocolRowId, ProtocolSummary } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import type { ModelService } from '../models/model-service';
import { canonicalJson, sha256Of } from '../db/canonical-json';
import { appendEvent } from '../db/event-log';
import { parseProtocol, protocolError } from './protocol-parse';
import { resolveCases, resolveProtocol, type ResolvedProtocol } from './protocol-resolve';
import { caseTruth, characteristicMedians } from '../cases/case-truth';
import { protocolSchema } from '../../../app/protocol';
import { fieldPath, issueInWords } from '../../../app/protocol-issues';
import { SCORED_CHARACTERISTICS, hasTruth, truthKey, type Truth, type TruthCounts } from '../../../app/truth';
import { QUESTION_BANK } from './question-bank';
import { planLimits, planTrials } from './trial-plan';

type ProtocolRow = {
  id: number;
  protocol_id: string;
  version: number;
  title: string;
  modality: 'CT' | 'dermoscopy';
  protocol_json: string;
  sha256: string;
  created_at: string;
  used_by: number | null;
};

const SELECT = 'SELECT p.*, (SELECT min(s.id) FROM study s WHERE s.protocol_row_id = p.id) AS used_by FROM protocol p';

const summaryOf = (r: ProtocolRow): ProtocolSummary => ({
  rowId: r.id,
  id: r.protocol_id,
  version: r.version,
  title: r.title,
  modality: r.modality,
  sha256: r.sha256,
  frozen: r.used_by !== null,
  createdAt: r.created_at,
  protocol: JSON.parse(r.protocol_json) as Protocol,
});

export class ProtocolService {
  readonly #db: Database;
  readonly #models: ModelService;
  readonly #now: () => Date;

  constructor(db: Database, models: ModelService, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#models = models;
    this.#now = now;
  }

  questionBank(): Question[] {
    return QUESTION_BANK;
  }

  /** Parses the protocol and checks it against this database; returns it resolved. */
  async check(input: unknown): Promise<ResolvedProtocol> {
    const protocol = parseProtocol(input);
    await this.#models.registerBundled();
    return this.resolve(protocol);
  }

  /** The database half of the check, for a protocol already parsed (a saved row). */
  resolve(protocol: Protocol): ResolvedProtocol {
    const r = resolveProtocol(this.#db, protocol);
    const limits = planLimits(protocol, r.cases.length, r.sanityConditions);
    if (protocol.repeats.count > limits.singles) {
      throw protocolError(
        'protocol.invalid',
        'repeats.count',
        `${protocol.repeats.count} repeats, but a reader sees only ${limits.singles} single explanations`,
      );
    }
    const sanity = protocol.sanityChecks?.count ?? 0;
    if (sanity > limits.sanityPairs) {
      throw protocolError(
        'protocol.invalid',
        'sanityChecks.count',
        `${sanity} sanity checks, but there are only ${limits.sanityPairs} case × condition pairs to imitate`,
      );
    }
    return r;
  }

  /**
   * For the editor, while the protocol is still being built: of the cases its `cases` picks, how
   * many have each truth a question could be scored against. Only `cases` needs to be valid.
   */
  truthCounts(modality: Protocol['modality'], cases: unknown): TruthCounts {
    const parsed = protocolSchema.shape.cases.safeParse(cases);
    if (!parsed.success)
      throw protocolError(
        'protocol.invalid',
        fieldPath(['cases', ...parsed.error.issues[0].path]),
        issueInWords({ ...parsed.error.issues[0], path: ['cases', ...parsed.error.issues[0].path] }),
      );
    const resolved = resolveCases(this.#db, { modality, cases: parsed.data } as Protocol);
    const characteristics = characteristicMedians(this.#db);
    const truths = resolved.map((c) => caseTruth(this.#db, c.caseId, c.noduleId, characteristics));
    const counts = Object.fromEntries(TRUTHS.map((t) => [truthKey(t), truths.filter((c) => hasTruth(t, c)).length]));
    return { cases: resolved.length, counts };
  }

  async validate(input: unknown): Promise<{ cases: number; trialsPerReader: number }> {
    const r = await this.check(input);
    return { cases: r.cases.length, trialsPerReader: trialsPerReader(r) };
  }

  async save(input: unknown): Promise<ProtocolSummary> {
    const { protocol } = await this.check(input);
    const json = JSON.stringify(protocol);
    const sha256 = sha256Of(canonicalJson(protocol));
    const at = this.#now().toISOString();
    const rowId = this.#db
      .transaction(() => {
        const existing = this.#db.prepare(`${SELECT} WHERE p.protocol_id = ? AND p.version = ?`).get(protocol.id, protocol.version) as
          ProtocolRow | undefined;
        if (existing?.sha256 === sha256) return existing.id;
        if (existing && existing.used_by !== null) {
          const study = this.#db.prepare('SELECT id, name FROM study WHERE id = ?').get(existing.used_by) as { id: number; name: string };
          const next =
            (this.#db.prepare('SELECT max(version) AS v FROM protocol WHERE protocol_id = ?').get(protocol.id) as { v: number }).v + 1;
          throw protocolError(
            'protocol.frozen',
            'version',
            `version ${protocol.version} of "${protocol.id}" is used by study ${study.id} ("${study.name}") and cannot change; save it as version ${next}`,
          );
        }
        let id: number;
        if (existing) {
          this.#db
            .prepare('UPDATE protocol SET title = ?, modality = ?, protocol_json = ?, sha256 = ?, created_at = ? WHERE id = ?')
            .run(protocol.title, protocol.modality, json, sha256, at, existing.id);
          id = existing.id;
        } else {
          id = Number(
            this.#db
              .prepare(
                'INSERT INTO protocol (protocol_id, version, title, modality, protocol_json, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
              )
              .run(protocol.id, protocol.version, protocol.title, protocol.modality, json, sha256, at).lastInsertRowid,
          );
        }
        appendEvent(
          this.#db,
          'protocol.saved',
          { protocolRowId: id, id: protocol.id, version: protocol.version, sha256, replaced: existing !== undefined },
          at,
        );
        return id;
      })
      .immediate();
    return this.get(rowId);
  }

  list(): ProtocolSummary[] {
    return (this.#db.prepare(`${SELECT} ORDER BY p.protocol_id, p.version`).all() as ProtocolRow[]).map(summaryOf);
  }

  get(rowId: ProtocolRowId): ProtocolSummary {
    const row = this.#db.prepare(`${SELECT} WHERE p.id = ?`).get(rowId) as ProtocolRow | undefined;
    if (!row) throw new VerdictError('not-found', `No saved protocol with row id ${rowId}.`, { protocolRowId: rowId });
    return summaryOf(row);
  }
}

const TRUTHS: Truth[] = ['diagnosis', 'malignancy', ...SCORED_CHARACTERISTICS.map((characteristic) => ({ characteristic }))];

/** Trials one reader will read (the count does not depend on the seed). */
export const trialsPerReader = (r: ResolvedProtocol): number =>
  planTrials({ protocol: r.protocol, cases: r.cases, readerIndex: 0, seed: 0, sanityConditions: r.sanityConditions }).trials.length;
