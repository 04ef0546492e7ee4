// Loads the slices around the one on screen into Cornerstone's cache, more of them in the
// direction the reader is scrolling, a few at a time so the slice asked for next is never queued
// behind a long prefetch.
import { cache, imageLoader } from '@cornerstonejs/core';

const AHEAD = 10;
const BEHIND = 4;
const CONCURRENCY = 3;

/** Indexes to prefetch around `index`, nearest first, scrolling direction favoured. */
export function prefetchOrder(index: number, count: number, direction: 1 | -1, ahead = AHEAD, behind = BEHIND): number[] {
  const out: number[] = [];
  for (let step = 1; step <= Math.max(ahead, behind); step++) {
    if (step <= ahead) out.push(index + direction * step);
    if (step <= behind) out.push(index - direction * step);
  }
  return out.filter((i) => i >= 0 && i < count);
}

export class CtPrefetcher {
  #queue: string[] = [];
  #running = 0;
  #lastIndex = -1;
  #imageIds: string[] = [];

  setStack(imageIds: string[]): void {
    this.#imageIds = imageIds;
    this.#queue = [];
    this.#lastIndex = -1;
  }

  /** Called whenever a new slice is shown. */
  around(index: number): void {
    const direction: 1 | -1 = index >= this.#lastIndex ? 1 : -1;
    this.#lastIndex = index;
    this.#queue = prefetchOrder(index, this.#imageIds.length, direction)
      .map((i) => this.#imageIds[i])
      .filter((id) => !cache.getImageLoadObject(id) && !cache.isLoaded(id));
    this.#pump();
  }

  stop(): void {
    this.#queue = [];
  }

  #pump(): void {
    while (this.#running < CONCURRENCY && this.#queue.length) {
      const id = this.#queue.shift()!;
      if (cache.getImageLoadObject(id)) continue;
      this.#running++;
      imageLoader
        .loadAndCacheImage(id)
        .catch(() => {
          // A failed prefetch is retried when the slice is shown, which reports the error.
        })
        .finally(() => {
          this.#running--;
          this.#pump();
        });
    }
  }
}
