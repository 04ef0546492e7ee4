// A dermatologist's path through ISIC cases: import a folder of dermoscopic images with their
// labels and the Task 2 example with its attribute masks, show a mask over the image, change
// its opacity, and read a labelled case's diagnosis.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ISIC_DIAGNOSIS_NAMES, type CaseDetail } from '../../app/domain';
import { sharedData } from '../support/serve-process';
import { expect, importThroughUi, screenshot, test } from './fixtures';
import { regionStats } from './image-stats';

const ISIC = join(sharedData, 'isic');

/** Three HAM10000 images of different diagnoses, their labels, and ISIC_0000000 with its masks. */
function makeIsicFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-isic-'));
  const [header, ...rows] = readFileSync(join(ISIC, 'labels.csv'), 'utf8').trim().split('\n');
  const available = new Set(readdirSync(join(ISIC, 'ham10000-224')));
  const picked: string[] = [];
  for (const dx of ['mel', 'nv', 'bcc']) {
    const row = rows.find((r) => r.split(',')[2] === dx && available.has(`${r.split(',')[0]}.jpg`))!;
    picked.push(row);
    copyFileSync(join(ISIC, 'ham10000-224', `${row.split(',')[0]}.jpg`), join(dir, `${row.split(',')[0]}.jpg`));
  }
  writeFileSync(join(dir, 'labels.csv'), [header, ...picked].join('\n') + '\n');
  const task2 = join(ISIC, 'task2-example');
  for (const f of readdirSync(task2).filter((f) => f.startsWith('ISIC_0000000'))) copyFileSync(join(task2, f), join(dir, f));
  return dir;
}

test('ISIC cases: import, attribute mask overlay with opacity, diagnosis', async ({ app: page, api, problems }) => {
  const folder = makeIsicFolder();
  try {
    await importThroughUi(page, folder);
    await expect(page.getByTestId('import-report')).toHaveAttribute('data-status', 'done');
    await expect(page.getByTestId('import-report').getByTestId('report-case')).toHaveCount(4);
    await page.keyboard.press('Escape');

    const summaries = (await api.call('cases.list', {})).filter((c) => c.modality === 'dermoscopy');
    expect(summaries).toHaveLength(4);
    const details: CaseDetail[] = await Promise.all(summaries.map((c) => api.call('cases.get', { caseId: c.id })));
    // Labels are neutral, so ISIC_0000000 is the case with attribute masks.
    const withMasks = details.filter((d) => d.images[0]?.masks.length);
    expect(withMasks).toHaveLength(1);
    const masked = withMasks[0];
    const image = masked.images[0];

    await page.locator(`[data-testid=worklist] [data-case-id="${masked.id}"]`).click();
    const controls = page.getByTestId('mask-controls');
    await expect(controls.locator('input[type=checkbox]')).toHaveCount(image.masks.length);
    const viewer = page.getByTestId('dermo-viewer');
    await expect.poll(async () => (await regionStats(viewer)).stdev, { message: 'the dermoscopic image is drawn' }).toBeGreaterThan(10);

    // The largest attribute mask, on, at 80 %.
    const mask = [...image.masks].filter((m) => m.kind === 'attribute').sort((a, b) => b.area - a.area)[0];
    const overlay = page.getByTestId('mask-overlay');
    await controls.locator(`input[data-mask-id="${mask.id}"]`).check();
    await expect(overlay).toHaveAttribute('data-masks', String(mask.id));
    await page.getByTestId('mask-opacity').fill('0.8');
    await expect(overlay).toHaveAttribute('data-opacity', '0.80');
    await expect(overlay).toHaveCSS('opacity', '0.8');
    // The overlay paints exactly the mask's pixels, at the image's resolution.
    const painted = await overlay.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return { n, width: c.width, height: c.height };
    });
    expect(painted.width).toBe(image.width);
    expect(painted.height).toBe(image.height);
    expect(painted.n).toBe(mask.area);
    await screenshot(page, 'isic-mask-overlay');

    // Off again: nothing painted.
    await controls.locator(`input[data-mask-id="${mask.id}"]`).uncheck();
    await expect(overlay).toHaveAttribute('data-masks', '');

    // Zoom keeps the overlay on the image: both canvases share one transform.
    await viewer.focus();
    await page.keyboard.press('+');
    await expect(viewer).toHaveAttribute('data-zoom', '1.25');

    // A labelled case shows its diagnosis and metadata.
    const labelled = details.find((d) => d.truth?.diagnosis === 'mel')!;
    await page.locator(`[data-testid=worklist] [data-case-id="${labelled.id}"]`).click();
    await expect(page.getByTestId('diagnosis-name')).toContainText(ISIC_DIAGNOSIS_NAMES.mel);
    await expect(page.getByTestId('dermo-truth')).toHaveAttribute('data-diagnosis', 'mel');
    if (labelled.truth?.site) await expect(page.getByTestId('dermo-truth')).toContainText(labelled.truth.site);
    await expect(page.locator(`[data-testid=worklist] [data-case-id="${labelled.id}"]`)).toContainText(ISIC_DIAGNOSIS_NAMES.mel);
    await expect.poll(async () => (await regionStats(viewer)).stdev).toBeGreaterThan(10);
    await screenshot(page, 'isic-labelled');
    expect(problems).toEqual([]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
