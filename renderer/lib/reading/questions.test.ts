import { describe, expect, it } from 'vitest';
import { questionSchema, type Question } from '../../../app/protocol';
import { describeValue, digitTarget, digitValue, isAnswered, likertPoints, missingMessage, missingRequired } from './questions';

const q = (x: unknown): Question => questionSchema.parse(x);
const likert = q({ id: 'trust', type: 'likert', level: 'stimulus', prompt: 'How much do you trust it?' });
const seven: Question & { type: 'likert' } = q({
  id: 'conf',
  type: 'likert',
  level: 'case',
  prompt: 'Confidence',
  min: 0,
  max: 6,
}) as Question & { type: 'likert' };
const text = q({ id: 'why', type: 'free-text', level: 'case', prompt: 'Why?', required: false });
const choice = q({
  id: 'dx',
  type: 'single-choice',
  level: 'case',
  prompt: 'Diagnosis',
  options: [
    { value: 'mel', label: 'Melanoma' },
    { value: 'nv', label: 'Nevus' },
  ],
});
const many = q({
  id: 'feat',
  type: 'multiple-choice',
  level: 'case',
  prompt: 'Features',
  options: [
    { value: 'net', label: 'Network' },
    { value: 'dots', label: 'Dots' },
  ],
});
const roi = q({ id: 'where', type: 'roi', shape: 'box', level: 'stimulus', prompt: 'Where is the evidence?' });
const fc = q({ id: 'better', type: 'forced-choice', level: 'stimulus', prompt: 'Which is better?' });
const yn = q({ id: 'change', type: 'yes-no', level: 'case', prompt: 'Would this change your decision?' });

describe('questions', () => {
  it('knows what answers each type', () => {
    expect(isAnswered(likert, 3)).toBe(true);
    expect(isAnswered(likert, null)).toBe(false);
    expect(isAnswered(text, '   ')).toBe(false);
    expect(isAnswered(many, [])).toBe(false);
    expect(isAnswered(many, ['net'])).toBe(true);
    expect(isAnswered(yn, false)).toBe(true);
    expect(isAnswered(roi, { shape: 'box', x0: 1, y0: 1, x1: 2, y1: 2 })).toBe(true);
    expect(isAnswered(roi, { shape: 'click', x: 1, y: 1 })).toBe(false);
  });

  it('lists the required questions still open and names them', () => {
    const missing = missingRequired([likert, text, roi], { trust: 4 });
    expect(missing.map((m) => m.id)).toEqual(['where']);
    expect(missingMessage(missing)).toBe('Answer “Where is the evidence?” before moving on.');
  });

  it('maps digits onto scales and options', () => {
    expect(likertPoints(seven)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(digitValue(likert, 4)).toBe(4);
    expect(digitValue(seven, 3)).toBe(3);
    expect(digitValue(choice, 2)).toBe('nv');
    expect(digitValue(choice, 3)).toBeUndefined();
    expect(digitValue(yn, 2)).toBe(false);
    expect(digitValue(fc, 1)).toBe('A');
    expect(digitValue(text, 1)).toBeUndefined();
    // The 7-class ISIC diagnosis: 6 and 7 pick its last two options; a 12-option list takes 10–12 (letters).
    const dx = { ...choice, options: ['mel', 'nv', 'bcc', 'akiec', 'bkl', 'df', 'vasc'].map((v) => ({ value: v, label: v })) };
    expect([6, 7, 8].map((n) => digitValue(dx, n))).toEqual(['df', 'vasc', undefined]);
    const long = { ...choice, options: Array.from({ length: 12 }, (_, i) => ({ value: `o${i + 1}`, label: `O${i + 1}` })) };
    expect(digitValue(long, 12)).toBe('o12');
  });

  it('sends a digit to the focused question, else the first unanswered one', () => {
    expect(digitTarget([text, likert, choice], {}, null)?.id).toBe('trust');
    expect(digitTarget([text, likert, choice], { trust: 2 }, null)?.id).toBe('dx');
    expect(digitTarget([text, likert, choice], { trust: 2 }, 'trust')?.id).toBe('trust');
    expect(digitTarget([text, likert], { trust: 2 }, 'why')).toBeNull();
  });

  it('describes answers', () => {
    expect(describeValue(choice, 'mel')).toBe('Melanoma');
    expect(describeValue(many, ['net', 'dots'])).toBe('Network, Dots');
    expect(describeValue(yn, true)).toBe('Yes');
    expect(describeValue(likert, undefined)).toBe('—');
  });
});
