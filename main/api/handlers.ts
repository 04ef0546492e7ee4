// One-line adapters from API endpoints to services. Arguments arrive already validated.
import { basename } from 'node:path';
import type { Handlers, HostKind } from '../../app/api';
import type { StudyDb } from '../services/db/open-db';
import type { CaseService } from '../services/cases/case-service';
import type { ImagingService } from '../services/imaging/imaging-service';
import type { ImportService } from '../services/import/import-service';
import type { ModelService } from '../services/models/model-service';
import type { ExplanationService } from '../services/explain/explain-service';
import type { ReaderService } from '../services/access/reader-service';
import type { ProtocolService } from '../services/study/protocol-service';
import type { StudyService } from '../services/study/study-service';
import type { ReadingService } from '../services/study/reading-service';
import type { ExportService } from '../services/export/export-service';
import type { MetricsService } from '../services/explain/metrics/metrics-service';
import type { ResultsService } from '../services/results/results-service';
import type { PackageService } from '../services/packages/package-service';
import { signedInReader as me } from '../services/access/caller';
import { requester } from '../event-bus';
import { readableImage, readableSeries } from '../services/access/reader-scope';
import { APP_VERSION } from '../version';
import { addOnnxClassifier } from '../services/models/onnx-pack-add';

/** The services of one study database (createVerdict makes them; the handlers call them). */
export type Services = {
  study: StudyDb;
  cases: CaseService;
  imaging: ImagingService;
  imports: ImportService;
  models: ModelService;
  explain: ExplanationService;
  readers: ReaderService;
  protocols: ProtocolService;
  studies: StudyService;
  reading: ReadingService;
  exports: ExportService;
  metrics: MetricsService;
  results: ResultsService;
  packages: PackageService;
};

export type HandlerDeps = Services & {
  host: HostKind;
  pickFolder?: (title?: string) => Promise<string | null>;
  pickFile?: (a: { title?: string; save?: boolean; defaultName?: string }) => Promise<string | null>;
  openWorkspace?: (dbPath: string) => Promise<void>;
};

export const buildHandlers = (d: HandlerDeps): Handlers => ({
  'app.info': () => ({
    version: APP_VERSION,
    host: d.host,
    studyName: basename(d.study.path),
    schemaVersion: d.study.schemaVersion,
    caseCount: d.cases.count(),
  }),
  'host.pickFolder': async (a) => ({ path: d.pickFolder ? await d.pickFolder(a.title) : null }),
  'host.pickFile': async (a) => ({ path: d.pickFile ? await d.pickFile(a) : null }),
  'cases.list': () => d.cases.list(),
  'cases.get': (a) => d.cases.get(a.caseId),
  'imaging.slice': (a, c) => d.imaging.ctSlice(readableSeries(d.study.db, c, a.seriesId), a.index),
  'imaging.dermoImage': (a, c) => d.imaging.dermoImage(readableImage(d.study.db, c, a.imageId)),
  'imaging.mask': (a) => d.imaging.mask(a.maskId),
  'import.start': (a, c) => ({ jobId: d.imports.start(a.path, requester(c)) }),
  'import.cancel': (a) => ({ cancelled: d.imports.cancel(a.jobId) }),
  'import.jobs': () => d.imports.jobs(),
  'models.list': () => d.models.list(),
  'models.add': (a) => d.models.add(a.path),
  'models.catalogue': () => d.models.catalogue(),
  'models.retire': (a) => d.models.retire(a.modelId),
  'models.restore': (a) => d.models.restore(a.modelId),
  'models.addOnnx': (a) => addOnnxClassifier(d.models, a),
  'explain.predict': (a, c) => d.explain.predict({ ...a, to: requester(c) }),
  'explain.map': (a, c) => d.explain.map({ ...a, to: requester(c) }),
  'explain.attributes': (a, c) => d.explain.attributes({ ...a, to: requester(c) }),
  'explain.prototypes': (a, c) => d.explain.prototypeSheet({ ...a, to: requester(c) }),
  'explain.cancel': (a) => d.explain.cancel(a.jobId),
  'explain.metrics': (a, c) => d.metrics.compute({ ...a, to: requester(c) }),
  'concepts.list': (a) => d.explain.listConcepts(a.modelId),
  'concepts.create': (a, c) => d.explain.createConcept({ ...a, to: requester(c) }),
  'session.readers': () => d.readers.signInList(),
  'session.signIn': (a, c) => d.readers.signIn(c, a.readerId, a.passphrase),
  'session.signOut': (_a, c) => d.readers.signOut(c),
  'session.current': (_a, c) => d.readers.current(c),
  'readers.list': () => d.readers.list(),
  'readers.create': (a) => d.readers.create(a),
  'protocols.questionBank': () => d.protocols.questionBank(),
  'protocols.validate': (a) => d.protocols.validate(a.protocol),
  'protocols.truthCounts': (a) => d.protocols.truthCounts(a.modality, a.cases),
  'protocols.save': (a) => d.protocols.save(a.protocol),
  'protocols.list': () => d.protocols.list(),
  'studies.create': (a, c) => d.studies.create(a.protocolRowId, a.name, requester(c)),
  'studies.prepare': (a, c) => d.studies.prepare(a.studyId, requester(c)),
  'studies.list': () => d.studies.list(),
  'studies.assign': (a) => d.studies.assign(a.studyId, a.readerId),
  'studies.integrity': () => d.studies.integrity(),
  'studies.answers': (a) => d.studies.answers(a.studyId),
  'studies.results': (a) => d.results.of(a.studyId),
  'studies.export': (a) => d.exports.build(a.studyId, a.format, a.question),
  'reading.studies': (_a, c) => d.reading.studies(me(c)),
  'reading.worklist': (a, c) => d.reading.worklist(me(c), a.studyId),
  'reading.trial': (a, c) => d.reading.trial(me(c), a.studyId, a.position),
  'reading.answer': (a, c) => d.reading.answer(me(c), a),
  'reading.keymap': (_a, c) => d.reading.keymap(me(c)),
  'reading.setKeymap': (a, c) => d.reading.setKeymap(me(c), a.keymap),
  'packages.create': (a) => d.packages.create(a),
  'packages.list': (a) => d.packages.list(a.studyId),
  'packages.import': (a) => d.packages.import(a),
  'packages.open': async (a) => {
    const { dbPath, ...opened } = await d.packages.open(a);
    // The host serves the workspace from now on; the caller's connection is closed after this reply.
    if (d.openWorkspace) await d.openWorkspace(dbPath);
    return { ...opened, switched: d.openWorkspace !== undefined };
  },
  'packages.workspace': () => d.packages.workspace(),
  'packages.writeAnswers': (a, c) => d.packages.writeAnswers({ out: a.out, readerId: me(c) }),
});
