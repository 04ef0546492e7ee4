// Protocols through dispatch on the demo study: a valid one is counted, broken ones are refused
// with the field and the reason named, and a protocol a study uses is frozen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../app/api/endpoint';
import type { ProtocolInput } from '../../../app/protocol';
import { call, demoVerdict, isicProtocol, refusal, type TestVerdict } from '../../../tests/support/study-fixture';

let v: TestVerdict;
let staff: CallContext;
beforeAll(async () => {
  v = await demoVerdict();
  staff = v.newCaller();
}, 120_000);
afterAll(() => v.close());

const refused = (protocol: unknown) => refusal(v, staff, 'protocols.validate', { protocol });
// Questions are built loosely on purpose: some are broken.
const q = (over: object) => ({ id: 'x', level: 'stimulus', type: 'likert', prompt: 'P', ...over }) as never;

describe('protocols.validate', () => {
  it('counts cases and trials per reader for a valid protocol', async () => {
    // 6 cases × (unaided case trial + 3 stimuli + ai-explanation case trial) = 30.
    expect(await call(v, staff, 'protocols.validate', { protocol: isicProtocol() })).toEqual({ cases: 6, trialsPerReader: 30 });
    const withPair = isicProtocol({
      comparisons: [{ between: ['cdam-mel', 'smooth-mel'] }],
      questions: [...isicProtocol().questions, q({ id: 'preference', type: 'forced-choice' })],
      repeats: { count: 2 },
    });
    expect(await call(v, staff, 'protocols.validate', { protocol: withPair })).toEqual({ cases: 6, trialsPerReader: 6 * 6 + 2 });
  });

  const broken: [string, ProtocolInput | Record<string, unknown>, string, RegExp][] = [
    ['bad format', { ...isicProtocol(), format: 'verdict-protocol/0' }, 'protocol.invalid', /^protocol: format: /],
    [
      'too few options',
      isicProtocol({ questions: [q({ id: 'd', level: 'case', type: 'single-choice', options: [{ value: 'a', label: 'A' }] })] }),
      'protocol.invalid',
      /^protocol: questions\[0\]\.options: Question 1, options: add at least two options$/,
    ],
    [
      'unknown case label',
      isicProtocol({ cases: { labels: ['Derm-002', 'Derm-999'] } }),
      'protocol.unknown-case',
      /^protocol: cases\.labels\[1\]: no case labelled "Derm-999"/,
    ],
    [
      'case of the wrong modality',
      isicProtocol({ cases: { labels: ['CT-001'] } }),
      'protocol.unknown-case',
      /cases\.labels\[0\]: case "CT-001" is CT, but this protocol reads dermoscopy/,
    ],
    [
      'unknown model',
      isicProtocol({ conditions: [{ id: 'a', model: 'no-such-pack', method: 'cdam', target: 'MEL' }] }),
      'protocol.unknown-model',
      /conditions\[0\]\.model: no model pack "no-such-pack" is registered; dermoscopy packs: .*"test-vit-isic"/,
    ],
    [
      'model of the wrong modality',
      isicProtocol({ conditions: [{ id: 'a', model: 'lidc-vit', method: 'cdam', target: 'malignant' }] }),
      'protocol.unsupported',
      /conditions\[0\]\.model: "lidc-vit" reads CT/,
    ],
    [
      'unknown target',
      isicProtocol({ conditions: [{ id: 'a', model: 'test-vit-isic', method: 'cdam', target: 'spiculation' }] }),
      'protocol.unsupported',
      /conditions\[0\]\.target: "spiculation" is not an output of .*valid targets are "MEL"/,
    ],
    [
      'concept the pack lacks',
      isicProtocol({ conditions: [{ id: 'a', model: 'test-vit-isic', method: 'concept-cdam', target: 'streaks' }] }),
      'protocol.unsupported',
      /conditions\[0\]\.target: .*no concepts yet/,
    ],
    [
      'parameter the method does not take',
      isicProtocol({ conditions: [{ id: 'a', model: 'test-vit-isic', method: 'cdam', target: 'MEL', params: { samples: 3 } }] }),
      'protocol.unsupported',
      /conditions\[0\]\.params: CDAM takes no "samples" parameter/,
    ],
    [
      'duplicate question ids',
      isicProtocol({ questions: [q({ id: 'same' }), q({ id: 'same', type: 'yes-no' })] }),
      'protocol.invalid',
      /questions\[1\]\.id: "same" is used twice/,
    ],
    [
      'comparison with an unknown condition',
      isicProtocol({ comparisons: [{ between: ['cdam-mel', 'gradcam'] }], questions: [q({ id: 'p', type: 'forced-choice' })] }),
      'protocol.invalid',
      /comparisons\[0\]\.between\[1\]: no condition "gradcam"/,
    ],
    [
      'forced choice without comparisons',
      isicProtocol({ questions: [q({ id: 'p', type: 'forced-choice' })] }),
      'protocol.invalid',
      /questions\[0\]: a forced-choice question needs comparisons/,
    ],
    [
      'comparisons without a forced choice',
      isicProtocol({ comparisons: [{ between: ['cdam-mel', 'attention'] }] }),
      'protocol.invalid',
      /comparisons: comparisons are answered with a forced-choice question/,
    ],
    [
      'likert min ≥ max',
      isicProtocol({ questions: [q({ min: 5, max: 5 })] }),
      'protocol.invalid',
      /questions\[0\]\.max: a Likert scale needs min < max \(got 5…5\)/,
    ],
    [
      'likert anchor off the scale',
      isicProtocol({ questions: [q({ anchors: { 7: 'Way off' } })] }),
      'protocol.invalid',
      /questions\[0\]\.anchors\.7: anchor 7 is outside the scale 1…5/,
    ],
    [
      'phases out of order',
      isicProtocol({ phases: ['ai-explanation', 'unaided'] }),
      'protocol.invalid',
      /phases\[1\]: phases keep the reading order/,
    ],
    [
      'stimulus questions without explanations',
      isicProtocol({ phases: ['unaided', 'ai'] }),
      'protocol.invalid',
      /phases: stimulus-level questions are asked with the explanations/,
    ],
    [
      'question phase the protocol lacks',
      isicProtocol({ questions: [q({ level: 'case', phases: ['ai'] })] }),
      'protocol.invalid',
      /questions\[0\]\.phases\[0\]: "ai" is not one of this protocol's phases/,
    ],
    [
      'duplicate condition ids',
      isicProtocol({
        conditions: [
          { id: 'a', model: 'test-vit-isic', method: 'cdam', target: 'MEL' },
          { id: 'a', model: 'test-vit-isic', method: 'attention', target: 'attention' },
        ],
      }),
      'protocol.invalid',
      /conditions\[1\]\.id: "a" is used twice/,
    ],
    [
      'sanity pack that is not randomized',
      isicProtocol({ sanityChecks: { count: 1, model: 'test-vit-isic' } }),
      'protocol.unsupported',
      /sanityChecks\.model: "test-vit-isic" is not a sanity-check pack/,
    ],
    [
      'sanity-check pack as a condition',
      {
        ...isicProtocol(),
        modality: 'CT',
        cases: { labels: ['CT-001'] },
        conditions: [{ id: 'r', model: 'lidc-vit-randomized', method: 'cdam', target: 'malignant' }],
        questions: [q({})],
      },
      'protocol.unsupported',
      /conditions\[0\]\.model: "lidc-vit-randomized" has randomized weights/,
    ],
    [
      'more repeats than stimuli',
      isicProtocol({ repeats: { count: 19 } }),
      'protocol.invalid',
      /repeats\.count: 19 repeats, but a reader sees only 18 single explanations/,
    ],
    [
      'truth on a stimulus question',
      isicProtocol({ questions: [q({ truth: 'malignancy' })] }),
      'protocol.invalid',
      /questions\[0\]\.truth: only case-level questions are scored against the truth/,
    ],
    [
      'diagnosis truth with codes that are not ISIC diagnoses',
      isicProtocol({
        questions: [
          q({}),
          q({
            id: 'd',
            level: 'case',
            type: 'single-choice',
            truth: 'diagnosis',
            options: [
              { value: 'mel', label: 'Melanoma' },
              { value: 'mole', label: 'Mole' },
            ],
          }),
        ],
      }),
      'protocol.invalid',
      /questions\[1\]\.options\[1\]\.value: "mole" is not an ISIC diagnosis code/,
    ],
    [
      'malignancy truth on free text',
      isicProtocol({ questions: [q({}), q({ id: 'm', level: 'case', type: 'free-text', truth: 'malignancy' })] }),
      'protocol.invalid',
      /questions\[1\]\.truth: malignancy needs a rating: a Likert, number, yes-no or single-choice question/,
    ],
    ['unknown field', { ...isicProtocol(), shuffle: true }, 'protocol.invalid', /^protocol: \(top level\): /],
    [
      'an empty case list (said in words, naming the field)',
      isicProtocol({ cases: { labels: [] } }),
      'protocol.invalid',
      /^protocol: cases\.labels: Cases: add at least one case$/,
    ],
    ['an empty title', isicProtocol({ title: '  ' }), 'protocol.invalid', /^protocol: title: Title: fill this in$/],
    [
      'a nodule characteristic as the truth of a dermoscopy question',
      isicProtocol({ questions: [q({}), q({ id: 's', level: 'case', truth: { characteristic: 'spiculation' } })] }),
      'protocol.invalid',
      /questions\[1\]\.truth: LIDC spiculation is a nodule characteristic: a CT protocol only/,
    ],
    [
      'a categorical characteristic as a truth',
      isicProtocol({ questions: [q({}), q({ id: 's', level: 'case', truth: { characteristic: 'calcification' } as never })] }),
      'protocol.invalid',
      /^protocol: questions\[1\]\.truth(\.characteristic)?: Question 2, scored against/,
    ],
    [
      'a call threshold outside the rating scale',
      isicProtocol({ questions: [q({}), q({ id: 'm', level: 'case', truth: 'malignancy', call: { threshold: 6 } })] }),
      'protocol.invalid',
      /^protocol: questions\[1\]\.call\.threshold: 6 is outside the scale 1–5: a rating ≥ the threshold is positive, so it must be above 1 and at most 5$/,
    ],
    [
      'a middle answer left out on a scale without one',
      isicProtocol({ questions: [q({}), q({ id: 'm', level: 'case', max: 4, truth: 'malignancy', call: { middle: 'left-out' } })] }),
      'protocol.invalid',
      /^protocol: questions\[1\]\.call\.middle: the scale 1–4 has no middle answer to count as left-out$/,
    ],
    [
      'a call rule on a question not scored against the truth',
      isicProtocol({ questions: [q({}), q({ id: 'm', level: 'case', call: { middle: 'positive' } })] }),
      'protocol.invalid',
      /^protocol: questions\[1\]\.call: a call rule applies to a question scored against the truth/,
    ],
    [
      'a middle answer that is not one of the three',
      isicProtocol({ questions: [q({}), q({ id: 'm', level: 'case', truth: 'malignancy', call: { middle: 'maybe' } })] }),
      'protocol.invalid',
      /^protocol: questions\[1\]\.call\.middle: Question 2, call rule, middle answer: choose one of "negative", "positive", "left-out"$/,
    ],
  ];

  for (const [what, protocol, code, message] of broken) {
    it(`refuses ${what}`, async () => {
      const e = await refused(protocol);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
    });
  }
});

describe('protocols.save', () => {
  it('stores a protocol, freezes it once a study uses it, and takes a new version as a new row', async () => {
    const saved = await call(v, staff, 'protocols.save', { protocol: isicProtocol({ id: 'frozen-test' }) });
    expect(saved).toMatchObject({ id: 'frozen-test', version: 1, frozen: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Unused: saving changed content replaces it; saving the same content changes nothing.
    const edited = await call(v, staff, 'protocols.save', { protocol: isicProtocol({ id: 'frozen-test', title: 'Edited' }) });
    expect(edited.rowId).toBe(saved.rowId);
    expect(edited.sha256).not.toBe(saved.sha256);
    expect((await call(v, staff, 'protocols.save', { protocol: isicProtocol({ id: 'frozen-test', title: 'Edited' }) })).sha256).toBe(
      edited.sha256,
    );

    const study = await call(v, staff, 'studies.create', { protocolRowId: saved.rowId, name: 'Frozen study' });
    expect((await call(v, staff, 'protocols.list', {})).find((p) => p.rowId === saved.rowId)!.frozen).toBe(true);
    const e = await refusal(v, staff, 'protocols.save', { protocol: isicProtocol({ id: 'frozen-test', title: 'Changed again' }) });
    expect(e.code).toBe('protocol.frozen');
    expect(e.message).toBe(
      `protocol: version: version 1 of "frozen-test" is used by study ${study.id} ("Frozen study") and cannot change; save it as version 2`,
    );
    // The database itself refuses to change a frozen row.
    expect(() => v.study.db.prepare("UPDATE protocol SET title = 'x' WHERE id = ?").run(saved.rowId)).toThrow(/frozen/);

    const v2 = await call(v, staff, 'protocols.save', {
      protocol: isicProtocol({ id: 'frozen-test', version: 2, title: 'Changed again' }),
    });
    expect(v2.rowId).not.toBe(saved.rowId);
    expect(v2).toMatchObject({ version: 2, frozen: false });
  });

  it('offers the default question bank, every question valid', async () => {
    const bank = await call(v, staff, 'protocols.questionBank', {});
    expect(bank.map((x) => x.id)).toEqual([
      'localisation',
      'plausibility',
      'usefulness',
      'trust',
      'change-decision',
      'evidence',
      'preference',
      'diagnosis',
      'malignancy',
      'confidence',
      'comment',
    ]);
    expect(bank.find((x) => x.id === 'localisation')).toMatchObject({
      type: 'likert',
      prompt: 'Does the highlighted region correspond to the finding?',
      min: 1,
      max: 5,
    });
    expect(bank.find((x) => x.id === 'diagnosis')).toMatchObject({
      type: 'single-choice',
      options: expect.arrayContaining([{ value: 'mel', label: 'Melanoma' }]),
    });
  });
});
