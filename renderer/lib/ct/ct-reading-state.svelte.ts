// What a reader of a CT case works with besides the pixels: the nodules the LIDC readers marked,
// which nodule is selected, which readers' contours are shown, and where slices come from.
import { SvelteSet } from 'svelte/reactivity';
import type { CaseDetail, CtSlice, Nodule, SeriesInfo } from '../../../app/domain';
import type { ApiClient } from '../api-client';
import type { CtImageRef } from './ct-image-id';
import { readersOf } from './lidc-readers';

export class CtReadingState {
  readonly detail: CaseDetail;
  readonly series: SeriesInfo;
  readonly readers: readonly number[];
  selectedNoduleId = $state<number | null>(null);
  readonly hiddenReaders = new SvelteSet<number>();
  readonly #api: ApiClient;

  constructor(api: ApiClient, detail: CaseDetail, series: SeriesInfo) {
    this.#api = api;
    this.detail = detail;
    this.series = series;
    this.readers = readersOf(detail.nodules, detail.pointMarks, detail.readerCount);
  }

  get selectedNodule(): Nodule | null {
    return this.detail.nodules.find((n) => n.id === this.selectedNoduleId) ?? null;
  }

  /** The slice source for the Cornerstone loader (pixels only ever come from main). */
  fetchSlice = (ref: CtImageRef): Promise<CtSlice> => this.#api.call('imaging.slice', { seriesId: ref.seriesId, index: ref.index });

  select(noduleId: number | null): void {
    this.selectedNoduleId = noduleId;
  }

  toggleReader(reader: number): void {
    if (this.hiddenReaders.has(reader)) this.hiddenReaders.delete(reader);
    else this.hiddenReaders.add(reader);
  }

  isShown(reader: number): boolean {
    return !this.hiddenReaders.has(reader);
  }
}
