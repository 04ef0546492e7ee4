// What each bundled pack offers follows from what it provides — its tail graph, its attribute
// or prototype head, a class head for black-box scoring — and the method descriptors' needs,
// never from the list in its manifest: that list is optional, and checked against what the pack
// provides (the exporter still writes it, and its packs load).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_DESCRIPTORS } from '../../../app/methods';
import { repoRoot } from '../../../tests/support/data';
import { loadPack } from './load-pack';
import { packMethods, packProvides } from './manifest';
import { ISIC_PACK, LIDC_PACK, packRefusal, packVariant } from './test-packs';

const pack = (name: string) => join(repoRoot, 'models', name, 'pack');
/** Every pack with a class head offers the black-box methods (LiMA, and whatever joins it), in the descriptors' order. */
const BLACK_BOX = METHOD_DESCRIPTORS.filter((d) => d.needs === 'black-box').map((d) => d.id);
const inOrder = (ids: string[]) => METHOD_DESCRIPTORS.map((d) => d.id).filter((id) => ids.includes(id));
const PLAIN = inOrder(['attention', 'cdam', 'smooth-cdam', 'integrated-cdam', 'concept-cdam', ...BLACK_BOX]);

describe('methods a pack offers', () => {
  it.each([
    ['isic-vit', pack('isic-vit'), ['backbone', 'tail', 'black-box'], PLAIN],
    ['lidc-vit', pack('lidc-vit'), ['backbone', 'tail', 'black-box'], PLAIN],
    ['test-vit isic', ISIC_PACK, ['backbone', 'tail', 'black-box'], PLAIN],
    ['test-vit lidc', LIDC_PACK, ['backbone', 'tail', 'black-box'], PLAIN],
    [
      'isic-explicd',
      pack('isic-explicd'),
      ['backbone', 'attribute-maps', 'black-box'],
      inOrder(['attention', 'attribute-map', ...BLACK_BOX]),
    ],
    [
      'isic-protofm',
      pack('isic-protofm'),
      ['backbone', 'prototype-maps', 'black-box'],
      inOrder(['attention', 'prototype-map', ...BLACK_BOX]),
    ],
  ])("%s: from what it provides, its manifest's list among them", async (_, dir, provides, offered) => {
    const { manifest } = await loadPack(dir);
    expect(packProvides(manifest)).toEqual(provides);
    expect(packMethods(manifest)).toEqual(offered);
    for (const listed of manifest.methods ?? []) expect(offered).toContain(listed);
  });

  it("are the same without the manifest's list, which a pack may leave out", async () => {
    const { manifest } = await loadPack(
      packVariant(pack('isic-explicd'), (m) => {
        delete m.methods;
      }),
    );
    expect(manifest.methods).toBeUndefined();
    expect(packMethods(manifest)).toEqual(inOrder(['attention', 'attribute-map', ...BLACK_BOX]));
  });

  it('leave out black-box methods where no head is a classifier (LiMA scores class probabilities)', async () => {
    const { manifest } = await loadPack(
      packVariant(LIDC_PACK, (m) => {
        m.outputs[0].kind = 'regression';
        delete m.methods;
      }),
    );
    expect(packProvides(manifest)).toEqual(['backbone', 'tail']);
    expect(packMethods(manifest)).toEqual(['attention', 'cdam', 'smooth-cdam', 'integrated-cdam', 'concept-cdam']);
    expect(BLACK_BOX).toContain('lima');
  });

  it('refuse a listed method the pack does not provide for, naming the part it lacks', async () => {
    const proto = await packRefusal(
      packVariant(pack('isic-explicd'), (m) => {
        m.methods.push('prototype-map');
      }),
    );
    expect(proto.code).toBe('model.invalid-manifest');
    expect(proto.message).toContain('prototypes: required when methods include "prototype-map"');
    const lima = await packRefusal(
      packVariant(LIDC_PACK, (m) => {
        m.outputs[0].kind = 'regression';
        m.methods.push('lima');
      }),
    );
    expect(lima.message).toContain('outputs: "lima" scores a class output, and the pack has no class-logits head');
  });
});
