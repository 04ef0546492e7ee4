import { describe, expect, it } from 'vitest';
import { callOf, callProblem, callRuleWords, middleOf, ratingScale, type CalledQuestion } from './call-rule';
import { protocolSchema } from './protocol';

const likert = (call?: CalledQuestion['call']): CalledQuestion => ({
  type: 'likert',
  min: 1,
  max: 5,
  anchors: { '3': 'can’t tell' },
  truth: 'malignancy',
  ...(call ? { call } : {}),
});
/** Ratings 1–5 of five cases, and each one's truth: the count of right calls and of reads left out. */
const RATINGS = [1, 2, 3, 3, 4, 5, 3, 2];
const TRUTHS = [0, 0, 0, 1, 1, 1, 1, 1];
function score(q: CalledQuestion): { right: number; scored: number; leftOut: number } {
  const calls = RATINGS.map((r) => callOf(q, r));
  const scored = calls.flatMap((c, i) => (c === 'left-out' ? [] : [c === TRUTHS[i] ? 1 : 0]));
  return { right: scored.reduce<number>((a, b) => a + b, 0), scored: scored.length, leftOut: calls.filter((c) => c === 'left-out').length };
}

describe('the call a rating makes', () => {
  it('by default: above the middle positive, the middle itself negative (as before the option)', () => {
    expect([1, 2, 3, 4, 5].map((x) => callOf(likert(), x))).toEqual([0, 0, 0, 1, 1]);
    expect(score(likert())).toEqual({ right: 5, scored: 8, leftOut: 0 });
  });

  it('counts the middle as positive, or leaves it out and counts those reads', () => {
    expect([1, 2, 3, 4, 5].map((x) => callOf(likert({ middle: 'positive' }), x))).toEqual([0, 0, 1, 1, 1]);
    expect(score(likert({ middle: 'positive' }))).toEqual({ right: 6, scored: 8, leftOut: 0 });
    expect([1, 2, 3, 4, 5].map((x) => callOf(likert({ middle: 'left-out' }), x))).toEqual([0, 0, 'left-out', 1, 1]);
    expect(score(likert({ middle: 'left-out' }))).toEqual({ right: 4, scored: 5, leftOut: 3 });
  });

  it('takes a threshold: a rating ≥ t is positive', () => {
    expect([1, 2, 3, 4, 5].map((x) => callOf(likert({ threshold: 5, middle: 'negative' }), x))).toEqual([0, 0, 0, 0, 1]);
    expect([1, 2, 3, 4, 5].map((x) => callOf(likert({ threshold: 2, middle: 'positive' }), x))).toEqual([0, 1, 1, 1, 1]);
    expect(score(likert({ threshold: 5, middle: 'negative' }))).toEqual({ right: 4, scored: 8, leftOut: 0 });
  });

  it('finds the middle only where a step lies half-way', () => {
    expect(middleOf({ min: 1, max: 5, step: 1 })).toBe(3);
    expect(middleOf({ min: 1, max: 4, step: 1 })).toBeNull();
    expect(middleOf({ min: 0, max: 1, step: 1 })).toBeNull();
    expect(middleOf({ min: 0, max: 30, step: 0.5 })).toBe(15);
    expect(middleOf({ min: 0, max: 3, step: 2 })).toBeNull();
    // A single choice of five ordered options: option 3 of 1–5 is the middle.
    const choice: CalledQuestion = {
      type: 'single-choice',
      truth: 'malignancy',
      options: ['a', 'b', 'c', 'd', 'e'].map((v) => ({ value: v, label: v.toUpperCase() })),
      call: { middle: 'left-out' },
    };
    expect(ratingScale(choice)).toEqual({ min: 1, max: 5, step: 1 });
    expect([1, 2, 3, 4, 5].map((x) => callOf(choice, x))).toEqual([0, 0, 'left-out', 1, 1]);
    expect(callRuleWords(choice)).toContain('the middle answer 3 (“C”) is left out of the accuracy');
  });

  it('says the rule in words, the middle by its anchor, and that the ROC area is not affected', () => {
    expect(callRuleWords(likert())).toBe(
      'call: a rating above 3 on 1–5 is positive, below it negative; the middle answer 3 (“can’t tell”) counts as a negative call. The call sets accuracy only: the ROC area ranks the ratings themselves',
    );
    expect(callRuleWords(likert({ threshold: 5, middle: 'negative' }))).toContain('a rating ≥ 5 on 1–5 is positive');
    expect(callRuleWords({ type: 'yes-no', truth: 'malignancy' })).toBe('call: “yes” is a positive call, “no” a negative one');
    expect(callRuleWords({ ...likert(), truth: 'diagnosis' })).toBe('');
    expect(callRuleWords({ ...likert(), max: 4 })).toContain('the scale has no middle answer');
  });
});

describe('a call option that cannot work', () => {
  it('names the field and says why', () => {
    expect(callProblem(likert({ threshold: 7, middle: 'negative' }))).toEqual({
      field: 'call.threshold',
      message: '7 is outside the scale 1–5: a rating ≥ the threshold is positive, so it must be above 1 and at most 5',
    });
    expect(callProblem(likert({ threshold: 1, middle: 'left-out' }))?.field).toBe('call.threshold');
    expect(callProblem(likert({ threshold: 3, middle: 'negative' }))?.message).toContain('must be above 3');
    expect(callProblem(likert({ threshold: 4, middle: 'positive' }))?.message).toContain('at most 3');
    expect(callProblem({ ...likert({ middle: 'left-out' }), max: 4 })).toEqual({
      field: 'call.middle',
      message: 'the scale 1–4 has no middle answer to count as left-out',
    });
    expect(callProblem({ ...likert({ middle: 'negative' }), truth: undefined })?.field).toBe('call');
    expect(callProblem({ ...likert({ middle: 'negative' }), truth: 'diagnosis' })?.field).toBe('call');
    expect(callProblem(likert({ threshold: 4, middle: 'left-out' }))).toBeNull();
    expect(callProblem(likert())).toBeNull();
  });

  it('is refused by the schema when the middle is not one of the three', () => {
    const r = protocolSchema.shape.questions.element.safeParse({
      ...likert(),
      id: 'q',
      level: 'case',
      prompt: 'Rate',
      call: { middle: 'maybe' },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['call', 'middle']);
  });
});
