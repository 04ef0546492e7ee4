// What the self-explaining ISIC packs say about a melanoma, in the coordinator's case viewer: the
// ExpLICD-style model's seven diagnostic axes (the value it read and how sure it is, as main
// reports them), each row overlaying its attribute map on the image; the ProtoFM-style model's
// score sheet, "this looks like that" — the prototypes behind the predicted class, largest
// contribution first, with their training patches — one prototype's similarity map overlaid, and
// another class explained. The case still opens on the plain demo model.
import type { Page } from '@playwright/test';
import type { ModelSummary } from '../../app/explain';
import type { ApiClient } from '../../renderer/lib/api-client';
import { isicFolder } from '../support/data';
import { meanDifference } from './explain-helpers';
import { expect, importThroughApi, screenshot, test } from './fixtures';

async function openMelanoma(page: Page, api: ApiClient, packId: string) {
  expect((await importThroughApi(api, isicFolder(['ISIC_0024400'], false))).status).toBe('done');
  // The import's events went to the API's connection, not this page's: reload to list the case.
  await page.reload();
  const [melanoma] = await api.call('cases.list', {});
  const models: ModelSummary[] = await api.call('models.list', {});
  const model = models.find((m) => m.packId === packId);
  expect(model, `${packId} is registered`).toBeDefined();
  await page.locator(`[data-testid=worklist] [data-case-id="${melanoma.id}"]`).click();
  const image = page.getByTestId('dermo-image');
  await expect.poll(async () => (await image.boundingBox())?.width ?? 0).toBeGreaterThan(100);
  // Adding self-explaining packs does not change the model a case opens on.
  const picker = page.getByTestId('explain-model');
  await expect(picker).toHaveValue(String(models.find((m) => m.packId === 'isic-vit')!.id));
  await expect(page.getByTestId('explain-method')).toHaveValue('cdam');
  await picker.selectOption(String(model!.id));
  return { caseId: melanoma.id, model: model!, image };
}

/** The image as shown, with whatever overlay is on it. */
const shot = async (page: Page, image: ReturnType<Page['getByTestId']>) => page.screenshot({ clip: (await image.boundingBox())! });

test('ISIC: an attribute model reads seven axes, and each row overlays its map', async ({ app: page, api, problems }) => {
  const { caseId, model, image } = await openMelanoma(page, api, 'isic-explicd');
  // No CDAM without a tail graph: the panel starts on the model's own maps.
  await expect(page.getByTestId('explain-method')).toHaveValue('attribute-map');
  await expect(page.locator('[data-testid=explain-method] option[value=cdam]')).toHaveCount(0);

  // Seven axes, each with the value and probability main reports.
  const panel = page.getByTestId('attribute-panel');
  const rows = panel.locator('[data-testid^="attribute-row-"]');
  await expect(rows).toHaveCount(7);
  const report = await api.call('explain.attributes', { modelId: model.id, caseId });
  expect(report.axes.map((a) => a.axis)).toEqual(['color', 'shape', 'border', 'dermoscopic-patterns', 'texture', 'symmetry', 'elevation']);
  for (const a of report.axes) {
    const row = panel.getByTestId(`attribute-row-${a.axis}`);
    await expect(row).toHaveAttribute('data-value', a.value.name);
    await expect(row).toHaveAttribute('data-probability', a.probability.toFixed(4));
    await expect(row.getByTestId('attribute-value')).toHaveText(a.value.label);
    await expect(row).toHaveAttribute('aria-pressed', 'false');
  }
  // The bars show the diagnosis only; the axes' units are the panel's.
  await expect(page.locator('[data-testid=model-outputs] tr[data-probability]')).toHaveCount(7);

  // Clicking an axis overlays its map: the image's pixels change, and the row is marked.
  const heatmap = page.getByTestId('heatmap-a');
  await expect(heatmap).toHaveCount(0);
  const before = await shot(page, image);
  await panel.getByTestId('attribute-row-border').click();
  await expect(heatmap).toHaveAttribute('data-method', 'attribute-map');
  await expect(heatmap).toHaveAttribute('data-target', 'border');
  await expect(panel.getByTestId('attribute-row-border')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('map-info-a')).toContainText('Attribute map · border');
  const shown = await meanDifference(before, await shot(page, image));
  console.log(`attribute map overlay changes the image's pixels by ${shown.toFixed(1)}/255 on average`);
  expect(shown).toBeGreaterThan(1);
  // Unsigned: sequential colours over the map's own range, named as the axis tokens' attention.
  const map = await api.call('explain.map', { modelId: model.id, caseId, method: 'attribute-map', target: 'border' });
  expect(map.signed).toBe(false);
  expect(map.grid).toEqual({ rows: 8, cols: 8 });
  const bar = page.getByTestId('colour-bar');
  await expect(bar).toHaveAttribute('data-colormap', 'viridis');
  expect(Number(await bar.getAttribute('data-hi'))).toBeCloseTo(map.range.max, 6);
  await expect(bar).toContainText('high attention');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'self-explaining-attributes');

  // Another axis: its map replaces the first, and the mark moves with it.
  await panel.getByTestId('attribute-row-color').click();
  await expect(heatmap).toHaveAttribute('data-target', 'color');
  await expect(panel.getByTestId('attribute-row-color')).toHaveAttribute('aria-pressed', 'true');
  await expect(panel.getByTestId('attribute-row-border')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('explain-axis')).toHaveValue('color');

  // Map B offers only what this model can compute: attention and the black-box methods, never the CDAM family.
  const options = await page
    .locator('[data-testid=compare-method] option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).toEqual(['attention', 'lima', 'rise', 'occlusion']);
  await page.locator('[data-compare-mode=flicker]').click();
  await expect(page.getByTestId('map-info-b')).toContainText('Attention');
  expect(problems).toEqual([]);
});

test('ISIC: a prototype model’s score sheet, largest contribution first, with its patches and maps', async ({
  app: page,
  api,
  problems,
}) => {
  const { caseId, model, image } = await openMelanoma(page, api, 'isic-protofm');
  await expect(page.getByTestId('explain-method')).toHaveValue('prototype-map');

  // The predicted class, its probability, and the prototypes behind it, as main computes them.
  const sheet = page.getByTestId('prototype-sheet');
  const rows = sheet.locator('[data-testid^="prototype-row-"]');
  await expect(rows).toHaveCount(5);
  const expected = await api.call('explain.prototypes', { modelId: model.id, caseId });
  await expect(sheet).toHaveAttribute('data-class', expected.class);
  await expect(page.getByTestId('prototype-summary')).toHaveAttribute('data-probability', expected.probability.toFixed(4));
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-prototype')))).toEqual(expected.rows.map((r) => r.name));
  const contributions = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-contribution'))));
  expect(contributions).toEqual([...contributions].sort((a, b) => b - a));
  for (const r of expected.rows) {
    await expect(sheet.getByTestId(`prototype-row-${r.name}`)).toContainText(
      `${r.weight.toFixed(2)} × ${r.activation.toFixed(2)} = ${r.contribution.toFixed(2)}`,
    );
  }

  // Every exemplar patch is shown, decoded from main's PNG bytes.
  const exemplars = sheet.getByTestId('prototype-exemplar');
  await expect(exemplars).toHaveCount(expected.rows.reduce((n, r) => n + r.exemplars.length, 0));
  const loaded = () =>
    exemplars.evaluateAll((imgs) =>
      imgs.every(
        (i) =>
          (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0 && (i as HTMLImageElement).src.startsWith('blob:'),
      ),
    );
  await expect.poll(loaded).toBe(true);

  // The top prototype's similarity map over the image: signed, its row marked.
  const top = expected.rows[0].name;
  const heatmap = page.getByTestId('heatmap-a');
  await expect(heatmap).toHaveCount(0);
  const before = await shot(page, image);
  await sheet.getByTestId(`prototype-show-${top}`).click();
  await expect(heatmap).toHaveAttribute('data-method', 'prototype-map');
  await expect(heatmap).toHaveAttribute('data-target', top);
  await expect(sheet.getByTestId(`prototype-show-${top}`)).toHaveAttribute('aria-pressed', 'true');
  await expect(sheet.getByTestId(`prototype-row-${top}`)).toHaveAttribute('data-overlaid', 'true');
  await expect(page.getByTestId('map-info-a')).toContainText(`Prototype similarity · ${top}`);
  const shown = await meanDifference(before, await shot(page, image));
  console.log(`prototype map overlay changes the image's pixels by ${shown.toFixed(1)}/255 on average`);
  expect(shown).toBeGreaterThan(1);
  const bar = page.getByTestId('colour-bar');
  await expect(bar).toHaveAttribute('data-colormap', 'blue-orange');
  await expect(bar).toContainText('like the prototype ▶');
  await sheet.getByTestId(`prototype-row-${expected.rows[1].name}`).scrollIntoViewIfNeeded();
  await screenshot(page, 'self-explaining-prototypes');

  // Another class explained: the sheet is main's for that class, its patches loaded too.
  const other = expected.diagnosis
    .filter((d) => d.name !== expected.class)
    .reduce((a, b) => ((b.probability ?? 0) > (a.probability ?? 0) ? b : a)).name;
  await page.getByTestId('prototype-class').selectOption(other);
  await expect(sheet).toHaveAttribute('data-class', other);
  const otherSheet = await api.call('explain.prototypes', { modelId: model.id, caseId, class: other });
  await expect
    .poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-prototype'))))
    .toEqual(otherSheet.rows.map((r) => r.name));
  await expect.poll(loaded).toBe(true);
  expect(problems).toEqual([]);
});
