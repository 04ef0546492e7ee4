// One trial as a reader works on it: the answers shown in the panel, whether main has each one,
// the blinded overlay(s) and the viewer they lie on, and the timings. Every answer goes to main
// the moment it is given (free text and numbers after a pause in typing), together with what was
// on screen and how long the reader had been looking; navigation waits until all are saved.
import type { CtSlice } from '../../../app/domain';
import type { Question } from '../../../app/protocol';
import type { AnswerValue, DisplayState, Roi, TrialView } from '../../../app/study';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import type { CtImageRef } from '../ct/ct-image-id';
import { CtViewerController } from '../ct/ct-viewer.svelte';
import { DermoState } from '../dermo/dermo-state.svelte';
import { DermoViewState } from '../dermo/dermo-view.svelte';
import { stimulusOverlay, type OverlayMap } from '../explain/overlay-map';
import { OverlayState } from '../explain/overlay-state.svelte';
import { colormapOf, defaultStyleFor } from '../explain/overlay-style';
import { AnswerQueue, mayRecover, type AnswerJournal, type SaveStatus } from './answer-queue';
import { digitTarget, digitValue, isAnswered, missingMessage, missingRequired } from './questions';
import type { RoiShape } from './roi';
import { TrialClock } from './stopwatch';
import { SeenExplanations } from './seen-explanations.svelte';

/** Free text and numbers are sent after this pause in typing (and at once on leaving the field). */
export const TYPING_PAUSE_MS = 1000;

/** Said on a locked trial (TrialView.locked): main refuses any answer there too (answer.locked). */
export const LOCKED_MESSAGE = 'Locked: you have seen the AI for this case, so these answers can no longer be changed.';

export type TrialOptions = {
  journal?: AnswerJournal;
  /** Time on this trial (and with its overlay on screen) from earlier visits in this window. */
  prior?: { onTrialMs?: number; overlayMs?: number };
};

export class TrialState {
  readonly view: TrialView;
  readonly questions: readonly Question[];
  /** Blinded overlays: a comparison's two are "A" and "B" by position, whatever their labels. */
  readonly maps: readonly OverlayMap[];
  readonly overlay = new OverlayState();
  readonly clock: TrialClock;
  /** When the trial appeared (the CT viewer's first-slice clock starts here). */
  readonly openedAt = performance.now();
  readonly ct: CtViewerController | null = null;
  readonly dermo: DermoState | null = null;
  readonly dermoView: DermoViewState | null = null;
  /** The last phase's case trial: the explanations seen for this case, flipped through on the image. */
  readonly seen: SeenExplanations;
  values = $state<Record<string, AnswerValue | undefined>>({});
  statuses = $state<Record<string, SaveStatus>>({});
  saveErrors = $state<Record<string, string | null>>({});
  /** Why the reader cannot move on (a required answer missing, an answer not yet saved). */
  message = $state<string | null>(null);
  /** Required questions found unanswered when the reader tried to move on (highlighted until answered). */
  missing = $state<string[]>([]);
  /** The question whose control has focus: digit keys answer it. */
  focused = $state<string | null>(null);
  /** The ROI question being drawn, if any. */
  drawing = $state<{ questionId: string; shape: RoiShape } | null>(null);
  readonly #api: ApiClient;
  readonly #queue: AnswerQueue;
  readonly #onVisibility = () => this.clock.visible(!document.hidden, this.#overlayOnScreen);
  #overlayOnScreen = false;

  constructor(api: ApiClient, errors: ErrorState, view: TrialView, options: TrialOptions = {}) {
    this.#api = api;
    this.view = view;
    this.questions = view.questions;
    const comparison = view.stimuli.length > 1;
    this.seen = new SeenExplanations(view.seen ?? []);
    this.maps = view.stimuli.map((s, i) => stimulusOverlay(comparison ? { ...s, label: i === 0 ? 'A' : 'B' } : s));
    this.clock = new TrialClock(undefined, options.prior);
    for (const a of view.answers) this.values[a.questionId] = a.value;
    const series = view.case.series[0];
    if (series) {
      const fetchSlice = (ref: CtImageRef): Promise<CtSlice> =>
        this.#api.call('imaging.slice', { seriesId: ref.seriesId, index: ref.index });
      this.ct = new CtViewerController({ series, fetchSlice });
      this.overlay.applyStyle(defaultStyleFor('CT'));
    } else if (view.case.images[0]) {
      // A reader never sees the truth: no masks, whatever the image info lists.
      this.dermo = new DermoState(api, errors, { ...view.case.images[0], masks: [] });
      this.dermoView = new DermoViewState();
      void this.dermo.load();
    }
    this.#queue = new AnswerQueue({
      send: (questionId, value, ctx) =>
        this.#api.call('reading.answer', {
          studyId: view.studyId,
          trialId: view.trial.id,
          questionId,
          value,
          displayState: ctx.displayState,
          timings: ctx.timings,
        }),
      onStatus: (id, status, error) => {
        this.statuses[id] = status;
        this.saveErrors[id] = error;
      },
      journal: options.journal,
      // Refused values stay refused; a lost connection, a busy main or a full disk may recover.
      transient: mayRecover,
    });
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  get position(): number {
    return this.view.trial.position;
  }

  /** The CT slice to open on: the nodule's largest, centred on it. */
  get focus() {
    const n = this.view.case.nodule;
    return n ? { sliceIndex: n.largestSliceIndex, x: n.centroid.x, y: n.centroid.y } : null;
  }

  /** saved | saving | failed, over all of this trial's answers. */
  get saveState(): 'saved' | 'saving' | 'failed' {
    const all = Object.values(this.statuses);
    if (all.includes('failed')) return 'failed';
    return all.some((s) => s === 'saving' || s === 'pending') ? 'saving' : 'saved';
  }

  /** The reader gave an answer: shown at once, sent now or after a pause in typing. */
  answer(questionId: string, value: AnswerValue, delayMs = 0): void {
    if (this.view.locked) {
      this.message = LOCKED_MESSAGE;
      return;
    }
    this.clock.input();
    this.values[questionId] = value;
    this.message = null;
    this.missing = this.missing.filter((id) => id !== questionId || !this.answered(this.questions.find((q) => q.id === id)!));
    this.#queue.put(questionId, value, { displayState: this.displayState(), timings: this.#timings() }, delayMs);
  }

  /** An ROI was drawn for the question being drawn. */
  drawn(roi: Roi): void {
    const d = this.drawing;
    if (!d || roi.shape !== d.shape) return;
    this.drawing = null;
    this.answer(d.questionId, roi);
  }

  startDrawing(questionId: string): void {
    const q = this.questions.find((x) => x.id === questionId);
    this.drawing = q?.type === 'roi' ? { questionId, shape: q.shape } : null;
  }

  stopDrawing(): void {
    this.drawing = null;
  }

  /** Digit key n: answers the focused question, else the first unanswered one that takes digits. */
  digit(n: number): boolean {
    if (this.view.locked) {
      this.message = LOCKED_MESSAGE;
      return true;
    }
    const q = digitTarget(this.questions, this.values, this.focused);
    const v = q ? digitValue(q, n) : undefined;
    if (!q || v === undefined) return false;
    this.answer(q.id, v);
    return true;
  }

  /** Required questions still unanswered; sets the message naming them. */
  checkRequired(): Question[] {
    // A locked trial cannot be completed any more: nothing holds the reader there.
    if (this.view.locked) return [];
    const missing = missingRequired(this.questions, this.values);
    this.message = missing.length ? missingMessage(missing) : null;
    this.missing = missing.map((q) => q.id);
    return missing;
  }

  answered(q: Question): boolean {
    return isAnswered(q, this.values[q.id]);
  }

  /** Sends whatever waits; true once main has every answer of this trial. */
  async flush(): Promise<boolean> {
    const ok = await this.#queue.flush();
    if (!ok) {
      const id = this.#queue.unsaved[0];
      const q = this.questions.find((x) => x.id === id);
      this.message = `Your answer to “${q?.prompt ?? id}” is not saved yet (${this.saveErrors[id ?? ''] ?? 'no reply'}). It is kept and retried; move on once it is saved.`;
    }
    return ok;
  }

  /** The overlay is (or is no longer) drawn on the image: its visible time runs meanwhile. */
  overlayOnScreen(on: boolean): void {
    this.#overlayOnScreen = on;
    this.clock.overlay.run(on && !document.hidden);
  }

  /** What the reader sees now, sent with each answer. */
  displayState(): DisplayState {
    const d: DisplayState = {};
    if (this.ct) {
      d.window = { center: Math.round(this.ct.window.center), width: Math.round(this.ct.window.width) };
      d.sliceIndex = this.ct.index;
      d.zoom = round(this.ct.zoom);
      const pan = this.ct.pan;
      if (pan) d.pan = pan;
    } else if (this.dermoView) {
      d.zoom = round(this.dermoView.zoom);
      d.pan = [round(this.dermoView.view.tx), round(this.dermoView.view.ty)];
    }
    if (this.maps.length) {
      const s = this.overlay.style;
      d.opacity = s.opacity;
      d.threshold = s.threshold;
      d.colormap = colormapOf(s, this.maps[0].scale.signed).id;
      d.overlayVisibleMs = this.clock.overlay.elapsed();
      d.shown = this.#shown();
    }
    return d;
  }

  dispose(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#queue.dispose();
    this.overlay.dispose();
    this.clock.visible(false, false);
  }

  #timings() {
    return { timeToFirstInputMs: this.clock.timeToFirstInputMs, timeOnTrialMs: this.clock.onTrial.elapsed() };
  }

  #shown(): string {
    if (!this.overlay.visible) return 'none';
    if (this.maps.length < 2) return String(this.maps[0]?.tags.label ?? '');
    if (this.overlay.compare === 'swipe') return 'swipe';
    if (this.overlay.compare === 'flicker' && !this.overlay.holdingB) return 'flicker';
    return this.overlay.showingB ? 'B' : 'A';
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;
