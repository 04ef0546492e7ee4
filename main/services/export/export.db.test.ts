// Exports of a whole study read by three readers (real database, real packs, answers through the
// API): the long CSV read back by a CSV parser gives exactly the answers in the database — text
// with commas, quotes, newlines, non-ASCII and formula-like cells included — and the MRMC,
// agreement and JSON files hold what the database holds.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '../../../app/study';
import type { TestVerdict } from '../../../tests/support/study-fixture';
import { readWholeStudy, TRICKY } from './read-study-fixture';
import { LONG_COLUMNS } from './long-csv';
import { restoreCell } from './csv-cells';
import { readAsIMrmc, readCsvAsR, readImrmcAsRJafroc, readMrmcCsvAsRJafroc } from '../../../tests/support/mrmc-tool-readers';

let v: TestVerdict;
let studyId: number;

beforeAll(async () => {
  ({ v, studyId } = await readWholeStudy());
}, 240_000);
afterAll(() => v.close());

type DbAnswer = { id: number; reader_id: number; position: number; question_id: string; value_json: string; version: number };
const latestAnswers = (): DbAnswer[] =>
  v.study.db
    .prepare(
      `SELECT a.id, a.reader_id, t.position, a.question_id, a.value_json, a.version FROM answer a JOIN trial t ON t.id = a.trial_id JOIN assignment s ON s.id = t.assignment_id
    WHERE s.study_id = ? AND NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = a.id)`,
    )
    .all(studyId) as DbAnswer[];

/** Cases of the study with a diagnosis (an ISIC Task 2 image has none: it cannot enter an ROC analysis). */
const withTruth = (): number =>
  (
    v.study.db
      .prepare('SELECT COUNT(*) AS n FROM study_entry e JOIN dermo_truth d ON d.case_id = e.case_id WHERE e.study_id = ?')
      .get(studyId) as { n: number }
  ).n;
const truthOfPosition = (a: DbAnswer): string | null =>
  (
    v.study.db
      .prepare(
        `SELECT d.diagnosis FROM trial t JOIN assignment s ON s.id = t.assignment_id LEFT JOIN dermo_truth d ON d.case_id = t.case_id
    WHERE s.study_id = ? AND s.reader_id = ? AND t.position = ?`,
      )
      .get(studyId, a.reader_id, a.position) as { diagnosis: string | null }
  ).diagnosis;

const parseCsv = (text: string): Record<string, string>[] =>
  parse(text, { columns: true, skip_empty_lines: true, relax_column_count: false }) as Record<string, string>[];

describe('long CSV', () => {
  it('re-read by a CSV parser gives back exactly the answers in the database', () => {
    const file = v.exports.build(studyId, 'csv');
    const rows = parseCsv(file.content);
    expect(Object.keys(rows[0])).toEqual([...LONG_COLUMNS]);
    const db = latestAnswers();
    expect(rows).toHaveLength(db.length);
    const byKey = new Map(rows.map((r) => [`${r.reader_id}|${r.trial_position}|${r.question_id}`, r]));
    for (const a of db) {
      const row = byKey.get(`${a.reader_id}|${a.position}|${a.question_id}`);
      expect(row, `answer ${a.id}`).toBeDefined();
      const value = JSON.parse(a.value_json) as AnswerValue;
      const raw = restoreCell(row!.answer_raw);
      if (typeof value === 'string') expect(raw).toBe(value);
      else expect(JSON.parse(raw)).toEqual(value);
      expect(Number(row!.answer_version)).toBe(a.version);
    }
    const texts = rows.filter((r) => r.question_id === 'comment').map((r) => restoreCell(r.answer_raw));
    for (const t of TRICKY.slice(0, 8)) expect(texts).toContain(t);
    expect(texts).toContain('edited, "final" answer');
  });

  it("says what the reader had seen of the case with each answer, and an edited answer's first version beside its latest", () => {
    const rows = parseCsv(v.exports.build(studyId, 'csv').content);
    const edited = rows.find((r) => r.answer_raw === 'edited, "final" answer')!;
    expect(edited.answer_version).toBe('2');
    expect(edited.phase).toBe('unaided');
    const first = v.study.db
      .prepare('SELECT value_json FROM answer WHERE version = 1 AND id = (SELECT supersedes FROM answer WHERE value_json = ?)')
      .get(JSON.stringify('edited, "final" answer')) as { value_json: string };
    expect(restoreCell(edited.first_answer_raw)).toBe(JSON.parse(first.value_json));
    // Given unaided, first; the edit came after the whole study, AI and explanations seen.
    expect([edited.first_ai_seen, edited.first_explanation_seen, edited.ai_seen, edited.explanation_seen]).toEqual(['0', '0', '1', '1']);
    const unedited = rows.filter((r) => r.answer_version === '1');
    for (const r of unedited) expect(r.first_answer_raw).toBe('');
    // Read in order, each case's phases one after the other: what had been seen follows the phase.
    const seen = (phase: string) =>
      new Set(
        unedited
          .filter((r) => r.phase === phase && r.is_sanity_check === '0' && r.is_repeat === '0')
          .map((r) => `${r.ai_seen}${r.explanation_seen}`),
      );
    expect(seen('unaided')).toEqual(new Set(['00']));
    expect(seen('ai')).toEqual(new Set(['10']));
    expect(seen('ai-explanation')).toEqual(new Set(['11']));
    const diagnosis = rows.find((r) => r.question_id === 'diagnosis' && r.truth_diagnosis !== '')!;
    expect([diagnosis.scored_against, diagnosis.scored_truth]).toEqual(['diagnosis', diagnosis.truth_diagnosis]);
    const malignancy = rows.find((r) => r.question_id === 'malignancy' && r.truth_binary !== '')!;
    expect([malignancy.scored_against, malignancy.scored_truth]).toEqual(['malignancy', malignancy.truth_binary]);
  });

  it('neutralises formula-like text cells and only those', () => {
    const file = v.exports.build(studyId, 'csv');
    const rows = parseCsv(file.content);
    const comments = rows.filter((r) => r.question_id === 'comment').map((r) => r.answer_raw);
    for (const cell of comments) {
      expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(comments).toContain("'=SUM(A1:A9)");
    expect(comments).toContain("'-2+3");
    expect(comments).toContain("''already quoted");
    expect(comments).toContain('plain words');
    expect(rows[0].study_name).toBe('Export, "quoted", study');
  });

  it('carries the trial, case, truth, model and display context of each answer', () => {
    const rows = parseCsv(v.exports.build(studyId, 'csv').content);
    const stimulus = rows.find((r) => r.trial_kind === 'stimulus' && r.question_id === 'localisation' && r.is_sanity_check === '0')!;
    expect(stimulus).toMatchObject({
      phase: 'ai-explanation',
      model_id: 'test-vit-isic',
      execution_provider: 'cpu',
      target: 'MEL',
      scale_min: '1',
      scale_max: '5',
      display_opacity: '0.6',
      display_colormap: 'orange-blue',
    });
    expect(stimulus.model_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stimulus.map_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(['cdam', 'smooth-cdam', 'attention']).toContain(stimulus.method);
    expect(stimulus.method_blinded).not.toBe(stimulus.method);
    expect(['mel', 'nv', 'bcc', 'akiec', 'bkl', 'df', 'vasc']).toContain(stimulus.truth_diagnosis);
    const sanity = rows.filter((r) => r.is_sanity_check === '1');
    expect(sanity.length).toBeGreaterThan(0);
    expect(sanity.every((r) => r.model_id === 'isic-vit-randomized')).toBe(true);
    expect(rows.filter((r) => r.is_repeat === '1').every((r) => Number(r.repeat_of_position) < Number(r.trial_position))).toBe(true);
    const diagnosis = rows.filter((r) => r.question_id === 'diagnosis');
    for (const r of diagnosis)
      expect(r.answer_correct).toBe(r.truth_diagnosis === '' ? '' : r.answer_raw === r.truth_diagnosis ? '1' : '0');
    expect(diagnosis.filter((r) => r.answer_correct !== '').length).toBe(3 * 3 * withTruth());
    const preference = rows.filter((r) => r.question_id === 'preference');
    expect(preference.length).toBe(3 * 6);
    for (const r of preference) expect(r.preferred_condition).toBe(r.answer_raw === 'A' ? r.condition_id : r.b_condition_id);
    const ai = rows.find((r) => r.phase === 'ai' && r.question_id === 'malignancy')!;
    expect(ai.prediction).toMatch(/^(MEL|NV|BCC|AKIEC|BKL|DF|VASC)$/);
    expect(Number(ai.prediction_probability)).toBeGreaterThan(0);
  });
});

describe('faithfulness in the exports', () => {
  it('carries the stored metrics of each shown map, in the CSV and the JSON dump', async () => {
    const shown = v.study.db
      .prepare(
        `SELECT e.model_id, e.case_id, e.method, e.target, e.params_json FROM stimulus st JOIN explanation e ON e.id = st.explanation_id
      JOIN trial t ON t.id = st.trial_id WHERE st.method = 'cdam' AND t.sanity = 0 LIMIT 1`,
      )
      .get() as { model_id: number; case_id: number; method: string; target: string; params_json: string };
    const [m] = await v.metrics.compute({
      modelId: shown.model_id,
      caseId: shown.case_id,
      method: shown.method,
      target: shown.target,
      params: JSON.parse(shown.params_json),
      metrics: ['compactness'],
    });
    const label = (v.study.db.prepare('SELECT label FROM study_case WHERE id = ?').get(shown.case_id) as { label: string }).label;
    const rows = parseCsv(v.exports.build(studyId, 'csv').content).filter(
      (r) => r.case_id === label && r.method === 'cdam' && r.is_sanity_check === '0',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Number(r.faithfulness_compactness)).toBeCloseTo(m.value!, 12);
    expect(
      parseCsv(v.exports.build(studyId, 'csv').content)
        .filter((r) => r.method === 'attention')
        .every((r) => r.faithfulness_compactness === ''),
    ).toBe(true);
    const doc = JSON.parse(v.exports.build(studyId, 'json').content) as { faithfulness: { metric: string; value: number }[] };
    expect(doc.faithfulness).toEqual([expect.objectContaining({ metric: 'compactness', value: m.value })]);
  });
});

describe('MRMC and agreement files', () => {
  it('iMRMC: counts, truth rows with reader -1, one score per reader × case × phase; iMRMC and RJafroc read it', () => {
    const text = v.exports.build(studyId, 'imrmc').content;
    const lines = text.split('\r\n').filter(Boolean);
    const data = lines.slice(lines.indexOf('BEGIN DATA:') + 1).map((l) => l.split(','));
    const truth = data.filter((d) => d[0] === '-1');
    expect(withTruth()).toBeGreaterThanOrEqual(4);
    expect(truth).toHaveLength(withTruth());
    expect(truth.every((d) => d[2] === 'truth' && (d[3] === '0' || d[3] === '1') && /^\d+$/.test(d[1]))).toBe(true);
    const scores = data.filter((d) => d[0] !== '-1');
    expect(scores).toHaveLength(3 * withTruth() * 3);
    expect(new Set(scores.map((d) => d[0]))).toEqual(new Set(['1', '2', '3']));
    const db = latestAnswers().filter((a) => a.question_id === 'malignancy' && truthOfPosition(a) !== null);
    expect(scores.map((d) => Number(d[3])).sort()).toEqual(db.map((a) => JSON.parse(a.value_json) as number).sort());
    expect(new Set(scores.map((d) => d[2]))).toEqual(new Set(['unaided', 'ai', 'ai-explanation']));
    const n1 = truth.filter((d) => d[3] === '1').length;
    const imrmc = readAsIMrmc(text);
    expect(imrmc).toMatchObject({ header: { N0: withTruth() - n1, N1: n1, NR: 3, NM: 3 }, warnings: [] });
    expect(readImrmcAsRJafroc('study.imrmc', text)).toMatchObject({ I: 3, J: 3, K1: withTruth() - n1, K2: n1 });
    // The RJafroc file is the same here: every reader scored every case in every phase.
    const rjafroc = v.exports.build(studyId, 'rjafroc');
    expect(rjafroc.fileName).toMatch(/\.imrmc$/);
    expect(readImrmcAsRJafroc(rjafroc.fileName, rjafroc.content)).toMatchObject({ I: 3, J: 3, K1: withTruth() - n1, K2: n1 });
  });

  it('the key file maps the integer reader and case ids back to names, labels and truth', () => {
    const key = parseCsv(v.exports.build(studyId, 'mrmc-key', 'malignancy').content);
    expect(key.filter((k) => k.kind === 'reader').map((k) => [k.id, k.label])).toEqual([
      ['1', 'Dr Ames'],
      ['2', 'Dr Berg'],
      ['3', 'Dr Chen'],
    ]);
    const cases = new Map(key.filter((k) => k.kind === 'case').map((k) => [k.id, k]));
    const text = v.exports.build(studyId, 'imrmc').content;
    const lines = text.split('\r\n').filter(Boolean);
    for (const [, id, , t] of lines
      .slice(lines.indexOf('BEGIN DATA:') + 1)
      .map((l) => l.split(','))
      .filter((d) => d[0] === '-1'))
      expect(cases.get(id)!.truth).toBe(t);
    const label = [...cases.values()].find((c) => c.truth === '1')!.label;
    expect(['mel', 'bcc', 'akiec']).toContain(
      (
        v.study.db.prepare('SELECT d.diagnosis FROM study_case c JOIN dermo_truth d ON d.case_id = c.id WHERE c.label = ?').get(label) as {
          diagnosis: string;
        }
      ).diagnosis,
    );
  });

  it('MRMCaov long: reader, treatment, case, truth, rating with integer ids; R reads numbers and RJafroc reads it as "MRMC"', () => {
    const text = v.exports.build(studyId, 'mrmcaov').content;
    const rows = parseCsv(text);
    expect(Object.keys(rows[0])).toEqual(['reader', 'treatment', 'case', 'truth', 'rating']);
    expect(rows).toHaveLength(3 * withTruth() * 3);
    expect(rows.every((r) => r.truth === '0' || r.truth === '1')).toBe(true);
    expect(readCsvAsR(text).types).toEqual(['integer', 'character', 'integer', 'integer', 'integer']);
    expect(readMrmcCsvAsRJafroc(text)).toMatchObject({ I: 3, J: 3, K1: expect.any(Number) });
  });

  it('kappa: a wide matrix per question with a numeric column per reader (R1…R3) that R reads unchanged', () => {
    const text = v.exports.build(studyId, 'kappa', 'localisation').content;
    const rows = parseCsv(text);
    expect(Object.keys(rows[0])).toEqual(['question_id', 'phase', 'condition_id', 'case_id', 'R1', 'R2', 'R3']);
    expect(rows).toHaveLength(6 * 3);
    const db = latestAnswers().filter((a) => a.question_id === 'localisation');
    const fromFile = rows
      .flatMap((r) => [r.R1, r.R2, r.R3])
      .map(Number)
      .sort();
    // Repeat and sanity-check reads are not items of inter-reader agreement.
    expect(fromFile.length).toBeLessThan(db.length);
    expect(fromFile.every((x) => x >= 1 && x <= 5)).toBe(true);
    // Every question at once: categorical answers as codes, so each reader column still reads as numbers.
    const all = readCsvAsR(v.exports.build(studyId, 'kappa').content);
    expect(all.names).toEqual(['question_id', 'phase', 'condition_id', 'case_id', 'R1', 'R2', 'R3']);
    expect(all.types.slice(4)).toEqual(['integer', 'integer', 'integer']);
    const questions = new Set(all.columns[0]);
    expect(questions).toContain('diagnosis');
    const key = parseCsv(v.exports.build(studyId, 'mrmc-key').content).filter((k) => k.kind === 'code' && k.question_id === 'diagnosis');
    expect(key.length).toBeGreaterThan(1);
    const diagnosisCodes = all.columns[4].filter((_, i) => all.columns[0][i] === 'diagnosis' && all.columns[4][i] !== '');
    expect(diagnosisCodes.every((c) => key.some((k) => k.id === c))).toBe(true);
  });

  it('ICC: long targets, raters, ratings for the numeric questions', () => {
    const rows = parseCsv(v.exports.build(studyId, 'icc').content);
    expect(Object.keys(rows[0])).toEqual(['question_id', 'phase', 'condition_id', 'target', 'rater', 'rating']);
    expect(new Set(rows.map((r) => r.question_id))).toEqual(new Set(['malignancy', 'localisation', 'change']));
    expect(rows.filter((r) => r.question_id === 'localisation')).toHaveLength(6 * 3 * 3);
  });

  it('refuses an MRMC export for a question without truth, naming it', () => {
    expect(() => v.exports.build(studyId, 'imrmc', 'localisation')).toThrow(
      /--question localisation: an MRMC analysis needs a case-level question scored against the truth/,
    );
  });
});

describe('JSON dump and files', () => {
  it('holds every answer version, the trials, and no patient identifiers', () => {
    const doc = JSON.parse(v.exports.build(studyId, 'json').content) as {
      answers: { superseded_by: number | null }[];
      assignments: { trials: unknown[] }[];
      cases: Record<string, unknown>[];
      format: string;
    };
    const total = (
      v.study.db
        .prepare(
          'SELECT COUNT(*) AS n FROM answer a JOIN trial t ON t.id = a.trial_id JOIN assignment s ON s.id = t.assignment_id WHERE s.study_id = ?',
        )
        .get(studyId) as { n: number }
    ).n;
    expect(doc.format).toBe('verdict-study-export/1');
    expect(doc.answers).toHaveLength(total);
    expect(doc.answers.filter((a) => a.superseded_by !== null)).toHaveLength(1);
    expect(doc.assignments).toHaveLength(3);
    const text = JSON.stringify(doc);
    const refs = v.study.db.prepare('SELECT source_ref FROM study_case WHERE source_ref IS NOT NULL').all() as { source_ref: string }[];
    for (const r of refs) expect(text).not.toContain(r.source_ref);
  });

  it('writes a file whole, and says which path it could not write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-export-'));
    const out = join(dir, 'answers.csv');
    const r = v.exports.write(studyId, 'csv', out);
    expect(readFileSync(out, 'utf8')).toBe(v.exports.build(studyId, 'csv').content);
    expect(r.bytes).toBeGreaterThan(1000);
    expect(() => v.exports.write(studyId, 'csv', join(dir, 'missing-folder', 'x.csv'))).toThrow(
      /Could not write the csv export to .*missing-folder/,
    );
  });
});
