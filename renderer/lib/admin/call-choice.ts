// The protocol editor's call-rule choice for a truth-scored rating (app/call-rule.ts): the next
// question when the coordinator changes the threshold or what the middle answer does (the
// defaults leave no `call`, so a protocol that keeps them is saved as before), and the complaint
// about each of its fields — main's or the schema's, else the rule's own check.
import { callProblem, type CallMiddle } from '../../../app/call-rule';
import type { Question } from '../../../app/protocol';

export function withCall(q: Question, change: { threshold?: number | null; middle?: CallMiddle }): Question {
  const threshold = change.threshold === undefined ? q.call?.threshold : (change.threshold ?? undefined);
  const middle = change.middle ?? q.call?.middle ?? 'negative';
  const next = { ...q } as Question;
  if (threshold === undefined && middle === 'negative') delete next.call;
  else next.call = { ...(threshold === undefined ? {} : { threshold }), middle };
  return next;
}

/** The question without a call rule (its truth removed, or one that makes no call). */
export function withoutCall(q: Question): Question {
  const next = { ...q } as Question;
  delete next.call;
  return next;
}

/** The complaint about a field: `issue`'s (main's refusal, the schema's) first, then the call rule's own check. */
export function callIssue(q: Question, at: string, issue: (field: string) => string | null): (field: string) => string | null {
  const p = callProblem(q);
  return (field) => issue(field) ?? (p && `${at}.${p.field}` === field ? p.message : null);
}
