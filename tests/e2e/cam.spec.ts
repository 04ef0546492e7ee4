// The demo CNN (models/isic-cnn, a black-box pack that declares its last feature map and its
// GAP + linear head) in the coordinator's case viewer: a melanoma still opens on the ISIC ViT;
// picking the CNN opens on CAM, whose signed map (evidence / counter-evidence) is overlaid at the
// input's resolution, and Grad-CAM, unsigned 0…1, beside it; map B offers the CNN's other maps.
import type { ModelSummary } from '../../app/explain';
import { isicFolder } from '../support/data';
import { explain, meanDifference } from './explain-helpers';
import { expect, importThroughApi, screenshot, test } from './fixtures';

test('ISIC: the demo CNN explains a melanoma with CAM and Grad-CAM', async ({ app: page, api, problems }) => {
  expect((await importThroughApi(api, isicFolder(['ISIC_0024400'], false))).status).toBe('done');
  // The import's events went to the API's connection, not this page's: reload to list the case.
  await page.reload();
  const [melanoma] = await api.call('cases.list', {});
  const models: ModelSummary[] = await api.call('models.list', {});
  const cnn = models.find((m) => m.packId === 'isic-cnn');
  expect(cnn, 'isic-cnn is bundled').toBeDefined();
  expect(cnn!.methods).toEqual(expect.arrayContaining(['cam', 'grad-cam', 'lima', 'rise', 'occlusion']));
  await page.locator(`[data-testid=worklist] [data-case-id="${melanoma.id}"]`).click();
  const image = page.getByTestId('dermo-image');
  await expect.poll(async () => (await image.boundingBox())?.width ?? 0).toBeGreaterThan(100);
  // A bundled CNN does not change the model a case opens on.
  const picker = page.getByTestId('explain-model');
  await expect(picker).toHaveValue(String(models.find((m) => m.packId === 'isic-vit')!.id));
  await picker.selectOption(String(cnn!.id));
  await expect(page.getByTestId('explain-method')).toHaveValue('cam');
  await expect(page.locator('[data-testid=explain-method] option[value=cdam]')).toHaveCount(0);

  const shot = async () => page.screenshot({ clip: (await image.boundingBox())! });
  const before = await shot();
  const heatmap = await explain(page, 'cam', 'MEL');
  const camMap = await api.call('explain.map', { modelId: cnn!.id, caseId: melanoma.id, method: 'cam', target: 'MEL' });
  expect(camMap).toMatchObject({ signed: true, grid: { rows: 128, cols: 128 }, cached: true });
  expect(camMap.range.min).toBeLessThan(0);
  expect(camMap.range.max).toBeGreaterThan(0);
  await expect(page.getByTestId('colour-bar')).toHaveAttribute('data-colormap', 'blue-orange');
  await expect(page.getByTestId('map-info-a')).toContainText('CAM');
  const shown = await meanDifference(before, await shot());
  console.log(`CAM overlay changes the image's pixels by ${shown.toFixed(1)}/255 on average`);
  expect(shown).toBeGreaterThan(1);
  await expect(heatmap).toHaveAttribute('data-target', 'MEL');
  await screenshot(page, 'cnn-cam');

  await explain(page, 'grad-cam', 'MEL');
  const g = await api.call('explain.map', { modelId: cnn!.id, caseId: melanoma.id, method: 'grad-cam', target: 'MEL' });
  expect(g).toMatchObject({ signed: false, grid: { rows: 128, cols: 128 } });
  expect(g.range.min).toBeGreaterThanOrEqual(0);
  expect(g.range.max).toBeCloseTo(1, 5);
  const bar = page.getByTestId('colour-bar');
  await expect(bar).toHaveAttribute('data-colormap', 'viridis');
  await expect(page.getByTestId('map-info-a')).toContainText('Grad-CAM');
  await screenshot(page, 'cnn-grad-cam');

  const options = await page
    .locator('[data-testid=compare-method] option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).toEqual(expect.arrayContaining(['cam', 'lima', 'rise', 'occlusion']));
  expect(options).not.toContain('attention');
  expect(problems).toEqual([]);
});
