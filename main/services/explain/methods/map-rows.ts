/** Row `index` of a [rows, n] map tensor (batch 1), copied so the pass can be released. */
export const rowOf = (maps: Float32Array, index: number, n: number): Float32Array => maps.slice(index * n, (index + 1) * n);
