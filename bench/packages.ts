// Study and answer packages (issue 17). Goals: a package of 50 ISIC cases with three conditions'
// maps ≤ 50 MB, opened in ≤ 5 s; merging 20 readers × 1,000 answers ≤ 2 s.
// The study: 50 HAM10000 images (the 224 px JPEG copies in ../shared/data; the originals, 600 × 450,
// are a few times larger) imported like any folder, a protocol of three conditions of the ISIC test
// pack (CDAM and Smooth CDAM of MEL, attention: it computes fast) in two phases. A map travels at the
// model's token grid (8 × 8 here, 28 × 28 for a ViT-S/8 @224: 3 KB), so the images make the size.
// The merge: a study of 10 of those cases read by 20 readers, each in a workspace of their own
// opened from their package, answering 1,000 questions through the API; then the coordinator
// merges the 20 answer packages (only the merges are timed: readPackage, the log's checks, the inserts).
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallContext } from '../app/api/endpoint';
import type { ProtocolInput } from '../app/protocol';
import { createVerdict, type Verdict } from '../main/verdict';
import { silentLog } from '../main/log';
import { openPackageInto } from '../main/services/packages/package-service';
import { isicImages, isicLabels, tempDir } from '../tests/support/data';
import { answerFor, apiCall } from '../tests/support/answer-trials';
import { DIAGNOSIS_QUESTION } from '../tests/support/study-fixture';

const PASS = 'bench passphrase';
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** Wall time and this process's CPU time (user + system) of `run`: on a shared machine the CPU time says what the work costs. */
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await run();
  const c = process.cpuUsage(c0);
  return { result, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}
const both = (t: { wall: number; cpu: number }) => `${seconds(t.wall)} (CPU ${seconds(t.cpu)})`;

/** A folder of the first n labelled HAM10000 images present, with their labels.csv rows. */
function isicFolder(n: number): string {
  const dir = tempDir('verdict-bench-isic-');
  const [header, ...rows] = readFileSync(isicLabels, 'utf8').trim().split('\n');
  const picked: string[] = [];
  for (const row of rows) {
    if (picked.length === n) break;
    const id = row.split(',')[0];
    try {
      copyFileSync(join(isicImages, `${id}.jpg`), join(dir, `${id}.jpg`));
      picked.push(row);
    } catch {
      // not among the 224 px copies
    }
  }
  writeFileSync(join(dir, 'labels.csv'), [header, ...picked].join('\n') + '\n');
  return dir;
}

type Coordinator = { v: Verdict; admin: CallContext; dataDir: string };

async function coordinator(cases: number): Promise<Coordinator> {
  const dataDir = tempDir('verdict-bench-coordinator-');
  const v = createVerdict({ dbPath: join(dataDir, 'study.db'), host: 'cli', log: silentLog });
  const report = await v.imports.run(isicFolder(cases));
  if (report.status !== 'done' || report.cases.length !== cases)
    throw new Error(`bench import: ${report.status}, ${report.cases.length} cases`);
  await v.models.registerBundled();
  const admin = v.newCaller();
  const a = await apiCall(v, admin, 'readers.create', { name: 'Coordinator', role: 'admin', passphrase: PASS });
  await apiCall(v, admin, 'session.signIn', { readerId: a.id, passphrase: PASS });
  return { v, admin, dataDir };
}

async function study(c: Coordinator, protocol: ProtocolInput, readers: number): Promise<{ studyId: number; readerIds: number[] }> {
  const saved = await apiCall(c.v, c.admin, 'protocols.save', { protocol });
  const studyId = (await apiCall(c.v, c.admin, 'studies.create', { protocolRowId: saved.rowId, name: protocol.title })).id;
  await c.v.studies.prepared(studyId);
  const readerIds = [];
  for (let i = 0; i < readers; i++) {
    const r = await apiCall(c.v, c.admin, 'readers.create', { name: `${protocol.id} reader ${i + 1}`, role: 'reader', passphrase: PASS });
    await apiCall(c.v, c.admin, 'studies.assign', { studyId, readerId: r.id });
    readerIds.push(r.id);
  }
  return { studyId, readerIds };
}

const conditions: ProtocolInput['conditions'] = [
  { id: 'cdam-mel', model: 'test-vit-isic', method: 'cdam', target: 'MEL' },
  { id: 'smooth-mel', model: 'test-vit-isic', method: 'smooth-cdam', target: 'MEL', params: { samples: 4 } },
  { id: 'attention', model: 'test-vit-isic', method: 'attention', target: 'attention' },
];

const likerts = (level: 'case' | 'stimulus', n: number): ProtocolInput['questions'] =>
  Array.from({ length: n }, (_, i) => ({ id: `${level}-${i + 1}`, level, type: 'likert' as const, prompt: `${level} question ${i + 1}` }));

async function packageSizeAndOpen(): Promise<string[]> {
  const c = await coordinator(50);
  const t0 = performance.now();
  const { studyId, readerIds } = await study(
    c,
    {
      format: 'verdict-protocol/1',
      id: 'bench-50',
      version: 1,
      title: 'Bench: 50 ISIC cases, three conditions',
      modality: 'dermoscopy',
      cases: { filter: { source: 'isic' } },
      conditions,
      phases: ['unaided', 'ai-explanation'],
      questions: [DIAGNOSIS_QUESTION, { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Localisation' }],
      order: { seed: 17 },
    },
    1,
  );
  const prepared = performance.now() - t0;
  const out = join(tempDir('verdict-bench-transfer-'), 'study.tar');
  const created = await timed(() => apiCall(c.v, c.admin, 'packages.create', { studyId, readerId: readerIds[0], site: 'Bench site', out }));
  const made = created.result;
  c.v.close();
  const opens = [];
  for (let i = 0; i < 3; i++) {
    const dataDir = tempDir('verdict-bench-reader-');
    opens.push(await timed(() => openPackageInto(dataDir, { file: out, passphrase: PASS })));
  }
  opens.sort((a, b) => a.wall - b.wall);
  const mb = statSync(out).size / 1e6;
  return [
    `study: 50 cases, ${made.trials} trials, ${made.images} images (maps prepared in ${seconds(prepared)})`,
    `package: ${mb.toFixed(1)} MB (goal ≤ 50 MB), made in ${both(created)}`,
    `open (verify + workspace): median ${both(opens[1])} of 3 (goal ≤ 5 s)`,
  ];
}

type AnswerPackages = { c: Coordinator; files: { file: string; fingerprint: string; answers: number }[]; setUp: number };

/** A study of 10 cases read by `readers` readers, each in their own workspace, `answers` answers each; their answer packages. */
export async function answerPackages(readers: number, answers: number): Promise<AnswerPackages> {
  const c = await coordinator(10);
  const { studyId, readerIds } = await study(
    c,
    {
      format: 'verdict-protocol/1',
      id: 'bench-merge',
      version: 1,
      title: 'Bench: merge',
      modality: 'dermoscopy',
      cases: { filter: { source: 'isic' } },
      conditions: [conditions[2]],
      phases: ['unaided', 'ai-explanation'],
      questions: [...likerts('case', 40), ...likerts('stimulus', 40)],
      order: { seed: 20 },
    },
    readers,
  );
  const transfer = tempDir('verdict-bench-transfer-');
  const files: AnswerPackages['files'] = [];
  const t0 = performance.now();
  for (const [i, readerId] of readerIds.entries()) {
    const pkg = await apiCall(c.v, c.admin, 'packages.create', {
      studyId,
      readerId,
      site: `Site ${i + 1}`,
      out: join(transfer, `study-${i}.tar`),
    });
    const dataDir = join(tempDir('verdict-bench-reader-'), 'data');
    mkdirSync(dataDir);
    const opened = await openPackageInto(dataDir, { file: pkg.file, passphrase: PASS });
    const ws = createVerdict({ dbPath: opened.dbPath, host: 'cli', log: silentLog });
    const me = ws.newCaller();
    await apiCall(ws, me, 'session.signIn', { readerId, passphrase: PASS });
    let given = 0;
    for (const t of (await apiCall(ws, me, 'reading.worklist', { studyId })).trials) {
      const view = await apiCall(ws, me, 'reading.trial', { studyId, position: t.position });
      for (const q of view.questions) {
        if (given === answers) break;
        const value = answerFor(q, i, t.position) as never;
        await apiCall(ws, me, 'reading.answer', {
          studyId,
          trialId: view.trial.id,
          questionId: q.id,
          value,
          displayState: {},
          timings: { timeToFirstInputMs: 300, timeOnTrialMs: 1000 },
        });
        given++;
      }
    }
    const written = await apiCall(ws, me, 'packages.writeAnswers', { out: join(transfer, `answers-${i}.tar`) });
    ws.close();
    files.push({ file: written.file, fingerprint: written.fingerprint, answers: written.answers });
  }
  return { c, files, setUp: performance.now() - t0 };
}

async function mergeTwentyReaders(readers = 20, answers = 1000): Promise<string[]> {
  const { c, files, setUp } = await answerPackages(readers, answers);
  let added = 0;
  const merged = await timed(async () => {
    for (const f of files) added += (await apiCall(c.v, c.admin, 'packages.import', { file: f.file, trust: f.fingerprint })).added;
  });
  const again = await timed(async () => {
    for (const f of files) await apiCall(c.v, c.admin, 'packages.import', { file: f.file });
  });
  c.v.close();
  const total = files.reduce((n, f) => n + f.answers, 0);
  return [
    `${readers} readers × ${answers} answers read in their own workspaces (${seconds(setUp)}, not timed below)`,
    `merge of ${readers} answer packages: ${added} of ${total} answers added in ${both(merged)} (goal ≤ 2 s)`,
    `the same ${readers} packages again (nothing changes): ${both(again)}`,
  ];
}

export async function runPackageBenchmark(): Promise<string[]> {
  return [...(await packageSizeAndOpen()), ...(await mergeTwentyReaders())];
}
