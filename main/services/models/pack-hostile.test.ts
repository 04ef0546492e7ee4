// Hostile model packs (issue 16, item 16), each built here from a copy of a real test pack: a FIFO
// where a file should be, sparse files of 1.9 GB and 300 MB, thousands of roles on one file, an
// oversized manifest, and packs claiming another pack's id.
import { execFileSync } from 'node:child_process';
import { closeSync, cpSync, ftruncateSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { silentLog, type Log } from '../../log';
import { migrationsDir } from '../../paths';
import { tempDir } from '../../../tests/support/data';
import { loadMigrations } from '../db/migrations';
import { openStudyDb } from '../db/open-db';
import { loadPack } from './load-pack';
import { ModelService } from './model-service';
import { PACK_LIMITS } from './pack-files';
import { copyPack, ISIC_PACK, LIDC_PACK, packVariant } from './test-packs';

/** Fails instead of hanging: the FIFO bug blocked the loader for ever. */
const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);

const refusalOf = async (p: Promise<unknown>): Promise<VerdictError> => {
  const e = await within(10_000, p).then(
    () => new Error('accepted'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(VerdictError);
  return e as VerdictError;
};

const sparse = (path: string, bytes: number) => {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
};

const newDb = () => openStudyDb(':memory:', loadMigrations(migrationsDir())).db;

describe('regular files only, sizes checked before reading', () => {
  it('streams the hash of a 300 MB sparse graph: refused as a mismatch without holding it in memory', async () => {
    const dir = packVariant(LIDC_PACK, (m, d) => {
      sparse(join(d, 'big-tail.onnx'), 300 * 1024 * 1024);
      m.files.tail.path = 'big-tail.onnx';
    });
    const peakBefore = process.resourceUsage().maxRSS; // KiB
    const e = await refusalOf(loadPack(dir));
    expect(e.code).toBe('model.hash-mismatch');
    expect(e.message).toMatch(/^big-tail\.onnx: SHA-256 is [0-9a-f]{64}/);
    // Reading it whole would raise the peak by 300 MB; streaming uses 1 MiB chunks.
    expect((process.resourceUsage().maxRSS - peakBefore) / 1024).toBeLessThan(100);
  });

  it('refuses a 1.9 GB sparse fixtures file from its size, before reading a byte', async () => {
    const dir = packVariant(LIDC_PACK, (m, d) => {
      sparse(join(d, 'huge.json'), 1_900_000_000);
      m.files.fixtures.path = 'huge.json';
    });
    const started = performance.now();
    const e = await refusalOf(loadPack(dir));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(e.code).toBe('model.file-refused');
    expect(e.message).toBe(
      `pack/manifest.json: files.fixtures: huge.json is 1900000000 bytes, above the limit of ${PACK_LIMITS.fileBytes} bytes for a pack file.`,
    );
    expect(e.detail).toMatchObject({ reason: 'too-large', role: 'fixtures' });
  });

  it('refuses a file role that names a FIFO at once, instead of waiting for a writer', async () => {
    const dir = packVariant(LIDC_PACK, (m, d) => {
      execFileSync('mkfifo', [join(d, 'card.fifo')]);
      m.files.card.path = 'card.fifo';
    });
    const e = await refusalOf(loadPack(dir));
    expect(e.code).toBe('model.file-refused');
    expect(e.message).toBe('pack/manifest.json: files.card: card.fifo is a FIFO, not a regular file; a pack holds regular files only.');
  });

  it('refuses a manifest.json that is a FIFO', async () => {
    const dir = copyPack(LIDC_PACK);
    rmSync(join(dir, 'manifest.json'));
    execFileSync('mkfifo', [join(dir, 'manifest.json')]);
    const e = await refusalOf(loadPack(dir));
    expect(e.code).toBe('model.file-refused');
    expect(e.message).toMatch(/^pack\/manifest\.json is a FIFO/);
  });

  it('lists the other bundled packs when one names a FIFO (models.list never waits on it)', async () => {
    const root = join(tempDir(), 'models');
    cpSync(ISIC_PACK, join(root, 'isic', 'pack'), { recursive: true });
    cpSync(LIDC_PACK, join(root, 'lidc', 'pack'), { recursive: true });
    rmSync(join(root, 'lidc', 'pack', 'tail.onnx'));
    execFileSync('mkfifo', [join(root, 'lidc', 'pack', 'tail.onnx')]);
    const errors: string[] = [];
    const log: Log = { info: () => {}, error: (m) => errors.push(m) };
    const models = new ModelService(newDb(), log, { bundledRoots: [root] });
    expect((await within(10_000, models.list())).map((m) => m.packId)).toEqual(['test-vit-isic']);
    expect(errors.join('\n')).toMatch(/files\.tail: tail\.onnx is a FIFO/);
    await models.close();
  });
});

describe('limits on the manifest', () => {
  it(`refuses more than ${PACK_LIMITS.files} file roles (20,000 roles on one file), before hashing any`, async () => {
    const dir = packVariant(LIDC_PACK, (m) => {
      for (let i = 0; i < 20_000; i++) m.files[`extra-${i}`] = m.files.card;
    });
    const started = performance.now();
    const e = await refusalOf(loadPack(dir));
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message).toBe(`pack/manifest.json: files: 20004 file roles, above the limit of ${PACK_LIMITS.files}.`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('accepts 1,000 roles on one file within the limit (load-pack hashes a repeated file once)', async () => {
    const dir = packVariant(LIDC_PACK, (m) => {
      for (let i = 0; i < 1000; i++) m.files[`extra-${i}`] = m.files.fixtures;
    });
    const pack = await loadPack(dir);
    const fixtures = pack.files.find((f) => f.role === 'fixtures')!;
    expect(pack.files.filter((f) => f.path === fixtures.path && f.bytes === fixtures.bytes)).toHaveLength(1001);
  });

  it('refuses a manifest above its size limit without parsing it', async () => {
    const dir = packVariant(LIDC_PACK, (m) => (m.card.notes = ['x'.repeat(PACK_LIMITS.manifestBytes)]));
    const e = await refusalOf(loadPack(dir));
    expect(e.code).toBe('model.file-refused');
    expect(e.message).toMatch(new RegExp(`^pack/manifest\\.json is \\d+ bytes, above the limit of ${PACK_LIMITS.manifestBytes} bytes`));
  });
});

describe('pack id collisions', () => {
  /** The ISIC test pack re-labelled with the id of another pack. */
  const impostor = (id: string) => packVariant(ISIC_PACK, (m) => (m.id = id));

  it('refuses a pack that claims a bundled pack’s id; the bundled pack still answers to it', async () => {
    const root = join(tempDir(), 'models');
    cpSync(LIDC_PACK, join(root, 'lidc', 'pack'), { recursive: true });
    const models = new ModelService(newDb(), silentLog, { bundledRoots: [root] });
    const fake = impostor('test-vit-lidc');
    const e = await refusalOf(models.add(fake));
    expect(e.code).toBe('model.id-taken');
    expect(e.message).toMatch(/pack id "test-vit-lidc" is already taken by the bundled pack in .*lidc[/\\]pack; give this pack its own id/);
    expect((await models.resolve('test-vit-lidc')).manifest.modality).toBe('CT');
    expect((await models.list()).map((m) => m.packId)).toEqual(['test-vit-lidc']);
    await models.close();
  });

  it('refuses a second folder with a registered pack’s id while the first still holds it', async () => {
    const models = new ModelService(newDb(), silentLog);
    const first = impostor('shared-id');
    await models.add(first);
    const second = packVariant(ISIC_PACK, (m) => ((m.id = 'shared-id'), (m.name = 'Another pack')));
    const e = await refusalOf(models.add(second));
    expect(e.code).toBe('model.id-taken');
    expect(e.detail).toMatchObject({ packId: 'shared-id' });
    // A pack moved to a new folder (the old one is gone) takes its id back.
    rmSync(first, { recursive: true });
    expect((await models.add(second)).name).toBe('Another pack');
    await models.close();
  });

  it('still re-registers the same folder under its own id', async () => {
    const models = new ModelService(newDb(), silentLog);
    const dir = copyPack(ISIC_PACK);
    const a = await models.add(dir);
    expect((await models.add(dir)).id).toBe(a.id);
    writeFileSync(join(dir, 'unrelated.txt'), readFileSync(join(dir, 'card.md')));
    expect((await models.add(dir)).id).toBe(a.id);
    await models.close();
  });
});
