// The results' scoring rules in words, for the dashboard's legends and the comparisons export:
// what each truth is, the call a rating makes (and so how its middle point counts), which
// questions get which agreement statistic, and what the intervals assume.
import type { Question } from '../../../app/protocol';
import { truthDescription } from '../../../app/truth';
import { callRuleWords } from '../../../app/call-rule';

/** A truth-scored question's rule in words: the truth's binarisation beside the call a rating makes (app/call-rule.ts). */
export function truthRuleWords(q: Question): string {
  if (!q.truth) return '';
  const call = callRuleWords(q);
  return `truth — ${truthDescription(q.truth)}${call ? `; ${call}` : ''}`;
}

export function rules(questions: readonly Question[]): string[] {
  const out: string[] = [];
  for (const q of questions) {
    if (!q.truth) continue;
    out.push(`“${q.id}” is scored against the ${truthRuleWords(q)}.`);
  }
  const byType = (types: string[]) =>
    questions
      .filter((q) => types.includes(q.type))
      .map((q) => `“${q.id}”`)
      .join(', ');
  const categorical = byType(['likert', 'yes-no', 'single-choice', 'forced-choice']);
  if (categorical) out.push(`Fleiss’ kappa (exact agreement on categories): ${categorical}.`);
  const ordinal = byType(['likert']);
  if (ordinal) out.push(`Quadratic-weighted kappa (ordinal scales): ${ordinal}.`);
  const numeric = byType(['likert', 'number']);
  if (numeric) out.push(`ICC(2,1) and ICC(2,k): ${numeric}; number questions get no kappa (exact equality of measurements means nothing).`);
  out.push(
    'Comparisons and the “readers and cases random” intervals: Obuchowski–Rockette analysis with Hillis’ (2007) degrees of freedom and jackknife covariances over cases (as OR-DBM MRMC, MRMCaov and RJafroc compute it); sanity-check and repeat trials left out.',
  );
  out.push(
    'The plain Student-t and Wilson intervals treat every rating as independent: narrower than the design allows; shown for reference.',
  );
  return out;
}
