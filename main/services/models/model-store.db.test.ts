// Packs added from the app on a real SQLite study file: copied into the study's data folder
// (hashes checked after the copy) and registered from the copy, so deleting the original breaks
// nothing after a restart; the same pack twice is one model; a pack claiming another pack's id is
// refused naming both; a retired model is left out of new work but still resolves by its row.
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../../app/domain';
import { VerdictError } from '../../../app/errors';
import { silentLog } from '../../log';
import { createVerdict, type Verdict } from '../../verdict';
import { isicFolder, tempDir } from '../../../tests/support/data';
import { loadPack } from './load-pack';
import { ModelService } from './model-service';
import { copyIntoStore, packStoreFor } from './model-store';
import { ISIC_PACK, LIDC_PACK, copyPack, packVariant } from './test-packs';
import { sha256Hex } from './pack-files';

const open: Verdict[] = [];
afterEach(() => {
  for (const v of open.splice(0)) v.close();
});

/** A Verdict on `dbPath` with no bundled packs unless given (only what the test adds). */
function verdictOn(dbPath: string, modelRoots: string[] = []): Verdict {
  const v = createVerdict({ dbPath, host: 'cli', log: silentLog, modelRoots, providers: ['cpu'] });
  open.push(v);
  return v;
}

const refusalOf = async (p: Promise<unknown>): Promise<VerdictError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error('accepted');
};

/** The ISIC test pack under its own id, in a folder of its own (the user's pack). */
const userPack = (id = 'user-isic', name = 'User ISIC ViT') =>
  packVariant(ISIC_PACK, (m) => {
    m.id = id;
    m.name = name;
  });

describe('packs added from the app are the study’s own copies', () => {
  it('copies the pack beside the database, registers the copy, and explains after the original is deleted and the study reopened', async () => {
    const data = tempDir('verdict-store-');
    const dbPath = join(data, 'study.db');
    const original = userPack();
    const v = verdictOn(dbPath);
    const added = await v.models.add(original);
    const store = join(data, 'model-packs');
    expect(packStoreFor(dbPath)).toBe(store);
    const copyDir = join(store, `user-isic-${added.sha256.slice(0, 12)}`);
    expect(v.models.get(added.id).dir).toBe(copyDir);
    // manifest.json and exactly the files the manifest lists; nothing left over from the copy.
    expect(readdirSync(copyDir).sort()).toEqual(readdirSync(original).sort());
    expect(readdirSync(store)).toEqual([`user-isic-${added.sha256.slice(0, 12)}`]);
    for (const f of ['manifest.json', 'backbone.onnx', 'tail.onnx', 'card.md'])
      expect(sha256Hex(readFileSync(join(copyDir, f)))).toBe(sha256Hex(readFileSync(join(original, f))));
    const [entry] = await v.models.catalogue();
    expect(entry).toMatchObject({ packId: 'user-isic', path: copyDir, addedFrom: original, bundled: false, retiredAt: null, studies: 0 });
    expect(entry.cardText).toBe(readFileSync(join(original, 'card.md'), 'utf8'));
    expect(entry.methods).toEqual(expect.arrayContaining(['attention', 'cdam', 'smooth-cdam']));
    expect(entry.providers).toEqual(['cpu']);
    v.close();
    open.splice(0);

    rmSync(original, { recursive: true });
    const again = verdictOn(dbPath);
    await again.imports.run(isicFolder(['ISIC_0024306'], false));
    const [c] = again.cases.list() as CaseSummary[];
    const model = await again.models.resolve('user-isic');
    expect(model.id).toBe(added.id);
    const map = await again.explain.map({ modelId: model.id, caseId: c.id, method: 'cdam', target: 'MEL' });
    expect(map.grid).toEqual({ rows: 8, cols: 8 });
    expect(new Float32Array(map.values).some((x) => x !== 0)).toBe(true);
    expect((await again.models.catalogue())[0].provider).toBe('cpu');
  });

  it('adds the same pack twice as one model and one copy; a damaged copy is replaced by a good one', async () => {
    const data = tempDir('verdict-store-');
    const v = verdictOn(join(data, 'study.db'));
    const original = userPack();
    const a = await v.models.add(original);
    expect((await v.models.add(original)).id).toBe(a.id);
    expect((await v.models.add(copyPack(original))).id).toBe(a.id);
    expect(readdirSync(join(data, 'model-packs'))).toHaveLength(1);
    expect((v.study.db.prepare('SELECT count(*) AS n FROM model').get() as { n: number }).n).toBe(1);

    // The copy's folder loses a file: adding the pack again copies it afresh under the same row.
    const copyDir = v.models.get(a.id).dir;
    rmSync(copyDir, { recursive: true });
    expect((await v.models.add(original)).id).toBe(a.id);
    expect(existsSync(join(copyDir, 'tail.onnx'))).toBe(true);
    expect((await v.models.runtime(a.id)).provider).toBe('cpu');
  });

  it('refuses a file that changes between the check and the copy, leaving nothing in the store', async () => {
    const store = join(tempDir('verdict-store-'), 'model-packs');
    const dir = copyPack(ISIC_PACK);
    const pack = await loadPack(dir);
    writeFileSync(join(dir, 'card.md'), 'changed after it was checked\n');
    const e = await refusalOf(copyIntoStore(pack, store));
    expect(e.code).toBe('model.hash-mismatch');
    expect(e.message).toMatch(/^card\.md: SHA-256 is [0-9a-f]{64} but/);
    expect(readdirSync(store)).toEqual([]);
  });

  it('leaves a bundled pack where it is when a copy of it is added', async () => {
    const data = tempDir('verdict-store-');
    const root = join(tempDir(), 'models');
    const bundled = join(root, 'lidc', 'pack');
    cpSync(LIDC_PACK, bundled, { recursive: true });
    const v = verdictOn(join(data, 'study.db'), [root]);
    const [before] = await v.models.list();
    const added = await v.models.add(copyPack(LIDC_PACK));
    expect(added.id).toBe(before.id);
    expect(v.models.get(added.id).dir).toBe(bundled);
    expect(existsSync(join(data, 'model-packs'))).toBe(false);
    expect((await v.models.catalogue())[0]).toMatchObject({ bundled: true, addedFrom: null, path: bundled });
  });
});

describe('pack ids and retired models', () => {
  it('refuses a different pack under a registered id, naming both; retiring the first lets it take the id', async () => {
    const data = tempDir('verdict-store-');
    const v = verdictOn(join(data, 'study.db'));
    const first = await v.models.add(userPack('shared-id', 'First pack'));
    const secondDir = userPack('shared-id', 'Second pack');
    const e = await refusalOf(v.models.add(secondDir));
    expect(e.code).toBe('model.id-taken');
    expect(e.message).toContain(secondDir);
    expect(e.message).toContain('Second pack');
    expect(e.message).toContain(`model ${first.id} "First pack"`);
    expect(e.message).toContain(first.sha256.slice(0, 12));
    expect(e.message).toContain(v.models.get(first.id).dir);
    expect(e.detail).toMatchObject({ packId: 'shared-id', heldById: first.id, path: secondDir });
    expect(readdirSync(join(data, 'model-packs'))).toHaveLength(1);

    const retired = await v.models.retire(first.id);
    expect(retired.id).toBe(first.id);
    expect((await v.models.list()).map((m) => m.name)).toEqual([]);
    // New work by pack id is refused, saying why; the row itself still resolves (studies, cached maps).
    const r = await refusalOf(v.models.resolve('shared-id'));
    expect(r.code).toBe('model.retired');
    expect(r.message).toMatch(/Model "shared-id" \(First pack 0\.1\.0, id \d+\) was retired on \d{4}-\d{2}-\d{2}/);
    expect(v.models.get(first.id).manifest.name).toBe('First pack');
    expect((await v.models.runtime(first.id)).provider).toBe('cpu');

    const second = await v.models.add(secondDir);
    expect(second.id).not.toBe(first.id);
    expect((await v.models.resolve('shared-id')).id).toBe(second.id);
    expect((await v.models.list()).map((m) => m.name)).toEqual(['Second pack']);
    const catalogue = await v.models.catalogue();
    expect(catalogue.map((m) => [m.name, m.retiredAt !== null])).toEqual([
      ['First pack', true],
      ['Second pack', false],
    ]);
    // Retiring by pack id; a second retirement keeps the first date.
    const at = catalogue[0].retiredAt;
    await v.models.retire(first.id);
    expect((await v.models.catalogue())[0].retiredAt).toBe(at);
    expect((await v.models.retire('shared-id')).id).toBe(second.id);
    expect((await refusalOf(v.models.retire('no-such-pack'))).code).toBe('not-found');
  });
});

describe('the validation report of a refused pack', () => {
  it('names every wrong field of the manifest, one line each, and adds nothing to the study', async () => {
    const data = tempDir('verdict-store-');
    const v = verdictOn(join(data, 'study.db'));
    const broken = packVariant(ISIC_PACK, (m) => {
      m.modality = 'MRI';
      m.input.height = -64;
      delete m.card;
      m.outputs[0].units[2].name = 7;
    });
    const e = await refusalOf(v.models.add(broken));
    expect(e.code).toBe('model.invalid-manifest');
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.startsWith('pack/manifest.json: '))).toBe(true);
    for (const field of ['modality', 'input.height', 'outputs[0].units[2].name', 'card'])
      expect(lines.some((l) => l.startsWith(`pack/manifest.json: ${field}: `))).toBe(true);
    expect(e.detail?.fields).toBe(lines.map((l) => l.split(': ')[1]).join(', '));
    expect(await v.models.catalogue()).toEqual([]);
    expect(existsSync(join(data, 'model-packs'))).toBe(false);
  });
});

describe('a study from before copies were kept', () => {
  it('gives a pack registered in its outside folder its copy when it is added again, under the same row', async () => {
    const data = tempDir('verdict-store-');
    const dbPath = join(data, 'study.db');
    const outside = userPack('legacy-isic', 'Legacy ISIC ViT');
    // Registered where it is, as Verdict did before (a service without a store).
    const v = verdictOn(dbPath);
    const legacy = new ModelService(v.study.db, silentLog, { providers: ['cpu'] });
    const before = await legacy.add(outside);
    expect(legacy.get(before.id).dir).toBe(realpathSync(outside));
    await legacy.close();

    const again = await v.models.add(outside);
    expect(again.id).toBe(before.id);
    const copyDir = join(data, 'model-packs', `legacy-isic-${before.sha256.slice(0, 12)}`);
    expect(v.models.get(before.id).dir).toBe(realpathSync(copyDir));
    expect((await v.models.catalogue())[0]).toMatchObject({ addedFrom: realpathSync(outside) });
    rmSync(outside, { recursive: true });
    expect((await v.models.runtime(before.id)).provider).toBe('cpu');
    // Now kept: adding the copy's own folder or the pack again changes nothing.
    expect((await v.models.add(copyDir)).id).toBe(before.id);
    expect(readdirSync(join(data, 'model-packs'))).toHaveLength(1);
  });
});
