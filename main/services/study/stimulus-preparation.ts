// A study's stimuli are computed when the study is created, never when a reader opens a trial:
// a reader's request must not start model work (its timing and its progress would tell what is
// being computed), and every reader should see maps that already exist. This computes, in the
// background on the shared inference queue, every map the study's trials can show — each
// condition for each reading unit (a case; for CT, each nodule read), the sanity pack's map for
// each imitated condition and unit — whose model outputs are also the AI phases' predictions.
// Progress goes to the coordinator who asked.
import type { Database } from 'better-sqlite3';
import type { StudyPreparation } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import type { EventBus, Recipient } from '../../event-bus';
import type { Log } from '../../log';
import type { ExplanationService, MapRequest } from '../explain/explain-service';
import { entriesOf, studyContext, type StudyContext } from './study-rows';

export type PreparationDeps = { db: Database; explain: ExplanationService; events: EventBus; log: Log };

type Running = { done: number; total: number; errors: string[]; finished: Promise<void> };

/** The map a condition shows for a case (the sanity pack's when `sanity`). */
export function conditionMap(
  ctx: StudyContext,
  conditionId: string,
  entry: { caseId: number; noduleId: number | null },
  sanity = false,
): MapRequest {
  const c = ctx.protocol.conditions.find((x) => x.id === conditionId);
  if (!c) throw new VerdictError('not-found', `The study has no condition ${conditionId}.`, { conditionId });
  const model = ctx.resolved.models[sanity ? ctx.protocol.sanityChecks!.model : c.model];
  return { modelId: model.modelId, caseId: entry.caseId, noduleId: entry.noduleId, method: c.method, target: c.target, params: c.params };
}

/** Every map a study's trials can show, each once: per condition and reading unit (a CT case's nodules each have their own maps). */
export function studyMaps(ctx: StudyContext, entries: { caseId: number; noduleId: number | null }[]): MapRequest[] {
  // A reader's workspace resolves no models: its trials' maps came in its study package (packaged-trial.ts).
  if (Object.keys(ctx.resolved.models).length === 0) return [];
  const sanity = (ctx.protocol.sanityChecks?.count ?? 0) > 0 ? ctx.resolved.sanityConditions : [];
  const out = new Map<string, MapRequest>();
  for (const e of entries) {
    for (const c of ctx.protocol.conditions) out.set(JSON.stringify(['c', c.id, e.caseId, e.noduleId]), conditionMap(ctx, c.id, e));
    for (const id of sanity) out.set(JSON.stringify(['s', id, e.caseId, e.noduleId]), conditionMap(ctx, id, e, true));
  }
  return [...out.values()];
}

export class StimulusPreparation {
  readonly #d: PreparationDeps;
  readonly #running = new Map<number, Running>();
  /** Studies found complete (cached maps are never removed while the app runs). */
  readonly #ready = new Set<number>();
  readonly #failures = new Map<number, string>();

  constructor(d: PreparationDeps) {
    this.#d = d;
  }

  /** Starts computing the study's missing maps in the background (again: joins the running work). */
  start(studyId: number, to: Recipient): Promise<void> {
    const running = this.#running.get(studyId);
    if (running) return running.finished;
    const ctx = studyContext(this.#d.db, studyId);
    const maps = studyMaps(ctx, entriesOf(this.#d.db, studyId));
    const job: Running = { done: 0, total: maps.length, errors: [], finished: Promise.resolve() };
    this.#running.set(studyId, job);
    this.#failures.delete(studyId);
    job.finished = (async () => {
      for (const req of maps) {
        try {
          await this.#d.explain.map({ ...req, to });
        } catch (e) {
          job.errors.push(e instanceof VerdictError ? e.message : 'internal error (see the log)');
          if (!(e instanceof VerdictError)) this.#d.log.error(`study ${studyId}: a stimulus map failed`, e);
          // A cancel (or closing the study) stops the preparation; another failure skips one map.
          if (e instanceof VerdictError && e.code === 'explain.cancelled') break;
        }
        job.done++;
        if (job.done < job.total) this.#emitProgress(studyId, job, to);
      }
      this.#running.delete(studyId);
      if (job.errors.length) this.#failures.set(studyId, `${job.errors.length} map(s) could not be computed: ${job.errors[0]}`);
      this.#emit(studyId, to);
    })().catch((e) => {
      // Only when the database closed under it (the app or study closing): nobody to tell.
      this.#running.delete(studyId);
      this.#d.log.error(`study ${studyId}: stimulus preparation stopped`, e);
    });
    this.#emit(studyId, to);
    return job.finished;
  }

  /** Resolves once the study's running preparation (if any) has ended. */
  async settled(studyId: number): Promise<void> {
    await this.#running.get(studyId)?.finished;
  }

  state(studyId: number): StudyPreparation {
    const running = this.#running.get(studyId);
    if (running) return { state: 'preparing', done: running.done, total: running.total, error: null };
    const ctx = studyContext(this.#d.db, studyId);
    const maps = studyMaps(ctx, entriesOf(this.#d.db, studyId));
    if (this.#ready.has(studyId)) return { state: 'ready', done: maps.length, total: maps.length, error: null };
    const done = maps.filter((m) => this.#cached(m)).length;
    if (done === maps.length) {
      this.#ready.add(studyId);
      return { state: 'ready', done, total: done, error: null };
    }
    return { state: 'incomplete', done, total: maps.length, error: this.#failures.get(studyId) ?? null };
  }

  #cached(m: MapRequest): boolean {
    try {
      return this.#d.explain.isCached(m);
    } catch {
      return false; // a pack removed since: the map cannot be shown
    }
  }

  /** While it runs: the counts only (no database read per map). */
  #emitProgress(studyId: number, job: Running, to: Recipient): void {
    this.#d.events.emit('study.preparation', { studyId, state: 'preparing', done: job.done, total: job.total, error: null }, to);
  }

  #emit(studyId: number, to: Recipient): void {
    this.#d.events.emit('study.preparation', { studyId, ...this.state(studyId) }, to);
  }
}
