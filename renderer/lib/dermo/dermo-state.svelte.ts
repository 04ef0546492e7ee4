// A dermoscopic image and its attribute masks: which masks are shown and how opaque. Masks are
// fetched the first time they are switched on and kept for the case.
import { SvelteSet } from 'svelte/reactivity';
import type { DermoImageInfo, MaskImage, MaskInfo, RgbaImage } from '../../../app/domain';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';

export class DermoState {
  readonly info: DermoImageInfo;
  image = $state.raw<RgbaImage | null>(null);
  loading = $state(false);
  opacity = $state(0.5);
  /** Loaded masks by id; replaced (not mutated) so the overlay redraws. */
  masks = $state.raw<ReadonlyMap<number, MaskImage>>(new Map());
  readonly enabled = new SvelteSet<number>();
  readonly pending = new SvelteSet<number>();
  readonly #api: ApiClient;
  readonly #errors: ErrorState;

  constructor(api: ApiClient, errors: ErrorState, info: DermoImageInfo) {
    this.#api = api;
    this.#errors = errors;
    this.info = info;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.image = await this.#api.call('imaging.dermoImage', { imageId: this.info.id });
    } catch (e) {
      this.#errors.report('Could not load the image', e);
    } finally {
      this.loading = false;
    }
  }

  async toggle(mask: MaskInfo): Promise<void> {
    if (this.enabled.has(mask.id)) {
      this.enabled.delete(mask.id);
      return;
    }
    if (!this.masks.has(mask.id)) {
      this.pending.add(mask.id);
      try {
        const m = await this.#api.call('imaging.mask', { maskId: mask.id });
        this.masks = new Map(this.masks).set(mask.id, m);
      } catch (e) {
        this.#errors.report(`Could not load the ${maskLabel(mask.name)} mask`, e);
        return;
      } finally {
        this.pending.delete(mask.id);
      }
    }
    this.enabled.add(mask.id);
  }

  setOpacity(value: number): void {
    this.opacity = Math.max(0, Math.min(1, value));
  }
}

/** `pigment_network` → `pigment network`. */
export const maskLabel = (name: string): string => name.replace(/^attribute_/, '').replace(/_/g, ' ');
