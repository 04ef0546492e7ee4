// For the reader-study tests: a Verdict on a temp file holding the demo study (CT-001 and 29
// ISIC cases), callers that go through the real dispatch, and small protocols over the test packs.
import { dispatch } from '../../app/api/dispatch';
import type { CallContext } from '../../app/api/endpoint';
import type { ArgsOf, EndpointName, ResultOf } from '../../app/api';
import type { WireError } from '../../app/errors';
import type { ProtocolInput } from '../../app/protocol';
import { demoDir } from '../../main/paths';
import { testVerdict } from './verdict';

export type TestVerdict = ReturnType<typeof testVerdict>;

export async function call<N extends EndpointName>(v: TestVerdict, caller: CallContext, name: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
  const r = await dispatch(v.handlers, caller, name, args);
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), r.error);
  return r.data as ResultOf<N>;
}

export async function refusal(v: TestVerdict, caller: CallContext, name: string, args: unknown): Promise<WireError> {
  const r = await dispatch(v.handlers, caller, name, args);
  if (r.ok) throw new Error(`${name} succeeded`);
  return r.error;
}

/** A fresh database with the demo study imported and the bundled packs registered. */
export async function demoVerdict(): Promise<TestVerdict> {
  const v = testVerdict();
  const report = await v.imports.run(demoDir());
  if (report.status !== 'done') throw new Error(`demo import ${report.status}: ${report.error}`);
  await v.models.registerBundled();
  return v;
}

export const PASS = 'correct horse battery';

/** The coordinator (first admin) and readers, each signed in on their own connection. */
export async function signedIn(
  v: TestVerdict,
  readers: string[],
): Promise<{ admin: CallContext; readers: { id: number; caller: CallContext }[] }> {
  const admin = v.newCaller();
  const a = await call(v, admin, 'readers.create', { name: 'Coordinator', role: 'admin', passphrase: PASS });
  await call(v, admin, 'session.signIn', { readerId: a.id, passphrase: PASS });
  const out = [];
  for (const name of readers) {
    const r = await call(v, admin, 'readers.create', {
      name,
      role: 'reader',
      specialty: 'dermatology',
      yearsExperience: 5,
      passphrase: PASS,
    });
    const caller = v.newCaller();
    await call(v, caller, 'session.signIn', { readerId: r.id, passphrase: PASS });
    out.push({ id: r.id, caller });
  }
  return { admin, readers: out };
}

export const DERM_LABELS = ['Derm-001', 'Derm-002', 'Derm-007', 'Derm-016', 'Derm-020', 'Derm-021'];

/** The case's diagnosis: melanoma or nevus. */
export const DIAGNOSIS_QUESTION = {
  id: 'diagnosis',
  level: 'case',
  type: 'single-choice',
  prompt: 'Diagnosis',
  options: [
    { value: 'mel', label: 'Melanoma' },
    { value: 'nv', label: 'Nevus' },
  ],
} as const satisfies ProtocolInput['questions'][number];

/** isicProtocol's questions: the diagnosis, then each stimulus's localisation and evidence. */
export const ISIC_QUESTIONS: ProtocolInput['questions'] = [
  DIAGNOSIS_QUESTION,
  { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Does the highlighted region correspond to the finding?' },
  { id: 'evidence', level: 'stimulus', type: 'roi', shape: 'box', required: false, prompt: 'Mark the evidence' },
];

/** CT-001 read with two conditions of the LIDC test pack (CDAM of "malignant", attention): a case and a stimulus question. */
export function ctProtocol(over: Partial<ProtocolInput> = {}): ProtocolInput {
  return {
    format: 'verdict-protocol/1',
    id: 'ct-test',
    version: 1,
    title: 'CT test',
    modality: 'CT',
    cases: { labels: ['CT-001'] },
    conditions: [
      { id: 'cdam-malignant', model: 'test-vit-lidc', method: 'cdam', target: 'malignant' },
      { id: 'attention', model: 'test-vit-lidc', method: 'attention', target: 'attention' },
    ],
    phases: ['unaided', 'ai-explanation'],
    questions: [
      { id: 'malignancy', level: 'case', type: 'likert', prompt: 'Malignancy' },
      { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Does the highlighted region correspond to the finding?' },
    ],
    order: { seed: 5 },
    ...over,
  };
}

/** Three conditions of the ISIC test pack, a comparison, case and stimulus questions. */
export function isicProtocol(over: Partial<ProtocolInput> = {}): ProtocolInput {
  return {
    format: 'verdict-protocol/1',
    id: 'isic-test',
    version: 1,
    title: 'ISIC test: CDAM vs Smooth CDAM vs attention',
    modality: 'dermoscopy',
    cases: { labels: DERM_LABELS },
    conditions: [
      { id: 'cdam-mel', model: 'test-vit-isic', method: 'cdam', target: 'MEL' },
      { id: 'smooth-mel', model: 'test-vit-isic', method: 'smooth-cdam', target: 'MEL', params: { samples: 4 } },
      { id: 'attention', model: 'test-vit-isic', method: 'attention', target: 'attention' },
    ],
    phases: ['unaided', 'ai-explanation'],
    questions: ISIC_QUESTIONS,
    order: { seed: 20261122 },
    ...over,
  };
}
