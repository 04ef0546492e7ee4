// A study whose stimulus preparation a restart cut short: the next start-up computes what is
// missing by itself (the app hosts call resumePreparations once the bundled packs are
// registered), so the study is ready without the coordinator pressing "Prepare again".
import { afterAll, expect, it } from 'vitest';
import { createVerdict } from '../../verdict';
import { silentLog } from '../../log';
import { call, demoVerdict, isicProtocol, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';

let v: TestVerdict;
let again: ReturnType<typeof createVerdict> | undefined;
afterAll(() => {
  again?.close();
  v?.close();
});

it('resumes an interrupted preparation at the next start-up and leaves ready studies alone', async () => {
  v = await demoVerdict();
  const { admin } = await signedIn(v, []);
  const ids: number[] = [];
  for (const id of ['cut-short', 'complete']) {
    const saved = await call(v, admin, 'protocols.save', { protocol: isicProtocol({ id, cases: { labels: ['Derm-001', 'Derm-002'] } }) });
    const study = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: id });
    expect((await v.studies.prepared(study.id)).preparation.state).toBe('ready');
    ids.push(study.id);
  }
  // What a restart in the middle leaves: some of the first study's maps never written. (The two
  // studies share maps — same pack, cases and conditions — so the second one is incomplete too.)
  const maps = v.study.db.prepare("SELECT id FROM explanation WHERE method = 'cdam'").all() as { id: number }[];
  expect(maps.length).toBeGreaterThan(0);
  v.study.db.prepare(`DELETE FROM explanation WHERE id IN (${maps.map((m) => m.id).join(',')})`).run();
  v.close();

  again = createVerdict({ dbPath: v.dbPath, host: 'cli', log: silentLog });
  expect(again.studies.summary(ids[0]).preparation.state).toBe('incomplete');
  expect(again.studies.resumePreparations()).toEqual(ids);
  for (const id of ids) expect((await again.studies.prepared(id)).preparation).toMatchObject({ state: 'ready', error: null });
  expect((again.study.db.prepare("SELECT count(*) AS n FROM explanation WHERE method = 'cdam'").get() as { n: number }).n).toBe(
    maps.length,
  );
  // Nothing left to resume: a second start-up starts nothing.
  expect(again.studies.resumePreparations()).toEqual([]);
}, 180_000);
