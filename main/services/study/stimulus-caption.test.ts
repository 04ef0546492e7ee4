// The reader's words for what a map explains, from the pack's own labels (known answers on the
// bundled test packs' manifests).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../models/manifest';
import { NO_TARGET_WORDS, readerWords, targetWords } from './stimulus-caption';

const manifest = (path: string) => parseManifest(readFileSync(path, 'utf8'), path);

describe('stimulus captions', () => {
  it('takes a label’s words without its scale note, lower-casing a plain word but not an acronym', () => {
    expect(readerWords('Malignant (rating ≥4)')).toBe('malignant');
    expect(readerWords('Spiculation')).toBe('spiculation');
    expect(readerWords('Melanoma')).toBe('melanoma');
    expect(readerWords('BCC')).toBe('BCC');
    expect(readerWords('(odd)')).toBe('(odd)');
  });

  it('words outputs, prototypes and axes from the manifest; a map without a target in the same form', () => {
    const lidc = manifest('models/test-vit/lidc-pack/manifest.json');
    expect(targetWords('output', 'malignant', lidc)).toBe('malignant');
    expect(targetWords('output', 'spiculation', lidc)).toBe('spiculation');
    expect(targetWords('none', 'attention', lidc)).toBe(NO_TARGET_WORDS);
    expect(targetWords('concept', 'ground-glass', lidc)).toBe('ground-glass');
    const proto = manifest('models/isic-protofm/pack/manifest.json');
    expect(targetWords('prototype', 'MEL-1', proto)).toBe('melanoma');
    const explicd = manifest('models/isic-explicd/pack/manifest.json');
    const axis = explicd.attributes!.axes[0];
    expect(targetWords('axis', axis.name, explicd)).toBe(readerWords(axis.label));
  });
});
