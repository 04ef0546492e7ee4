// A reader study set up headless with the `verdict` command (bin/verdict.js in child processes)
// on a temp study database holding the demo study; status reports progress and answers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../tests/support/data';
import { runVerdict } from '../../tests/support/run-verdict';
import { createVerdict } from '../verdict';
import { silentLog } from '../log';
import { call } from '../../tests/support/study-fixture';

describe('verdict study / reader', () => {
  it('adds readers, creates and assigns a study, and reports its status', async () => {
    const dir = tempDir();
    const db = join(dir, 'study.db');
    expect((await runVerdict(['import', join(repoRoot, 'demo'), '--db', db, '--json'])).code).toBe(0);

    const early = await runVerdict(['reader', 'add', '--db', db, '--name', 'Dr Early', '--role', 'reader'], 'reader passphrase\n');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('Create the study coordinator (an admin profile) first');
    const passFile = join(dir, 'pass.txt');
    writeFileSync(passFile, 'coordinator passphrase\n');
    const admin = await runVerdict([
      'reader',
      'add',
      '--db',
      db,
      '--name',
      'Coordinator',
      '--role',
      'admin',
      '--passphrase-file',
      passFile,
    ]);
    expect(admin).toMatchObject({ code: 0, stdout: expect.stringMatching(/reader \d+ "Coordinator" \(admin\) added/) });
    expect((await runVerdict(['reader', 'add', '--db', db, '--name', 'Dr Short', '--role', 'reader'], 'short\n')).stderr).toContain(
      'passphrase: use at least 8 characters',
    );
    expect(
      (
        await runVerdict(
          ['reader', 'add', '--db', db, '--name', 'Dr CLI', '--role', 'reader', '--specialty', 'radiology', '--years', '9', '--json'],
          'reader passphrase\n',
        )
      ).code,
    ).toBe(0);

    const broken = join(dir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        format: 'verdict-protocol/1',
        id: 'x',
        version: 1,
        title: 'x',
        modality: 'CT',
        cases: { labels: ['CT-404'] },
        conditions: [{ id: 'a', model: 'lidc-vit', method: 'cdam', target: 'malignant' }],
        questions: [{ id: 'q', level: 'case', type: 'yes-no', prompt: 'Q' }],
        order: { seed: 1 },
      }),
    );
    const refused = await runVerdict(['study', 'create', '--db', db, '--protocol', broken]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('verdict: protocol: cases.labels[0]: no case labelled "CT-404"');

    const created = await runVerdict([
      'study',
      'create',
      '--db',
      db,
      '--protocol',
      join(repoRoot, 'demo/protocols/lidc-demo.json'),
      '--name',
      'LIDC pilot',
    ]);
    expect(created.code).toBe(0);
    const studyId = Number(created.stdout.trim());
    expect(studyId).toBeGreaterThan(0);
    expect(created.stderr).toMatch(/study \d+ "LIDC pilot" created: protocol lidc-demo v1 .*1 case\(s\), 6 trials per reader/);
    expect(await runVerdict(['study', 'assign', '--db', db, '--study', String(studyId), '--reader', 'Dr CLI'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/Dr CLI reads study \d+: 6 trials, seed \d+/),
    });

    // One answer given in the app, between CLI calls.
    const v = createVerdict({ dbPath: db, host: 'cli', log: silentLog });
    const reader = v.newCaller();
    const me = (await call(v as never, reader, 'session.readers', {})).find((r) => r.name === 'Dr CLI')!;
    await call(v as never, reader, 'session.signIn', { readerId: me.id, passphrase: 'reader passphrase' });
    const t = await call(v as never, reader, 'reading.trial', { studyId, position: 0 });
    await call(v as never, reader, 'reading.answer', {
      studyId,
      trialId: t.trial.id,
      questionId: 'malignancy',
      value: 4,
      displayState: { sliceIndex: 7 },
      timings: { timeToFirstInputMs: 800, timeOnTrialMs: 4000 },
    });
    v.close();

    const status = await runVerdict(['study', 'status', '--db', db, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s.integrity).toMatchObject({ ok: true, firstBreak: null });
    expect(s.studies).toHaveLength(1);
    expect(s.studies[0]).toMatchObject({
      id: studyId,
      name: 'LIDC pilot',
      protocol: { id: 'lidc-demo', version: 1 },
      cases: 1,
      answers: 1,
    });
    expect(s.studies[0].readers).toEqual([
      expect.objectContaining({ name: 'Dr CLI', done: 0, total: 6, timeSpentMs: 4000, orderReproducible: true }),
    ]);
    expect(s.studies[0].answerList).toEqual([
      expect.objectContaining({
        reader: 'Dr CLI',
        position: 0,
        case: 'CT-001 · nodule 1',
        phase: 'unaided',
        questionId: 'malignancy',
        value: 4,
        version: 1,
      }),
    ]);
    const text = await runVerdict(['study', 'status', '--db', db, '--study', String(studyId)]);
    expect(text.stdout).toMatch(/event log: intact \(\d+ events\)/);
    expect(text.stdout).toMatch(/Dr CLI\s+0\/6 done/);
  }, 180_000);
});
