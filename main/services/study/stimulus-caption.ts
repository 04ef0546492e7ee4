// What a stimulus trial says its map explains, in the reader's words: "Evidence for: spiculation".
// The words come from the pack's manifest (output, axis or prototype-class labels) or a concept's
// name — never the method, the model or the pack. A map without a target (the attention map)
// reads "Evidence for: the model's prediction": the same form as the others, and true of it (the
// prediction is read from that attention). It still tells such a map apart from targeted ones
// in a protocol that mixes them; the editor says so and offers to hide targets (stimulusTargets:
// "hidden"), which leaves every stimulus uncaptioned alike.
import type { Database } from 'better-sqlite3';
import type { Protocol } from '../../../app/protocol';
import { method } from '../explain/methods';
import type { ResolvedTarget } from '../explain/methods';
import { targetsOf, type Manifest } from '../models/manifest';
import { modelRow, registered } from '../models/model-rows';
import type { StudyResolved } from './study-rows';

export const CAPTION_PREFIX = 'Evidence for: ';
export const NO_TARGET_WORDS = "the model's prediction";

/** "Malignant (rating ≥4)" → "malignant"; acronyms and multi-capital names stay as written. */
export function readerWords(label: string): string {
  const bare = label.replace(/\s*\([^)]*\)\s*$/, '').trim() || label.trim();
  return /^[A-Z][a-z]/.test(bare) ? bare[0].toLowerCase() + bare.slice(1) : bare;
}

/** The words for one target of one kind, from the manifest; the target name itself if the manifest has no label for it. */
export function targetWords(kind: ResolvedTarget['kind'], target: string, m: Manifest): string {
  const outputLabel = (name: string) => targetsOf(m).find((t) => t.name === name)?.label ?? name;
  switch (kind) {
    case 'none':
      return NO_TARGET_WORDS;
    case 'concept':
      return target;
    case 'axis':
      return readerWords(m.attributes?.axes.find((a) => a.name === target)?.label ?? target);
    case 'prototype': {
      const cls = m.prototypes?.units.find((u) => u.name === target)?.class;
      return readerWords(cls ? outputLabel(cls) : target);
    }
    case 'output':
      return readerWords(outputLabel(target));
  }
}

/**
 * The caption of a condition's stimuli, or undefined when the protocol hides targets. A
 * sanity-check trial takes the caption of the condition it imitates, so it reads the same.
 */
export function stimulusCaption(db: Database, protocol: Protocol, resolved: StudyResolved, conditionId: string): string | undefined {
  if (protocol.stimulusTargets === 'hidden') return undefined;
  const c = protocol.conditions.find((x) => x.id === conditionId);
  if (!c) return undefined;
  const model = resolved.models[c.model];
  const manifest = registered(modelRow(db, model.modelId)).manifest;
  return CAPTION_PREFIX + targetWords(method(c.method).targets, c.target, manifest);
}

/** The caption field of a trial's stimulus in a slot (0: the trial's condition, or a comparison's A; 1: its B), to spread into a BlindedStimulus. */
export function captionOf(
  db: Database,
  ctx: { protocol: Protocol; resolved: StudyResolved },
  trial: { condition_id: string | null; condition_b_id: string | null },
  slot: number,
): { explains?: string } {
  const conditionId = slot === 0 ? trial.condition_id : trial.condition_b_id;
  const explains = conditionId === null ? undefined : stimulusCaption(db, ctx.protocol, ctx.resolved, conditionId);
  return explains === undefined ? {} : { explains };
}
