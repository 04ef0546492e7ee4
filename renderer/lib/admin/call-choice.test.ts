import { describe, expect, it } from 'vitest';
import { callRuleWords } from '../../../app/call-rule';
import { questionSchema, type Question } from '../../../app/protocol';
import { callIssue, withCall, withoutCall } from './call-choice';

const q = questionSchema.parse({ id: 'm', level: 'case', type: 'likert', prompt: 'Malignant?', truth: 'malignancy' });

describe("the editor's call-rule choice", () => {
  it('keeps no call for the defaults, so a protocol that keeps them saves as before', () => {
    expect(withCall(q, { middle: 'negative' })).not.toHaveProperty('call');
    const left = withCall(q, { middle: 'left-out' });
    expect(left.call).toEqual({ middle: 'left-out' });
    expect(callRuleWords(left)).toContain('the middle answer 3 is left out of the accuracy');
    const both = withCall(left, { threshold: 5 });
    expect(both.call).toEqual({ threshold: 5, middle: 'left-out' });
    expect(withCall(both, { threshold: null }).call).toEqual({ middle: 'left-out' });
    expect(withCall(withCall(both, { threshold: null }), { middle: 'negative' })).not.toHaveProperty('call');
    expect(withoutCall(both)).not.toHaveProperty('call');
    // What the editor saves is a question the schema reads back the same.
    expect(questionSchema.parse(both)).toEqual(both);
  });

  it("names the threshold's field when it cannot work, after main's and the schema's complaints", () => {
    const bad: Question = withCall(q, { threshold: 9 });
    const issue = callIssue(bad, 'questions[1]', () => null);
    expect(issue('questions[1].call.threshold')).toMatch(/^9 is outside the scale 1–5/);
    expect(issue('questions[1].call.middle')).toBeNull();
    expect(callIssue(bad, 'questions[1]', (f) => (f.endsWith('threshold') ? 'main says no' : null))('questions[1].call.threshold')).toBe(
      'main says no',
    );
    expect(callIssue(q, 'questions[1]', () => null)('questions[1].call.threshold')).toBeNull();
  });
});
