// The protocol editor's view of CT cases' nodules: numbered as protocols name them ("Nodule n",
// in the case's order), with how many LIDC readers marked each, their median malignancy and
// size, and which one the case reads when the protocol picks none. Loaded once per case.
import type { CaseDetail } from '../../../app/domain';
import { AGREED_READERS, defaultNodule } from '../../../app/nodule-choice';
import type { ApiClient } from '../api-client';

export type NoduleChoice = { number: number; readerCount: number; medianMalignancy: number | null; diameterMm: number | null };

export { AGREED_READERS };

/** A case's nodules in protocol numbering (the order the case lists them). */
export const noduleChoices = (c: Pick<CaseDetail, 'nodules'>): NoduleChoice[] =>
  c.nodules.map((n, i) => ({ number: i + 1, readerCount: n.readerCount, medianMalignancy: n.medianMalignancy, diameterMm: n.diameterMm }));

/** The nodule number read when the protocol names none (null: the case has none to read). */
export const defaultNumber = (nodules: readonly NoduleChoice[]): number | null => defaultNodule(nodules)?.number ?? null;

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
