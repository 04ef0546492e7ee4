// The shell around the viewers: an empty study invites an import, and a folder that cannot be
// imported is reported in words, not swallowed.
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
