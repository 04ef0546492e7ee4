// The last step of every model input: (x − mean) / std per channel, as the manifest says
// (one value applies to every channel).
export type Normalisation = { mean: readonly number[]; std: readonly number[] };

/** Normalises planar [channels, height×width] values in place and returns them. */
export function normalise(planes: Float32Array, channels: number, n: Normalisation): Float32Array {
  const size = planes.length / channels;
  for (let c = 0; c < channels; c++) {
    const mean = n.mean.length === 1 ? n.mean[0] : n.mean[c];
    const std = n.std.length === 1 ? n.std[0] : n.std[c];
    for (let i = c * size; i < (c + 1) * size; i++) planes[i] = (planes[i] - mean) / std;
  }
  return planes;
}
