// `verdict package` as users run it (bin/verdict.js in child processes): the coordinator makes a
// reader's study package, the reader opens it in another data folder and sends back an answer
// package, the coordinator imports it — refused until the reader key's fingerprint is trusted —
// and lists what went out and came back. Fingerprints are printed at every step.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runVerdict } from '../../tests/support/run-verdict';
import { tempDir } from '../../tests/support/data';
import { call, demoVerdict, isicProtocol, signedIn } from '../../tests/support/study-fixture';

const run = (...args: string[]) => runVerdict(args);
const FINGERPRINT = /([0-9a-f]{4}(?: [0-9a-f]{4}){15})/;

let db: string;
let studyId: number;
const transfer = tempDir('verdict-cli-transfer-');

beforeAll(async () => {
  const v = await demoVerdict();
  db = v.dbPath;
  const { admin, readers } = await signedIn(v, ['Dr Remote']);
  const protocol = isicProtocol({ conditions: [{ id: 'attention', model: 'test-vit-isic', method: 'attention', target: 'attention' }] });
  const saved = await call(v, admin, 'protocols.save', { protocol });
  studyId = (await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'CLI packages' })).id;
  await v.studies.prepared(studyId);
  await call(v, admin, 'studies.assign', { studyId, readerId: readers[0].id });
  v.close();
}, 120_000);

describe('verdict package', () => {
  it('explains its usage', async () => {
    const help = await run('package', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/verdict package create --db FILE --study ID --reader NAME/);
    expect(help.stdout).toMatch(/--trust FINGERPRINT/);
    const bad = await run('package', 'frobnicate');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });

  it('create, open, answers, import (trusted once confirmed), list', async () => {
    const studyPkg = join(transfer, 'study.tar');
    const created = await run(
      'package',
      'create',
      '--db',
      db,
      '--study',
      String(studyId),
      '--reader',
      'Dr Remote',
      '--site',
      'Hospital B',
      '--out',
      studyPkg,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`study package for Dr Remote (Hospital B): ${studyPkg}`);
    const coordinatorKey = created.stdout.match(FINGERPRINT)![1];

    const readerData = join(tempDir('verdict-cli-reader-'), 'data');
    const opened = await runVerdict(['package', 'open', studyPkg, '--data', readerData], 'a reader passphrase\n');
    expect(opened.code).toBe(0);
    expect(opened.stdout).toContain('workspace for Dr Remote: "CLI packages"');
    expect(opened.stdout).toContain(`signed by the coordinator key ${coordinatorKey}`);
    const readerKey = opened.stdout.match(/your reader key, which signs your answers: ([0-9a-f ]+) \(/)![1];
    expect(readerKey).toMatch(FINGERPRINT);
    expect(readerKey).not.toBe(coordinatorKey);
    const short = await runVerdict(['package', 'open', studyPkg, '--data', readerData], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('passphrase: use at least 8 characters');

    const answersPkg = join(transfer, 'answers.tar');
    const answered = await run('package', 'answers', '--data', readerData, '--out', answersPkg, '--json');
    expect(answered.code).toBe(0);
    expect(JSON.parse(answered.stdout)).toMatchObject({ file: answersPkg, answers: 0, fingerprint: readerKey });

    const untrusted = await run('package', 'import', answersPkg, '--db', db);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(`key fingerprint: ${readerKey}`);
    expect(untrusted.stderr).toContain(`--trust "${readerKey}"`);
    const wrong = await run('package', 'import', answersPkg, '--db', db, '--trust', coordinatorKey);
    expect(wrong.code).toBe(1);
    const trusted = await run('package', 'import', answersPkg, '--db', db, '--trust', readerKey);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain(`0 answer version(s) of Dr Remote (Hospital B) merged, signed by ${readerKey}`);
    const again = await run('package', 'import', answersPkg, '--db', db);
    expect(again.stdout).toContain('merged before, nothing changed');

    const listed = await run('package', 'list', '--db', db, '--study', String(studyId));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`coordinator key ${coordinatorKey}`);
    expect(listed.stdout).toContain('Dr Remote (Hospital B)');
    expect(listed.stdout).toContain(`reader key ${readerKey}, trusted`);
    expect(listed.stdout).toMatch(/answers merged .*: 0 added/);
  }, 120_000);
});
