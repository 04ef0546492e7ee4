// The coordinator's Models view: every registered model (retired ones too) with what the view
// shows beyond ModelSummary. Staff only: it names models, packs and folders.
import type { ModelSummary } from './explain';

export type ModelEntry = ModelSummary & {
  /** When the coordinator retired it (not offered for new maps or protocols), or null. */
  retiredAt: string | null;
  /** Found under the app's resources at start-up (not copied into the study). */
  bundled: boolean;
  /** The folder Verdict reads it from: the study's own copy for a pack added from the app. */
  path: string;
  /** The folder the coordinator added it from (null for a bundled pack). */
  addedFrom: string | null;
  addedAt: string;
  /** The pack's card.md (its SHA-256 checked), or null when it has none. */
  cardText: string | null;
  /** Execution providers tried when the model is opened, best first (`provider` says which one ran). */
  providers: string[];
  /** Studies whose stimuli come from this model (they keep it, by hash, whatever happens later). */
  studies: number;
};
