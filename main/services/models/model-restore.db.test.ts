// Restoring a retired model (model-service.ts restore; `models.restore`, `verdict model restore`,
// the Models view's Restore): offered for new maps and protocols again, by row id or pack id —
// unless another active model took its pack id since (named), or its folder no longer holds the
// registered pack.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { tempDir } from '../../../tests/support/data';
import { silentLog } from '../../log';
import { createVerdict, type Verdict } from '../../verdict';
import { ISIC_PACK, packVariant } from './test-packs';

const open: Verdict[] = [];
afterEach(() => open.splice(0).forEach((v) => v.close()));
const fresh = () => {
  const v = createVerdict({
    dbPath: join(tempDir('verdict-restore-'), 'study.db'),
    host: 'cli',
    log: silentLog,
    modelRoots: [],
    providers: ['cpu'],
  });
  open.push(v);
  return v;
};
const userPack = (id: string, name: string) => packVariant(ISIC_PACK, (m) => ((m.id = id), (m.name = name)));
const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('accepted');
    },
    (e: unknown) => e as VerdictError,
  );

describe('restoring a retired model', () => {
  it('offers it for new work again, by row id or by pack id; an active model is left as it is', async () => {
    const v = fresh();
    const model = await v.models.add(userPack('restorable', 'Restorable ViT'));
    await v.models.retire(model.id);
    expect((await v.models.list()).map((m) => m.id)).toEqual([]);
    expect((await refusalOf(v.models.resolve('restorable'))).code).toBe('model.retired');

    const restored = await v.models.restore(model.id);
    expect(restored.id).toBe(model.id);
    expect((await v.models.list()).map((m) => m.id)).toEqual([model.id]);
    expect((await v.models.catalogue())[0].retiredAt).toBeNull();
    expect((await v.models.resolve('restorable')).id).toBe(model.id);
    expect((await v.models.restore(model.id)).id).toBe(model.id); // already active: unchanged

    await v.models.retire('restorable');
    expect((await v.models.restore('restorable')).id).toBe(model.id);
    expect((await v.models.list()).map((m) => m.id)).toEqual([model.id]);
    expect((await refusalOf(v.models.restore('no-such-pack'))).code).toBe('not-found');
  });

  it('is refused while another model holds its pack id, naming it; retiring that one lets it back', async () => {
    const v = fresh();
    const first = await v.models.add(userPack('shared', 'First ViT'));
    await v.models.retire(first.id);
    const second = await v.models.add(userPack('shared', 'Second ViT'));
    const e = await refusalOf(v.models.restore(first.id));
    expect(e.code).toBe('model.id-taken');
    expect(e.message).toContain(
      `Model ${first.id} "First ViT" 0.1.0 cannot be restored: its pack id "shared" is now held by model ${second.id} "Second ViT"`,
    );
    expect(e.detail).toMatchObject({ modelId: first.id, heldById: second.id });
    expect((await v.models.catalogue()).find((m) => m.id === first.id)!.retiredAt).not.toBeNull();

    await v.models.retire(second.id);
    await v.models.restore(first.id);
    expect((await v.models.list()).map((m) => m.name)).toEqual(['First ViT']);
  });

  it('is refused when its folder no longer holds the registered pack, naming the file', async () => {
    const v = fresh();
    const model = await v.models.add(userPack('changed', 'Changed ViT'));
    await v.models.retire(model.id);
    const dir = v.models.get(model.id).dir;
    appendFileSync(join(dir, 'tail.onnx'), Buffer.from([0]));
    const e = await refusalOf(v.models.restore(model.id));
    expect(e.code).toBe('model.hash-mismatch');
    expect(e.message).toMatch(/^tail\.onnx: SHA-256 is [0-9a-f]{64} but/);
    expect((await v.models.catalogue())[0].retiredAt).not.toBeNull();
  });
});
