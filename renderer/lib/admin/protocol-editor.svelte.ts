// The protocol being edited: a draft the coordinator changes through these methods, the schema's
// complaints as they type, and main's verdict (protocols.validate / protocols.save) with the field
// it names. Any change makes main's last verdict stale, so it is cleared.
import { targetsFor, type MethodId, type ModelSummary } from '../../../app/explain';
import type { Condition, PhaseId, Protocol, Question } from '../../../app/protocol';
import { PHASES } from '../../../app/protocol';
import type { ProtocolSummary } from '../../../app/study';
import type { TruthCounts } from '../../../app/truth';
import { ApiError, type ApiClient } from '../api-client';
import { CaseNodules } from './case-nodules.svelte';
import { conditionSlug, defaultTarget, freeId, newCondition, protocolFileText, randomSeed, schemaIssues } from './protocol-draft';

export type Verdict = { ok: true; cases: number; trialsPerReader: number } | { ok: false; field: string | null; message: string };

/** Of the protocol's cases, how many have each truth (main's count); null until known or while the cases are not valid. */
export type TruthCountsState = TruthCounts | null;

export class ProtocolEditor {
  draft = $state<Protocol>() as Protocol;
  verdict = $state<Verdict | null>(null);
  saved = $state.raw<ProtocolSummary | null>(null);
  busy = $state(false);
  /** How many of the cases have each truth a question can be scored against (refreshed when the cases change). */
  truthCounts = $state.raw<TruthCountsState>(null);
  #countsAsked = 0;
  /** The schema's complaints, by field. */
  readonly issues = $derived(schemaIssues(this.draft));
  /** Set when the draft started from a protocol a study uses: saving needs a new version. */
  readonly frozenVersion: number | null;
  /** CT cases' nodules, for picking the one each case reads. */
  readonly nodules: CaseNodules;
  readonly #api: ApiClient;
  readonly #models: () => readonly ModelSummary[];

  constructor(api: ApiClient, draft: Protocol, models: () => readonly ModelSummary[], frozenVersion: number | null = null) {
    this.#api = api;
    this.nodules = new CaseNodules(api);
    this.draft = structuredClone(draft);
    this.#models = models;
    this.frozenVersion = frozenVersion;
    void this.refreshTruthCounts();
  }

  /** Asks main how many of the draft's cases have each truth; the latest request wins. */
  async refreshTruthCounts(): Promise<void> {
    const asked = ++this.#countsAsked;
    try {
      const counts = await this.#api.call('protocols.truthCounts', {
        modality: this.draft.modality,
        cases: $state.snapshot(this.draft.cases),
      });
      if (asked === this.#countsAsked) this.truthCounts = counts;
    } catch {
      // The cases are not valid yet (their field says why); no counts until they are.
      if (asked === this.#countsAsked) this.truthCounts = null;
    }
  }

  /** The complaint about one field: main's refusal if it names it, else the schema's. */
  issue(field: string): string | null {
    const v = this.verdict;
    if (v && !v.ok && v.field === field) return v.message;
    return this.issues.get(field) ?? null;
  }

  /** The protocol as it would be saved (a plain object, not the editor's reactive draft). */
  get protocol(): Protocol {
    return $state.snapshot(this.draft) as Protocol;
  }

  async validate(): Promise<boolean> {
    this.busy = true;
    try {
      const r = await this.#api.call('protocols.validate', { protocol: this.protocol });
      this.verdict = { ok: true, ...r };
      return true;
    } catch (e) {
      this.verdict = refusal(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async save(): Promise<ProtocolSummary | null> {
    this.busy = true;
    try {
      this.saved = await this.#api.call('protocols.save', { protocol: this.protocol });
      return this.saved;
    } catch (e) {
      this.verdict = refusal(e);
      return null;
    } finally {
      this.busy = false;
    }
  }

  fileText(): string {
    return protocolFileText(this.protocol);
  }

  // ---- edits ----
  set<K extends keyof Protocol>(key: K, value: Protocol[K]): void {
    this.draft[key] = value;
    this.#changed();
  }

  setCases(cases: Protocol['cases']): void {
    this.set('cases', cases);
    void this.refreshTruthCounts();
  }

  addCondition(): void {
    this.draft.conditions.push(
      newCondition(
        this.#usable(),
        this.draft.conditions.map((c) => c.id),
      ),
    );
    this.#changed();
  }

  /** Changes one condition; a new model or method brings a target it offers, and a fitting id. */
  updateCondition(i: number, patch: Partial<Condition>): void {
    const old = this.draft.conditions[i];
    const next = { ...old, ...patch };
    const model = this.#models().find((m) => m.packId === next.model);
    if (patch.model !== undefined && model && !model.methods.includes(next.method))
      next.method = (model.methods[0] ?? next.method) as MethodId;
    if ((patch.model !== undefined || patch.method !== undefined) && patch.target === undefined) {
      if (!targetsFor(model, next.method).includes(next.target)) next.target = defaultTarget(model, next.method);
    }
    // An id the coordinator never edited follows the method and target.
    if (patch.id === undefined && old.id.replace(/-\d+$/, '') === conditionSlug(old.method, old.target).toLowerCase()) {
      const others = this.draft.conditions.filter((_, j) => j !== i).map((c) => c.id);
      next.id = freeId(conditionSlug(next.method, next.target), others);
    }
    if (next.id !== old.id)
      for (const c of this.draft.comparisons) c.between = c.between.map((x) => (x === old.id ? next.id : x)) as [string, string];
    this.draft.conditions[i] = next;
    this.#changed();
  }

  removeCondition(i: number): void {
    const id = this.draft.conditions[i].id;
    this.draft.conditions.splice(i, 1);
    this.draft.comparisons = this.draft.comparisons.filter((c) => !c.between.includes(id));
    this.#changed();
  }

  addComparison(): void {
    const [a, b] = this.draft.conditions;
    if (a && b) this.draft.comparisons.push({ between: [a.id, b.id] });
    this.#changed();
  }

  setComparison(i: number, slot: 0 | 1, id: string): void {
    this.draft.comparisons[i].between[slot] = id;
    this.#changed();
  }

  removeComparison(i: number): void {
    this.draft.comparisons.splice(i, 1);
    this.#changed();
  }

  /** Phases stay in reading order: unaided → AI → AI + explanation. */
  setPhase(phase: PhaseId, on: boolean): void {
    const set = new Set(this.draft.phases);
    if (on) set.add(phase);
    else set.delete(phase);
    this.draft.phases = PHASES.filter((p) => set.has(p));
    this.#changed();
  }

  addQuestion(q: Question): void {
    this.draft.questions.push(q);
    this.#changed();
  }

  updateQuestion(i: number, q: Question): void {
    this.draft.questions[i] = q;
    this.#changed();
  }

  moveQuestion(i: number, by: -1 | 1): void {
    const j = i + by;
    const qs = this.draft.questions;
    if (j < 0 || j >= qs.length) return;
    [qs[i], qs[j]] = [qs[j], qs[i]];
    this.#changed();
  }

  removeQuestion(i: number): void {
    this.draft.questions.splice(i, 1);
    this.#changed();
  }

  newSeed(): void {
    this.set('order', { seed: randomSeed() });
  }

  #usable(): ModelSummary[] {
    return this.#models().filter((m) => m.modality === this.draft.modality);
  }

  #changed(): void {
    this.verdict = null;
    this.saved = null;
  }
}

/** Main's refusal as the editor shows it: the reason, beside the field it names. */
function refusal(e: unknown): Verdict {
  const field = e instanceof ApiError && typeof e.detail?.field === 'string' ? e.detail.field : null;
  const message = e instanceof Error ? e.message.replace(/^protocol: [^:]+: /, '') : String(e);
  return { ok: false, field, message };
}
