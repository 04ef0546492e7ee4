// A whole small reader study through the UI: the coordinator adds two readers and an admin,
// builds a protocol in the editor (4 ISIC cases × 2 methods of the ISIC test pack, phases
// unaided → AI → AI + explanation), has main refuse it with the reason beside the field, saves
// it, creates the study and assigns both readers. Reader 1 answers by keyboard, draws an
// evidence box, closes the window mid-study, comes back to the right trial with the answer kept,
// and finishes. Reader 2 gets another order and none of reader 1's answers — on screen and in
// what main sent. The coordinator's progress view shows both.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { TrialView } from '../../app/study';
import { isicFolder, isicImagesOf } from '../support/data';
import { expect, importThroughApi, recordApi, screenshot, signIn, test, type ApiExchange } from './fixtures';
import { addBankQuestion, addReader, createStudy, newProtocol, pickCases } from './coordinator-ui';
import { openStudy, trialAt } from './study-steps';

const PASS = { ada: 'ada-passphrase-1', ben: 'ben-passphrase-2', coord: 'coordinator-pass-3' };
const STUDY = 'Dermoscopy explanations (e2e)';

/** The worklist's order as the reader sees it: case and kind of reading, trial by trial. */
const orderOf = (page: Page) =>
  page.locator('[data-testid=reading-worklist] tbody tr').evaluateAll((rows) =>
    rows.map((r) =>
      [...r.querySelectorAll('td')]
        .slice(1, 3)
        .map((td) => td.textContent!.trim())
        .join(' · '),
    ),
  );

/** The maps a trial showed, as hashes of their values: the same condition's map of a case hashes alike for every reader. */
const shownMaps = (t: TrialView) =>
  t.stimuli.map((s) => createHash('sha256').update(new Uint8Array(s.values)).digest('hex').slice(0, 12)).join('+');

/** Per case, the maps of its single-explanation trials in the order this reader saw them. */
function explanationOrder(views: TrialView[]): Map<string, string[]> {
  const byPosition = new Map(views.map((v) => [v.trial.position, v]));
  const out = new Map<string, string[]>();
  for (const v of [...byPosition.values()].sort((a, b) => a.trial.position - b.trial.position)) {
    if (v.trial.kind !== 'stimulus') continue;
    out.set(v.trial.caseLabel, [...(out.get(v.trial.caseLabel) ?? []), shownMaps(v)]);
  }
  return out;
}

/** Answers every digit question of the trial on screen by keyboard, waits until main has them. */
async function answerByKeyboard(page: Page, digit: string) {
  const types = await page
    .locator('[data-testid=question-panel] fieldset[data-type]')
    .evaluateAll((f) => f.map((e) => e.getAttribute('data-type')));
  for (const t of types) if (t === 'likert' || t === 'single-choice') await page.keyboard.press(digit);
  await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
}

const trialReplies = (calls: ApiExchange[]) =>
  calls.filter((c) => c.name === 'reading.trial' && c.result?.ok).map((c) => c.result!.data as TrialView);

test('a reader study: 2 readers × 4 cases × 2 methods with phases, by keyboard, resumed after closing the window', async ({
  page,
  context,
  host,
  api,
  problems,
}) => {
  test.setTimeout(300_000);
  expect((await importThroughApi(api, isicFolder(isicImagesOf(['mel', 'nv', 'bcc', 'bkl']), false))).status).toBe('done');
  const labels = (await api.call('cases.list', {})).map((c) => c.label);
  expect(labels).toHaveLength(4);

  // ---- The coordinator, before any account exists: their own admin account first (signed in at
  // once, as main now requires for coordinator functions), then the readers.
  const calls1 = recordApi(page);
  await page.goto(host.url);
  await page.getByTestId('view-study').click();
  await expect(page.getByTestId('needs-admin')).toBeVisible();
  await expect(page.getByTestId('reader-role')).toHaveValue('admin');
  await addReader(page, 'Coordinator', 'admin', PASS.coord, { specialty: 'study coordination', years: '20' });
  await expect(page.getByTestId('signed-in')).toContainText('Coordinator');
  await addReader(page, 'Dr Ada Reader', 'reader', PASS.ada, { specialty: 'dermatology', years: '12' });
  await addReader(page, 'Dr Ben Reader', 'reader', PASS.ben, { specialty: 'dermatology', years: '4' });

  // ---- The protocol, built in the editor.
  const editor = await newProtocol(page, 'dermoscopy', 'e2e-dermoscopy', 'CDAM vs attention, ISIC test pack');
  await pickCases(page, labels);
  await page.getByTestId('add-condition').click();
  await page.getByTestId('add-condition').click();
  const conditions = page.getByTestId('conditions').locator('tbody tr');
  await conditions.nth(0).getByTestId('condition-model').selectOption('test-vit-isic');
  await conditions.nth(0).getByTestId('condition-method').selectOption('cdam');
  await conditions.nth(1).getByTestId('condition-model').selectOption('test-vit-isic');
  await conditions.nth(1).getByTestId('condition-method').selectOption('attention');
  await expect(conditions.nth(0)).toContainText('CDAM /');
  await expect(conditions.nth(1)).toContainText('Attention');
  for (const phase of ['unaided', 'ai']) await page.getByTestId('phases').locator(`input[data-phase="${phase}"]`).check();
  await page.getByTestId('seed').fill('20240601');
  await addBankQuestion(page, /^Your diagnosis/);
  await addBankQuestion(page, /^How confident/);
  await addBankQuestion(page, /^How useful/);
  await addBankQuestion(page, /^Given this explanation/);
  await addBankQuestion(page, /^Draw a box/);
  // A forced choice without comparisons: main refuses, and says so beside that question.
  await addBankQuestion(page, /^Which explanation/);
  await page.getByTestId('protocol-validate').click();
  const verdict = page.getByTestId('protocol-verdict');
  await expect(verdict).toHaveAttribute('data-ok', 'false');
  await expect(verdict).toHaveAttribute('data-field', 'questions[5]');
  await expect(editor.locator('[data-testid=protocol-questions] li').nth(5).getByTestId('field-error')).toContainText('comparisons');
  await screenshot(page, 'reader-study-protocol-refused');
  await editor
    .locator('[data-testid=protocol-questions] li')
    .nth(5)
    .getByRole('button', { name: /Remove question/ })
    .click();
  await page.getByTestId('protocol-validate').click();
  await expect(verdict).toHaveAttribute('data-ok', 'true');
  // Per case: unaided, AI, two single explanations, AI + explanation.
  await expect(verdict).toContainText('4 cases, 20 trials per reader');
  const download = page.waitForEvent('download');
  await page.getByTestId('protocol-export').click();
  const exported = (await (await download).path())!;
  const file = JSON.parse(readFileSync(exported, 'utf8'));
  expect(file).toMatchObject({
    format: 'verdict-protocol/1',
    id: 'e2e-dermoscopy',
    cases: { labels },
    phases: ['unaided', 'ai', 'ai-explanation'],
    order: { seed: 20240601 },
  });
  await page.getByTestId('protocol-save').click();
  await expect(verdict).toContainText('Saved as e2e-dermoscopy version 1');
  // The file reads back into the editor as the same protocol.
  await editor.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('protocols-table')).toContainText('e2e-dermoscopy');
  await page.getByTestId('import-protocol-file').setInputFiles(exported);
  await expect(page.getByTestId('protocol-id')).toHaveValue('e2e-dermoscopy');
  await expect(page.getByTestId('protocol-questions').locator('li')).toHaveCount(5);
  await editor.getByRole('button', { name: 'Close' }).click();

  // ---- The study, given to both readers.
  const study = await createStudy(page, 'e2e-dermoscopy v1 — CDAM vs attention, ISIC test pack', STUDY, ['Dr Ada Reader', 'Dr Ben Reader']);
  await expect(study.getByTestId('study-progress').locator('tr[data-total="20"]')).toHaveCount(2);
  await expect(study.getByTestId('study-preparation')).toContainText('Stimuli ready');
  await page.getByTestId('sign-out').click();

  // ---- Reader 1: keyboard only, an evidence box, then the window closes mid-study.
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await signIn(page, 'Dr Ada Reader', PASS.ada);
  await expect(page.getByTestId('open-import')).toHaveCount(0);
  await openStudy(page, STUDY);
  const adaOrder = await orderOf(page);
  await expect(page.getByTestId('resume')).toBeFocused();
  await page.keyboard.press('Enter');
  await trialAt(page, 0);

  // Next is refused while a required question is open, and says which.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('trial-message')).toContainText('Your diagnosis');
  await trialAt(page, 0);

  const MID = 7;
  let boxDrawn = false;
  for (let p = 0; p < MID; p++) {
    const view = await trialAt(page, p);
    await answerByKeyboard(page, String((p % 5) + 1));
    if (!boxDrawn && (await view.getAttribute('data-kind')) === 'stimulus') {
      // The reader sees an explanation named only by its letter, and no method or model.
      await expect(page.getByTestId('trial-image')).toHaveAttribute('data-overlay-on-screen', 'true');
      const shown = await page.getByTestId('reading-area').innerText();
      expect(shown).not.toMatch(/CDAM|attention|test-vit|ISIC test/i);
      await page.getByTestId('roi-draw-evidence').click();
      const box = (await page.getByTestId('dermo-viewer').boundingBox())!;
      const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
      await page.mouse.move(cx - 60, cy - 50);
      await page.mouse.down();
      await page.mouse.move(cx + 40, cy + 30, { steps: 6 });
      await page.mouse.up();
      await expect(page.getByTestId('roi-value-evidence')).toContainText('box');
      await expect(page.getByTestId('roi-layer')).toHaveAttribute('data-marks', '1');
      await expect(page.getByTestId('save-evidence')).toHaveAttribute('data-status', 'saved');
      // Main scored the mark; the reader is not shown the scores.
      const sent = calls1.find((c) => c.name === 'reading.answer' && (c.args as { questionId: string }).questionId === 'evidence');
      expect(sent?.args).toMatchObject({
        value: { shape: 'box' },
        displayState: { zoom: expect.any(Number), opacity: expect.any(Number) },
      });
      expect(sent?.result?.data).toMatchObject({ scores: expect.anything() });
      expect(await page.getByTestId('reading-area').innerText()).not.toMatch(/\bIoU\b|pointing/i);
      await screenshot(page, 'reader-study-trial');
      boxDrawn = true;
    }
    await page.keyboard.press('ArrowRight');
  }
  expect(boxDrawn).toBe(true);
  // Trial MID: one answer given (and acknowledged), then the window closes.
  await trialAt(page, MID);
  const firstQuestion = page.locator('[data-testid=question-panel] fieldset[data-type]').first();
  const firstId = (await firstQuestion.getAttribute('data-testid'))!.replace('question-', '');
  await page.keyboard.press('3');
  await expect(page.getByTestId(`save-${firstId}`)).toHaveAttribute('data-status', 'saved');
  const timings = calls1
    .filter((c) => c.name === 'reading.answer')
    .map((c) => (c.args as { timings: { timeToFirstInputMs: number | null; timeOnTrialMs: number } }).timings);
  expect(timings.every((t) => t.timeToFirstInputMs !== null && t.timeOnTrialMs >= t.timeToFirstInputMs)).toBe(true);
  await page.close();

  // ---- Reader 1 comes back: signs in again and resumes at the trial left half done, answer kept.
  const again = await context.newPage();
  const calls2 = recordApi(again);
  again.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  again.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  await again.goto(host.url);
  await signIn(again, 'Dr Ada Reader', PASS.ada);
  const worklist = await openStudy(again, STUDY);
  await expect(worklist).toHaveAttribute('data-resume-at', String(MID));
  await expect(worklist).toHaveAttribute('data-done', String(MID));
  await screenshot(again, 'reader-study-worklist-resume');
  await again.getByTestId('resume').click();
  await trialAt(again, MID);
  await expect(again.getByTestId(`question-${firstId}`)).toHaveAttribute('data-answered', 'true');
  await expect(again.getByTestId(`question-${firstId}`).locator('input[type=radio]:checked')).toHaveCount(1);
  await again.getByTestId('trial-heading').focus();
  for (let p = MID; p < 20; p++) {
    await trialAt(again, p);
    await answerByKeyboard(again, String(((p + 2) % 5) + 1));
    await again.keyboard.press('ArrowRight');
  }
  await expect(again.getByTestId('study-complete')).toBeVisible();
  await expect(again.getByTestId('reading-worklist')).toHaveAttribute('data-done', '20');
  await again.getByTestId('sign-out').click();

  // ---- Reader 2: another order, and nothing of reader 1's on screen or in main's replies.
  const benFrom = calls2.length;
  await signIn(again, 'Dr Ben Reader', PASS.ben);
  await openStudy(again, STUDY);
  await expect(again.getByTestId('reading-worklist')).toHaveAttribute('data-done', '0');
  const benOrder = await orderOf(again);
  expect(benOrder).toHaveLength(20);
  // With this protocol seed the two readers' case orders differ too (it is fixed, so this is reproducible).
  expect(benOrder).not.toEqual(adaOrder);
  await again.getByTestId('resume').click();
  for (let p = 0; p < 4; p++) {
    await trialAt(again, p);
    await expect(again.locator('[data-testid=question-panel] fieldset[data-answered=true]')).toHaveCount(0);
    await expect(again.getByTestId('roi-layer')).toHaveAttribute('data-marks', '0');
    await answerByKeyboard(again, '2');
    await again.keyboard.press('ArrowRight');
  }
  const seen = trialReplies(calls2.slice(benFrom));
  expect(seen.length).toBeGreaterThanOrEqual(3);
  for (const t of seen) expect(t.answers).toEqual([]);
  // Another order: each reader's conditions come in a counterbalanced (Williams-square) order per
  // case, so Ben's first case shows its two explanations the other way round from Ada.
  const ada = explanationOrder([...trialReplies(calls1), ...trialReplies(calls2.slice(0, benFrom))]);
  const ben = explanationOrder(seen);
  const [benCase, benMaps] = [...ben].find(([, maps]) => maps.length === 2)!;
  expect(ada.get(benCase)).toEqual([...benMaps].reverse());
  console.log(`orders: Ada ${adaOrder.slice(0, 5).join(' / ')} …; Ben ${benOrder.slice(0, 5).join(' / ')} …`);
  await again.getByTestId('sign-out').click();

  // ---- The coordinator follows progress per reader.
  await signIn(again, 'Coordinator', PASS.coord);
  await again.getByTestId('view-study').click();
  await again.getByTestId('admin-tab-studies').click();
  const rows = again.getByTestId('study').filter({ hasText: STUDY }).getByTestId('study-progress');
  await expect(rows.locator('tr', { hasText: 'Dr Ada Reader' })).toHaveAttribute('data-done', '20');
  await expect(rows.locator('tr', { hasText: 'Dr Ben Reader' })).toHaveAttribute('data-done', '4');
  await again.getByTestId('integrity-check').click();
  await expect(again.getByTestId('integrity-report')).toHaveAttribute('data-ok', 'true');
  await screenshot(again, 'reader-study-admin-progress');
  expect(problems).toEqual([]);
});
