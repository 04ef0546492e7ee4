// A reader's answer package (reader → coordinator), written in their workspace: every version of
// every answer they gave (all columns, so the coordinator can check each against its event), the
// trials' first openings, and the workspace's whole hash-chained event log — signed with the data
// folder's reader key. The 'answers.exported' event is appended first, in the same transaction the
// rows are read in, so the package's log ends with it and a later package's log extends this one.
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { appendEvent } from '../db/event-log';
import type { AnswerRow } from '../study/study-rows';
import { writePackage } from './package-archive';
import { signingKey } from './package-keys';

export type AnswerPackageDeps = { db: Database; dataDir: string; appVersion: string; now: () => Date };

/** The parts of an answer package, as written and as the merge reads them. */
export const ANSWER_PARTS = { answers: 'answers.json', visits: 'visits.json', log: 'log.json' } as const;

export type VisitRow = { trial_id: number; first_opened_at: string };
export type LogRow = { id: number; at: string; kind: string; payload_json: string; prev_hash: string; hash: string };
/** answers.json: every answer version row of the reader, all columns. */
export type PackagedAnswer = AnswerRow;

type WorkspaceReader = {
  studyId: number;
  uuid: string;
  studyName: string;
  protocolSha256: string;
  id: number;
  name: string;
  site: string | null;
};

/** The workspace's study and its one reader (a workspace database holds one study, read by one reader). */
export function workspaceReader(db: Database): WorkspaceReader {
  const rows = db
    .prepare(
      `SELECT w.study_id AS studyId, w.study_uuid AS uuid, s.name AS studyName, p.sha256 AS protocolSha256,
              r.id AS id, r.name AS name, r.site AS site
       FROM workspace w JOIN study s ON s.id = w.study_id JOIN protocol p ON p.id = s.protocol_row_id
       JOIN assignment a ON a.study_id = w.study_id JOIN reader r ON r.id = a.reader_id`,
    )
    .all() as WorkspaceReader[];
  if (rows.length !== 1)
    throw new VerdictError(
      'package.invalid',
      rows.length === 0
        ? 'This database is not a reading workspace (one opened from a study package): answer packages are written there.'
        : `This workspace has ${rows.length} readers assigned; a workspace is one reader's.`,
    );
  return rows[0];
}

/** Writes the workspace's answer package to `out`; returns the file, its hash and size, the key's fingerprint and how many answer versions it holds. */
export function createAnswerPackage(d: AnswerPackageDeps & { out: string }): {
  file: string;
  sha256: string;
  bytes: number;
  fingerprint: string;
  answers: number;
} {
  // Checked before 'answers.exported' is recorded: a package that cannot be written was not exported.
  if (!existsSync(dirname(d.out)))
    throw new VerdictError('file.not-found', `Cannot write ${basename(d.out)}: the folder ${dirname(d.out)} does not exist.`, {
      path: d.out,
    });
  const key = signingKey(d.dataDir, 'reader');
  const ws = workspaceReader(d.db);
  const at = d.now().toISOString();
  const { answers, visits, log } = d.db
    .transaction(() => {
      const answers = d.db
        .prepare(
          `SELECT a.* FROM answer a JOIN trial t ON t.id = a.trial_id JOIN assignment s ON s.id = t.assignment_id
           WHERE s.study_id = ? AND a.reader_id = ? ORDER BY a.id`,
        )
        .all(ws.studyId, ws.id) as PackagedAnswer[];
      appendEvent(
        d.db,
        'answers.exported',
        { studyUuid: ws.uuid, readerId: ws.id, answers: answers.length, file: basename(d.out), keyFingerprint: key.fingerprint },
        at,
      );
      const visits = d.db
        .prepare(
          `SELECT v.trial_id, v.first_opened_at FROM trial_visit v JOIN trial t ON t.id = v.trial_id JOIN assignment s ON s.id = t.assignment_id
           WHERE s.study_id = ? AND s.reader_id = ? ORDER BY v.trial_id`,
        )
        .all(ws.studyId, ws.id) as VisitRow[];
      const log = d.db.prepare('SELECT id, at, kind, payload_json, prev_hash, hash FROM event ORDER BY id').all() as LogRow[];
      return { answers, visits, log };
    })
    .immediate();
  const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  const written = writePackage(
    d.out,
    {
      kind: 'answers',
      study: { uuid: ws.uuid, name: ws.studyName, protocolSha256: ws.protocolSha256 },
      reader: { id: ws.id, name: ws.name, site: ws.site },
      appVersion: d.appVersion,
      createdAt: at,
    },
    [
      { path: ANSWER_PARTS.answers, data: json(answers) },
      { path: ANSWER_PARTS.visits, data: json(visits) },
      { path: ANSWER_PARTS.log, data: json(log) },
    ],
    key,
  );
  return { file: d.out, ...written, fingerprint: key.fingerprint, answers: answers.length };
}
