// For the study-package tests: the demo study at the coordinator's workstation with two prepared
// studies — ISIC with three conditions, a comparison and a repeat, and CT-001 with a sanity check —
// both assigned to one reader, and a study package of each made for that reader.
import { join } from 'node:path';
import { dirname } from 'node:path';
import type { CallContext } from '../../app/api/endpoint';
import type { ProtocolInput } from '../../app/protocol';
import { createStudyPackage, type StudyPackageResult } from '../../main/services/packages/study-package';
import { call, ctProtocol, demoVerdict, isicProtocol, ISIC_QUESTIONS, signedIn, type TestVerdict } from './study-fixture';
import { tempDir } from './data';

export const ISIC_PACKAGED = isicProtocol({
  cases: { labels: ['Derm-001', 'Derm-002', 'Derm-007'] },
  phases: ['unaided', 'ai', 'ai-explanation'],
  comparisons: [{ between: ['cdam-mel', 'attention'] }],
  questions: [
    ...ISIC_QUESTIONS!,
    { id: 'better', level: 'stimulus', type: 'forced-choice', required: false, prompt: 'Which is more useful?' },
  ],
  repeats: { count: 1 },
});

export const CT_PACKAGED = ctProtocol({
  phases: ['unaided', 'ai', 'ai-explanation'],
  repeats: { count: 1 },
  sanityChecks: { count: 1, model: 'lidc-vit-randomized' },
});

export type PackagedStudy = { studyId: number; made: StudyPackageResult };

export type PackagedStudies = {
  v: TestVerdict & { dbPath: string };
  admin: CallContext;
  reader: { id: number; caller: CallContext };
  isic: PackagedStudy;
  ct: PackagedStudy;
  outDir: string;
  /** Makes (another) package of a study for the reader. */
  makePackage: (studyId: number, name: string) => Promise<StudyPackageResult>;
};

export async function packagedStudies(): Promise<PackagedStudies> {
  const v = (await demoVerdict()) as TestVerdict & { dbPath: string };
  const { admin, readers } = await signedIn(v, ['Dr Remote']);
  const reader = readers[0];
  const outDir = tempDir('verdict-packages-');
  const study = async (protocol: ProtocolInput, name: string): Promise<number> => {
    const saved = await call(v, admin, 'protocols.save', { protocol });
    const s = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name });
    await v.studies.prepared(s.id);
    await call(v, admin, 'studies.assign', { studyId: s.id, readerId: reader.id });
    return s.id;
  };
  const makePackage = (studyId: number, name: string) =>
    createStudyPackage(
      { db: v.study.db, explain: v.explain, dataDir: dirname(v.dbPath), appVersion: 'test', now: () => new Date() },
      { studyId, readerId: reader.id, site: ' Hospital B ', out: join(outDir, name) },
    );
  const isicId = await study(ISIC_PACKAGED, 'Skin lesions');
  const ctId = await study(CT_PACKAGED, 'Lung nodules');
  return {
    v,
    admin,
    reader,
    outDir,
    makePackage,
    isic: { studyId: isicId, made: await makePackage(isicId, 'isic.verdict') },
    ct: { studyId: ctId, made: await makePackage(ctId, 'ct.verdict') },
  };
}
