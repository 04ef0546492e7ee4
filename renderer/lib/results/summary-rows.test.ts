import { describe, expect, it } from 'vitest';
import { accuracyByQuestion } from './accuracy-rows';
import { resultQuestions } from './questions';
import { SAMPLE } from './sample-results';
import { timingRows } from './timing-rows';

describe('accuracy rows', () => {
  it('puts all readers first, then each reader, phases in reading order', () => {
    const [q] = accuracyByQuestion(SAMPLE.accuracy);
    expect(q.questionId).toBe('malignant');
    expect(q.rows.map((r) => `${r.reader} · ${r.phase}`)).toEqual([
      'All readers · Unaided',
      'All readers · AI',
      'Dr Ben · AI',
      'Dr Ada · Unaided',
    ]);
    expect(q.readers).toEqual(['All readers', 'Dr Ben', 'Dr Ada']);
    expect(q.phases).toEqual(['Unaided', 'AI']);
    expect(q.rows[1]).toMatchObject({ all: true, n: 4, successes: 3, proportion: 0.75, lo: 0.3, hi: 0.95 });
  });
});

describe('timing rows', () => {
  it('gives seconds per phase and kind of trial, all readers first', () => {
    const rows = timingRows(SAMPLE.timing);
    expect(rows.map((r) => [r.reader, r.label])).toEqual([
      ['All readers', 'Unaided · case reading'],
      ['All readers', 'AI + explanation · one explanation'],
      ['Dr Ada', 'Unaided · case reading'],
    ]);
    expect(rows[1]).toMatchObject({ all: true, trials: 8, medianS: 4, meanS: 5, lo: 4.2, hi: 5.8 });
  });
});

describe('result questions', () => {
  it('lists each question once with its prompt', () => {
    expect(resultQuestions(SAMPLE)).toEqual([
      { id: 'useful', prompt: 'How useful is this explanation?' },
      { id: 'malignant', prompt: 'How likely is this lesion malignant?' },
    ]);
    expect(resultQuestions({ ratings: [], agreement: [], intraReader: [], accuracy: SAMPLE.accuracy })).toEqual([
      { id: 'malignant', prompt: 'malignant' },
    ]);
  });
});
