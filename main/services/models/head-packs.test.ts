// The self-explaining packs (attribute tokens, prototypes) have no tail graph and extra manifest
// sections; a manifest whose sections disagree with its methods, heads or files is refused with
// the field named.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../tests/support/data';
import { loadPack } from './load-pack';
import { packRefusal, packVariant, type ManifestJson } from './test-packs';

const EXPLICD = join(repoRoot, 'models/isic-explicd/pack');
const PROTOFM = join(repoRoot, 'models/isic-protofm/pack');
const variant = (pack: string, edit: (m: ManifestJson) => void) => packVariant(pack, edit);
const refusal = packRefusal;

describe('self-explaining packs', () => {
  it('load without a tail graph, with their axes, prototypes and exemplar files checked', async () => {
    const a = await loadPack(EXPLICD);
    expect(a.manifest.files.tail).toBeUndefined();
    expect(a.manifest.attributes!.axes.map((x) => x.name)).toEqual([
      'color',
      'shape',
      'border',
      'dermoscopic-patterns',
      'texture',
      'symmetry',
      'elevation',
    ]);
    const p = await loadPack(PROTOFM);
    expect(p.manifest.prototypes!.units).toHaveLength(70);
    // Every exemplar PNG is a pack file, hashed like the graphs.
    const exemplarFiles = p.files.filter((f) => f.path.startsWith('exemplars/'));
    expect(exemplarFiles.length).toBe(p.manifest.prototypes!.units.reduce((n, u) => n + u.exemplars.length, 0));
  });

  it('refuse an axis whose values head does not exist', async () => {
    const e = await refusal(
      variant(EXPLICD, (m) => {
        m.attributes.axes[1].head = 'outline';
      }),
    );
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message).toContain('attributes.axes[1].head: no output head "outline"');
  });

  it('refuse the attribute-map method without an attributes section', async () => {
    const e = await refusal(
      variant(EXPLICD, (m) => {
        delete m.attributes;
      }),
    );
    expect(e.message).toContain('attributes: required when methods include "attribute-map"');
  });

  it('refuse a CDAM method in a pack without a tail graph', async () => {
    const e = await refusal(
      variant(EXPLICD, (m) => {
        m.methods.push('cdam');
      }),
    );
    expect(e.message).toContain('files.tail: required: the pack offers "cdam"');
  });

  it('refuse an exemplar that is not among the pack files (its hash would go unchecked)', async () => {
    const e = await refusal(
      variant(PROTOFM, (m) => {
        m.prototypes.units[4].exemplars[0].file = 'exemplars/elsewhere.png';
      }),
    );
    expect(e.message).toContain('prototypes.units[4].exemplars[0].file: "exemplars/elsewhere.png" is not among the pack\'s files');
  });

  it('refuse prototype weights that do not match the classes, and negative ones', async () => {
    const short = await refusal(
      variant(PROTOFM, (m) => {
        m.prototypes.units[0].weights.pop();
      }),
    );
    expect(short.message).toContain('prototypes.units[0].weights: expected 7');
    const negative = await refusal(
      variant(PROTOFM, (m) => {
        m.prototypes.units[2].weights[0] = -0.5;
      }),
    );
    expect(negative.message).toContain('prototypes.units[2].weights[0]');
  });

  it('refuse a prototypes section whose map output the graph does not declare', async () => {
    const e = await refusal(
      variant(PROTOFM, (m) => {
        delete m.graphs.backbone.outputs.prototypeActivations;
      }),
    );
    expect(e.message).toContain('graphs.backbone.outputs: missing tensor "prototypeActivations"');
  });
});
