// The rows a reader's workspace database is made of (a study package's `study.json`), blinded:
// what the reading code needs and nothing else, under the coordinator's ids. The protocol keeps
// its questions, phases and display options; its conditions become opaque ids (c1…cN) with no
// method, model, target or parameters, the sanity checks and the order seed go (with the trials'
// sanity flags and the assignment's seed, they would tell which trials are catch trials), and the
// title is the study's name. Cases keep their neutral label (no dataset reference, patient or
// lesion key), series and images their geometry under fresh UIDs, nodules their place (no
// readers' ratings or size: truth stays with the coordinator). No truth tables, masks, models,
// explanations or events.
import type { Database } from 'better-sqlite3';
import type { Protocol } from '../../../app/protocol';
import { VerdictError } from '../../../app/errors';
import { canonicalJson, sha256Of } from '../db/canonical-json';
import { studyContext } from '../study/study-rows';

export const STUDY_JSON_FORMAT = 'verdict-study/1';

type Value = string | number | null;
export type Row = Record<string, Value>;

/**
 * The workspace's tables in insertion order (references first) and the columns a package may set
 * (any other column keeps its default); nothing else in `study.json` reaches the database.
 */
export const PACKAGED_COLUMNS = {
  protocol: ['id', 'protocol_id', 'version', 'title', 'modality', 'protocol_json', 'sha256', 'created_at'],
  study: ['id', 'name', 'protocol_row_id', 'resolved_json', 'status', 'created_at', 'uuid'],
  study_case: ['id', 'label', 'source', 'modality', 'created_at'],
  series: [
    'id',
    'case_id',
    'series_uid',
    'study_uid',
    'modality',
    'rows',
    'columns',
    'slice_count',
    'pixel_spacing_row',
    'pixel_spacing_col',
    'slice_spacing',
    'slice_thickness',
    'orientation_json',
    'gaps_after_json',
    'window_center',
    'window_width',
    'transfer_syntax',
  ],
  image: [
    'id',
    'case_id',
    'series_id',
    'kind',
    'path',
    'sha256',
    'size_bytes',
    'frame',
    'slice_index',
    'sop_uid',
    'instance_number',
    'position_json',
    'slice_position',
    'transfer_syntax',
    'rows',
    'columns',
    'rescale_slope',
    'rescale_intercept',
  ],
  nodule: ['id', 'case_id', 'label', 'reader_count', 'centroid_x', 'centroid_y', 'centroid_slice', 'largest_slice'],
  study_entry: ['study_id', 'case_index', 'case_id', 'nodule_id'],
  reader: ['id', 'name', 'role', 'specialty', 'years_experience', 'created_at', 'site'],
  reader_keymap: ['reader_id', 'keymap_json', 'updated_at'],
  assignment: ['id', 'study_id', 'reader_id', 'reader_index', 'seed', 'labels_json', 'trials_sha256', 'created_at'],
  trial: [
    'id',
    'assignment_id',
    'position',
    'case_index',
    'case_id',
    'nodule_id',
    'phase',
    'kind',
    'condition_id',
    'condition_b_id',
    'sanity',
    'repeat_of',
  ],
} as const;

export type PackagedTable = keyof typeof PACKAGED_COLUMNS;
export type StudyJson = { format: typeof STUDY_JSON_FORMAT; tables: Record<PackagedTable, Row[]> };

/** The blinded protocol a workspace reads: what the reading code uses of it, conditions as opaque ids. */
export function blindedProtocol(p: Protocol, studyName: string, opaque: Map<string, string>, caseLabels: string[]): Protocol {
  const id = (c: string) => opaque.get(c)!;
  return {
    format: p.format,
    id: 'study',
    version: p.version,
    title: studyName,
    description: '',
    modality: p.modality,
    cases: { labels: caseLabels },
    stimulusTargets: p.stimulusTargets,
    conditions: p.conditions.map((c) => ({ id: id(c.id) })) as unknown as Protocol['conditions'],
    comparisons: p.comparisons.map((c) => ({ between: [id(c.between[0]), id(c.between[1])] as [string, string] })),
    phases: p.phases,
    ...(p.lockEarlierPhases === undefined ? {} : { lockEarlierPhases: p.lockEarlierPhases }),
    questions: p.questions,
    repeats: p.repeats,
    sanityChecks: null,
    display: p.display,
    order: { seed: 0 },
  };
}

/**
 * The blinded rows of one reader's part of a study, except series and images (their UIDs and files
 * are made when the images are de-identified): study-package.ts adds those.
 */
export function blindedRows(db: Database, studyId: number, readerId: number): Omit<Record<PackagedTable, Row[]>, 'series' | 'image'> {
  const ctx = studyContext(db, studyId);
  const assignment = db.prepare('SELECT * FROM assignment WHERE study_id = ? AND reader_id = ?').get(studyId, readerId) as Row | undefined;
  if (!assignment)
    throw new VerdictError('not-found', `Reader ${readerId} is not assigned to study ${studyId}: assign them before packaging.`, {
      studyId,
      readerId,
    });
  const opaque = new Map(ctx.protocol.conditions.map((c, i) => [c.id, `c${i + 1}`]));
  const rekey = (c: Value) => (c === null ? null : opaque.get(c as string)!);
  const entries = db.prepare('SELECT * FROM study_entry WHERE study_id = ? ORDER BY case_index').all(studyId) as Row[];
  const cases = db
    .prepare(
      `SELECT id, label, source, modality, created_at FROM study_case
       WHERE id IN (SELECT case_id FROM study_entry WHERE study_id = ?) ORDER BY id`,
    )
    .all(studyId) as Row[];
  const caseLabel = new Map(cases.map((c) => [c.id, c.label as string]));
  const protocol = blindedProtocol(ctx.protocol, ctx.study.name, opaque, [...new Set(entries.map((e) => caseLabel.get(e.case_id)!))]);
  const trials = (db.prepare('SELECT * FROM trial WHERE assignment_id = ? ORDER BY id').all(assignment.id) as Row[]).map((t) => ({
    ...t,
    condition_id: rekey(t.condition_id),
    condition_b_id: rekey(t.condition_b_id),
    sanity: 0,
  }));
  const labels = JSON.parse(assignment.labels_json as string) as Record<string, string>;
  const reader = db
    .prepare('SELECT id, name, role, specialty, years_experience, created_at, site FROM reader WHERE id = ?')
    .get(readerId) as Row;
  return {
    protocol: [
      {
        id: ctx.protocolRow.id,
        protocol_id: `study-${ctx.study.uuid}`,
        version: ctx.protocolRow.version,
        title: ctx.study.name,
        modality: ctx.protocol.modality,
        protocol_json: JSON.stringify(protocol),
        // The real protocol's hash: answers come back against the protocol version they were given under.
        sha256: ctx.protocolRow.sha256,
        created_at: ctx.study.created_at,
      },
    ],
    study: [
      {
        id: ctx.study.id,
        name: ctx.study.name,
        protocol_row_id: ctx.protocolRow.id,
        resolved_json: JSON.stringify({ models: {}, sanityConditions: [] }),
        status: ctx.study.status,
        created_at: ctx.study.created_at,
        uuid: ctx.study.uuid,
      },
    ],
    study_case: cases,
    // Only the nodules read, and only where they are: no readers' count, size or malignancy.
    nodule: db
      .prepare(
        `SELECT id, case_id, label, 0 AS reader_count, centroid_x, centroid_y, centroid_slice, largest_slice FROM nodule
         WHERE id IN (SELECT nodule_id FROM study_entry WHERE study_id = ?) ORDER BY id`,
      )
      .all(studyId) as Row[],
    study_entry: entries,
    reader: [{ ...reader, role: 'reader' }],
    reader_keymap: db.prepare('SELECT reader_id, keymap_json, updated_at FROM reader_keymap WHERE reader_id = ?').all(readerId) as Row[],
    assignment: [
      {
        ...assignment,
        seed: 0,
        labels_json: JSON.stringify(Object.fromEntries(Object.entries(labels).map(([c, l]) => [opaque.get(c)!, l]))),
        // Of the trials as packaged (the real ones name the conditions).
        trials_sha256: sha256Of(canonicalJson(trials)),
      },
    ],
    trial: trials,
  };
}

/** Inserts a package's rows, table by table, setting only the packaged columns (call inside a transaction). */
export function insertPackagedRows(db: Database, tables: Record<PackagedTable, Row[]>, file: string): void {
  for (const [table, columns] of Object.entries(PACKAGED_COLUMNS) as [PackagedTable, readonly string[]][]) {
    const rows = tables[table];
    if (!Array.isArray(rows))
      throw new VerdictError('package.invalid', `${file} is refused: study.json has no ${table} rows.`, { file, part: 'study.json' });
    const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    for (const r of rows) {
      const values = Object.fromEntries(columns.map((c) => [c, r?.[c] ?? null]));
      try {
        insert.run(values);
      } catch (e) {
        throw new VerdictError(
          'package.invalid',
          `${file} is refused: a ${table} row of study.json does not fit (${(e as Error).message}).`,
          {
            file,
            part: 'study.json',
          },
        );
      }
    }
  }
}
