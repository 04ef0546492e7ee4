// A small least-recently-used cache for decoded pixels, bounded by bytes rather than entries.
export class PixelCache<V extends { byteLength: number }> {
  readonly #limit: number;
  readonly #map = new Map<string, V>();
  #bytes = 0;
  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    const old = this.#map.get(key);
    if (old) this.#bytes -= old.byteLength;
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#bytes += value.byteLength;
    for (const [k, v] of this.#map) {
      if (this.#bytes <= this.#limit || this.#map.size === 1) break;
      this.#map.delete(k);
      this.#bytes -= v.byteLength;
    }
  }
  get size(): number {
    return this.#map.size;
  }
}
