// The shell around the viewers: an empty study invites an import, and a folder that cannot be
// imported is reported in words, not swallowed.
import { join } from 'node:path';
import { sharedData } from '../support/serve-process';
import { expect, screenshot, test } from './fixtures';

test('an empty study offers an import; a missing folder is refused with a clear message', async ({ app: page, problems }) => {
  await expect(page.getByTestId('study-info')).toContainText('0 cases');
  await expect(page.getByText('No cases yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Import a folder…' }).click();
  const panel = page.getByTestId('import-panel');
  await expect(panel).toBeVisible();
  // The loopback host has no native folder picker, so there is no Browse… button.
  await expect(panel.getByRole('button', { name: 'Browse…' })).toHaveCount(0);
  await expect(page.getByTestId('import-start')).toBeDisabled();

  await page.getByTestId('import-path').fill('/no/such/folder/for/verdict');
  await page.getByTestId('import-start').click();
  // Either main refuses at once or the report says it failed; both name the folder's problem.
  const refused = panel.getByRole('alert').or(page.getByTestId('import-report'));
  await expect(refused.first()).toBeVisible();
  await expect(refused.first()).toContainText(/not|no such|found|exist/i);
  await screenshot(page, 'import-refused');

  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  // An expected refusal is not a page error; only the refusal notice may be on the console.
  expect(problems.filter((p) => !p.startsWith('console error'))).toEqual([]);
});

test('a long import shows its progress and can be cancelled, keeping only whole cases', async ({ app: page, api }) => {
  // The 7,496 HAM10000 images take far longer to import than it takes to press Cancel.
  await page.getByTestId('open-import').click();
  await page.getByTestId('import-path').fill(join(sharedData, 'isic'));
  await page.getByTestId('import-start').click();
  const progress = page.getByTestId('import-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText(/\d+\s*\/\s*\d+/);
  await page.getByTestId('import-cancel').click();
  const report = page.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await screenshot(page, 'import-cancelled');
  // Whatever was saved before the cancel is whole: every case has its image.
  const cases = await api.call('cases.list', {});
  expect(cases.length).toBeLessThan(7496);
  for (const c of cases) expect(c.imageCount).toBe(1);
});
