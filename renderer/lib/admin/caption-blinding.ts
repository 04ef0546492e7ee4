// Stimulus captions ("Evidence for: spiculation") and blinding. A condition without a target (the
// protocol names its target "attention") is captioned "Evidence for: the model's prediction" —
// the same form, and true — but among targeted conditions that caption alone tells which map is
// the target-less one. The editor says so and offers to hide targets (every stimulus then goes
// uncaptioned alike); it is the coordinator's call, since hiding targets also hides what a
// targeted map explains.
import { NO_TARGET } from '../../../app/methods';
import type { Protocol } from '../../../app/protocol';

/** Conditions whose caption would set them apart from the others (empty when captions are hidden or the conditions are alike). */
export function captionsSetApart(p: Pick<Protocol, 'conditions' | 'stimulusTargets'>): string[] {
  if (p.stimulusTargets === 'hidden') return [];
  const targetless = p.conditions.filter((c) => c.target === NO_TARGET).map((c) => c.id);
  return targetless.length > 0 && targetless.length < p.conditions.length ? targetless : [];
}
