// Hostile packs, each built in a temp folder from a copy of the real LIDC test pack: every one is
// refused with its own code and a message that names what is wrong.
import { readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/data';
import { loadPack } from './load-pack';
import { sha256Hex } from './pack-files';
import { copyPack, ISIC_PACK, LIDC_PACK, packRefusal, packVariant, type ManifestJson } from './test-packs';

type Json = ManifestJson;

/** A copy of the LIDC pack with its manifest edited by `edit`. */
const variant = (edit: (m: Json, dir: string) => void): string => packVariant(LIDC_PACK, edit);
const refusal = packRefusal;

describe('loadPack', () => {
  it('accepts both real test packs and hashes them over every file', async () => {
    for (const dir of [LIDC_PACK, ISIC_PACK]) {
      const pack = await loadPack(dir);
      expect(pack.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(pack.files.map((f) => f.role).sort()).toEqual(Object.keys(pack.manifest.files).sort());
      for (const f of pack.files) expect(f.sha256).toBe(sha256Hex(readFileSync(join(dir, f.path))));
    }
    expect((await loadPack(join(LIDC_PACK, 'manifest.json'))).dir).toBe((await loadPack(LIDC_PACK)).dir);
  });

  it('gives the pack another hash when only the manifest changes', async () => {
    const a = await loadPack(LIDC_PACK);
    const b = await loadPack(variant((m) => (m.card.notes = [...m.card.notes, 'edited'])));
    expect(b.sha256).not.toBe(a.sha256);
  });

  it('refuses a missing file, naming it', async () => {
    const dir = copyPack(LIDC_PACK);
    rmSync(join(dir, 'tail.onnx'));
    const e = await refusal(dir);
    expect(e.code).toBe('model.missing-file');
    expect(e.message).toContain('tail.onnx');
  });

  it('loads a pack shipped without its test-only fixtures.json under the same hash, and still checks it when present', async () => {
    const whole = await loadPack(LIDC_PACK);
    const dir = copyPack(LIDC_PACK);
    rmSync(join(dir, 'fixtures.json'));
    const shipped = await loadPack(dir);
    expect(shipped.sha256).toBe(whole.sha256);
    expect(shipped.files.find((f) => f.role === 'fixtures')).toMatchObject({ path: 'fixtures.json', bytes: null });
    const altered = copyPack(LIDC_PACK);
    appendFileSync(join(altered, 'fixtures.json'), ' ');
    expect((await refusal(altered)).code).toBe('model.hash-mismatch');
  });

  it('refuses a folder without manifest.json', async () => {
    const e = await refusal(tempDir());
    expect(e.code).toBe('model.missing-file');
    expect(e.message).toContain('manifest.json');
  });

  it('refuses a wrong input shape in the manifest, naming graph, tensor, expected and actual', async () => {
    const e = await refusal(variant((m) => (m.graphs.backbone.inputs.image = [-1, 1, 32, 32])));
    expect(e.code).toBe('model.bad-shape');
    expect(e.detail).toMatchObject({ graph: 'backbone.onnx', tensor: 'image', expected: '[-1, 1, 32, 32]' });
    expect(e.message).toMatch(/backbone\.onnx: input "image" has shape \[\w+, 1, 64, 64\] but the manifest says \[-1, 1, 32, 32\]/);
  });

  it('refuses a manifest whose input size disagrees with the graphs it declares', async () => {
    // The manifest is consistent with itself (grid 4×4 of 8 px = 32) but the ONNX graph is 64×64.
    const e = await refusal(
      variant((m) => {
        m.input.height = 32;
        m.input.width = 32;
        m.vit.grid = [4, 4];
        m.vit.tokens = 17;
      }),
    );
    expect(e.code).toBe('model.bad-shape');
    expect(e.message).toContain('backbone.onnx');
  });

  it('refuses a graph whose batch dimension is fixed', async () => {
    const e = await refusal(variant((m) => (m.graphs.tail.inputs.seed = [1, 11])));
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message).toContain('graphs.tail.inputs.seed[0]');
  });

  it('refuses an invalid manifest, naming the field', async () => {
    const e = await refusal(variant((m) => (m.outputs[1].units[0].name = 7)));
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message).toMatch(/manifest\.json: outputs\[1\]\.units\[0\]\.name: .*expected string/);
    expect(e.detail).toMatchObject({ field: 'outputs[1].units[0].name' });
    const dup = await refusal(variant((m) => (m.outputs[1].units[0].name = 'benign')));
    expect(dup.message).toContain('outputs[1].units[0].name: target name "benign" is used twice');
    const missing = await refusal(variant((m) => delete m.graphs.tail.outputs.cdam));
    expect(missing.message).toContain('graphs.tail.outputs: missing tensor "cdam"');
  });

  it('refuses a manifest that is not JSON', async () => {
    const dir = copyPack(LIDC_PACK);
    writeFileSync(join(dir, 'manifest.json'), '{ "format": ');
    const e = await refusal(dir);
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message).toContain('not valid JSON');
  });

  it.each([
    ['../x.onnx', 'climbs out with ".."'],
    ['sub/../../x.onnx', 'climbs out with ".."'],
    ['/etc/passwd', 'is absolute'],
    ['C:\\models\\x.onnx', 'is absolute'],
  ])('refuses the path %s', async (path, why) => {
    const e = await refusal(variant((m) => (m.files.backbone.path = path)));
    expect(e.code).toBe('model.path-outside-pack');
    expect(e.message).toContain(`files.backbone.path "${path}" ${why}`);
  });

  it('refuses a symlink that resolves outside the pack', async () => {
    const outside = join(tempDir(), 'elsewhere.onnx');
    writeFileSync(outside, readFileSync(join(LIDC_PACK, 'backbone.onnx')));
    const e = await refusal(
      variant((m, dir) => {
        symlinkSync(outside, join(dir, 'linked.onnx'));
        m.files.backbone.path = 'linked.onnx';
      }),
    );
    expect(e.code).toBe('model.path-outside-pack');
    expect(e.message).toContain('outside the pack');
  });

  it('accepts a symlink that stays inside the pack', async () => {
    const pack = await loadPack(
      variant((m, dir) => {
        symlinkSync(join(dir, 'backbone.onnx'), join(dir, 'alias.onnx'));
        m.files.backbone.path = 'alias.onnx';
      }),
    );
    expect(pack.files.find((f) => f.role === 'backbone')!.path).toBe('alias.onnx');
  });

  it("refuses a corrupt ONNX file, naming it and giving ORT's reason", async () => {
    const e = await refusal(
      variant((m, dir) => {
        const junk = Buffer.from('this is not an ONNX protobuf at all');
        writeFileSync(join(dir, 'tail.onnx'), junk);
        m.files.tail.sha256 = sha256Hex(junk);
      }),
    );
    expect(e.code).toBe('model.bad-onnx');
    expect(e.message).toMatch(/^tail\.onnx: ONNX Runtime cannot load it: .+/);
    expect(String(e.detail?.reason)).not.toBe('');
  });

  it('refuses a file whose hash does not match, naming it', async () => {
    const dir = copyPack(LIDC_PACK);
    appendFileSync(join(dir, 'backbone.onnx'), Buffer.from([0]));
    const e = await refusal(dir);
    expect(e.code).toBe('model.hash-mismatch');
    expect(e.message).toMatch(/^backbone\.onnx: SHA-256 is [0-9a-f]{64} but .*manifest\.json says [0-9a-f]{64}/);
  });
});
