import { z } from 'zod';
import { endpoint } from './endpoint';
import { noArgs, rowId } from './ids';
import type {
  AnswerId,
  AnswerListing,
  IntegrityReport,
  KeyMap,
  ProtocolSummary,
  ReaderProfile,
  ReadingWorklist,
  RoiScores,
  StudySummary,
  TrialView,
} from '../study';
import type { Question } from '../protocol';
import type { TruthCounts } from '../truth';
import { EXPORT_FORMATS, type ExportedFile, type StudyResults } from '../results';

const passphrase = z.string().min(8, 'use at least 8 characters').max(200);
const finite = z.number().finite();

const roi = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('click'), x: finite, y: finite, sliceIndex: z.number().int().min(0).optional() }).strict(),
  z
    .object({ shape: z.literal('box'), x0: finite, y0: finite, x1: finite, y1: finite, sliceIndex: z.number().int().min(0).optional() })
    .strict(),
  z
    .object({ shape: z.literal('freehand'), points: z.array(finite).min(6).max(20_000), sliceIndex: z.number().int().min(0).optional() })
    .strict(),
]);

const displayState = z
  .object({
    window: z.object({ center: finite, width: finite }).strict().optional(),
    sliceIndex: z.number().int().min(0).optional(),
    zoom: finite.optional(),
    pan: z.tuple([finite, finite]).optional(),
    opacity: z.number().min(0).max(1).optional(),
    colormap: z.string().max(50).optional(),
    threshold: z.number().min(0).max(1).optional(),
    overlayVisibleMs: z.number().min(0).optional(),
    shown: z.string().max(10).optional(),
  })
  .strict();

const keyMap = z.record(z.string(), z.string().min(1).max(30));

export const studyEndpoints = {
  // ---- signing in (anyone) ----
  /** Names and roles for the sign-in screen. */
  'session.readers': endpoint<Pick<ReaderProfile, 'id' | 'name' | 'role'>[]>('anyone')(noArgs),
  'session.signIn': endpoint<ReaderProfile>('anyone')(z.object({ readerId: rowId, passphrase: z.string().max(200) }).strict()),
  'session.signOut': endpoint<{ signedOut: boolean }>('anyone')(noArgs),
  'session.current': endpoint<ReaderProfile | null>('anyone')(noArgs),

  // ---- the coordinator (staff) ----
  'readers.list': endpoint<ReaderProfile[]>()(noArgs),
  'readers.create': endpoint<ReaderProfile>()(
    z
      .object({
        name: z.string().trim().min(1).max(100),
        role: z.enum(['reader', 'admin']),
        specialty: z.string().trim().max(100).nullable().optional(),
        yearsExperience: z.number().int().min(0).max(80).nullable().optional(),
        passphrase,
      })
      .strict(),
  ),
  'protocols.questionBank': endpoint<Question[]>()(noArgs),
  /** Checks a protocol against the schema and the study database (cases, models, targets) without saving it. */
  'protocols.validate': endpoint<{ cases: number; trialsPerReader: number }>()(z.object({ protocol: z.unknown() }).strict()),
  /** Saves a protocol; a frozen one (used by a study) is never changed: its next version is a new protocol. */
  'protocols.save': endpoint<ProtocolSummary>()(z.object({ protocol: z.unknown() }).strict()),
  'protocols.list': endpoint<ProtocolSummary[]>()(noArgs),
  /** How many of the cases a protocol's `cases` picks have each truth a question can be scored against (keys: app/truth.ts truthKey). */
  'protocols.truthCounts': endpoint<TruthCounts>()(z.object({ modality: z.enum(['CT', 'dermoscopy']), cases: z.unknown() }).strict()),
  'studies.create': endpoint<StudySummary>()(z.object({ protocolRowId: rowId, name: z.string().trim().min(1).max(200) }).strict()),
  /** Computes the study's missing stimuli again in the background (after a failure or a restart). */
  'studies.prepare': endpoint<StudySummary>()(z.object({ studyId: rowId }).strict()),
  'studies.list': endpoint<StudySummary[]>()(noArgs),
  /** Gives a reader the study: their counterbalanced, seeded order and blinded labels are fixed now. */
  'studies.assign': endpoint<StudySummary>()(z.object({ studyId: rowId, readerId: rowId }).strict()),
  'studies.integrity': endpoint<IntegrityReport>()(noArgs),
  /** Every answer's latest version with its trial's condition and flags, and ROI scores: unblinded, coordinator only. */
  'studies.answers': endpoint<AnswerListing[]>()(z.object({ studyId: rowId }).strict()),
  /** The results dashboard: ratings with confidence intervals, agreement, accuracy, timings. */
  'studies.results': endpoint<StudyResults>()(z.object({ studyId: rowId }).strict()),
  /** One export file's content (the renderer saves it); `question` picks the question of the MRMC, kappa and ICC files. */
  'studies.export': endpoint<ExportedFile>()(
    z.object({ studyId: rowId, format: z.enum(EXPORT_FORMATS), question: z.string().min(1).max(64).optional() }).strict(),
  ),

  // ---- reading (a signed-in reader) ----
  'reading.studies': endpoint<{ id: number; title: string; done: number; total: number }[]>('reader')(noArgs),
  'reading.worklist': endpoint<ReadingWorklist>('reader')(z.object({ studyId: rowId }).strict()),
  'reading.trial': endpoint<TrialView>('reader')(z.object({ studyId: rowId, position: z.number().int().min(0) }).strict()),
  /** Commits one answer in its own transaction before replying; an edit appends a new version. */
  'reading.answer': endpoint<{ answerId: AnswerId; version: number; scores: RoiScores | null }>('reader')(
    z
      .object({
        studyId: rowId,
        trialId: rowId,
        questionId: z.string().min(1).max(64),
        value: z.union([finite, z.string().max(10_000), z.boolean(), z.array(z.string().max(64)).max(50), roi, z.null()]),
        displayState,
        timings: z.object({ timeToFirstInputMs: z.number().min(0).nullable(), timeOnTrialMs: z.number().min(0) }).strict(),
      })
      .strict(),
  ),
  'reading.keymap': endpoint<KeyMap>('reader')(noArgs),
  'reading.setKeymap': endpoint<KeyMap>('reader')(z.object({ keymap: keyMap }).strict()),
};
