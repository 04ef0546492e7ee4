// Files for multi-reader multi-case ROC analysis of one truth-scored, case-level question
// (protocol `truth`): each reader's score per case and phase — the phases are the modalities
// (unaided / AI / AI + explanation) — with the binary truth. Cases without a binary truth (LIDC
// median malignancy 3, or a characteristic's median 3) cannot enter an ROC analysis and are left out; the iMRMC header says how many.
import type { Question } from '../../../app/protocol';
import { truthKey } from '../../../app/truth';
import { ISIC_MALIGNANT, type IsicDiagnosis } from '../../../app/domain';
import { VerdictError } from '../../../app/errors';
import type { AnswerRecord } from './answer-records';
import type { StudyContext } from '../study/study-rows';
import { ratingOf, scoredTruth } from './answer-values';
import { caseKey } from './agreement-items';
import { toCsv } from './csv-cells';

type Score = { reader: string; readerId: number; caseId: string; phase: string; truth: 0 | 1; score: number };

/** The question scored: the one named, or the protocol's first case-level question with a truth. */
export function mrmcQuestion(ctx: StudyContext, questionId?: string): Question {
  const scored = ctx.protocol.questions.filter((q) => q.level === 'case' && q.truth);
  if (questionId) {
    const q = ctx.protocol.questions.find((x) => x.id === questionId);
    if (!q)
      throw new VerdictError(
        'not-found',
        `--question ${questionId}: no such question in protocol ${ctx.protocolRow.protocol_id} (questions: ${ctx.protocol.questions.map((x) => x.id).join(', ')})`,
      );
    if (!q.truth || q.level !== 'case')
      throw new VerdictError(
        'api.invalid-args',
        `--question ${questionId}: an MRMC analysis needs a case-level question scored against the truth ("truth" in the protocol)`,
      );
    return q;
  }
  const q = scored.find((x) => x.truth === 'malignancy') ?? scored[0];
  if (!q)
    throw new VerdictError(
      'api.invalid-args',
      `protocol ${ctx.protocolRow.protocol_id} has no case-level question scored against the truth ("truth": "malignancy" or "diagnosis"), so there is nothing for an MRMC analysis`,
    );
  return q;
}

/** Ratings as their place on the scale (app/truth.ts); a diagnosis as 1 when the reader named a malignant one (an ROC point, not a curve). */
function scoreOf(q: Question, r: AnswerRecord): number | null {
  if (q.truth === 'diagnosis') return typeof r.value === 'string' ? (ISIC_MALIGNANT.includes(r.value as IsicDiagnosis) ? 1 : 0) : null;
  return ratingOf(q, r.value)?.score ?? null;
}

function scores(q: Question, records: readonly AnswerRecord[]): { scores: Score[]; noTruth: Set<string> } {
  const out: Score[] = [];
  const noTruth = new Set<string>();
  for (const r of records) {
    if (r.question.id !== q.id || r.trial.sanity || r.trial.repeatOfPosition !== null) continue;
    const score = scoreOf(q, r);
    if (score === null) continue;
    const truth = scoredTruth(r);
    if (truth === null) {
      noTruth.add(caseKey(r));
      continue;
    }
    out.push({ reader: r.reader.name, readerId: r.reader.id, caseId: caseKey(r), phase: r.trial.phase, truth, score });
  }
  return { scores: out, noTruth };
}

/**
 * iMRMC's input file (FDA/DIDSR iMRMC, R package and Java app): free-text front matter, the
 * line "BEGIN DATA:", then readerID,caseID,modalityID,score rows, the truth given by rows with
 * readerID and modalityID "truth" and score 1 (diseased: malignant) or 0.
 */
export function imrmcFile(ctx: StudyContext, records: readonly AnswerRecord[], questionId?: string): string {
  const q = mrmcQuestion(ctx, questionId);
  const { scores: s, noTruth } = scores(q, records);
  const truth = new Map(s.map((x) => [x.caseId, x.truth]));
  // Free text (study name, ids, the prompt) goes through frontText: one line each, whatever was typed.
  const front = [
    `Verdict reader study ${ctx.study.id} "${frontText(ctx.study.name)}", protocol ${frontText(ctx.protocolRow.protocol_id)} v${ctx.protocolRow.version}`,
    `Question "${frontText(q.id)}" (${frontText(truthKey(q.truth!))}): ${frontText(q.prompt)}`,
    `Modalities are the reading phases (${frontText([...new Set(s.map((x) => x.phase))].join(', '))}); ${frontText(positiveMeans(q))}.`,
    `${truth.size} cases with a binary truth; ${noTruth.size} without one left out.`,
    `Readers (readerID = name): ${frontText([...new Map(s.map((x) => [x.readerId, x.reader])).entries()].map(([id, name]) => `${imrmcReader(id, name)} = ${name}`).join('; '))}.`,
    'BEGIN DATA:',
  ];
  const rows = [...truth]
    .map(([c, t]) => `truth,${csvId(c)},truth,${t}`)
    .concat(s.map((x) => `${imrmcReader(x.readerId, x.reader)},${csvId(x.caseId)},${csvId(x.phase)},${x.score}`));
  return [...front, ...rows, ''].join('\r\n');
}

/** iMRMC splits its rows on commas and does not read quotes: ids keep to letters, digits and -_./ */
const csvId = (id: string): string => id.replace(/[^A-Za-z0-9_./-]/g, '_');

/**
 * A reader's iMRMC id: the name as csvId writes it, then "-r" and the reader's row id, so it is
 * stable across exports and unique even where two names map to one ("Dr A" and "Dr_A"): the
 * digits after the last "-r" are the row id.
 */
const imrmcReader = (id: number, name: string): string => `${csvId(name)}-r${id}`;

/**
 * Free text in the front matter, on one line: any run of white space, line breaks or other
 * control characters becomes one space (a study name with CR/LF once wrote a second
 * "BEGIN DATA:" and forged rows), and a "BEGIN DATA:" typed into a name loses its colon, so only
 * Verdict's own line starts the data.
 */
export const frontText = (text: string): string =>
  text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/(BEGIN\s*DATA)\s*:/gi, '$1 -');

/** MRMCaov's long data (R package MRMCaov, mrmc(..., data)): reader, treatment, case, truth, rating. */
export function mrmcaovFile(ctx: StudyContext, records: readonly AnswerRecord[], questionId?: string): string {
  const q = mrmcQuestion(ctx, questionId);
  return toCsv(
    ['reader', 'treatment', 'case', 'truth', 'rating'],
    scores(q, records).scores.map((x) => [x.reader, x.phase, x.caseId, x.truth, x.score]),
  );
}

/** What truth 1 means for the question's truth. */
const positiveMeans = (q: Question): string =>
  typeof q.truth === 'object' ? `truth 1 = LIDC readers' median ${q.truth.characteristic} rating >= 4, 0 = <= 2` : 'truth 1 = malignant';
