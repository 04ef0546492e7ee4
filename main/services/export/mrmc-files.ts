// Files for multi-reader multi-case ROC analysis of one truth-scored, case-level question
// (protocol `truth`): each reader's score per case and phase — the phases are the modalities
// (unaided / AI / AI + explanation) — with the binary truth. Cases without a binary truth (LIDC
// median malignancy 3, or a characteristic's median 3) cannot enter an ROC analysis and are left out; the iMRMC header says how many.
import type { Question } from '../../../app/protocol';
import { truthKey } from '../../../app/truth';
import { callRuleWords } from '../../../app/call-rule';
import { ISIC_MALIGNANT, type IsicDiagnosis } from '../../../app/domain';
import { VerdictError } from '../../../app/errors';
import type { AnswerRecord } from './answer-records';
import type { StudyContext } from '../study/study-rows';
import { ratingOf, scoredTruth } from './answer-values';
import { caseKey } from './agreement-items';
import { toCsv } from './csv-cells';
import { studyKey } from './study-key';

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
export function mrmcScore(q: Question, r: AnswerRecord): number | null {
  if (q.truth === 'diagnosis') return typeof r.value === 'string' ? (ISIC_MALIGNANT.includes(r.value as IsicDiagnosis) ? 1 : 0) : null;
  return ratingOf(q, r.value)?.score ?? null;
}

function scores(q: Question, records: readonly AnswerRecord[]): { scores: Score[]; noTruth: Set<string> } {
  const out: Score[] = [];
  const noTruth = new Set<string>();
  for (const r of records) {
    if (r.question.id !== q.id || r.trial.sanity || r.trial.repeatOfPosition !== null) continue;
    const score = mrmcScore(q, r);
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
 * iMRMC's input file (FDA/DIDSR iMRMC, Java app and R package; read by RJafroc's
 * DfReadDataFile(format = "iMRMC") too): free-text front matter, the counts N0: (cases with truth
 * 0), N1: (truth 1), NR: (readers) and NM: (modalities) each on a line of its own, the line
 * "BEGIN DATA:", then readerID,caseID,modalityID,score rows, the truth given by rows with readerID
 * -1 and modalityID "truth" and score 1 (diseased: malignant) or 0. Readers and cases are the
 * study key's integers (keyFile maps them back): RJafroc reads only integer ids, and the truth rows
 * with reader -1 (iMRMC takes -1 or "truth"). Followed: iMRMC src/mrmc/core/InputFile.java
 * (getExperimentSizeFromHeader, verifySizesAndGetIDs) and RJafroc R/DfReadIowaFormats.R (ReadImrmc).
 *
 * `crossed` keeps only the cases every reader scored in every phase: RJafroc needs a fully crossed
 * design (iMRMC does not), so its file leaves the others out and says how many.
 */
export function imrmcFile(ctx: StudyContext, records: readonly AnswerRecord[], questionId?: string, crossed = false): string {
  const q = mrmcQuestion(ctx, questionId);
  const key = studyKey(records);
  const all = scores(q, records);
  const s = crossed ? crossedScores(all.scores) : all.scores;
  const noTruth = all.noTruth;
  const truth = new Map(s.map((x) => [x.caseId, x.truth]));
  const truthAll = new Map(all.scores.map((x) => [x.caseId, x.truth]));
  const phases = [...new Set(s.map((x) => x.phase))];
  const readers = [...new Set(s.map((x) => key.readers.get(x.readerId)!))].sort((a, b) => a - b);
  // Free text (study name, ids, the prompt) goes through frontText: one line each, whatever was typed.
  const front = [
    `Verdict reader study ${ctx.study.id} "${frontText(ctx.study.name)}", protocol ${frontText(ctx.protocolRow.protocol_id)} v${ctx.protocolRow.version}`,
    `Question "${frontText(q.id)}" (${frontText(truthKey(q.truth!))}): ${frontText(q.prompt)}`,
    `Modalities are the reading phases (${frontText(phases.join(', '))}); ${frontText(positiveMeans(q))}.`,
    // The scores are the ratings themselves: the protocol's call rule (app/call-rule.ts) makes the
    // accuracy's calls only, so no read is left out of these files by it.
    `Scores are the readers' ratings as given, every one included (the protocol's call rule sets accuracy only${frontText(callNote(q))}).`,
    `${truth.size} cases with a binary truth; ${noTruth.size} without one left out` +
      (crossed
        ? `; ${truthAll.size - truth.size} not scored by every reader in every phase left out (RJafroc needs a fully crossed design).`
        : '.'),
    `Reader and case ids are those of the study key file (verdict export --format mrmc-key): readers ${readers.join(', ')}.`,
    `N0:${[...truth.values()].filter((t) => t === 0).length}`,
    `N1:${[...truth.values()].filter((t) => t === 1).length}`,
    `NR:${readers.length}`,
    `NM:${phases.length}`,
    'BEGIN DATA:',
  ];
  const rows = [...truth]
    .sort((a, b) => key.cases.get(a[0])! - key.cases.get(b[0])!)
    .map(([c, t]) => `-1,${key.cases.get(c)},truth,${t}`)
    .concat(s.map((x) => `${key.readers.get(x.readerId)},${key.cases.get(x.caseId)},${csvId(x.phase)},${x.score}`));
  return [...front, ...rows, ''].join('\r\n');
}

/** Scores of the cases every reader scored in every phase. */
function crossedScores(s: Score[]): Score[] {
  const readers = new Set(s.map((x) => x.readerId));
  const phases = new Set(s.map((x) => x.phase));
  const seen = new Map<string, Set<string>>();
  for (const x of s) {
    let c = seen.get(x.caseId);
    if (!c) seen.set(x.caseId, (c = new Set()));
    c.add(`${x.readerId}|${x.phase}`);
  }
  return s.filter((x) => seen.get(x.caseId)!.size === readers.size * phases.size);
}

/** iMRMC splits its rows on commas and does not read quotes: ids keep to letters, digits and -_./ */
const csvId = (id: string): string => id.replace(/[^A-Za-z0-9_./-]/g, '_');

/**
 * Free text in the front matter, on one line: any run of white space, line breaks or other
 * control characters becomes one space (a study name with CR/LF once wrote a second
 * "BEGIN DATA:" and forged rows), and the parsers' keywords lose their colon: iMRMC takes a line
 * holding "N0:", "N1:", "NR:" or "NM:" anywhere (any case) as a count, and "BEGIN DATA:" starts
 * the data, so only Verdict's own lines may hold them.
 */
export const frontText = (text: string): string =>
  text
    .replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/(BEGIN\s*DATA)\s*:/gi, '$1 -')
    .replace(/(N[01RM])\s*:/gi, '$1 -');

/**
 * MRMCaov's long data (R package MRMCaov, mrmc(..., data)): reader, treatment, case, truth,
 * rating, with the study key's integer reader and case ids. The columns are in the order RJafroc's
 * DfReadDataFile(format = "MRMC") reads a .csv (reader, treatment, case, truth, rating; integer
 * case ids), so the same file loads there when the design is fully crossed.
 */
export function mrmcaovFile(ctx: StudyContext, records: readonly AnswerRecord[], questionId?: string): string {
  const q = mrmcQuestion(ctx, questionId);
  const key = studyKey(records);
  return toCsv(
    ['reader', 'treatment', 'case', 'truth', 'rating'],
    scores(q, records).scores.map((x) => [key.readers.get(x.readerId)!, x.phase, key.cases.get(x.caseId)!, x.truth, x.score]),
  );
}

/** What truth 1 means for the question's truth. */
const callNote = (q: Question): string => {
  const words = callRuleWords(q);
  return words ? `; ${words.replace(/\. The call sets accuracy only.*$/, '')}` : '';
};

const positiveMeans = (q: Question): string =>
  typeof q.truth === 'object' ? `truth 1 = LIDC readers' median ${q.truth.characteristic} rating >= 4, 0 = <= 2` : 'truth 1 = malignant';
