// The model registry on a real SQLite study database: bundled packs found and refreshed, packs
// added by path, a changed pack registered as a new model, lazy sessions with EP fallback.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { silentLog, type Log } from '../../log';
import { loadMigrations } from '../db/migrations';
import { openStudyDb } from '../db/open-db';
import { migrationsDir } from '../../paths';
import { tempDir } from '../../../tests/support/data';
import { ModelService } from './model-service';
import { sha256Hex } from './pack-files';
import { ISIC_PACK, LIDC_PACK } from './test-packs';

const newDb = () => openStudyDb(':memory:', loadMigrations(migrationsDir())).db;

/** A resources-like root holding copies of both test packs (models/<name>/pack). */
function bundledRoot(): string {
  const root = join(tempDir(), 'models');
  cpSync(LIDC_PACK, join(root, 'lidc', 'pack'), { recursive: true });
  cpSync(ISIC_PACK, join(root, 'isic', 'pack'), { recursive: true });
  mkdirSync(join(root, '.hidden', 'pack'), { recursive: true });
  writeFileSync(join(root, '.hidden', 'pack', 'manifest.json'), 'not looked at');
  return root;
}

/** Changes a pack's card.md and records its new hash in the manifest (a legitimate new version of the files). */
function editCard(pack: string): void {
  const card = `${readFileSync(join(pack, 'card.md'), 'utf8')}\nRevised.\n`;
  writeFileSync(join(pack, 'card.md'), card);
  const m = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8'));
  m.files.card.sha256 = sha256Hex(card);
  writeFileSync(join(pack, 'manifest.json'), JSON.stringify(m, null, 2));
}

describe('ModelService', () => {
  it('registers the bundled packs at start-up and lists them', async () => {
    const db = newDb();
    const models = new ModelService(db, silentLog, { bundledRoots: [bundledRoot()] });
    const list = await models.list();
    expect(list.map((m) => m.packId).sort()).toEqual(['test-vit-isic', 'test-vit-lidc']);
    const lidc = list.find((m) => m.packId === 'test-vit-lidc')!;
    expect(lidc).toMatchObject({ modality: 'CT', attentionHeads: 3, input: { channels: 1, height: 64, width: 64 }, provider: null });
    expect(lidc.targets.map((t) => t.name)).toEqual(expect.arrayContaining(['benign', 'malignant', 'spiculation']));
    expect(lidc.targets.find((t) => t.name === 'malignant')).toMatchObject({ head: 'malignancy-class', kind: 'class-logits' });
    expect(lidc.targets.find((t) => t.name === 'spiculation')).toMatchObject({ kind: 'regression', range: [1, 5] });
    const row = db.prepare('SELECT files_json, manifest_json, sha256 FROM model WHERE id = ?').get(lidc.id) as {
      files_json: string;
      manifest_json: string;
      sha256: string;
    };
    expect(
      JSON.parse(row.files_json)
        .map((f: { role: string }) => f.role)
        .sort(),
    ).toEqual(['backbone', 'card', 'fixtures', 'tail']);
    expect(JSON.parse(row.manifest_json).id).toBe('test-vit-lidc');
    expect(row.sha256).toBe(lidc.sha256);
    await models.close();
  });

  it('refreshes bundled packs: the same files keep their row, changed files get a new one', async () => {
    const db = newDb();
    const root = bundledRoot();
    const first = new ModelService(db, silentLog, { bundledRoots: [root] });
    const before = await first.list();
    const again = new ModelService(db, silentLog, { bundledRoots: [root] });
    expect((await again.list()).map((m) => m.id)).toEqual(before.map((m) => m.id));

    editCard(join(root, 'lidc', 'pack'));
    const later = new ModelService(db, silentLog, { bundledRoots: [root] });
    const after = await later.list();
    const oldLidc = before.find((m) => m.packId === 'test-vit-lidc')!;
    const newLidc = after.find((m) => m.packId === 'test-vit-lidc')!;
    expect(newLidc.id).not.toBe(oldLidc.id);
    expect(newLidc.sha256).not.toBe(oldLidc.sha256);
    expect(after.find((m) => m.packId === 'test-vit-isic')!.id).toBe(before.find((m) => m.packId === 'test-vit-isic')!.id);
    // The old row stays (cached explanations point at it) but is no longer listed.
    expect((db.prepare('SELECT count(*) AS n FROM model').get() as { n: number }).n).toBe(3);
    expect(later.get(oldLidc.id).sha256).toBe(oldLidc.sha256);
  });

  it('logs a bundled pack that fails its checks and registers the others', async () => {
    const root = bundledRoot();
    writeFileSync(join(root, 'lidc', 'pack', 'tail.onnx'), 'tampered');
    const errors: string[] = [];
    const log: Log = { info: () => {}, error: (m) => errors.push(m) };
    const models = new ModelService(newDb(), log, { bundledRoots: [root] });
    expect((await models.list()).map((m) => m.packId)).toEqual(['test-vit-isic']);
    expect(errors.join('\n')).toMatch(/lidc[/\\]pack was not registered: tail\.onnx: SHA-256 is/);
  });

  it('adds a pack by path, and resolves a pack id or a folder', async () => {
    const models = new ModelService(newDb(), silentLog);
    expect(await models.list()).toEqual([]);
    const added = await models.add(LIDC_PACK);
    expect(added.packId).toBe('test-vit-lidc');
    expect((await models.add(LIDC_PACK)).id).toBe(added.id);
    expect((await models.resolve('test-vit-lidc')).id).toBe(added.id);
    expect((await models.resolve(ISIC_PACK)).manifest.id).toBe('test-vit-isic');
    const e = await models.resolve('no-such-pack').catch((x: unknown) => x);
    expect((e as VerdictError).code).toBe('file.not-found');
    expect(() => models.get(999)).toThrow(/No model with id 999/);
  });

  it('opens sessions lazily, falling back from CUDA to CPU, and reports the provider', async () => {
    const infos: string[] = [];
    const models = new ModelService(newDb(), { info: (m) => infos.push(m), error: () => {} }, { providers: ['cuda', 'cpu'] });
    const { id } = await models.add(LIDC_PACK);
    expect(models.summary(id).provider).toBeNull();
    const runtime = await models.runtime(id);
    expect(runtime.provider).toBe('cpu');
    expect(await models.runtime(id)).toBe(runtime);
    expect(models.summary(id).provider).toBe('cpu');
    expect((await models.list())[0].provider).toBe('cpu');
    expect(infos.some((l) => /could not open with cuda/.test(l))).toBe(true);
    await models.close();
  });

  it('refuses to open a registered pack whose graph changed on disk since', async () => {
    const pack = join(tempDir(), 'pack');
    cpSync(LIDC_PACK, pack, { recursive: true });
    const models = new ModelService(newDb(), silentLog, { providers: ['cpu'] });
    const { id } = await models.add(pack);
    writeFileSync(join(pack, 'backbone.onnx'), Buffer.concat([readFileSync(join(pack, 'backbone.onnx')), Buffer.from([1])]));
    const e = await models.runtime(id).catch((x: unknown) => x);
    expect((e as VerdictError).code).toBe('model.hash-mismatch');
    expect((e as VerdictError).message).toMatch(/^backbone\.onnx: SHA-256/);
  });
});
