// A whole ISIC study read by three readers through the API (real database, real packs): three
// phases, a truth-scored diagnosis and malignancy rating, free text with every awkward character,
// stimulus ratings, evidence boxes, a comparison, repeats and a sanity-check trial, one edit.
// The export and results tests start from it.
import type { CallContext } from '../../../app/api/endpoint';
import type { Question } from '../../../app/protocol';
import type { AnswerValue } from '../../../app/study';
import { call, demoVerdict, DIAGNOSIS_QUESTION, isicProtocol, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';

export const TRICKY = [
  'plain words',
  'with, a comma',
  'with "double quotes"',
  'two\nlines\r\nand CRLF',
  'naïve ünïcødé 皮肤 – 🩺',
  '=SUM(A1:A9)',
  '+cmd|calc',
  '-2+3',
  '@import',
  '\tleading tab',
  "'already quoted",
];
export const READERS = ['Dr Ames', 'Dr Berg', 'Dr Chen'];

/** A deterministic answer for any question: varied by reader and trial so agreement is not trivial. */
export function valueFor(q: Question, reader: number, position: number): AnswerValue {
  const k = reader * 7 + position * 3;
  switch (q.type) {
    case 'likert':
      return q.min + ((reader === 0 ? position : k) % (q.max - q.min + 1));
    case 'single-choice':
      return q.options[k % q.options.length].value;
    case 'yes-no':
      return k % 2 === 0;
    case 'free-text':
      return TRICKY[(reader + position) % TRICKY.length];
    case 'roi':
      return { shape: 'box', x0: 10, y0: 20, x1: 60 + reader, y1: 90 };
    case 'forced-choice':
      return k % 3 === 0 ? 'B' : 'A';
    default:
      throw new Error(`no value for ${q.type}`);
  }
}

export type ReadStudy = { v: TestVerdict; admin: CallContext; studyId: number };

export async function readWholeStudy(): Promise<ReadStudy> {
  const v = await demoVerdict();
  const s = await signedIn(v, READERS);
  const protocol = isicProtocol({
    phases: ['unaided', 'ai', 'ai-explanation'],
    // Unlocked: the edit below changes an unaided answer after the AI was seen, and the export
    // must say so beside the first version.
    lockEarlierPhases: false,
    comparisons: [{ between: ['cdam-mel', 'attention'] }],
    questions: [
      { ...DIAGNOSIS_QUESTION, truth: 'diagnosis', options: [...DIAGNOSIS_QUESTION.options, { value: 'bkl', label: 'Benign keratosis' }] },
      {
        id: 'malignancy',
        level: 'case',
        type: 'likert',
        prompt: 'How likely is this lesion malignant?',
        truth: 'malignancy',
        anchors: { '1': 'surely benign', '5': 'surely malignant' },
      },
      { id: 'comment', level: 'case', type: 'free-text', prompt: 'Comment', required: false },
      { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Localisation' },
      { id: 'change', level: 'stimulus', type: 'yes-no', prompt: 'Would this change your decision?' },
      { id: 'evidence', level: 'stimulus', type: 'roi', shape: 'box', required: false, prompt: 'Mark the evidence' },
      { id: 'preference', level: 'stimulus', type: 'forced-choice', prompt: 'Which explanation is better?' },
    ],
    repeats: { count: 2 },
    sanityChecks: { count: 1, model: 'isic-vit-randomized' },
  });
  const saved = await call(v, s.admin, 'protocols.save', { protocol });
  const studyId = (await call(v, s.admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Export, "quoted", study' })).id;
  await v.studies.prepared(studyId);
  for (const [index, r] of s.readers.entries()) {
    await call(v, s.admin, 'studies.assign', { studyId, readerId: r.id });
    const w = await call(v, r.caller, 'reading.worklist', { studyId });
    for (const t of w.trials) {
      const view = await call(v, r.caller, 'reading.trial', { studyId, position: t.position });
      for (const q of view.questions) {
        await call(v, r.caller, 'reading.answer', {
          studyId,
          trialId: view.trial.id,
          questionId: q.id,
          value: valueFor(q, index, t.position) as never,
          displayState: { opacity: 0.6, colormap: 'orange-blue', window: { center: 40, width: 400 } },
          timings: { timeToFirstInputMs: 100 + t.position, timeOnTrialMs: 1000 + 10 * t.position },
        });
      }
    }
  }
  // One edit: the export must carry the latest version only.
  const first = await call(v, s.readers[0].caller, 'reading.trial', { studyId, position: 0 });
  await call(v, s.readers[0].caller, 'reading.answer', {
    studyId,
    trialId: first.trial.id,
    questionId: 'comment',
    value: 'edited, "final" answer',
    displayState: {},
    timings: { timeToFirstInputMs: 5, timeOnTrialMs: 9000 },
  });
  return { v, admin: s.admin, studyId };
}
