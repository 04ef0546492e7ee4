// The coordinator's results dashboard on a finished study. The study is set up and read through
// the typed API (reading by keyboard has its own spec): 2 readers × 4 ISIC cases, phases unaided →
// AI → AI + explanation, a diagnosis scored against the truth, a malignancy rating, a usefulness
// rating of two blinded explanations, one repeat and one sanity-check trial per reader. Then the
// coordinator opens Results: the plots are drawn from what main computed, the tables show the
// agreement and accuracy, and plots and exports save as files.
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import type { ProtocolInput, Question } from '../../app/protocol';
import type { AnswerValue } from '../../app/study';
import type { ApiClient } from '../../renderer/lib/api-client';
import { isicFolder, isicImagesOf } from '../support/data';
import type { ServeProcess } from '../support/serve-process';
import { expect, importThroughApi, screenshot, signIn, test } from './fixtures';
import { coordinatorThroughApi, preparedStudyThroughApi, readerThroughApi } from './study-steps';

const DIAGNOSES = ['mel', 'nv', 'bcc', 'bkl'] as const;
const PHASES = ['unaided', 'ai', 'ai-explanation'] as const;
const COORDINATOR = { name: 'Coordinator', passphrase: 'coordinator-pass-9' };
const READERS = [
  { name: 'Dr Ada Reader', passphrase: 'ada-passphrase-1' },
  { name: 'Dr Ben Reader', passphrase: 'ben-passphrase-2' },
];
const STUDY = 'Results dashboard (e2e)';

// The whole test takes seconds: a click or download that waits longer is a failure, and says which.
test.use({ actionTimeout: 20_000 });

/**
 * Which cases (by index in DIAGNOSES) each reader diagnoses right in each phase: better with AI,
 * better still with the explanation — so all readers get 3/8, 5/8 and 7/8 right.
 */
const RIGHT: Record<(typeof PHASES)[number], number[]>[] = [
  { unaided: [0, 1], ai: [0, 1, 2], 'ai-explanation': [0, 1, 2, 3] },
  { unaided: [0], ai: [0, 1], 'ai-explanation': [0, 1, 2] },
];
const EXPECTED_ACCURACY = { Unaided: 3 / 8, AI: 5 / 8, 'AI + explanation': 7 / 8 };

function protocolFor(labels: string[]): ProtocolInput {
  return {
    format: 'verdict-protocol/1',
    id: 'e2e-results',
    version: 1,
    title: 'Results dashboard e2e',
    modality: 'dermoscopy',
    cases: { labels },
    conditions: [
      { id: 'cdam-mel', model: 'test-vit-isic', method: 'cdam', target: 'MEL' },
      { id: 'attention', model: 'test-vit-isic', method: 'attention', target: 'attention' },
    ],
    phases: [...PHASES],
    questions: [
      {
        id: 'diagnosis',
        level: 'case',
        type: 'single-choice',
        prompt: 'Your diagnosis',
        truth: 'diagnosis',
        options: DIAGNOSES.map((d) => ({ value: d, label: d.toUpperCase() })),
      },
      // The middle answer ("can't tell") left out of the accuracy, not a benign call (app/call-rule.ts).
      {
        id: 'malignancy',
        level: 'case',
        type: 'likert',
        prompt: 'How likely is this lesion malignant?',
        truth: 'malignancy',
        call: { middle: 'left-out' },
      },
      { id: 'useful', level: 'stimulus', type: 'likert', prompt: 'How useful is this explanation?' },
    ],
    repeats: { count: 1 },
    sanityChecks: { count: 1, model: 'isic-vit-randomized' },
    order: { seed: 424242 },
  };
}

/** A reader's answer: the planned diagnosis, and ratings varied by reader, case, phase and blinded label. */
function answerFor(
  q: Question,
  reader: number,
  phase: (typeof PHASES)[number],
  caseIndex: number,
  stimulusLabel: string | null,
): AnswerValue {
  if (q.id === 'diagnosis') return DIAGNOSES[RIGHT[reader][phase].includes(caseIndex) ? caseIndex : (caseIndex + 1) % DIAGNOSES.length];
  if (q.id === 'malignancy') return 1 + ((caseIndex * (reader + 1) + PHASES.indexOf(phase)) % 5);
  // The explanation labelled A is found more useful than B, with some disagreement between readers
  // and cases (A: 4–5 varying by case, B: 2 for one reader and 3 for the other).
  return stimulusLabel === 'A' ? 4 + ((caseIndex + reader) % 2) : 2 + (reader % 2);
}

/** Reads the whole study as one reader over their own connection, answering every question of every trial. */
async function readAll(
  host: ServeProcess,
  studyId: number,
  reader: number,
  readerId: number,
  caseIndex: Map<string, number>,
): Promise<number> {
  const api = await host.api();
  try {
    await api.call('session.signIn', { readerId, passphrase: READERS[reader].passphrase });
    const w = await api.call('reading.worklist', { studyId });
    for (const t of w.trials) {
      const view = await api.call('reading.trial', { studyId, position: t.position });
      for (const q of view.questions) {
        const value = answerFor(q, reader, view.trial.phase, caseIndex.get(view.trial.caseLabel)!, view.stimuli[0]?.label ?? null);
        const timings = { timeToFirstInputMs: 400 + 10 * t.position, timeOnTrialMs: 2000 + 250 * t.position + 1000 * reader };
        await api.call('reading.answer', {
          studyId,
          trialId: view.trial.id,
          questionId: q.id,
          value: value as never,
          displayState: { opacity: 0.5 },
          timings,
        });
      }
    }
    return (await api.call('reading.worklist', { studyId })).done;
  } finally {
    api.close();
  }
}

async function setUpAndRead(api: ApiClient, host: ServeProcess): Promise<{ studyId: number; trialsPerReader: number }> {
  expect((await importThroughApi(api, isicFolder(isicImagesOf(DIAGNOSES), false))).status).toBe('done');
  const cases = await api.call('cases.list', {});
  const caseIndex = new Map(cases.map((c) => [c.label, DIAGNOSES.indexOf(c.diagnosis as (typeof DIAGNOSES)[number])]));
  expect([...caseIndex.values()].sort()).toEqual([0, 1, 2, 3]);

  await coordinatorThroughApi(api, COORDINATOR.name, COORDINATOR.passphrase);
  const readers = [];
  for (const r of READERS) readers.push(await readerThroughApi(api, { ...r, specialty: 'dermatology', yearsExperience: 10 }));
  await api.call('models.list', {}); // the bundled packs (the sanity-check one too) are registered by then
  const study = await preparedStudyThroughApi(
    api,
    protocolFor(cases.map((c) => c.label)),
    STUDY,
    readers.map((r) => r.id),
  );
  const total = (await api.call('studies.list', {})).find((s) => s.id === study.id)!.readers[0].total;
  for (const [i, r] of readers.entries()) expect(await readAll(host, study.id, i, r.id, caseIndex)).toBe(total);
  return { studyId: study.id, trialsPerReader: total };
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const wait = page.waitForEvent('download', { timeout: 30_000 });
  await click();
  const download = await wait;
  return { download, bytes: readFileSync((await download.path())!) };
}

test('the dashboard of a finished study shows its plots', async ({ page, host, api, problems }) => {
  test.setTimeout(180_000);
  const { studyId, trialsPerReader } = await test.step('set up and read the study through the API', () => setUpAndRead(api, host));
  // Per case: unaided, AI, one trial per explanation, AI + explanation; then one repeat and one sanity check.
  expect(trialsPerReader).toBe(4 * 5 + 2);

  // What the plots should hold, from the unblinded answers: one group per phase, condition and sanity flag.
  const answers = await api.call('studies.answers', { studyId });
  const groupsOf = (questionId: string) =>
    new Set(answers.filter((a) => a.questionId === questionId).map((a) => `${a.phase}|${a.condition}|${a.sanity}`)).size;
  const usefulGroups = groupsOf('useful');
  expect(answers.some((a) => a.questionId === 'useful' && a.sanity)).toBe(true);
  expect(usefulGroups).toBeGreaterThanOrEqual(3);
  expect(groupsOf('malignancy')).toBe(3);

  // ---- The coordinator signs in and opens the study's results.
  await page.goto(host.url);
  await signIn(page, COORDINATOR.name, COORDINATOR.passphrase);
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-studies').click();
  await page.getByTestId('study').filter({ hasText: STUDY }).getByTestId('study-results').click();
  const view = page.getByTestId('results-view');
  await expect(view).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('results-problem')).toHaveCount(0);

  // Comparisons first (issue 19): the two conditions' difference in usefulness, the mean over readers
  // of each reader's mean, with its 95% interval (readers and cases random) and p-value.
  await expect(view.locator('h2').first()).toHaveText('Comparisons');
  await expect(view.locator('section.comparison').first()).toHaveAttribute('data-testid', 'comparison-useful-mean-ai-explanation');
  const firstReads = answers.filter((a) => a.questionId === 'useful' && !a.sanity && a.repeatOf === null && a.kind === 'stimulus');
  const level = (condition: string) => {
    const perReader = READERS.map((r) => {
      const v = firstReads.filter((a) => a.condition === condition && a.reader === r.name).map((a) => a.value as number);
      return v.reduce((s, x) => s + x, 0) / v.length;
    });
    return perReader.reduce((s, x) => s + x, 0) / perReader.length;
  };
  const usefulComparison = page.getByTestId('comparison-useful-mean-ai-explanation');
  const difference = usefulComparison.locator('tr[data-difference="Attention − CDAM / MEL"]');
  await expect(difference).toHaveCount(1);
  const estimate = Number(await difference.getAttribute('data-estimate'));
  expect(estimate).toBeCloseTo(level('attention') - level('cdam-mel'), 10);
  const [lo, hi] = [Number(await difference.getAttribute('data-lo')), Number(await difference.getAttribute('data-hi'))];
  expect(lo).toBeLessThan(estimate);
  expect(hi).toBeGreaterThan(estimate);
  const forest = page.getByTestId('comparison-plot-useful-mean-ai-explanation').locator('svg').first();
  await expect(forest.locator('g.difference-estimate circle')).toHaveCount(1);
  await expect(forest.locator('g.difference-ci line')).toHaveCount(1);
  await expect(difference).toContainText(/p [=<] \d\.\d{3}/);
  // Accuracy by phase, averaged over readers: 3/8, 5/8, 7/8, so AI − Unaided is 0.25.
  await expect(page.getByTestId('comparison-diagnosis-accuracy-phases').locator('tr[data-difference="AI − Unaided"]')).toHaveAttribute(
    'data-estimate',
    '0.25',
  );
  await expect(page.getByTestId('results-rules')).toContainText(
    '“malignancy” is scored against the truth — Malignancy: LIDC median malignancy ≥ 4 malignant, ≤ 2 benign (3 left out); ISIC mel, bcc, akiec malignant; call: a rating above 3 on 1–5 is positive, below it negative; the middle answer 3 is left out of the accuracy (those reads are counted).',
  );
  await screenshot(page, 'results-comparisons');
  console.log(
    `e2e numbers: useful, Attention − CDAM / MEL = ${estimate} [${lo}, ${hi}], ${await difference.getAttribute('data-p')}; levels ${level('attention')}, ${level('cdam-mel')}`,
  );

  // Ratings: a mean with its interval per group, sanity checks beside the real ones, and counts per scale point.
  const useful = page.getByTestId('ratings-useful');
  await expect(useful).toHaveAttribute('data-groups', String(usefulGroups));
  const means = page.getByTestId('ratings-means-useful').locator('svg').first();
  await expect(means.locator('g.rating-mean circle')).toHaveCount(usefulGroups);
  // An interval wherever a group has two ratings or more: at least the two real conditions'.
  expect(await means.locator('g.rating-ci line').count()).toBeGreaterThanOrEqual(2);
  await expect(means).toContainText('(sanity check)');
  await expect(means).toContainText('CDAM / MEL');
  await expect(page.getByTestId('ratings-distribution-useful').locator('svg g.rating-bars rect')).toHaveCount(usefulGroups * 5);
  await expect(page.getByTestId('ratings-means-malignancy').locator('svg g.rating-mean circle')).toHaveCount(3);

  // Agreement between readers: numeric kappas.
  const agreement = page.getByTestId('agreement-table');
  await expect(agreement.locator('tr[data-question=useful] [data-testid=fleiss-kappa]')).toHaveText(/^-?\d\.\d{3}/);
  await expect(agreement.locator('tr[data-question=useful] [data-testid=weighted-kappa]')).toHaveText(/^-?\d\.\d{3}/);
  await expect(agreement.locator('tr[data-question=malignancy] [data-testid=fleiss-kappa]')).toHaveText(/^-?\d\.\d{3}/);
  // Agreement per phase × condition beside the pooled figure: the two conditions of 'useful', each with its ICC.
  const levels = agreement.locator('tr[data-level-of=useful]');
  await expect(levels).toHaveCount(2);
  await expect(levels.filter({ hasText: 'AI + explanation · CDAM / MEL' })).toHaveCount(1);
  await expect(agreement.locator('tr[data-level-of=malignancy]')).toHaveCount(3);
  // Intra-reader agreement from the repeat reads.
  await expect(page.getByTestId('intra-reader-table').locator('tbody tr')).not.toHaveCount(0);

  // Accuracy against the truth, per phase: all readers and each reader.
  const accuracy = page.getByTestId('accuracy-table-diagnosis');
  for (const [phase, p] of Object.entries(EXPECTED_ACCURACY)) {
    const row = accuracy.locator(`tr[data-reader="All readers"][data-phase="${phase}"]`);
    await expect(row).toHaveAttribute('data-proportion', String(p));
    await expect(row).toContainText(`${Math.round(p * 100)}%`);
  }
  await expect(accuracy.locator('tbody tr')).toHaveCount(3 * 3);
  await expect(page.getByTestId('accuracy-plot-diagnosis').locator('svg g.accuracy-mean circle')).toHaveCount(9);
  // The malignancy rating's middle answer is left out (the protocol's call option): its legend says
  // so, and each phase counts the reads left out — the ratings of 3 answerFor gives.
  await expect(page.getByTestId('accuracy-rule-malignancy')).toContainText('the middle answer 3 is left out of the accuracy');
  await expect(page.getByTestId('accuracy-rule-diagnosis')).not.toContainText('middle answer');
  for (const phase of PHASES) {
    const threes = [0, 1].flatMap((r) =>
      [0, 1, 2, 3].filter((c) => answerFor({ id: 'malignancy' } as Question, r, phase, c, null) === 3),
    ).length;
    const label = { unaided: 'Unaided', ai: 'AI', 'ai-explanation': 'AI + explanation' }[phase];
    const row = page.getByTestId('accuracy-table-malignancy').locator(`tr[data-reader="All readers"][data-phase="${label}"]`);
    await expect(row).toHaveAttribute('data-left-out', String(threes));
    await expect(row).toContainText(`/ ${8 - threes}`);
  }

  // Time per trial.
  await expect(page.getByTestId('timing-plot').locator('svg g.timing-mean circle')).not.toHaveCount(0);
  await expect(page.getByTestId('timing-table').locator('tbody tr')).not.toHaveCount(0);
  await screenshot(page, 'results-dashboard');
  await page.getByTestId('accuracy-diagnosis').scrollIntoViewIfNeeded();
  await screenshot(page, 'results-dashboard-accuracy');

  // Plots save as SVG and PNG.
  const svg = await downloaded(page, () => page.getByTestId('ratings-means-useful-save-svg').click());
  expect(svg.download.suggestedFilename()).toMatch(/\.svg$/);
  const svgText = svg.bytes.toString('utf8');
  expect(svgText).toMatch(/^(<\?xml|<svg)/);
  expect(svgText).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svgText).toContain('rating-mean');
  const png = await downloaded(page, () => page.getByTestId('ratings-means-useful-save-png').click());
  expect(png.download.suggestedFilename()).toMatch(/\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // 2×: the PNG's width (IHDR, bytes 16–19) is twice the plot's.
  const plotWidth = Number(await means.getAttribute('width'));
  expect(png.bytes.readUInt32BE(16)).toBe(plotWidth * 2);

  // Exports: the long CSV as main built it.
  const csv = await downloaded(page, () => page.getByTestId('export-csv').click());
  expect(csv.download.suggestedFilename()).toMatch(/\.csv$/);
  expect(
    csv.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0],
  ).toMatch(/^study_id,/);
  await expect(page.getByTestId('export-saved')).toContainText(csv.download.suggestedFilename());
  // The other files save too, each under the name main gave it.
  for (const format of ['comparisons', 'imrmc', 'rjafroc', 'mrmcaov', 'mrmc-key', 'kappa', 'icc', 'json'] as const) {
    const file = await downloaded(page, () => page.getByTestId(`export-${format}`).click());
    expect(file.download.suggestedFilename()).toMatch(/\.(csv|imrmc|json)$/);
    expect(file.bytes.length).toBeGreaterThan(0);
    if (format === 'json') expect(() => JSON.parse(file.bytes.toString('utf8'))).not.toThrow();
  }
  await expect(page.getByTestId('results-problem')).toHaveCount(0);

  expect(problems).toEqual([]);
});
