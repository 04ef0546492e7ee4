// Results that hold up, through the UI only (issue 13): a coordinator builds an ISIC study in the
// editor — the bank's "Your diagnosis", truth-scored by default and showing how many cases have a
// diagnosis, three phases (unaided → AI → AI + explanation) with earlier phases locked — and two
// readers read it entirely by keyboard, answering the 7-class diagnosis with digits 1–7 (6 and 7
// included). Going back to an unaided trial after the AI trial shows it locked: the digit changes
// nothing on screen, and main refuses the same change (answer.locked). The coordinator then sees
// accuracy by phase (what the readers' digits make it: unaided 50 %, AI 0 %, AI + explanation
// 100 %) and downloads iMRMC and MRMCaov files that parse, with one truth per case and one score
// per reader × case × phase.
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { ISIC_DIAGNOSES, ISIC_MALIGNANT, type IsicDiagnosis } from '../../app/domain';
import { ApiError } from '../../renderer/lib/api-client';
import { isicFolder, isicImagesOf } from '../support/data';
import { expect, importThroughApi, screenshot, signIn, test } from './fixtures';
import { addBankQuestion, addReader, createStudy, newProtocol, pickCases, validateAndSaveProtocol } from './coordinator-ui';
import { openStudy, trialAt } from './study-steps';

const PASS = { ada: 'ada-passphrase-1', ben: 'ben-passphrase-2', coord: 'coordinator-pass-3' };
const STUDY = 'Truth and locks (e2e)';
const DIAGNOSES = ['mel', 'nv', 'bkl'] as const;
/** The bank's options are the ISIC diagnoses in this order: digit k answers the k-th. */
const digitOf = (dx: IsicDiagnosis) => String(ISIC_DIAGNOSES.indexOf(dx) + 1);

/**
 * The diagnosis digit a reader gives in each phase: `right` phases name the case's diagnosis,
 * the others 6 (dermatofibroma) or 7 (vascular lesion) — wrong for these cases, and the two keys
 * beyond 1–5.
 */
type Plan = Record<string, 'right' | '6' | '7'>;

async function readWholeStudy(
  page: Page,
  plan: Plan,
  truth: Map<string, IsicDiagnosis>,
  total: number,
  onTrial?: (position: number) => Promise<void>,
) {
  await openStudy(page, STUDY);
  await page.getByTestId('resume').click();
  for (let p = 0; p < total; p++) {
    const view = await trialAt(page, p);
    const [phase, kind, label] = await Promise.all(['data-phase', 'data-kind', 'data-case-label'].map((a) => view.getAttribute(a)));
    if (kind === 'case') {
      const choice = plan[phase!];
      await page.keyboard.press(choice === 'right' ? digitOf(truth.get(label!)!) : choice);
    } else {
      await page.keyboard.press('4'); // "How useful is this explanation?"
    }
    await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
    await onTrial?.(p);
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.getByTestId('study-complete')).toBeVisible();
}

async function downloaded(page: Page, testId: string): Promise<{ download: Download; text: string }> {
  const wait = page.waitForEvent('download', { timeout: 30_000 });
  await page.getByTestId(testId).click();
  const download = await wait;
  return { download, text: readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '') };
}

test('a truth-scored, phase-locked ISIC study built in the UI, read by keyboard, with accuracy by phase and MRMC files', async ({
  page,
  host,
  api,
  problems,
}) => {
  test.setTimeout(300_000);
  expect((await importThroughApi(api, isicFolder(isicImagesOf(DIAGNOSES), false))).status).toBe('done');
  const cases = await api.call('cases.list', {});
  const truth = new Map(cases.map((c) => [c.label, c.diagnosis as IsicDiagnosis]));
  expect([...truth.values()].sort()).toEqual([...DIAGNOSES].sort());

  // ---- The coordinator: accounts, then the protocol in the editor.
  await page.goto(host.url);
  await page.getByTestId('view-study').click();
  await addReader(page, 'Coordinator', 'admin', PASS.coord);
  await expect(page.getByTestId('signed-in')).toContainText('Coordinator');
  await addReader(page, 'Dr Ada Reader', 'reader', PASS.ada);
  await addReader(page, 'Dr Ben Reader', 'reader', PASS.ben);
  const editor = await newProtocol(page, 'dermoscopy', 'e2e-truth-lock', 'Truth and locks');
  // No case picked yet: the complaint is in words and names the field.
  await expect(editor.getByTestId('field-error').filter({ hasText: 'Cases: add at least one case' })).toBeVisible();
  await pickCases(
    page,
    cases.map((c) => c.label),
  );
  await page.getByTestId('add-condition').click();
  const condition = page.getByTestId('conditions').locator('tbody tr').first();
  await condition.getByTestId('condition-model').selectOption('test-vit-isic');
  await condition.getByTestId('condition-method').selectOption('cdam');
  for (const phase of ['unaided', 'ai']) await page.getByTestId('phases').locator(`input[data-phase="${phase}"]`).check();
  // Three phases: locking is on by default.
  await expect(page.getByTestId('lock-earlier-phases')).toBeChecked();
  await page.getByTestId('seed').fill('20250301');
  await addBankQuestion(page, /^Your diagnosis/);
  // The bank's diagnosis comes scored against the ISIC diagnosis, and says how many cases have one.
  const diagnosis = page.getByTestId('protocol-questions').locator('li[data-question-id=diagnosis]');
  await expect(diagnosis.getByTestId('truth-select')).toHaveValue('diagnosis');
  await expect(diagnosis.getByTestId('truth-count')).toHaveText('truth known for 3 of 3 cases.');
  await expect(diagnosis.getByTestId('truth-select').locator('option[value=malignancy]')).toContainText('truth known for 3 of 3 cases');
  // A rating's call is in words and can be chosen (app/call-rule.ts): scored against malignancy, the
  // 7 options read as a 1–7 scale; the middle answer left out, a threshold beyond the scale refused
  // naming its field. Back on the diagnosis, no call rule is left in the protocol.
  await diagnosis.getByTestId('truth-select').selectOption('malignancy');
  await expect(diagnosis.getByTestId('call-rule')).toContainText('a rating above 4 on 1–7 (options in order, the first 1) is positive');
  await expect(diagnosis.getByTestId('call-rule')).toContainText('counts as a negative call');
  await diagnosis.getByTestId('call-middle').selectOption('left-out');
  await expect(diagnosis.getByTestId('call-rule')).toContainText(/the middle answer 4 \(“.+”\) is left out of the accuracy/);
  await diagnosis.getByTestId('call-threshold').fill('9');
  await diagnosis.getByTestId('call-threshold').blur();
  await expect(diagnosis.locator('[data-testid=field-error][data-field$=".call.threshold"]')).toHaveText(
    '9 is outside the scale 1–7: a rating ≥ the threshold is positive, so it must be above 1 and at most 7',
  );
  await diagnosis.getByTestId('question-call').scrollIntoViewIfNeeded();
  await screenshot(page, 'truth-and-lock-call-rule');
  await diagnosis.getByTestId('truth-select').selectOption('diagnosis');
  await expect(diagnosis.getByTestId('question-call')).toHaveCount(0);
  await screenshot(page, 'truth-and-lock-editor');
  await addBankQuestion(page, /^How useful/);
  await validateAndSaveProtocol(page, '3 cases, 12 trials per reader', 'e2e-truth-lock');

  await createStudy(page, 'e2e-truth-lock v1 — Truth and locks', STUDY, ['Dr Ada Reader', 'Dr Ben Reader']);
  await page.getByTestId('sign-out').click();

  // ---- Ada: unaided 6, AI 7, AI + explanation right. After her first AI trial she goes back.
  await signIn(page, 'Dr Ada Reader', PASS.ada);
  const ada = (await api.call('session.readers', {})).find((r) => r.name === 'Dr Ada Reader')!;
  await readWholeStudy(page, { unaided: '6', ai: '7', 'ai-explanation': 'right' }, truth, 12, async (p) => {
    if (p !== 1) return;
    await page.keyboard.press('ArrowLeft');
    const view = await trialAt(page, 0);
    await expect(view).toHaveAttribute('data-phase', 'unaided');
    await expect(page.getByTestId('trial-locked')).toContainText('Locked: you have seen the AI for this case');
    const radios = page.getByTestId('question-diagnosis').locator('input[type=radio]');
    await expect(radios.first()).toBeDisabled();
    await expect(page.getByTestId('question-diagnosis').locator('input[type=radio]:checked')).toHaveAttribute('data-value', 'df');
    // The digit that would change dermatofibroma to melanoma changes nothing, and says why.
    await page.keyboard.press('1');
    await expect(page.getByTestId('trial-message')).toContainText('Locked');
    await expect(page.getByTestId('question-diagnosis').locator('input[type=radio]:checked')).toHaveAttribute('data-value', 'df');
    await screenshot(page, 'truth-and-lock-locked-trial');
    // Main refuses the same change, asked directly as Ada.
    await api.call('session.signIn', { readerId: ada.id, passphrase: PASS.ada });
    const trialId = Number(await view.getAttribute('data-trial-id'));
    const studyId = (await api.call('reading.studies', {}))[0].id;
    const refused = await api
      .call('reading.answer', {
        studyId,
        trialId,
        questionId: 'diagnosis',
        value: 'mel',
        displayState: {},
        timings: { timeToFirstInputMs: 1, timeOnTrialMs: 2 },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('answer.locked');
    await api.call('session.signOut', {});
    await page.keyboard.press('ArrowRight');
    await trialAt(page, 1);
  });
  await page.getByTestId('sign-out').click();

  // ---- Ben: unaided right, AI 6, AI + explanation right.
  await signIn(page, 'Dr Ben Reader', PASS.ben);
  await readWholeStudy(page, { unaided: 'right', ai: '6', 'ai-explanation': 'right' }, truth, 12);
  await page.getByTestId('sign-out').click();

  // ---- The coordinator: accuracy by phase, and the MRMC files.
  await signIn(page, 'Coordinator', PASS.coord);
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-studies').click();
  await page.getByTestId('study').filter({ hasText: STUDY }).getByTestId('study-results').click();
  await expect(page.getByTestId('results-view')).toBeVisible();
  const accuracy = page.getByTestId('accuracy-table-diagnosis');
  for (const [phase, p] of Object.entries({ Unaided: 0.5, AI: 0, 'AI + explanation': 1 })) {
    await expect(accuracy.locator(`tr[data-reader="All readers"][data-phase="${phase}"]`)).toHaveAttribute('data-proportion', String(p));
  }
  await expect(accuracy.locator('tr[data-reader="Dr Ada Reader"][data-phase="Unaided"]')).toHaveAttribute('data-proportion', '0');
  await expect(accuracy.locator('tr[data-reader="Dr Ben Reader"][data-phase="Unaided"]')).toHaveAttribute('data-proportion', '1');
  await page.getByTestId('accuracy-diagnosis').scrollIntoViewIfNeeded();
  await screenshot(page, 'truth-and-lock-accuracy');

  // The study key maps the files' integer reader and case ids back to names and labels.
  const key = parse((await downloaded(page, 'export-mrmc-key')).text, { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const readerName = new Map(key.filter((r) => r.kind === 'reader').map((r) => [r.id, r.label]));
  const caseLabel = new Map(key.filter((r) => r.kind === 'case').map((r) => [r.id, r.label]));
  expect([...readerName.values()].sort()).toEqual(['Dr Ada Reader', 'Dr Ben Reader']);
  expect([...caseLabel.values()].sort()).toEqual(cases.map((c) => c.label).sort());

  // iMRMC: front matter, N0/N1/NR/NM, "BEGIN DATA:", a truth row per case (reader -1), a score per reader × case × phase.
  const imrmc = await downloaded(page, 'export-imrmc');
  const lines = imrmc.text.split(/\r?\n/).filter((l) => l !== '');
  const begin = lines.indexOf('BEGIN DATA:');
  expect(begin).toBeGreaterThan(0);
  const malignant = (dx: string) => (ISIC_MALIGNANT.includes(dx as IsicDiagnosis) ? '1' : '0');
  const n1 = cases.filter((c) => malignant(c.diagnosis!) === '1').length;
  expect(lines.slice(0, begin).slice(-4)).toEqual([`N0:${cases.length - n1}`, `N1:${n1}`, 'NR:2', 'NM:3']);
  const data = lines.slice(begin + 1).map((l) => l.split(','));
  expect(data.every((r) => r.length === 4 && /^-?\d+$/.test(r[0]) && /^\d+$/.test(r[1]))).toBe(true);
  const truthRows = data.filter((r) => r[0] === '-1');
  expect(truthRows.every((r) => r[2] === 'truth')).toBe(true);
  expect(new Map(truthRows.map((r) => [caseLabel.get(r[1]), r[3]]))).toEqual(new Map(cases.map((c) => [c.label, malignant(c.diagnosis!)])));
  const scores = data.filter((r) => r[0] !== '-1');
  expect(scores).toHaveLength(2 * 3 * 3);
  expect(new Set(scores.map((r) => r[2]))).toEqual(new Set(['unaided', 'ai', 'ai-explanation']));
  // A diagnosis scores 1 when it names a malignant one: only the right calls on the melanoma case do.
  const mel = cases.find((c) => c.diagnosis === 'mel')!.label;
  expect(
    scores
      .filter((r) => r[3] === '1')
      .map((r) => `${readerName.get(r[0])} ${caseLabel.get(r[1])} ${r[2]}`)
      .sort(),
  ).toEqual([`Dr Ada Reader ${mel} ai-explanation`, `Dr Ben Reader ${mel} ai-explanation`, `Dr Ben Reader ${mel} unaided`].sort());

  // MRMCaov: reader, treatment, case, truth, rating — the same scores, the same integer ids.
  const mrmcaov = await downloaded(page, 'export-mrmcaov');
  const rows = parse(mrmcaov.text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  expect(Object.keys(rows[0])).toEqual(['reader', 'treatment', 'case', 'truth', 'rating']);
  expect(rows).toHaveLength(2 * 3 * 3);
  for (const r of rows) expect(r.truth).toBe(malignant(truth.get(caseLabel.get(r.case)!)!));
  expect(rows.filter((r) => r.rating === '1')).toHaveLength(3);
  expect(problems).toEqual([]);
});
