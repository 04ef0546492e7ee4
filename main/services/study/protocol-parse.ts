// A protocol file's first gate: the zod schema (app/protocol.ts), then what the schema alone
// cannot say — ids unique, ranges the right way round, comparisons between known conditions,
// forced choice only where there is something to choose between, phases in reading order.
// A refusal names the field twice — as the file does, then in words:
// `protocol: questions[2].options: Question 3, options: add at least two options`.
import { PHASES, protocolSchema, type Protocol } from '../../../app/protocol';
import { VerdictError, type ErrorCode } from '../../../app/errors';
import { fieldPath, issueInWords } from '../../../app/protocol-issues';
import { truthName, truthsFor, truthKey } from '../../../app/truth';
import { ISIC_DIAGNOSES } from '../../../app/domain';
import { callProblem } from '../../../app/call-rule';

export const protocolError = (code: ErrorCode, field: string, message: string) =>
  new VerdictError(code, `protocol: ${field}: ${message}`, { field });

const invalid = (field: string, message: string) => protocolError('protocol.invalid', field, message);

export function parseProtocol(input: unknown): Protocol {
  const parsed = protocolSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // In words naming the field ("Cases: add at least one case"), after the field as the file names it.
    throw invalid(fieldPath(issue.path), issueInWords(issue));
  }
  checkStructure(parsed.data);
  return parsed.data;
}

function duplicate<T>(items: T[], key: (t: T) => string): number {
  const seen = new Set<string>();
  return items.findIndex((t) => (seen.has(key(t)) ? true : (seen.add(key(t)), false)));
}

const DIAGNOSES: readonly string[] = ISIC_DIAGNOSES;

function checkTruth(q: Protocol['questions'][number], at: string, p: Protocol): void {
  const truth = q.truth!;
  if (q.level !== 'case') throw invalid(`${at}.truth`, 'only case-level questions are scored against the truth');
  if (typeof truth === 'object' && p.modality !== 'CT')
    throw invalid(`${at}.truth`, `${truthName(truth)} is a nodule characteristic: a CT protocol only`);
  if (truth === 'diagnosis') {
    if (p.modality !== 'dermoscopy')
      throw invalid(`${at}.truth`, '"diagnosis" is scored against ISIC diagnoses: a dermoscopy protocol only');
    if (q.type !== 'single-choice')
      throw invalid(`${at}.truth`, '"diagnosis" needs a single-choice question whose option values are ISIC diagnosis codes');
    const bad = q.options.findIndex((o) => !DIAGNOSES.includes(o.value));
    if (bad >= 0)
      throw invalid(`${at}.options[${bad}].value`, `"${q.options[bad].value}" is not an ISIC diagnosis code (${DIAGNOSES.join(', ')})`);
  }
  if (!truthsFor(p.modality, q.type).some((t) => truthKey(t) === truthKey(truth))) {
    throw invalid(`${at}.truth`, `${truthName(truth)} needs a rating: a Likert, number, yes-no or single-choice question`);
  }
}

function checkStructure(p: Protocol): void {
  const phaseDup = duplicate(p.phases, (x) => x);
  if (phaseDup >= 0) throw invalid(`phases[${phaseDup}]`, `"${p.phases[phaseDup]}" is listed twice`);
  p.phases.forEach((ph, i) => {
    if (i > 0 && PHASES.indexOf(ph) < PHASES.indexOf(p.phases[i - 1]))
      throw invalid(`phases[${i}]`, `phases keep the reading order ${PHASES.join(' → ')}`);
  });

  const condDup = duplicate(p.conditions, (c) => c.id);
  if (condDup >= 0) throw invalid(`conditions[${condDup}].id`, `"${p.conditions[condDup].id}" is used twice; condition ids must be unique`);
  const conditionIds = new Set(p.conditions.map((c) => c.id));
  p.comparisons.forEach((c, i) => {
    c.between.forEach((id, j) => {
      if (!conditionIds.has(id))
        throw invalid(
          `comparisons[${i}].between[${j}]`,
          `no condition "${id}"; conditions are ${[...conditionIds].map((x) => `"${x}"`).join(', ')}`,
        );
    });
    if (c.between[0] === c.between[1]) throw invalid(`comparisons[${i}].between`, 'a comparison needs two different conditions');
  });
  const pairDup = duplicate(p.comparisons, (c) => [...c.between].sort().join('|'));
  if (pairDup >= 0) throw invalid(`comparisons[${pairDup}]`, 'this pair is compared twice');

  const qDup = duplicate(p.questions, (q) => q.id);
  if (qDup >= 0) throw invalid(`questions[${qDup}].id`, `"${p.questions[qDup].id}" is used twice; question ids must be unique`);
  p.questions.forEach((q, i) => {
    const at = `questions[${i}]`;
    if (q.level === 'stimulus' && q.phases)
      throw invalid(`${at}.phases`, 'only case-level questions name phases; stimulus questions are asked with the explanations');
    q.phases?.forEach((ph, j) => {
      if (!p.phases.includes(ph))
        throw invalid(`${at}.phases[${j}]`, `"${ph}" is not one of this protocol's phases (${p.phases.join(', ')})`);
    });
    if (q.type === 'likert') {
      if (q.min >= q.max) throw invalid(`${at}.max`, `a Likert scale needs min < max (got ${q.min}…${q.max})`);
      if (q.max - q.min > 20) throw invalid(`${at}.max`, 'a Likert scale has at most 21 points');
      for (const k of Object.keys(q.anchors)) {
        if (Number(k) < q.min || Number(k) > q.max)
          throw invalid(`${at}.anchors.${k}`, `anchor ${k} is outside the scale ${q.min}…${q.max}`);
      }
    }
    if (q.type === 'number' && q.min >= q.max) throw invalid(`${at}.max`, `needs min < max (got ${q.min}…${q.max})`);
    if (q.type === 'single-choice' || q.type === 'multiple-choice') {
      const d = duplicate(q.options, (o) => o.value);
      if (d >= 0) throw invalid(`${at}.options[${d}].value`, `"${q.options[d].value}" is used twice`);
    }
    if (q.truth) checkTruth(q, at, p);
    const call = callProblem(q);
    if (call) throw invalid(`${at}.${call.field}`, call.message);
    if (q.type === 'forced-choice') {
      if (q.level !== 'stimulus')
        throw invalid(`${at}.level`, 'a forced choice is between two explanations: it must be a stimulus-level question');
      if (p.comparisons.length === 0)
        throw invalid(at, 'a forced-choice question needs comparisons (pairs of conditions shown side by side); add "comparisons"');
    }
  });
  const stimulusQuestions = p.questions.filter((q) => q.level === 'stimulus');
  if (stimulusQuestions.length && !p.phases.includes('ai-explanation')) {
    throw invalid('phases', 'stimulus-level questions are asked with the explanations: add the "ai-explanation" phase');
  }
  if (p.comparisons.length && !p.questions.some((q) => q.type === 'forced-choice')) {
    throw invalid('comparisons', 'comparisons are answered with a forced-choice question; add one');
  }
  if (!stimulusQuestions.some((q) => q.type !== 'forced-choice') && (p.repeats.count > 0 || (p.sanityChecks?.count ?? 0) > 0)) {
    throw invalid(
      p.repeats.count > 0 ? 'repeats' : 'sanityChecks',
      'repeat and sanity-check trials re-show single explanations: add a stimulus-level question other than a forced choice',
    );
  }
  const askedSomewhere =
    p.phases.some((ph) => p.questions.some((q) => q.level === 'case' && (q.phases ?? p.phases).includes(ph))) ||
    stimulusQuestions.length > 0;
  if (!askedSomewhere) throw invalid('questions', 'no question is asked in any phase');
}
