// Issue 17 in the UI: a reader at another site. The coordinator's workstation (this test's host)
// holds a prepared study of 2 ISIC cases assigned to one reader; in the study admin the coordinator
// makes that reader's study package ("Send to readers…"). A second loopback host on a fresh data
// folder is the reader's own workstation: there the reader opens the package (no account needed
// first), compares the coordinator's key fingerprint, signs in to the workspace, reads one trial,
// and writes an answer file ("Send answers…"). Back at the coordinator, "Import answers…" stops at
// the reader key's fingerprint, imports once it is confirmed, and Results count the reader's answers.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ProtocolInput } from '../../app/protocol';
import { isicFolder, isicImagesOf, tempDir } from '../support/data';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { expect, importThroughApi, recordApi, screenshot, signIn, test } from './fixtures';
import { coordinatorThroughApi, openStudy, preparedStudyThroughApi, readerThroughApi, trialAt } from './study-steps';

const STUDY = 'Dermoscopy at two sites (e2e)';
const COORDINATOR = { name: 'Coordinator', passphrase: 'coordinator-pass-7' };
const READER = { name: 'Dr Remote', specialty: 'dermatology', yearsExperience: 9, passphrase: 'set-by-the-coordinator' };
/** The passphrase the reader chooses when opening the package on their own workstation. */
const OWN_PASSPHRASE = 'my-own-passphrase-1';
const SITE = 'Hospital B';

const protocol = (labels: string[]): ProtocolInput => ({
  format: 'verdict-protocol/1',
  id: 'e2e-two-sites',
  version: 1,
  title: 'Two sites e2e',
  modality: 'dermoscopy',
  cases: { labels },
  conditions: [{ id: 'cdam-mel', model: 'test-vit-isic', method: 'cdam', target: 'MEL' }],
  phases: ['unaided', 'ai-explanation'],
  questions: [
    {
      id: 'diagnosis',
      level: 'case',
      type: 'single-choice',
      prompt: 'Your diagnosis',
      truth: 'diagnosis',
      options: ['mel', 'nv'].map((d) => ({ value: d, label: d.toUpperCase() })),
    },
    { id: 'useful', level: 'stimulus', type: 'likert', prompt: 'How useful is this explanation?' },
  ],
  order: { seed: 1717 },
});

/** Every method id, model id and condition id of the protocol: none may reach the reader's page. */
const UNBLINDED = ['cdam', 'CDAM', 'test-vit-isic', 'cdam-mel', 'attention'];

/** A copy of the package with one byte flipped inside the first member whose name starts with `part` (the file is a ustar tar). */
function tamperedCopy(file: string, part: string, out: string): string {
  const buf = readFileSync(file);
  for (let at = 0; at + 512 <= buf.length;) {
    const name = buf.toString('latin1', at, at + 100).replace(/\0.*$/s, '');
    const size = parseInt(
      buf
        .toString('latin1', at + 124, at + 136)
        .replace(/\0/g, '')
        .trim() || '0',
      8,
    );
    if (name.startsWith(part)) {
      buf[at + 512 + Math.floor(size / 2)] ^= 0x01;
      writeFileSync(out, buf);
      return out;
    }
    if (!name) break;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${part} is not in ${file}`);
}

async function fingerprintOn(page: Page, testid: string): Promise<string> {
  return (await page.getByTestId(testid).getAttribute('data-fingerprint'))!;
}

test('a study package read at another site: made, opened, read, answered, sent back and merged', async ({
  page,
  browser,
  host,
  api,
  problems,
}) => {
  test.setTimeout(300_000);
  const transfer = tempDir('verdict-transfer-');
  const studyFile = join(transfer, 'for-dr-remote.verdict.tar');
  const answersFile = join(transfer, 'answers-dr-remote.verdict.tar');

  // ---- The coordinator's study, set up through the API (its UI has specs of its own).
  expect((await importThroughApi(api, isicFolder(isicImagesOf(['mel', 'nv']), false))).status).toBe('done');
  const labels = (await api.call('cases.list', {})).map((c) => c.label);
  await coordinatorThroughApi(api, COORDINATOR.name, COORDINATOR.passphrase);
  const reader = await readerThroughApi(api, READER);
  await preparedStudyThroughApi(api, protocol(labels), STUDY, [reader.id]);

  // ---- Send to readers…: the reader's site and file, then the package and the key to pass on.
  await page.goto(host.url);
  await signIn(page, COORDINATOR.name, COORDINATOR.passphrase);
  await page.getByTestId('view-study').click();
  await page.getByTestId('admin-tab-studies').click();
  const card = page.getByTestId('study').filter({ hasText: STUDY });
  await card.getByTestId('study-send').click();
  const send = page.getByTestId('send-to-readers');
  const row = send.getByTestId('reader-package').filter({ hasText: READER.name });
  await row.getByTestId('package-site').fill(SITE);
  await row.getByTestId('package-out').fill('for-dr-remote.tar');
  await expect(row.getByTestId('package-make')).toBeDisabled();
  await row.getByTestId('package-out').fill(studyFile);
  await row.getByTestId('package-make').click();
  const made = row.getByTestId('package-made');
  await expect(made).toBeVisible({ timeout: 60_000 });
  await expect(row.getByTestId('package-file-file')).toHaveText(studyFile);
  await expect(row.getByTestId('package-file')).toHaveAttribute('data-sha256', /^[0-9a-f]{64}$/);
  await expect(row.getByTestId('package-history')).toHaveAttribute('data-issued', '1');
  await expect(row.locator('h3')).toContainText(SITE);
  const coordinatorKey = await fingerprintOn(page, 'coordinator-fingerprint');
  expect(coordinatorKey).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  await screenshot(page, 'study-package-send');
  await send.getByRole('button', { name: 'Close' }).click();

  // ---- The reader's own workstation: a fresh install, another host, another browser profile.
  let site: ServeProcess | null = await startServeProcess();
  const readerContext = await browser.newContext();
  try {
    const rp = await readerContext.newPage();
    rp.on('pageerror', (e) => problems.push(`reader's page error: ${e.message}`));
    rp.on('console', (m) => m.type() === 'error' && problems.push(`reader's console error: ${m.text()}`));
    const readerCalls = recordApi(rp);
    await rp.goto(site.url);
    await expect(rp.getByTestId('study-info')).toBeVisible();
    await rp.getByTestId('header-open-package').click();
    const dialog = rp.getByTestId('open-package');
    // A flipped byte in an image is refused, naming the part, and what to do about it.
    await dialog.getByTestId('package-path').fill(tamperedCopy(studyFile, 'images/', join(transfer, 'tampered-study.tar')));
    await dialog.getByTestId('package-passphrase').fill(OWN_PASSPHRASE);
    await dialog.getByTestId('package-passphrase-again').fill(OWN_PASSPHRASE);
    await dialog.getByTestId('open-package-submit').click();
    const refused = dialog.getByTestId('open-package-refusal');
    await expect(refused).toHaveAttribute('data-code', 'package.tampered');
    await expect(refused).toContainText(/part images\/\S+/);
    await expect(refused).toContainText('ask your coordinator to send it again');
    await screenshot(rp, 'study-package-open-refused');
    await dialog.getByTestId('package-path').fill(studyFile);
    await dialog.getByTestId('package-passphrase').fill(OWN_PASSPHRASE);
    await dialog.getByTestId('package-passphrase-again').fill(`${OWN_PASSPHRASE}x`);
    await expect(dialog.getByTestId('open-package-submit')).toBeDisabled();
    await dialog.getByTestId('package-passphrase-again').fill(OWN_PASSPHRASE);
    await screenshot(rp, 'study-package-open-form');
    await dialog.getByTestId('open-package-submit').click();
    await expect(dialog.getByTestId('package-opened')).toContainText(READER.name, { timeout: 60_000 });
    // The key the reader compares is the coordinator's, as the coordinator's screen showed it.
    expect(await fingerprintOn(rp, 'opened-coordinator-fingerprint')).toBe(coordinatorKey);
    const readerKey = await fingerprintOn(rp, 'opened-reader-fingerprint');
    expect(readerKey).not.toBe(coordinatorKey);
    // Behind the dialog the host already serves the workspace: the sign-in screen names the study.
    await expect(rp.getByTestId('workspace-info')).toContainText(STUDY);
    await screenshot(rp, 'study-package-opened');
    await dialog.getByTestId('open-package-done').click();
    await expect(rp.getByTestId('continue-unsigned')).toHaveCount(0);
    await screenshot(rp, 'study-package-sign-in');
    await signIn(rp, READER.name, OWN_PASSPHRASE);

    // Reads the first trial: answers its questions and waits until main has them.
    const worklist = await openStudy(rp, STUDY);
    await expect(worklist).toHaveAttribute('data-done', '0');
    await worklist.getByTestId('resume').click();
    await trialAt(rp, 0);
    const types = await rp
      .locator('[data-testid=question-panel] fieldset[data-type]')
      .evaluateAll((f) => f.map((e) => e.getAttribute('data-type')));
    expect(types.length).toBeGreaterThan(0);
    for (const t of types) if (t === 'likert' || t === 'single-choice') await rp.keyboard.press('1');
    await expect(rp.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
    await screenshot(rp, 'study-package-trial');
    await rp.getByTestId('to-worklist').click();
    await expect(worklist).toHaveAttribute('data-done', '1');
    await expect(worklist.getByTestId('send-answers-hint')).toBeVisible();
    await screenshot(rp, 'study-package-worklist');

    // Send answers…: the file, how many answers, and the reader's own key.
    await rp.getByTestId('send-answers-open').click();
    const sendAnswers = rp.getByTestId('send-answers');
    expect(await fingerprintOn(rp, 'own-fingerprint')).toBe(readerKey);
    await sendAnswers.getByTestId('answers-path').fill(answersFile);
    await sendAnswers.getByTestId('send-answers-submit').click();
    await expect(sendAnswers.getByTestId('answers-written')).toHaveAttribute('data-answers', String(types.length));
    await expect(sendAnswers.getByTestId('answers-file-file')).toHaveText(answersFile);
    await screenshot(rp, 'study-package-answers-sent');

    // Nothing the reader's page was sent names the method, the model or the condition.
    const sent = JSON.stringify(readerCalls.map((c) => c.result?.data ?? null));
    for (const word of UNBLINDED) expect(sent, `"${word}" reached the reader's page`).not.toContain(word);
    await sendAnswers.getByRole('button', { name: 'Close' }).click();

    // ---- Back at the coordinator: import, confirm the reader's key, see the answers counted.
    await card.getByTestId('study-import-answers').click();
    const imp = page.getByTestId('import-answers');
    // A flipped byte in the answers is refused, naming the part.
    await imp.getByTestId('answers-import-path').fill(tamperedCopy(answersFile, 'answers.json', join(transfer, 'tampered.tar')));
    await imp.getByTestId('answers-import-submit').click();
    const importRefused = imp.getByTestId('answers-import-refusal');
    await expect(importRefused).toHaveAttribute('data-code', 'package.tampered');
    await expect(importRefused).toContainText('answers.json');
    await expect(importRefused).toContainText('ask the reader to send it again');
    await screenshot(page, 'study-package-import-refused');
    await imp.getByTestId('answers-import-path').fill(answersFile);
    await imp.getByTestId('answers-import-submit').click();
    const confirm = imp.getByTestId('confirm-reader-key');
    await expect(confirm).toContainText(READER.name);
    expect(await fingerprintOn(page, 'reader-key-fingerprint')).toBe(readerKey);
    await screenshot(page, 'study-package-confirm-key');
    await confirm.getByTestId('reader-key-trust').click();
    const report = imp.getByTestId('merge-report');
    await expect(report).toHaveAttribute('data-added', String(types.length));
    await expect(report).toContainText(`${READER.name} (${SITE})`);
    await screenshot(page, 'study-package-merged');
    // The same file again changes nothing.
    await imp.getByTestId('answers-import-submit').click();
    await expect(report).toHaveAttribute('data-already', 'true');
    await imp.getByRole('button', { name: 'Close' }).click();

    await card.getByTestId('study-send').click();
    const history = page.getByTestId('send-to-readers').getByTestId('package-history');
    await expect(history).toHaveAttribute('data-answers', String(types.length));
    await expect(history.getByTestId('answers-merged')).toContainText(readerKey);
    await page.getByTestId('send-to-readers').getByRole('button', { name: 'Close' }).click();
    await expect(card.getByTestId('study-progress').locator(`tr[data-reader-id="${reader.id}"]`)).toHaveAttribute('data-done', '1');

    await card.getByTestId('study-results').click();
    const results = page.getByTestId('results-view');
    await expect(results).toHaveAttribute('data-loaded', 'true');
    await expect(results).toContainText(`1 reader · ${types.length} answers`);
    await screenshot(page, 'study-package-results');
    expect(problems).toEqual([]);
  } finally {
    await readerContext.close();
    await site?.stop();
    if (site) rmSync(site.dataDir, { recursive: true, force: true });
    site = null;
    rmSync(transfer, { recursive: true, force: true });
  }
});
