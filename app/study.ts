// Reader studies as main and renderer both see them. What a reader receives (TrialView) never
// names the model, method or target of what they are shown, nor another reader's answers, nor
// the ground truth; only the coordinator's (staff) views do.
import type { CaseId, CaseModality, DermoImageInfo, NoduleId, SeriesInfo } from './domain';
import type { MapPlacement, PredictedOutput } from './explain';
import type { PhaseId, Protocol, Question } from './protocol';

export type ReaderId = number;
export type StudyId = number;
export type ProtocolRowId = number;
export type TrialId = number;
export type AnswerId = number;
export type Role = 'reader' | 'admin';

export type ReaderProfile = {
  id: ReaderId;
  name: string;
  role: Role;
  specialty: string | null;
  yearsExperience: number | null;
  createdAt: string;
};

export type ProtocolSummary = {
  rowId: ProtocolRowId;
  id: string;
  version: number;
  title: string;
  modality: CaseModality;
  sha256: string;
  /** A protocol a started study uses can no longer change: saving it again makes a new version. */
  frozen: boolean;
  createdAt: string;
  protocol: Protocol;
};

export type StudyStatus = 'open' | 'closed';

export type ReaderProgress = {
  readerId: ReaderId;
  name: string;
  /** Where the reader reads (set when a study package is made for them); null: at this workstation. */
  site: string | null;
  done: number;
  total: number;
  timeSpentMs: number;
  seed: number;
};

export type StudySummary = {
  id: StudyId;
  name: string;
  protocol: { rowId: ProtocolRowId; id: string; version: number; title: string };
  status: StudyStatus;
  createdAt: string;
  cases: number;
  readers: ReaderProgress[];
  answers: number;
  /** Whether every map and prediction its trials show is computed (readers never cause computation). */
  preparation: StudyPreparation;
};

/**
 * A study's stimuli are computed when it is created, in the background: "preparing" while that
 * runs, "ready" when every map is in the cache, "incomplete" when a map failed or the work was
 * stopped (the coordinator can prepare again; readers' trials that need a missing map say so).
 */
export type StudyPreparation = { state: 'preparing' | 'ready' | 'incomplete'; done: number; total: number; error: string | null };

/** A key binding a reader can remap: action → key (KeyboardEvent.key). */
export type KeyAction =
  | 'answer-1'
  | 'answer-2'
  | 'answer-3'
  | 'answer-4'
  | 'answer-5'
  | 'answer-6'
  | 'answer-7'
  | 'answer-8'
  | 'answer-9'
  | 'next'
  | 'previous'
  | 'overlay-toggle'
  | 'opacity-up'
  | 'opacity-down'
  | 'help';
export type KeyMap = Record<KeyAction, string>;
export const KEY_ACTIONS: readonly KeyAction[] = [
  'answer-1',
  'answer-2',
  'answer-3',
  'answer-4',
  'answer-5',
  'answer-6',
  'answer-7',
  'answer-8',
  'answer-9',
  'next',
  'previous',
  'overlay-toggle',
  'opacity-up',
  'opacity-down',
  'help',
];
/** Every reader starts with this map; remapping replaces single entries. */
export const DEFAULT_KEYMAP: KeyMap = {
  'answer-1': '1',
  'answer-2': '2',
  'answer-3': '3',
  'answer-4': '4',
  'answer-5': '5',
  'answer-6': '6',
  'answer-7': '7',
  'answer-8': '8',
  'answer-9': '9',
  next: 'ArrowRight',
  previous: 'ArrowLeft',
  'overlay-toggle': 'h',
  'opacity-up': ']',
  'opacity-down': '[',
  help: '?',
};

/** One step of a reader's session, as the worklist lists it. */
export type TrialSummary = {
  id: TrialId;
  position: number;
  caseLabel: string;
  phase: PhaseId;
  kind: 'case' | 'stimulus' | 'comparison';
  done: boolean;
};

export type ReadingWorklist = {
  studyId: StudyId;
  title: string;
  trials: TrialSummary[];
  done: number;
  total: number;
  timeSpentMs: number;
  /** Where to resume: the first trial with a required question unanswered. */
  resumeAt: number | null;
};

/**
 * One explanation as a reader sees it: a blinded label, never its method or model. How it is
 * drawn is main's decision from the protocol (`display.colourScale`), so nothing in it marks a
 * method (the old `signed` flag marked the attention map).
 */
export type BlindedStimulus = {
  label: string;
  display: StimulusDisplay;
  grid: { rows: number; cols: number };
  /** Float32 rows × cols. */
  values: ArrayBuffer;
  range: { min: number; max: number };
  placement: MapPlacement;
  /** What a self-explaining model adds to its map: the axis and value it read, or the training patches a prototype stands for. */
  detail?: StimulusDetail;
  /** What the map explains, in the reader's words ("Evidence for: spiculation"); absent when the protocol hides targets. Never names the method or model. */
  explains?: string;
};

/** The colour map (the reader's diverging one, centred on 0, or sequential one), the values the bar spans and its words. */
export type StimulusDisplay = { colormap: 'diverging' | 'sequential'; lo: number; hi: number; ends: [string, string] };

/**
 * An attribute map comes with the axis and the value the model read on it; a prototype map with
 * the training patches the prototype is closest to ("this looks like that"). Neither names the
 * method or the model.
 */
export type StimulusDetail =
  | { kind: 'attribute'; axis: string; value: string; probability: number }
  | { kind: 'prototype'; exemplars: { png: ArrayBuffer; similarity: number }[] };

/** What the reader's case view needs: images, and for CT the nodule to read — no truth, no other readers' marks. */
export type ReaderCase = {
  caseId: CaseId;
  label: string;
  modality: CaseModality;
  series: SeriesInfo[];
  images: DermoImageInfo[];
  nodule: {
    id: NoduleId;
    centroid: { x: number; y: number; sliceIndex: number };
    largestSliceIndex: number;
    /** Where the marker goes: the box (image pixels) and slice range the readers' outlines span — its place and size, never its outline. */
    extent: { x0: number; y0: number; x1: number; y1: number; firstSlice: number; lastSlice: number } | null;
  } | null;
};

export type DisplayState = {
  window?: { center: number; width: number };
  sliceIndex?: number;
  zoom?: number;
  pan?: [number, number];
  opacity?: number;
  colormap?: string;
  threshold?: number;
  /** How long the overlay was visible on this trial, ms. */
  overlayVisibleMs?: number;
  /** Which blinded stimulus was on screen (comparison trials). */
  shown?: string;
};

export type Timings = { timeToFirstInputMs: number | null; timeOnTrialMs: number };

export type Roi =
  | { shape: 'click'; x: number; y: number; sliceIndex?: number }
  | { shape: 'box'; x0: number; y0: number; x1: number; y1: number; sliceIndex?: number }
  | { shape: 'freehand'; points: number[]; sliceIndex?: number };

export type AnswerValue = number | string | boolean | string[] | Roi | null;

/**
 * pointingHit: the mark's point (a click; a box's centre; a freehand outline's centroid) lies in
 * the region. iou: the marked area against the region (null for a click, which has no area).
 */
export type RoiScores = {
  /** Against the explanation's top region (patches ≥ half the largest positive value), on the map's slice. */
  heatmap: { pointingHit: boolean; iou: number | null } | null;
  /** Against the truth: LIDC readers' contours (union on that slice) or the ISIC lesion segmentation. */
  truth: { pointingHit: boolean; iou: number | null; against: string } | null;
};

export type Answer = {
  id: AnswerId;
  trialId: TrialId;
  questionId: string;
  questionVersion: number;
  value: AnswerValue;
  /** 1 for the first answer; an edit appends version n+1 and supersedes the previous. */
  version: number;
  scores: RoiScores | null;
  createdAt: string;
};

export type TrialView = {
  studyId: StudyId;
  trial: TrialSummary;
  total: number;
  case: ReaderCase;
  /** AI phases: the model's outputs (no model name). */
  prediction: PredictedOutput[] | null;
  /** The explanation(s) to show: one for a stimulus trial, two (A, B) for a comparison, none otherwise. */
  stimuli: BlindedStimulus[];
  questions: Question[];
  /** This reader's latest answer to each question of this trial. */
  answers: Answer[];
  /**
   * The protocol locks earlier phases and this reader has opened a later phase of this case
   * (seen its AI output or explanation): the answers here can no longer be given or changed.
   */
  locked: boolean;
  /** The last phase's case trial: the explanations this reader was shown for this case, as they were labelled and captioned. */
  seen?: BlindedStimulus[];
};

export type IntegrityReport = { ok: boolean; checked: number; firstBreak: { eventId: number; reason: string } | null };

/** The coordinator's view of one answer (its latest version), unblinded: one row per reader × trial × question. */
export type AnswerListing = {
  answerId: AnswerId;
  reader: string;
  readerId: ReaderId;
  position: number;
  case: string;
  phase: string;
  kind: string;
  condition: string | null;
  conditionB: string | null;
  sanity: boolean;
  repeatOf: number | null;
  questionId: string;
  version: number;
  value: AnswerValue;
  scores: RoiScores | null;
  timeOnTrialMs: number;
  createdAt: string;
};
