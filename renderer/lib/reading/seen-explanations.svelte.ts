// The last phase's case trial: the explanations this reader saw for the case, one on the image at
// a time, flipped through in the order they were shown. Each keeps its blinded label and caption.
import type { BlindedStimulus } from '../../../app/study';
import { stimulusOverlay, type OverlayMap } from '../explain/overlay-map';

export class SeenExplanations {
  readonly stimuli: readonly BlindedStimulus[];
  readonly maps: readonly OverlayMap[];
  index = $state(0);

  constructor(stimuli: readonly BlindedStimulus[]) {
    this.stimuli = stimuli;
    this.maps = stimuli.map((s) => stimulusOverlay(s));
  }

  get count(): number {
    return this.maps.length;
  }

  get current(): OverlayMap | null {
    return this.maps[this.index] ?? null;
  }

  get stimulus(): BlindedStimulus | null {
    return this.stimuli[this.index] ?? null;
  }

  /** One step forward (+1) or back (−1), wrapping around. */
  flip(step: number): void {
    if (this.count) this.index = (this.index + step + this.count) % this.count;
  }
}
