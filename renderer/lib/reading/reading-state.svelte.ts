// A signed-in reader's session: their studies, a study's worklist, and the trial on screen. Moving
// between trials (next, previous, the worklist) first makes sure every answer given is saved;
// answers a closed window left unacknowledged are sent when the study is opened again.
import type { KeyMap, ReadingWorklist } from '../../../app/study';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import { completeKeymap, DEFAULT_KEYMAP } from './keymap';
import { TrialState } from './trial-state.svelte';
import { localStore, sameValue, UnsavedAnswers } from './unsaved-answers';

export type ReaderStudy = { id: number; title: string; done: number; total: number };
export type ReadingScreen = 'studies' | 'worklist' | 'trial';

export class ReadingState {
  readonly readerId: number;
  studies = $state.raw<ReaderStudy[]>([]);
  worklist = $state.raw<ReadingWorklist | null>(null);
  trial = $state.raw<TrialState | null>(null);
  screen = $state<ReadingScreen>('studies');
  keymap = $state.raw<KeyMap>(DEFAULT_KEYMAP);
  helpOpen = $state(false);
  loading = $state(false);
  /** Why the worklist or trial could not be shown or left. */
  notice = $state<string | null>(null);
  /** A move between trials is under way: keys pressed meanwhile neither start another move nor
   * answer the trial being left (its answers are already on their way to the database). */
  #moving = false;

  get moving(): boolean {
    return this.#moving;
  }
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  #unsaved: UnsavedAnswers | null = null;
  /** Time on each trial (and its overlay) from earlier visits in this window. */
  readonly #prior = new Map<number, { onTrialMs: number; overlayMs: number }>();

  constructor(api: ApiClient, errors: ErrorState, readerId: number) {
    this.#api = api;
    this.#errors = errors;
    this.readerId = readerId;
  }

  get studyId(): number | null {
    return this.worklist?.studyId ?? null;
  }

  async start(): Promise<void> {
    this.loading = true;
    try {
      const [studies, keymap] = await Promise.all([this.#api.call('reading.studies', {}), this.#api.call('reading.keymap', {})]);
      this.studies = studies;
      this.keymap = completeKeymap(keymap);
    } catch (e) {
      this.#errors.report('Could not list your studies', e);
    } finally {
      this.loading = false;
    }
  }

  async openStudy(studyId: number): Promise<void> {
    if (!(await this.#leaveTrial())) return;
    this.loading = true;
    this.notice = null;
    try {
      this.#unsaved = new UnsavedAnswers(localStore(), this.readerId, studyId);
      await this.#recover(studyId);
      this.worklist = await this.#api.call('reading.worklist', { studyId });
      this.screen = 'worklist';
    } catch (e) {
      this.#errors.report('Could not open the study', e);
    } finally {
      this.loading = false;
    }
  }

  /** Opens the trial where the reader left off (the first with a required answer missing). */
  async resume(): Promise<void> {
    const w = this.worklist;
    if (w) await this.openTrial(w.resumeAt ?? 0);
  }

  /** Trials up to the resume point can be opened; later ones keep the counterbalanced order. */
  canOpen(position: number): boolean {
    const w = this.worklist;
    return !!w && position >= 0 && position < w.total && (w.resumeAt === null || position <= w.resumeAt);
  }

  async openTrial(position: number): Promise<boolean> {
    const studyId = this.studyId;
    if (studyId === null || this.#moving) return false;
    this.#moving = true;
    try {
      return await this.#open(studyId, position);
    } finally {
      this.#moving = false;
    }
  }

  async #open(studyId: number, position: number): Promise<boolean> {
    if (!(await this.#leaveTrial())) return false;
    this.loading = true;
    try {
      const view = await this.#api.call('reading.trial', { studyId, position });
      this.trial = new TrialState(this.#api, this.#errors, view, {
        journal: this.#unsaved?.journal(view.trial.id, view.trial.position),
        prior: this.#prior.get(view.trial.id),
      });
      this.screen = 'trial';
      this.notice = null;
      return true;
    } catch (e) {
      this.#errors.report(`Could not open trial ${position + 1}`, e);
      if (this.screen === 'trial') this.screen = this.worklist ? 'worklist' : 'studies';
      return false;
    } finally {
      this.loading = false;
    }
  }

  /** Next trial, once every required question is answered and every answer saved; the worklist after the last. */
  async next(): Promise<void> {
    const t = this.trial;
    if (!t || this.loading || this.#moving) return;
    if (t.checkRequired().length) return;
    if (t.position + 1 >= t.view.total) await this.toWorklist();
    else await this.openTrial(t.position + 1);
  }

  async previous(): Promise<void> {
    const t = this.trial;
    if (t && t.position > 0 && !this.loading && !this.#moving) await this.openTrial(t.position - 1);
  }

  async toWorklist(): Promise<void> {
    const studyId = this.studyId;
    if (studyId === null || !(await this.#leaveTrial())) return;
    try {
      this.worklist = await this.#api.call('reading.worklist', { studyId });
      this.screen = 'worklist';
    } catch (e) {
      this.#errors.report('Could not load the worklist', e);
    }
  }

  async toStudies(): Promise<void> {
    if (!(await this.#leaveTrial())) return;
    this.worklist = null;
    this.screen = 'studies';
    await this.start();
  }

  async saveKeymap(keymap: KeyMap): Promise<boolean> {
    try {
      this.keymap = completeKeymap(await this.#api.call('reading.setKeymap', { keymap }));
      return true;
    } catch (e) {
      this.#errors.report('Could not save your keys', e);
      return false;
    }
  }

  /** Whether anything given on the open trial is not yet acknowledged (the window asks before closing). */
  get unsaved(): boolean {
    return this.trial !== null && this.trial.saveState !== 'saved';
  }

  /** Sends what waits now (the window is closing or hidden). */
  flushNow(): void {
    void this.trial?.flush();
  }

  /** Leaves the open trial (for another area, or signing out) once its answers are saved. */
  async leave(): Promise<boolean> {
    if (!(await this.#leaveTrial())) return false;
    if (this.screen === 'trial') this.screen = this.worklist ? 'worklist' : 'studies';
    return true;
  }

  dispose(): void {
    this.trial?.dispose();
  }

  /** Leaves the open trial once its answers are safe; false (and a message) when one is not. */
  async #leaveTrial(): Promise<boolean> {
    const t = this.trial;
    if (!t) return true;
    if (!(await t.flush())) return false;
    this.#prior.set(t.view.trial.id, { onTrialMs: t.clock.onTrial.elapsed(), overlayMs: t.clock.overlay.elapsed() });
    t.dispose();
    this.trial = null;
    return true;
  }

  /** Sends answers an earlier window gave but main never acknowledged (unless main has them already). */
  async #recover(studyId: number): Promise<void> {
    const store = this.#unsaved;
    const left = store?.all() ?? [];
    if (!store || left.length === 0) return;
    let sent = 0;
    for (const position of new Set(left.map((a) => a.position))) {
      const view = await this.#api.call('reading.trial', { studyId, position });
      for (const a of left.filter((x) => x.position === position)) {
        const latest = view.answers.find((x) => x.questionId === a.questionId);
        if (a.trialId === view.trial.id && !(latest && sameValue(latest.value, a.value))) {
          await this.#api.call('reading.answer', {
            studyId,
            trialId: a.trialId,
            questionId: a.questionId,
            value: a.value,
            displayState: a.ctx.displayState,
            timings: a.ctx.timings,
          });
          sent++;
        }
        store.remove(a.trialId, a.questionId);
      }
    }
    if (sent)
      this.#errors.info(`${sent} answer${sent === 1 ? '' : 's'} given before the window closed ${sent === 1 ? 'was' : 'were'} saved now.`);
  }
}
