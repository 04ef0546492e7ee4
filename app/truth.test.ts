import { describe, expect, it } from 'vitest';
import { binaryTruthOf, hasTruth, truthKey, truthsFor, type CaseTruth } from './truth';
import { fieldInWords, issueInWords } from './protocol-issues';
import { protocolSchema } from './protocol';

const lidc = (medianMalignancy: number | null, spiculation: number | null): CaseTruth => ({
  diagnosis: null,
  medianMalignancy,
  characteristics: { spiculation },
});

describe('truths', () => {
  it('binarises LIDC medians ≥4 as 1, ≤2 as 0, and leaves 3 and unrated out', () => {
    expect([4, 4.5, 5, 2, 1, 1.5, 3, 2.5, 3.5, null].map((m) => binaryTruthOf('malignancy', lidc(m, null)))).toEqual([
      1,
      1,
      1,
      0,
      0,
      0,
      null,
      null,
      null,
      null,
    ]);
    expect(binaryTruthOf({ characteristic: 'spiculation' }, lidc(1, 4))).toBe(1);
    expect(binaryTruthOf({ characteristic: 'spiculation' }, lidc(5, 1))).toBe(0);
    expect(hasTruth({ characteristic: 'lobulation' }, lidc(5, 1))).toBe(false);
  });
  it('scores ISIC malignancy by diagnosis, and knows a diagnosis only for ISIC cases', () => {
    const isic = (diagnosis: CaseTruth['diagnosis']): CaseTruth => ({ diagnosis, medianMalignancy: null, characteristics: {} });
    expect(
      ['mel', 'bcc', 'akiec', 'nv', 'bkl', 'df', 'vasc'].map((d) => binaryTruthOf('malignancy', isic(d as CaseTruth['diagnosis']))),
    ).toEqual([1, 1, 1, 0, 0, 0, 0]);
    expect(hasTruth('diagnosis', isic('nv'))).toBe(true);
    expect(hasTruth('diagnosis', lidc(5, 5))).toBe(false);
  });
  it('offers the truths that fit a question type and modality', () => {
    expect(truthsFor('dermoscopy', 'single-choice').map(truthKey)).toEqual(['diagnosis', 'malignancy']);
    expect(truthsFor('dermoscopy', 'free-text')).toEqual([]);
    expect(truthsFor('CT', 'likert').map(truthKey)).toContain('characteristic:spiculation');
    expect(truthsFor('CT', 'single-choice').map(truthKey)).not.toContain('diagnosis');
  });
  it('keeps the string forms and takes the characteristic form in a protocol question', () => {
    const q = (truth: unknown) => ({ id: 'q', level: 'case', type: 'likert', prompt: 'Rate', truth });
    const base = {
      format: 'verdict-protocol/1',
      id: 'p',
      version: 1,
      title: 'T',
      modality: 'CT',
      cases: { labels: ['CT-001'] },
      conditions: [{ id: 'a', model: 'm', method: 'cdam', target: 't' }],
      order: { seed: 1 },
    };
    for (const t of ['malignancy', 'diagnosis', { characteristic: 'texture' }])
      expect(protocolSchema.safeParse({ ...base, questions: [q(t)] }).success).toBe(true);
    expect(protocolSchema.safeParse({ ...base, questions: [q({ characteristic: 'calcification' })] }).success).toBe(false);
  });
});

describe('protocol complaints in words', () => {
  it('names the field and says what to do', () => {
    expect(fieldInWords(['questions', 2, 'options', 0, 'label'])).toBe('Question 3, option 1, label');
    expect(fieldInWords(['cases', 'labels'])).toBe('Cases');
    const r = protocolSchema.safeParse({
      format: 'verdict-protocol/1',
      id: 'p',
      version: 1,
      title: 'T',
      modality: 'CT',
      cases: { labels: [] },
      conditions: [],
      questions: [],
      order: { seed: 1 },
    });
    expect(r.success).toBe(false);
    const words = r.success ? [] : r.error.issues.map(issueInWords);
    expect(words).toEqual(
      expect.arrayContaining([
        'Cases: add at least one case',
        'Conditions: add at least one condition',
        'Questions: add at least one question',
      ]),
    );
    expect(words.join(' ')).not.toMatch(/Too small|>=/);
  });
});
