// What LiMA and the faithfulness metrics share about a model input: its shape, and what "black"
// is once the input is normalised ((x − mean_c)/std_c per channel), so a removed region or pixel
// is the same colour for both.
import { VerdictError } from '../../../app/errors';

/** A model input as the model sees it: normalised float values, channel-major C×H×W. */
export type ModelImage = { data: Float32Array; channels: number; height: number; width: number };

/** Per channel, the normalised value of a raw 0: (0 − mean_c)/std_c (one mean/std applies to every channel when the arrays have length 1). */
export function rawBlack(
  normalisation: { mean: readonly number[]; std: readonly number[] },
  channels: number,
  param = 'normalisation',
): Float32Array {
  const out = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const pick = (v: readonly number[], name: string) => {
      if (v.length !== 1 && v.length !== channels) {
        throw new VerdictError(
          'explain.bad-params',
          `${param}.${name} has ${v.length} values for ${channels} channels (give 1 or ${channels}).`,
          { param: `${param}.${name}` },
        );
      }
      return v.length === 1 ? v[0] : v[c];
    };
    const mean = pick(normalisation.mean, 'mean');
    const std = pick(normalisation.std, 'std');
    if (!(std !== 0 && Number.isFinite(std)))
      throw new VerdictError('explain.bad-params', `${param}.std must be finite and non-zero (got ${std}).`, { param: `${param}.std` });
    out[c] = (0 - mean) / std;
  }
  return out;
}
