// The protocol editor's view of CT cases' nodules: numbered as protocols name them ("Nodule n",
// in the case's order), with how many LIDC readers marked each, their median malignancy and
// size, and which ones the case reads when the protocol picks none. Loaded once per case.
import type { CaseDetail } from '../../../app/domain';
import { AGREED_READERS, defaultNodules, pickedNumbers } from '../../../app/nodule-choice';
import type { ApiClient } from '../api-client';

export type NoduleChoice = { number: number; readerCount: number; medianMalignancy: number | null; diameterMm: number | null };

export { AGREED_READERS };

/** A case's nodules in protocol numbering (the order the case lists them). */
export const noduleChoices = (c: Pick<CaseDetail, 'nodules'>): NoduleChoice[] =>
  c.nodules.map((n, i) => ({ number: i + 1, readerCount: n.readerCount, medianMalignancy: n.medianMalignancy, diameterMm: n.diameterMm }));

/** The nodule numbers read when the protocol names none (every one ≥3 readers marked, else the most-marked; empty: none to read). */
export const defaultNumbers = (nodules: readonly NoduleChoice[]): number[] => defaultNodules(nodules).map((n) => n.number);

/** The numbers a case reads: the protocol's pick (one number or a list), else the defaults. */
export const readNumbers = (pick: number | readonly number[] | undefined, nodules: readonly NoduleChoice[]): number[] =>
  pick === undefined ? defaultNumbers(nodules) : pickedNumbers(pick);

/**
 * The pick after ticking or unticking one nodule, in the case's order; undefined when it is the
 * defaults again (the protocol then names none, and reads the defaults). A case keeps one nodule
 * at least: unticking the last is no change.
 */
export function toggledPick(read: readonly number[], n: number, on: boolean, nodules: readonly NoduleChoice[]): number[] | undefined {
  const next = nodules.map((x) => x.number).filter((x) => (x === n ? on : read.includes(x)));
  if (next.length === 0) return [...read];
  const defaults = defaultNumbers(nodules);
  return next.length === defaults.length && next.every((x, i) => x === defaults[i]) ? undefined : next;
}

export class CaseNodules {
  byCase = $state<Record<number, NoduleChoice[] | 'loading' | 'failed'>>({});
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(caseId: number): Promise<void> {
    if (this.byCase[caseId] !== undefined) return;
    this.byCase[caseId] = 'loading';
    try {
      this.byCase[caseId] = noduleChoices(await this.#api.call('cases.get', { caseId }));
    } catch {
      this.byCase[caseId] = 'failed';
    }
  }
}
