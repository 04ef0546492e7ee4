// The long (tidy) CSV: one row per reader × case × stimulus × question — each answer's latest
// version — with everything needed to analyse it without the database. Column order is fixed;
// the README lists the columns. Unblinded: for the coordinator and the statistician only.
import type { AnswerRecord, ShownStimulus } from './answer-records';
import type { StudyContext } from '../study/study-rows';
import { answerLabel, chosenCondition, isCorrect, numericAnswer, predictionOf, scaleOf, scoredTruth } from './answer-values';
import { truthKey } from '../../../app/truth';
import { csvDocument, csvRow, type Cell } from './csv-cells';
import { METRIC_IDS } from '../../../app/faithfulness';

export const LONG_COLUMNS = [
  'study_id',
  'study_name',
  'protocol_id',
  'protocol_version',
  'protocol_sha256',
  'app_version',
  'reader_id',
  'reader_name',
  'reader_specialty',
  'reader_years_experience',
  'reader_site',
  'reader_seed',
  'phase',
  'trial_kind',
  'condition_id',
  'case_order',
  'trial_position',
  'is_repeat',
  'repeat_of_position',
  'is_sanity_check',
  'case_id',
  'case_source',
  'case_index',
  'nodule_id',
  'truth_median_malignancy',
  'truth_diagnosis',
  'truth_binary',
  'model_id',
  'model_version',
  'model_sha256',
  'execution_provider',
  'prediction',
  'prediction_probability',
  'target_score',
  'method_blinded',
  'method',
  'target',
  'method_params',
  'map_sha256',
  ...METRIC_IDS.map((id) => `faithfulness_${id.replaceAll('-', '_')}` as const),
  'b_method_blinded',
  'b_condition_id',
  'b_model_id',
  'b_model_sha256',
  'b_method',
  'b_target',
  'b_map_sha256',
  'question_id',
  'question_version',
  'question_type',
  'question_level',
  'answer_version',
  'answer_raw',
  'answer_label',
  'answer_numeric',
  'scale_min',
  'scale_max',
  'answer_correct',
  'preferred_condition',
  'scored_against',
  'scored_truth',
  'ai_seen',
  'explanation_seen',
  'first_answer_raw',
  'first_answer_label',
  'first_ai_seen',
  'first_explanation_seen',
  'roi_shape',
  'roi_slice',
  'roi_heatmap_pointing_hit',
  'roi_heatmap_iou',
  'roi_truth_pointing_hit',
  'roi_truth_iou',
  'roi_truth_against',
  'display_window_center',
  'display_window_width',
  'display_slice',
  'display_zoom',
  'display_opacity',
  'display_colormap',
  'display_threshold',
  'display_overlay_visible_ms',
  'display_shown',
  'time_to_first_input_ms',
  'time_on_trial_ms',
  'trial_first_opened_at',
  'first_answered_at',
  'answered_at',
] as const;

/** `records` may be an iterator: each is formatted as it comes and can be dropped at once. */
export function longCsv(ctx: StudyContext, records: Iterable<AnswerRecord>, appVersion: string): string {
  const study = csvRow([
    ctx.study.id,
    ctx.study.name,
    ctx.protocolRow.protocol_id,
    ctx.protocolRow.version,
    ctx.protocolRow.sha256,
    appVersion,
  ]);
  const f = fragments();
  const lines: string[] = [];
  for (const r of records) lines.push([study, ...f(r), csvRow(answerCells(r))].join(','));
  return csvDocument(LONG_COLUMNS, lines);
}

// A row is mostly cells its answer shares with others — the reader's, the trial's, the case's,
// what was shown, the question's. Each such group is formatted once per object and reused:
// a 100,000-answer export formats a third of the cells it otherwise would (npm run bench).
function fragments(): (r: AnswerRecord) => string[] {
  const cache = new WeakMap<object, string>();
  const once = (key: object, cells: () => Cell[]): string => {
    let text = cache.get(key);
    if (text === undefined) cache.set(key, (text = csvRow(cells())));
    return text;
  };
  const none = csvRow(new Array<Cell>(SHOWN_CELLS).fill(null));
  return (r) => [
    once(r.reader, () => [r.reader.id, r.reader.name, r.reader.specialty, r.reader.yearsExperience, r.reader.site, r.reader.seed]),
    once(r.trial, () => [
      r.trial.phase,
      r.trial.kind,
      r.trial.conditionId,
      r.trial.caseOrder,
      r.trial.position,
      r.trial.repeatOfPosition !== null,
      r.trial.repeatOfPosition,
      r.trial.sanity,
    ]),
    once(r.case, () => [
      r.case.label,
      r.case.source,
      r.case.caseIndex,
      r.case.nodule,
      r.case.truth.medianMalignancy,
      r.case.truth.diagnosis,
      r.case.truth.binary,
    ]),
    r.shown
      ? once(r.shown, () => shownCells(r.shown!, r.shownB))
      : r.prediction
        ? once(r.prediction, () => predictionCells(r.prediction!))
        : none,
    once(r.question, () => [r.question.id, r.question.version, r.question.type, r.question.level]),
  ];
}

/** Model and call (7), explanation (5), its faithfulness metrics, a comparison's B (7). */
const SHOWN_CELLS = 19 + METRIC_IDS.length;

/** Model, call, explanation, its metrics and a comparison's B: SHOWN_CELLS cells. */
function shownCells(s: ShownStimulus, b: ShownStimulus | null): Cell[] {
  const p = predictionOf(s.outputs, s.target);
  return [
    s.model.packId,
    s.model.version,
    s.model.sha256,
    s.provider,
    p.predicted,
    p.probability,
    p.targetScore,
    s.label,
    s.method,
    s.target,
    Object.keys(s.params).length ? JSON.stringify(s.params) : null,
    s.mapSha256,
    ...METRIC_IDS.map((id) => s.metrics[id] ?? null),
    ...(b ? [b.label, b.conditionId, b.model.packId, b.model.sha256, b.method, b.target, b.mapSha256] : new Array<Cell>(7).fill(null)),
  ];
}

/** An AI-phase case trial: the model and its call, no explanation. */
function predictionCells(pr: NonNullable<AnswerRecord['prediction']>): Cell[] {
  const p = predictionOf(pr.outputs, null);
  return [
    pr.model.packId,
    pr.model.version,
    pr.model.sha256,
    pr.provider,
    p.predicted,
    p.probability,
    p.targetScore,
    ...new Array<Cell>(SHOWN_CELLS - 7).fill(null),
  ];
}

function answerCells(r: AnswerRecord): Cell[] {
  const q = r.question;
  const scale = scaleOf(q);
  const roi = q.type === 'roi' && r.value !== null && typeof r.value === 'object' && !Array.isArray(r.value) ? r.value : null;
  const d = r.displayState;
  return [
    r.version,
    rawAnswer(r.value),
    answerLabel(q, r.value),
    numericAnswer(q, r.value),
    scale?.min ?? null,
    scale?.max ?? null,
    isCorrect(r),
    chosenCondition(r),
    // What the answer is scored against, and whether the reader had seen the case's AI / explanation
    // when giving it — for the latest version and, for an edited answer, the first beside it.
    q.truth ? truthKey(q.truth) : null,
    q.truth === 'diagnosis' ? r.case.truth.diagnosis : scoredTruth(r),
    r.exposure.aiSeen,
    r.exposure.explanationSeen,
    r.first ? rawAnswer(r.first.value) : null,
    r.first ? answerLabel(q, r.first.value) : null,
    r.first?.exposure.aiSeen ?? null,
    r.first?.exposure.explanationSeen ?? null,
    roi?.shape ?? null,
    roi?.sliceIndex ?? null,
    r.scores?.heatmap?.pointingHit ?? null,
    r.scores?.heatmap?.iou ?? null,
    r.scores?.truth?.pointingHit ?? null,
    r.scores?.truth?.iou ?? null,
    r.scores?.truth?.against ?? null,
    d.window?.center ?? null,
    d.window?.width ?? null,
    d.sliceIndex ?? null,
    d.zoom ?? null,
    d.opacity ?? null,
    d.colormap ?? null,
    d.threshold ?? null,
    d.overlayVisibleMs ?? null,
    d.shown ?? null,
    r.timeToFirstInputMs,
    r.timeOnTrialMs,
    r.trial.firstOpenedAt,
    r.firstAnsweredAt,
    r.answeredAt,
  ];
}

/** Text as typed; everything else (numbers, choices, marks) as JSON. */
const rawAnswer = (v: AnswerRecord['value']): Cell => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
