// The image a perturbation curve swaps units with: what a deleted unit becomes, and where an
// insertion curve starts. All values are in normalised (model-input) space.
import { VerdictError } from '../../../../app/errors';
import { rawBlack } from '../model-image';
import { gaussianBlur } from './gaussian-blur';
import type { ModelImage, Substrate } from './types';

/** Throws `explain.bad-params` unless the image's buffer holds C×H×W finite-sized planes. */
export function checkImage(image: ModelImage): void {
  const { data, channels, height, width } = image;
  for (const [name, v] of [
    ['channels', channels],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new VerdictError('explain.bad-params', `image.${name} must be a whole number ≥ 1 (got ${v}).`, { param: `image.${name}` });
  }
  if (data.length !== channels * height * width) {
    throw new VerdictError('explain.bad-params', `image.data holds ${data.length} values, not ${channels}×${height}×${width}.`, {
      param: 'image.data',
    });
  }
}

/** The substrate image, C×H×W like the input. */
export function substrateImage(image: ModelImage, substrate: Substrate): Float32Array {
  checkImage(image);
  const { data, channels, height, width } = image;
  const plane = height * width;
  switch (substrate.kind) {
    case 'blur':
      return gaussianBlur(data, channels, height, width, substrate.sigma, substrate.radius);
    case 'zero':
      return new Float32Array(data.length);
    case 'black': {
      const out = new Float32Array(data.length);
      const black = rawBlack(substrate, channels, 'substrate');
      for (let c = 0; c < channels; c++) out.fill(black[c], c * plane, (c + 1) * plane);
      return out;
    }
    case 'mean': {
      const out = new Float32Array(data.length);
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let i = c * plane; i < (c + 1) * plane; i++) s += data[i];
        out.fill(s / plane, c * plane, (c + 1) * plane);
      }
      return out;
    }
    case 'min': {
      let m = Infinity;
      for (let i = 0; i < data.length; i++) if (data[i] < m) m = data[i];
      return new Float32Array(data.length).fill(m);
    }
    default:
      throw new VerdictError('explain.bad-params', `Unknown substrate "${(substrate as { kind: string }).kind}".`, {
        param: 'substrate.kind',
      });
  }
}
