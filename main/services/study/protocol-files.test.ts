// The published protocol schema matches app/protocol.ts, and the demo protocols validate
// against the demo study (ISIC: once the isic-vit packs are bundled) and can be read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolSchema } from '../../../app/protocol';
import { demoDir, resourcesDir } from '../../paths';
import { PROTOCOL_SCHEMA_FILE, protocolJsonSchemaText } from './protocol-json-schema';
import { call, demoVerdict, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';

const demoProtocol = (name: string) => JSON.parse(readFileSync(join(demoDir(), 'protocols', name), 'utf8')) as unknown;

let v: TestVerdict;
let people: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  v = await demoVerdict();
  people = await signedIn(v, ['Dr Demo']);
}, 120_000);
afterAll(() => v.close());

describe('protocol files', () => {
  it('protocol.schema.json is the one generated from app/protocol.ts (run scripts/write-protocol-schema.ts)', () => {
    expect(readFileSync(join(resourcesDir(), PROTOCOL_SCHEMA_FILE), 'utf8')).toBe(protocolJsonSchemaText());
  });

  it('the LIDC demo protocol validates, and a reader can read it through', async () => {
    const protocol = demoProtocol('lidc-demo.json');
    const { admin, readers } = people;
    expect(await call(v, admin, 'protocols.validate', { protocol })).toEqual({ cases: 1, trialsPerReader: 6 });
    const saved = await call(v, admin, 'protocols.save', { protocol });
    const study = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'LIDC demo' });
    await v.studies.prepared(study.id);
    await call(v, admin, 'studies.assign', { studyId: study.id, readerId: readers[0].id });
    const kinds = [];
    for (let position = 0; position < 6; position++) {
      const t = await call(v, readers[0].caller, 'reading.trial', { studyId: study.id, position });
      kinds.push(`${t.trial.phase}/${t.trial.kind}/${t.stimuli.map((s) => s.label).join('')}`);
      expect(t.case.nodule).not.toBeNull();
    }
    expect(kinds.slice(0, 2)).toEqual(['unaided/case/', 'ai/case/']);
    expect(kinds.at(-1)).toBe('ai-explanation/case/');
    expect(
      kinds
        .slice(2, 5)
        .map((k) => k.at(-1))
        .sort(),
    ).toEqual(['A', 'B', 'C']);
    const providers = v.study.db.prepare('SELECT DISTINCT provider FROM stimulus').all();
    expect(providers.length).toBe(1);
  }, 120_000);

  it('the ISIC demo protocol parses and validates against the bundled isic-vit packs', async () => {
    const protocol = demoProtocol('isic-demo.json');
    expect(protocolSchema.safeParse(protocol).success).toBe(true);
    const packs = (await v.models.list()).map((m) => m.packId);
    expect(packs).toEqual(expect.arrayContaining(['isic-vit', 'isic-vit-randomized']));
    // 6 cases × (unaided + ai + 3 stimuli + 1 comparison + case question) + 2 repeats + 2 sanity checks.
    expect(await call(v, people.admin, 'protocols.validate', { protocol })).toEqual({ cases: 6, trialsPerReader: 6 * 7 + 4 });
  });
});
