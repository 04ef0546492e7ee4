// Several nodules of one CT case, each read as its own unit. The case is LIDC-IDRI-0001's demo
// slices with a second, mirrored nodule outlined by only 2 of the 4 readers (tests/support/
// two-nodule-ct.ts). In the editor the coordinator sees both nodules with their readers and
// median malignancy, the real one (4 readers) ticked by default, ticks the other and is warned
// that fewer than 3 readers marked it; the saved protocol names both. The reader then reads
// CT-001 twice — "CT-001 · nodule 1" and "CT-001 · nodule 2", each a block of its own trials —
// each trial opening on its nodule with the marker around it (the view centres on the nodule).
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { CaseDetail } from '../../app/domain';
import type { TrialView } from '../../app/study';
import { repoRoot } from '../support/data';
import { twoNoduleCt } from '../support/two-nodule-ct';
import { expect, importThroughApi, recordApi, screenshot, signIn, test } from './fixtures';
import { addBankQuestion, addReader, createStudy, newProtocol, pickCases, validateAndSaveProtocol } from './coordinator-ui';
import { openStudy } from './study-steps';

const PASS = { coord: 'coordinator-pass-3', reader: 'chest-passphrase-4' };

test('two nodules of one CT case: picked in the editor, read as two units, each with its marker', async ({ page, host, api, problems }) => {
  test.setTimeout(300_000);
  expect((await importThroughApi(api, twoNoduleCt(join(repoRoot, 'demo', 'lidc'), 2))).status).toBe('done');
  const [ct] = await api.call('cases.list', {});
  const detail: CaseDetail = await api.call('cases.get', { caseId: ct.id });
  // Numbered as protocols name them: the case's order.
  const numbered = detail.nodules.map((n, i) => ({ ...n, number: i + 1 }));
  expect(numbered.map((n) => n.readerCount).sort()).toEqual([2, 4]);
  const real = numbered.find((n) => n.readerCount === 4)!;
  const mirrored = numbered.find((n) => n.readerCount === 2)!;

  // ---- The coordinator: accounts, then the protocol in the editor. (The page's one socket is recorded from the start.)
  const calls = recordApi(page);
  await page.goto(host.url);
  await page.getByTestId('view-study').click();
  await addReader(page, 'Coordinator', 'admin', PASS.coord);
  await addReader(page, 'Dr Chest', 'reader', PASS.reader);
  await newProtocol(page, 'ct', 'e2e-two-nodules', 'Two nodules');
  await pickCases(page, [ct.label]);

  // Each nodule with its readers and median malignancy; the default (≥3 readers) ticked.
  const picker = page.getByTestId('nodule-picker').locator(`fieldset[data-case="${ct.label}"]`);
  await expect(picker.locator('input[type=checkbox]')).toHaveCount(2);
  const box = (n: { number: number }) => picker.locator(`input[data-nodule="${n.number}"]`);
  const row = (n: { number: number }) => picker.locator('label').filter({ has: page.locator(`input[data-nodule="${n.number}"]`) });
  await expect(row(real)).toContainText(`Nodule ${real.number} · marked by 4 of 4 · median malignancy 5`);
  await expect(row(real)).toContainText('(default)');
  await expect(row(mirrored)).toContainText(`Nodule ${mirrored.number} · marked by 2 of 4 · median malignancy 2`);
  await expect(box(real)).toBeChecked();
  await expect(box(mirrored)).not.toBeChecked();
  // The only nodule ticked cannot be unticked (untick the case instead).
  await expect(box(real)).toBeDisabled();
  await expect(picker.getByTestId('nodule-warning')).toHaveCount(0);
  await box(mirrored).check();
  await expect(picker.getByTestId('nodule-warning')).toHaveText(
    `Nodule ${mirrored.number}: fewer than 3 readers marked it, so its truth is uncertain.`,
  );
  await expect(box(real)).toBeEnabled();
  await screenshot(page, 'reader-study-ct-nodules-editor');

  await page.getByTestId('add-condition').click();
  const condition = page.getByTestId('conditions').locator('tbody tr').first();
  await condition.getByTestId('condition-model').selectOption('test-vit-lidc');
  await condition.getByTestId('condition-method').selectOption('cdam');
  await condition.getByTestId('condition-target').selectOption('malignant');
  await page.getByTestId('seed').fill('20260301');
  await addBankQuestion(page, /^Likelihood of malignancy/);
  await addBankQuestion(page, /^Does the highlighted region/);
  // Two reading units × (one explanation + the verdict).
  await validateAndSaveProtocol(page, '2 cases, 4 trials per reader', 'e2e-two-nodules');

  const coordinator = (await api.call('session.readers', {})).find((r) => r.name === 'Coordinator')!;
  await api.call('session.signIn', { readerId: coordinator.id, passphrase: PASS.coord });
  const saved = (await api.call('protocols.list', {})).find((p) => p.id === 'e2e-two-nodules')!;
  expect(saved.protocol.cases.nodules).toEqual({ [ct.label]: [real.number, mirrored.number].sort((a, b) => a - b) });

  const study = await createStudy(page, 'e2e-two-nodules v1 — Two nodules', 'Two nodules', ['Dr Chest']);
  // One map per nodule.
  await expect(study.getByTestId('study-preparation')).toHaveAttribute('data-total', '2');
  await page.getByTestId('sign-out').click();

  // ---- The reader: two units of CT-001, each opening on its own nodule with the marker.
  await signIn(page, 'Dr Chest', PASS.reader);
  const worklist = await openStudy(page, 'Two nodules');
  await expect(worklist).toContainText(`${ct.label} · nodule ${real.number}`);
  await expect(worklist).toContainText(`${ct.label} · nodule ${mirrored.number}`);
  await page.getByTestId('resume').click();
  const view = page.getByTestId('trial-view');
  const viewer = page.getByTestId('ct-viewer');
  const marker = page.getByTestId('nodule-marker');
  const read: { label: string; kind: string; noduleId: number }[] = [];
  for (let p = 0; p < 4; p++) {
    await expect(view).toHaveAttribute('data-position', String(p));
    const label = (await view.getAttribute('data-case-label'))!;
    const kind = (await view.getAttribute('data-kind'))!;
    const nodule = label.endsWith(`nodule ${real.number}`) ? real : mirrored;
    expect(label).toBe(`${ct.label} · nodule ${nodule.number}`);
    await expect(view.locator('.case')).toHaveText(label);
    // The trial the UI was given is that nodule's, and the viewer opens on its largest slice with the marker.
    const given = calls.findLast((c) => c.name === 'reading.trial' && (c.args as { position: number }).position === p && c.result?.ok);
    expect((given!.result!.data as TrialView).case.nodule!.id).toBe(nodule.id);
    await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
    await expect(marker).toBeVisible();
    // The brackets sit around the middle of the view, where the viewer centres the nodule.
    const vb = (await viewer.boundingBox())!;
    const d = (await marker.locator('path').first().getAttribute('d'))!;
    const xs = [...d.matchAll(/[MH](-?[\d.]+)/g)].map((m) => Number(m[1]));
    const ys = [...d.matchAll(/(?:M-?[\d.]+ |V)(-?[\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.abs((Math.min(...xs) + Math.max(...xs)) / 2 - vb.width / 2)).toBeLessThan(vb.width * 0.1);
    expect(Math.abs((Math.min(...ys) + Math.max(...ys)) / 2 - vb.height / 2)).toBeLessThan(vb.height * 0.1);
    if (p === 0 || p === 2) await screenshot(page, `reader-study-ct-nodules-unit-${p / 2 + 1}`);
    read.push({ label, kind, noduleId: nodule.id });
    await page.getByTestId('trial-heading').focus();
    // The explanation's localisation 4; the verdict 5 for the real nodule, 2 for the other.
    await page.keyboard.press(kind === 'stimulus' ? '4' : nodule === real ? '5' : '2');
    await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.getByTestId('study-complete')).toBeVisible();
  // Two blocks, one per nodule: its explanation, then its verdict.
  expect(read.map((r) => r.kind)).toEqual(['stimulus', 'case', 'stimulus', 'case']);
  expect(read[0].noduleId).toBe(read[1].noduleId);
  expect(read[2].noduleId).toBe(read[3].noduleId);
  expect(new Set(read.map((r) => r.noduleId))).toEqual(new Set([real.id, mirrored.id]));
  const verdicts = (await api.call('studies.answers', { studyId: (await api.call('studies.list', {}))[0].id })).filter(
    (a) => a.questionId === 'malignancy',
  );
  expect(new Map(verdicts.map((a) => [a.case, a.value]))).toEqual(
    new Map([
      [`${ct.label} · nodule ${real.number}`, 5],
      [`${ct.label} · nodule ${mirrored.number}`, 2],
    ]),
  );
  expect(problems).toEqual([]);
});
