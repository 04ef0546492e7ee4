// What the reader-study e2e tests do as the coordinator in the admin area: add a reader through
// the readers form, and copy a question from the bank into the protocol being edited.
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
