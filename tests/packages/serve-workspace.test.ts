// A reader at another site with the loopback host (`npm run serve`, a real process on a fresh data
// folder): before anyone is signed in, the page opens a study package; the host then serves the
// workspace — every open connection is told (study.changed) and starts again signed out, on the
// workspace's database, where the packaged reader signs in with the passphrase they just chose.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyPackageMade } from '../../app/packages';
import { ApiError } from '../../renderer/lib/api-client';
import { tempDir } from '../support/data';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { call, demoVerdict, isicProtocol, signedIn } from '../support/study-fixture';
import { answerFor } from '../support/answer-trials';

let made: StudyPackageMade;
let host: ServeProcess;

beforeAll(async () => {
  const v = await demoVerdict();
  try {
    const { admin, readers } = await signedIn(v, ['Dr Away']);
    const protocol = isicProtocol({ conditions: [{ id: 'attention', model: 'test-vit-isic', method: 'attention', target: 'attention' }] });
    const saved = await call(v, admin, 'protocols.save', { protocol });
    const studyId = (await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Away study' })).id;
    await v.studies.prepared(studyId);
    await call(v, admin, 'studies.assign', { studyId, readerId: readers[0].id });
    const out = join(tempDir('verdict-transfer-'), 'away.tar');
    made = await call(v, admin, 'packages.create', { studyId, readerId: readers[0].id, site: 'Hospital B', out });
  } finally {
    v.close();
  }
  host = await startServeProcess();
}, 120_000);
afterAll(async () => {
  await host?.stop();
});

describe('serve host: opening a study package', () => {
  it('switches every connection to the workspace, signed out; the reader signs in there and reads', async () => {
    const page = await host.api();
    const other = await host.api();
    expect(await page.call('packages.workspace', {})).toBeNull();
    const changed = [page, other].map((c) => new Promise<string>((resolve) => c.on('study.changed', (p) => resolve(p.studyName))));

    const opened = await page.call('packages.open', { file: made.file, passphrase: 'my own passphrase' });
    expect(opened).toMatchObject({
      readerName: 'Dr Away',
      studyName: 'Away study',
      coordinatorFingerprint: made.fingerprint,
      switched: true,
    });
    expect(await Promise.all(changed)).toEqual(['study.db', 'study.db']);
    await expect.poll(() => host.output()).toContain(`serving the reading workspace ${join(host.dataDir, 'workspaces')}`);

    // Both connections now talk to the workspace: its one reader, the blinded study.
    expect((await other.call('session.readers', {})).map((r) => r.name)).toEqual(['Dr Away']);
    expect(await page.call('packages.workspace', {})).toMatchObject({
      studyName: 'Away study',
      readerName: 'Dr Away',
      coordinatorFingerprint: made.fingerprint,
      readerFingerprint: opened.readerFingerprint,
    });
    const [me] = await page.call('session.readers', {});
    await expect(page.call('session.signIn', { readerId: me.id, passphrase: 'not the passphrase' })).rejects.toBeInstanceOf(ApiError);
    await page.call('session.signIn', { readerId: me.id, passphrase: 'my own passphrase' });
    const [study] = await page.call('reading.studies', {});
    expect(study).toMatchObject({ title: 'Away study', done: 0 });
    const view = await page.call('reading.trial', { studyId: study.id, position: 0 });
    expect(view.trial.position).toBe(0);
    // The coordinator's functions are not the workspace's.
    const refused = await other.call('packages.list', { studyId: study.id }).catch((e: ApiError) => e);
    expect(refused).toMatchObject({ code: 'package.wrong-database' });
    page.close();
    other.close();
  }, 60_000);

  it("after a restart, a reader's workstation opens the workspace again, with the answers given", async () => {
    const before = await host.api();
    const [me] = await before.call('session.readers', {});
    await before.call('session.signIn', { readerId: me.id, passphrase: 'my own passphrase' });
    const [study] = await before.call('reading.studies', {});
    const view = await before.call('reading.trial', { studyId: study.id, position: 0 });
    const question = view.questions[0];
    await before.call('reading.answer', {
      studyId: study.id,
      trialId: view.trial.id,
      questionId: question.id,
      value: answerFor(question, 0, 0) as never,
      displayState: {},
      timings: { timeToFirstInputMs: 100, timeOnTrialMs: 200 },
    });
    before.close();
    await host.stop();

    host = await startServeProcess({ dataDir: host.dataDir });
    await expect.poll(() => host.output()).toContain(`serving the reading workspace ${join(host.dataDir, 'workspaces')}`);
    const after = await host.api();
    expect(await after.call('packages.workspace', {})).toMatchObject({ studyName: 'Away study', readerName: 'Dr Away' });
    await after.call('session.signIn', { readerId: me.id, passphrase: 'my own passphrase' });
    const [again] = await after.call('reading.studies', {});
    expect(again).toMatchObject({ title: 'Away study', done: 1 });
    after.close();
  }, 60_000);
});
