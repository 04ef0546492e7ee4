// Every answer of a study (its latest version) with everything an analysis needs beside it: the
// reader, the trial as planned (phase, condition, order, seed, repeat and sanity flags), the case
// and its truth, what was shown (blinded label, model and its hash, execution provider, method,
// target, map hash, the model's outputs) and the question as the protocol asked it. One query;
// the exports and the results dashboard all start from these records.
import type { Database } from 'better-sqlite3';
import { binaryTruth, type IsicDiagnosis } from '../../../app/domain';
import type { PredictedOutput } from '../../../app/explain';
import type { MetricId } from '../../../app/faithfulness';
import type { PhaseId, Question } from '../../../app/protocol';
import type { AnswerValue, DisplayState, RoiScores } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import { studyContext, type StudyContext } from '../study/study-rows';
import { characteristicMedians } from '../cases/case-truth';
import type { CaseTruth } from '../../../app/truth';

export type ShownStimulus = {
  label: string;
  conditionId: string;
  model: ModelRef;
  provider: string;
  method: string;
  target: string;
  params: Record<string, unknown>;
  mapSha256: string;
  outputs: PredictedOutput[];
  /** Faithfulness metrics stored for the map (the latest of each), if any were computed. */
  metrics: Partial<Record<MetricId, number | null>>;
};

export type ModelRef = { packId: string; version: string; sha256: string };

export type AnswerRecord = {
  answerId: number;
  version: number;
  answeredAt: string;
  firstAnsweredAt: string;
  timeToFirstInputMs: number | null;
  timeOnTrialMs: number;
  displayState: DisplayState;
  reader: {
    id: number;
    name: string;
    specialty: string | null;
    yearsExperience: number | null;
    /** Where they read (a study package's site); null: at this workstation. */
    site: string | null;
    index: number;
    seed: number;
  };
  trial: {
    id: number;
    position: number;
    caseOrder: number;
    phase: PhaseId;
    kind: 'case' | 'stimulus' | 'comparison';
    conditionId: string | null;
    conditionBId: string | null;
    sanity: boolean;
    repeatOfPosition: number | null;
    firstOpenedAt: string | null;
  };
  case: {
    label: string;
    source: string;
    caseIndex: number;
    nodule: string | null;
    /** The case's truth (app/truth.ts), and `binary` its malignancy truth (LIDC median ≥4 vs ≤2, ISIC malignant diagnoses). */
    truth: CaseTruth & { binary: 0 | 1 | null };
  };
  /** The stimulus shown (a comparison's A) and a comparison's B. */
  shown: ShownStimulus | null;
  shownB: ShownStimulus | null;
  /** The model outputs an AI-phase case trial showed. */
  prediction: { model: ModelRef; provider: string; outputs: PredictedOutput[] } | null;
  question: Question;
  value: AnswerValue;
  scores: RoiScores | null;
  /** Whether the reader had opened this case's AI output / explanation when giving this version (null: not recorded, before migration 0004). */
  exposure: Exposure;
  /** The first version of an edited answer (null when this is the first). */
  first: { value: AnswerValue; exposure: Exposure } | null;
};

export type Exposure = { aiSeen: boolean | null; explanationSeen: boolean | null };

export type StudyRecords = { ctx: StudyContext; records: AnswerRecord[] };

// Separate queries joined here by id: one wide join repeats every trial's, stimulus's and
// prediction's text on each of its answers, which made a 100,000-answer export four times slower.
type AnswerRow = [
  id: number,
  trialId: number,
  questionId: string,
  version: number,
  valueJson: string,
  scoresJson: string | null,
  displayJson: string,
  t2fi: number | null,
  tot: number,
  createdAt: string,
  aiSeen: 0 | 1 | null,
  explanationSeen: 0 | 1 | null,
];
type TrialRow = [
  id: number,
  assignmentId: number,
  position: number,
  caseIndex: number,
  phase: PhaseId,
  kind: 'case' | 'stimulus' | 'comparison',
  conditionId: string | null,
  conditionBId: string | null,
  sanity: number,
  repeatOfPosition: number | null,
  firstOpenedAt: string | null,
];
type StimulusRow = [
  trialId: number,
  slot: number,
  label: string,
  conditionId: string,
  explanationId: number,
  modelId: number,
  modelSha: string,
  provider: string,
  method: string,
  target: string,
  mapSha: string,
];
type PredictionRow = [trialId: number, modelId: number, modelSha: string, provider: string, outputsJson: string];

const OF_STUDY = 'JOIN assignment s ON s.id = t.assignment_id WHERE s.study_id = ?';

/** Every record at once (the results dashboard and the small exports). */
export function studyRecords(db: Database, studyId: number): StudyRecords {
  const { ctx, records } = answerRecords(db, studyId);
  return { ctx, records: [...records] };
}

/**
 * The study's context, and its records made one at a time as the answers are read: a writer that
 * formats each as it comes (the long CSV) keeps no 100,000 records alive, which the garbage
 * collector otherwise pays for. Iterate inside the caller's read transaction.
 */
export function answerRecords(db: Database, studyId: number): { ctx: StudyContext; records: IterableIterator<AnswerRecord> } {
  const ctx = studyContext(db, studyId);
  const questions = new Map(ctx.protocol.questions.map((q) => [q.id, q]));
  const models = modelLookup(db);
  const explanations = explanationLookup(db);
  const raw = <T>(sql: string): T[] => db.prepare(sql).raw(true).all(studyId) as T[];

  const readers = new Map(
    (
      db
        .prepare(
          `SELECT s.id, r.id, r.name, r.specialty, r.years_experience, r.site, s.reader_index, s.seed FROM assignment s JOIN reader r ON r.id = s.reader_id WHERE s.study_id = ?`,
        )
        .raw(true)
        .all(studyId) as [number, number, string, string | null, number | null, string | null, number, number][]
    ).map(([a, id, name, specialty, years, site, index, seed]) => [a, { id, name, specialty, yearsExperience: years, site, index, seed }]),
  );
  const characteristics = characteristicMedians(db);
  const cases = new Map(
    (
      db
        .prepare(
          `SELECT e.case_index, c.label, c.source, n.label, n.median_malignancy, d.diagnosis, e.nodule_id FROM study_entry e JOIN study_case c ON c.id = e.case_id
      LEFT JOIN nodule n ON n.id = e.nodule_id LEFT JOIN dermo_truth d ON d.case_id = e.case_id WHERE e.study_id = ?`,
        )
        .raw(true)
        .all(studyId) as [number, string, string, string | null, number | null, IsicDiagnosis | null, number | null][]
    ).map(([index, label, source, nodule, medianMalignancy, diagnosis, noduleId]): [number, AnswerRecord['case']] => [
      index,
      {
        label,
        source,
        caseIndex: index,
        nodule,
        truth: {
          medianMalignancy,
          diagnosis,
          characteristics: characteristics(noduleId),
          binary: binaryTruth({ medianMalignancy, diagnosis }),
        },
      },
    ]),
  );
  const trialRows =
    raw<TrialRow>(`SELECT t.id, t.assignment_id, t.position, t.case_index, t.phase, t.kind, t.condition_id, t.condition_b_id, t.sanity,
      (SELECT o.position FROM trial o WHERE o.id = t.repeat_of), v.first_opened_at FROM trial t LEFT JOIN trial_visit v ON v.trial_id = t.id ${OF_STUDY}
      ORDER BY t.assignment_id, t.position`);
  const trials = new Map(trialRows.map((t) => [t[0], t]));
  const caseOrder = caseOrders(trialRows);
  const shown = new Map<number, ShownStimulus>(); // key: trial id × 2 + slot
  for (const st of raw<StimulusRow>(`SELECT st.trial_id, st.slot, st.label, st.condition_id, st.explanation_id, st.model_id, st.model_sha256, st.provider, st.method, st.target, st.map_sha256
      FROM stimulus st JOIN trial t ON t.id = st.trial_id ${OF_STUDY}`)) {
    const e = explanations(st[4]);
    shown.set(st[0] * 2 + st[1], {
      label: st[2],
      conditionId: st[3],
      model: { ...models(st[5]), sha256: st[6] },
      provider: st[7],
      method: st[8],
      target: st[9],
      params: e.params,
      mapSha256: st[10],
      outputs: e.outputs,
      metrics: e.metrics,
    });
  }
  const outputsOf = cachedParse<PredictedOutput[]>();
  // Only case trials: a stimulus trial's outputs are its explanation's (shown.outputs).
  const predictions = new Map(
    raw<PredictionRow>(
      `SELECT p.trial_id, p.model_id, p.model_sha256, p.provider, p.outputs_json FROM trial_prediction p JOIN trial t ON t.id = p.trial_id ${OF_STUDY} AND t.kind = 'case'`,
    ).map(([trialId, modelId, sha256, provider, outputs]) => [
      trialId,
      { model: { ...models(modelId), sha256 }, provider, outputs: outputsOf(outputs) },
    ]),
  );
  // The first version (time, value, what had been seen), for the few answers that were edited.
  const firstAnswered = new Map(
    (
      db
        .prepare(
          `SELECT f.trial_id || '|' || f.question_id, f.created_at, f.value_json, f.ai_seen, f.explanation_seen FROM answer f JOIN trial t ON t.id = f.trial_id ${OF_STUDY}
      AND f.version = 1 AND f.id IN (SELECT x.supersedes FROM answer x WHERE x.supersedes IS NOT NULL)`,
        )
        .raw(true)
        .all(studyId) as [string, string, string, 0 | 1 | null, 0 | 1 | null][]
    ).map(([key, at, valueJson, ai, ex]) => [key, { at, value: JSON.parse(valueJson) as AnswerValue, exposure: exposureOf(ai, ex) }]),
  );
  const displayOf = cachedParse<DisplayState>();

  // Edits are few: the versions they replaced, skipped below (cheaper than asking SQLite, for
  // every answer, whether a later version supersedes it).
  const superseded = new Set(db.prepare('SELECT supersedes FROM answer WHERE supersedes IS NOT NULL').pluck().all() as number[]);
  const trialOf = new Map<number, AnswerRecord['trial']>();
  function* records(): IterableIterator<AnswerRecord> {
    // Iterated, not collected: 100,000 row arrays alive at once cost more in garbage collection
    // than the query itself. The statement starts when the first record is asked for, so an
    // iterator never read holds no statement open.
    const answers = db
      .prepare(
        `SELECT a.id, a.trial_id, a.question_id, a.version, a.value_json, a.scores_json, a.display_state_json, a.time_to_first_input_ms, a.time_on_trial_ms, a.created_at, a.ai_seen, a.explanation_seen
      FROM answer a JOIN trial t ON t.id = a.trial_id ${OF_STUDY}
      ORDER BY s.reader_index, t.position, a.question_id`,
      )
      .raw(true)
      .iterate(studyId) as IterableIterator<AnswerRow>;
    for (const [
      id,
      trialId,
      questionId,
      version,
      valueJson,
      scoresJson,
      displayJson,
      t2fi,
      tot,
      createdAt,
      aiSeen,
      explanationSeen,
    ] of answers) {
      if (superseded.has(id)) continue;
      const question = questions.get(questionId);
      if (!question) throw new VerdictError('internal', `answer ${id}: question "${questionId}" is not in the study's protocol`);
      const t = trials.get(trialId)!;
      let trial = trialOf.get(trialId);
      if (!trial) {
        trial = {
          id: trialId,
          position: t[2],
          caseOrder: caseOrder.get(t[1])!.get(t[3])!,
          phase: t[4],
          kind: t[5],
          conditionId: t[6],
          conditionBId: t[7],
          sanity: t[8] === 1,
          repeatOfPosition: t[9],
          firstOpenedAt: t[10],
        };
        trialOf.set(trialId, trial);
      }
      const first = version === 1 ? undefined : firstAnswered.get(`${trialId}|${questionId}`);
      yield {
        answerId: id,
        version,
        answeredAt: createdAt,
        firstAnsweredAt: first?.at ?? createdAt,
        exposure: exposureOf(aiSeen, explanationSeen),
        first: first ? { value: first.value, exposure: first.exposure } : null,
        timeToFirstInputMs: t2fi,
        timeOnTrialMs: tot,
        displayState: displayOf(displayJson),
        reader: readers.get(t[1])!,
        trial,
        case: cases.get(t[3])!,
        shown: shown.get(trialId * 2) ?? null,
        shownB: shown.get(trialId * 2 + 1) ?? null,
        prediction: predictions.get(trialId) ?? null,
        question,
        value: JSON.parse(valueJson) as AnswerValue,
        scores: scoresJson ? (JSON.parse(scoresJson) as RoiScores) : null,
      };
    }
  }
  return { ctx, records: records() };
}

/** Parses JSON once per distinct text: display states and model outputs repeat across answers. The result is shared: treat it as read-only. */
function cachedParse<T>(): (json: string) => T {
  const cache = new Map<string, T>();
  return (json) => {
    let v = cache.get(json);
    if (v === undefined) cache.set(json, (v = JSON.parse(json) as T));
    return v;
  };
}

function modelLookup(db: Database): (id: number) => Omit<ModelRef, 'sha256'> {
  const rows = db.prepare('SELECT id, pack_id, version FROM model').all() as { id: number; pack_id: string; version: string }[];
  const byId = new Map(rows.map((m) => [m.id, { packId: m.pack_id, version: m.version }]));
  return (id) => byId.get(id)!;
}

type ExplanationInfo = { params: Record<string, unknown>; outputs: PredictedOutput[]; metrics: Partial<Record<MetricId, number | null>> };

/** Explanations are few beside answers (one per case × condition): each is parsed once. */
function explanationLookup(db: Database): (id: number) => ExplanationInfo {
  const get = db.prepare('SELECT params_json, outputs_json FROM explanation WHERE id = ?');
  const metrics = db.prepare('SELECT metric, value FROM explanation_metric WHERE explanation_id = ? ORDER BY id');
  const cache = new Map<number, ExplanationInfo>();
  return (id) => {
    let e = cache.get(id);
    if (!e) {
      const row = get.get(id) as { params_json: string; outputs_json: string };
      const stored = metrics.all(id) as { metric: MetricId; value: number | null }[];
      e = {
        params: JSON.parse(row.params_json) as Record<string, unknown>,
        outputs: JSON.parse(row.outputs_json) as PredictedOutput[],
        metrics: Object.fromEntries(stored.map((m) => [m.metric, m.value])),
      };
      cache.set(id, e);
    }
    return e;
  };
}

/** Per assignment: case index → the place (1-based) of the case among the cases in the order this reader first met them (trials in position order). */
function caseOrders(trials: readonly TrialRow[]): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>();
  for (const [, assignmentId, , caseIndex] of trials) {
    let m = out.get(assignmentId);
    if (!m) out.set(assignmentId, (m = new Map()));
    if (!m.has(caseIndex)) m.set(caseIndex, m.size + 1);
  }
  return out;
}

const flag = (x: 0 | 1 | null): boolean | null => (x === null ? null : x === 1);
const exposureOf = (ai: 0 | 1 | null, ex: 0 | 1 | null): Exposure => ({ aiSeen: flag(ai), explanationSeen: flag(ex) });
