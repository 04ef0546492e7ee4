// What the reader-study e2e tests do as the coordinator in the admin area: add a reader through
// the readers form, start a protocol and pick its cases, copy a question from the bank into it, check and save it, and create a study.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export async function addReader(
  page: Page,
  name: string,
  role: 'reader' | 'admin',
  passphrase: string,
  profile?: { specialty: string; years: string },
) {
  await page.getByTestId('reader-name').fill(name);
  await page.getByTestId('reader-role').selectOption(role);
  if (profile) {
    await page.getByTestId('reader-specialty').fill(profile.specialty);
    await page.getByTestId('reader-years').fill(profile.years);
  }
  await page.getByTestId('reader-passphrase').fill(passphrase);
  await page.getByTestId('reader-confirm').fill(passphrase);
  await page.getByTestId('reader-create').click();
  await expect(page.getByTestId('readers-table')).toContainText(name);
}

export async function addBankQuestion(page: Page, prompt: RegExp) {
  const select = page.getByTestId('bank-select');
  const value = await select.locator('option').filter({ hasText: prompt }).getAttribute('value');
  await select.selectOption(value!);
  await page.getByTestId('bank-add').click();
}

/** Creates a study of the protocol (its label in the list) in the Studies tab, assigns the readers, and waits until its stimuli are ready; returns its card. */
export async function createStudy(page: Page, protocolLabel: string, name: string, readers: string[]) {
  await page.getByTestId('admin-tab-studies').click();
  await page.getByTestId('study-protocol').selectOption({ label: protocolLabel });
  await page.getByTestId('study-name').fill(name);
  await page.getByTestId('study-create').click();
  const study = page.getByTestId('study').filter({ hasText: name });
  for (const reader of readers) {
    await study.getByTestId('assign-reader').selectOption({ label: reader });
    await study.getByTestId('assign-submit').click();
    await expect(study.getByTestId('study-progress')).toContainText(reader);
  }
  // The card follows the stimuli being computed in the background (events to this window), then says they are ready.
  await expect(study.getByTestId('study-preparation')).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
  return study;
}

/** Checks the protocol in the editor (it must pass, its verdict saying `summary`), saves it as version 1 of `id` and closes the editor. */
export async function validateAndSaveProtocol(page: Page, summary: string, id: string) {
  await page.getByTestId('protocol-validate').click();
  const verdict = page.getByTestId('protocol-verdict');
  await expect(verdict).toHaveAttribute('data-ok', 'true');
  await expect(verdict).toContainText(summary);
  await page.getByTestId('protocol-save').click();
  await expect(verdict).toContainText(`Saved as ${id} version 1`);
  await page.getByTestId('protocol-editor').getByRole('button', { name: 'Close' }).click();
}

/** Starts a new protocol of the modality in the Protocols tab, with its id and title and its cases to be picked from the list; returns the editor. */
export async function newProtocol(page: Page, modality: 'ct' | 'dermoscopy', id: string, title: string) {
  await page.getByTestId('admin-tab-protocols').click();
  await page.getByTestId(`new-protocol-${modality}`).click();
  await page.getByTestId('protocol-id').fill(id);
  await page.getByTestId('protocol-title').fill(title);
  await page.getByTestId('cases-by-list').check();
  return page.getByTestId('protocol-editor');
}

/** Ticks the cases with these labels in the protocol editor's case list. */
export async function pickCases(page: Page, labels: string[]) {
  for (const label of labels) await page.getByTestId('case-picker').locator(`input[data-label="${label}"]`).check();
}
