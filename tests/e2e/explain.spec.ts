// Explanations in the viewers, against the real host and the bundled test packs (random
// weights): CDAM of an LIDC nodule on its slice, aligned with the readers' contours under zoom,
// pan and W/L, gone on other slices, compared with attention by flicker and swipe; an ISIC
// image's Smooth CDAM over the image, and a concept saved from worklist cases.
import type { Page } from '@playwright/test';
import type { CaseDetail, Nodule } from '../../app/domain';
import type { ExplanationMap } from '../../app/explain';
import type { ApiClient } from '../../renderer/lib/api-client';
import sharp from 'sharp';
import { isicFolder, lidc0001 } from '../support/data';
import { CT_STYLE } from '../../renderer/lib/explain/overlay-style';
import { explain, meanDifference, paintedShare } from './explain-helpers';
import { join } from 'node:path';
import { SCREENSHOTS, expect, importThroughApi, screenshot, test } from './fixtures';

type Box = { x: number; y: number; width: number; height: number };

const largest = (nodules: Nodule[]) =>
  [...nodules].sort((a, b) => (b.diameterMm ?? 0) - (a.diameterMm ?? 0) || b.readerCount - a.readerCount)[0];
const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const contains = (b: Box, p: { x: number; y: number }) => p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height;

async function openLidcNodule(page: Page, api: ApiClient, query = '') {
  expect((await importThroughApi(api, lidc0001)).status).toBe('done');
  const [ct] = await api.call('cases.list', {});
  const detail: CaseDetail = await api.call('cases.get', { caseId: ct.id });
  const nodule = largest(detail.nodules);
  // Loaded afresh: the worklist lists what was imported through another connection.
  await page.goto(`${new URL(page.url()).origin}/${query}`);
  await page.locator(`[data-testid=worklist] [data-case-id="${ct.id}"]`).click();
  const viewer = page.getByTestId('ct-viewer');
  await expect(viewer).toHaveAttribute('data-first-slice-ms', /^\d+$/);
  await page.locator(`[data-testid=nodule-list] tr[data-nodule-id="${nodule.id}"] button`).click();
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  await expect(page.getByTestId('explain-model')).toContainText('LIDC');
  return { detail, nodule, viewer, modelId: Number(await page.getByTestId('explain-model').inputValue()) };
}

test('LIDC: CDAM of the largest nodule on its slice, aligned with the contours, compared with attention', async ({
  app: page,
  api,
  problems,
}) => {
  const { detail, nodule, viewer, modelId } = await openLidcNodule(page, api);
  const heatmap = await explain(page, 'cdam', 'malignant');

  // What main computed (now from its cache): the crop of the nodule's largest slice.
  const map: ExplanationMap = await api.call('explain.map', {
    modelId,
    caseId: detail.id,
    noduleId: nodule.id,
    method: 'cdam',
    target: 'malignant',
  });
  expect(map.cached).toBe(true);
  expect(map.placement).toMatchObject({ kind: 'ct-slice', seriesId: detail.series[0].id, sliceIndex: nodule.largestSliceIndex });
  const info = page.getByTestId('map-info-a');
  await expect(info).toHaveAttribute('data-provider', 'cpu');
  await expect(info).toContainText('CDAM · malignant');
  await expect(info).toContainText('cpu');
  await expect(info).toContainText(/computed|from cache/);

  // Drawn inside the nodule area: the overlay covers the readers' contour centre, with paint.
  const reader = nodule.marks.find((m) => m.contours.some((c) => c.sliceIndex === nodule.largestSliceIndex))!.reader;
  const contour = page.locator(`[data-testid=contour-layer] path[data-nodule="${nodule.id}"][data-reader="${reader}"]`).first();
  const boxes = async () => ({ h: (await heatmap.boundingBox())!, c: (await contour.boundingBox())! });
  const before = await boxes();
  expect(contains(before.h, centre(before.c))).toBe(true);
  // Painted where the map is strong: the CT default leaves the weakest quarter of the scale clear.
  expect(await paintedShare(heatmap)).toBeGreaterThan(0.05);
  // …and it reaches the screen: the crop looks different with the overlay hidden (H).
  const clip = before.h;
  const withOverlay = await page.screenshot({ clip });
  await viewer.focus();
  await page.keyboard.press('h');
  await expect(heatmap).toHaveCount(0);
  const without = await page.screenshot({ clip });
  const shown = await meanDifference(withOverlay, without);
  console.log(`CDAM overlay changes the crop's pixels by ${shown.toFixed(1)}/255 on average`);
  expect(shown).toBeGreaterThan(1);
  await page.keyboard.press('h');
  await expect(heatmap).toBeVisible();
  // Its size on screen is the crop's at the view's scale: the slice fitted to the viewer, times the zoom.
  const vbox = (await viewer.boundingBox())!;
  const zoom = Number(/Zoom ([\d.]+)×/.exec((await viewer.textContent())!)![1]);
  const series = detail.series[0];
  const pxPerPixel = Math.min(vbox.width / series.columns, vbox.height / series.rows) * zoom;
  expect(before.h.width / pxPerPixel / map.placement.width).toBeCloseTo(1, 1);
  expect(before.h.height / pxPerPixel / map.placement.height).toBeCloseTo(1, 1);

  // The colour bar spans the map's symmetric range, labelled evidence / counter-evidence.
  const bar = page.getByTestId('colour-bar');
  const m = Math.max(Math.abs(map.range.min), Math.abs(map.range.max));
  expect(Number(await bar.getAttribute('data-hi'))).toBeCloseTo(m, 6);
  expect(Number(await bar.getAttribute('data-lo'))).toBeCloseTo(-m, 6);
  await expect(bar.locator('[data-value]')).toHaveCount(3);
  await expect(bar).toContainText('counter-evidence');
  await expect(bar).toContainText('evidence ▶');

  // The model's outputs: probabilities of the class head, biomarkers beside the readers' ratings.
  const prediction = await api.call('explain.predict', { modelId, caseId: detail.id, noduleId: nodule.id });
  const outputs = page.getByTestId('model-outputs');
  await expect(outputs).toHaveAttribute('data-provider', 'cpu');
  for (const name of ['benign', 'malignant']) {
    const p = prediction.outputs.find((o) => o.name === name)!.probability!;
    await expect(outputs.locator(`tr[data-output="${name}"]`)).toHaveAttribute('data-probability', p.toFixed(4));
  }
  const table = page.getByTestId('characteristics');
  for (const k of ['spiculation', 'malignancy', 'diameter']) {
    const v = prediction.outputs.find((o) => o.name === k)!.value;
    await expect(table.locator(`td[data-model-characteristic="${k}"]`)).toHaveText(v.toFixed(1));
  }
  await screenshot(page, 'explain-cdam');

  // A second target: spiculation (a regression biomarker).
  await explain(page, 'cdam', 'spiculation');
  await expect(info).toContainText('CDAM · spiculation');

  // Alignment under zoom, pan and W/L: the overlay keeps its place relative to the contour.
  const relative = async () => {
    const { h, c } = await boxes();
    return { x: (h.x - c.x) / c.width, y: (h.y - c.y) / c.height, w: h.width / c.width, h: h.height / c.height };
  };
  const r0 = await relative();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => (await contour.boundingBox())!.width / before.c.width).toBeCloseTo(1.25, 1);
  const box = (await viewer.boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3 + 90, box.y + box.height * 0.3 + 50, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect.poll(async () => (await contour.boundingBox())!.x).toBeGreaterThan(before.c.x + 60);
  await page.locator('[data-preset=mediastinum]').click();
  await expect(page.getByTestId('overlay-wl')).toHaveText('W 350 / L 50');
  const r1 = await relative();
  for (const k of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(r1[k] - r0[k]), k).toBeLessThan(0.03);

  // Only on its slice: one slice down it is gone, back up it returns.
  await viewer.focus();
  await page.keyboard.press('ArrowDown');
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex + 1));
  await expect(heatmap).toHaveCount(0);
  await page.keyboard.press('ArrowUp');
  await expect(heatmap).toBeVisible();

  // H hides and shows it; ] raises the opacity.
  await page.keyboard.press('h');
  await expect(heatmap).toHaveCount(0);
  await page.keyboard.press('h');
  await expect(heatmap).toBeVisible();
  await page.keyboard.press(']');
  await expect(page.getByTestId('overlay-opacity')).toHaveValue(String(Math.round((CT_STYLE.opacity + 0.1) * 100) / 100));
  // The threshold hides weak values: less of the canvas is painted, and the colour bar marks the band.
  const full = await paintedShare(heatmap);
  await page.getByTestId('overlay-threshold').fill('0.5');
  await expect.poll(() => paintedShare(heatmap)).toBeLessThan(full * 0.8);
  await expect(page.locator('[data-testid=colour-bar] .hidden')).toBeVisible();
  await page.getByTestId('overlay-threshold').fill(String(CT_STYLE.threshold));
  await expect.poll(() => paintedShare(heatmap)).toBeCloseTo(full, 2);

  // Flicker against attention: B is computed, and the displayed method alternates.
  const layer = page.getByTestId('heatmap-layer');
  await page.locator('[data-compare-mode=flicker]').click();
  await expect(page.getByTestId('map-info-b')).toContainText('Attention');
  const seen = new Set<string>();
  // Sampled every 100 ms: at Playwright's default back-off (1 s) a 1 Hz flicker can be met in the same phase every time.
  await expect
    .poll(async () => (seen.add((await layer.getAttribute('data-displayed'))!), [...seen].sort().join(',')), {
      timeout: 10_000,
      intervals: [100],
    })
    .toBe('attention,cdam');
  // Held B: only while the key is down.
  await page.getByTestId('flicker-rate').selectOption('0');
  await viewer.focus();
  await expect(layer).toHaveAttribute('data-displayed', 'cdam');
  await page.keyboard.down('b');
  await expect(layer).toHaveAttribute('data-displayed', 'attention');
  await expect(page.getByTestId('heatmap-b')).toHaveAttribute('data-signed', 'false');
  await page.keyboard.up('b');
  await expect(layer).toHaveAttribute('data-displayed', 'cdam');

  // Swipe: A left of the divider, B right of it, both over the same crop.
  await page.locator('[data-compare-mode=swipe]').click();
  await expect(layer).toHaveAttribute('data-displayed', 'swipe');
  const [a, b] = [(await page.getByTestId('heatmap-a').boundingBox())!, (await page.getByTestId('heatmap-b').boundingBox())!];
  expect(Math.abs(a.x - b.x) + Math.abs(a.width - b.width)).toBeLessThan(1);
  await expect(page.getByTestId('swipe-divider')).toBeVisible();
  // Divider through the middle of the crop: CDAM on its left half, attention on its right.
  const lbox = (await layer.boundingBox())!;
  const split = Math.round((100 * (a.x + a.width / 2 - lbox.x)) / lbox.width) / 100;
  await page.getByTestId('swipe-split').fill(String(split));
  await expect(page.getByTestId('swipe-divider')).toHaveAttribute('aria-valuenow', String(Math.round(split * 100)));
  await screenshot(page, 'explain-swipe');
  await page.locator('[data-compare-mode=off]').click();

  // The attention map itself: unsigned, sequential colours, its own range on the colour bar.
  await explain(page, 'attention', null);
  const attention: ExplanationMap = await api.call('explain.map', {
    modelId,
    caseId: detail.id,
    noduleId: nodule.id,
    method: 'attention',
    target: 'attention',
  });
  // Flicker computed it already, so main answers from its cache and the panel says so.
  await expect(info).toHaveAttribute('data-cached', 'true');
  await expect(info).toContainText('Attention · mean of heads');
  await expect(info).toContainText('from cache');
  await expect(bar).toHaveAttribute('data-colormap', 'viridis');
  expect(Number(await bar.getAttribute('data-lo'))).toBeCloseTo(attention.range.min, 6);
  expect(Number(await bar.getAttribute('data-hi'))).toBeCloseTo(attention.range.max, 6);
  await expect(bar).toContainText('high attention');
  await screenshot(page, 'explain-attention');
  expect(problems).toEqual([]);
});

/**
 * The least mean change (of 255, per RGB channel) the CT default overlay must make on the nodule's
 * box at the lung window. A mean over the whole box counts the parts of the box the map leaves
 * clear (below the threshold, or outside the nodule) as zero; 8/255 is about three times the
 * grey-level step a viewer notices on a bright area (~2–3 levels, Barten's contrast sensitivity
 * at these luminances), so it asks that a clearly visible part of the box be coloured, not that
 * every pixel be. The former default (fade near 0, 60 % opacity, no threshold) is measured
 * beside it for the log.
 */
const CT_OVERLAY_MIN_CHANGE = 8;

test('LIDC: the CT default overlay shows on the window-levelled nodule; off its slice it says where it is and jumps back', async ({
  app: page,
  api,
  problems,
}) => {
  const { nodule, viewer } = await openLidcNodule(page, api);
  const heatmap = await explain(page, 'cdam', 'malignant');
  await expect(page.getByTestId('overlay-wl')).toHaveText('W 1500 / L -600');
  await expect(page.getByTestId('overlay-threshold')).toHaveValue(String(CT_STYLE.threshold));
  const reader = nodule.marks.find((m) => m.contours.some((c) => c.sliceIndex === nodule.largestSliceIndex))!.reader;
  const contour = page.locator(`[data-testid=contour-layer] path[data-nodule="${nodule.id}"][data-reader="${reader}"]`).first();
  const region = (await contour.boundingBox())!;
  const around = { x: region.x - region.width, y: region.y - region.height, width: region.width * 3, height: region.height * 3 };
  const withCt = await page.screenshot({ clip: region });
  await page.screenshot({ clip: around, path: join(SCREENSHOTS, 'ct-default-heatmap-nodule.png') });
  await screenshot(page, 'ct-default-heatmap');

  // H from wherever focus is (the Run button): the viewer's keys work without its focus.
  await page.getByTestId('explain-run').focus();
  await page.keyboard.press('h');
  await expect(heatmap).toHaveCount(0);
  const bare = await page.screenshot({ clip: region });
  await page.keyboard.press('h');
  await expect(heatmap).toBeVisible();
  const ctChange = await meanDifference(withCt, bare);
  // The former default, for comparison.
  await page.getByTestId('overlay-fade').check();
  await page.getByTestId('overlay-opacity').fill('0.6');
  await page.getByTestId('overlay-threshold').fill('0');
  await expect(page.getByTestId('overlay-opacity')).toHaveValue('0.6');
  await page.waitForTimeout(200);
  const oldChange = await meanDifference(await page.screenshot({ clip: region }), bare);
  console.log(
    `on the nodule at the lung window the CT default overlay changes pixels by ${ctChange.toFixed(1)}/255, the former default by ${oldChange.toFixed(1)}/255`,
  );
  expect(ctChange).toBeGreaterThan(CT_OVERLAY_MIN_CHANGE);
  expect(ctChange).toBeGreaterThan(oldChange);

  // One slice away the map is gone; the viewer says where it is, and J goes back.
  await page.getByTestId('explain-run').focus();
  await page.keyboard.press('ArrowDown');
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex + 1));
  await expect(heatmap).toHaveCount(0);
  const notice = page.getByTestId('off-slice-notice');
  await expect(notice).toHaveText(`Explanation is on slice ${nodule.largestSliceIndex + 1} — press J or click to jump`);
  await page.keyboard.press('j');
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  await expect(heatmap).toBeVisible();
  await expect(notice).toHaveCount(0);
  // …and a click on the notice does the same from the far end.
  await page.keyboard.press('End');
  await expect(viewer).toHaveAttribute('data-slice-index', String(Number(await viewer.getAttribute('data-slice-count')) - 1));
  await notice.click();
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  await expect(heatmap).toBeVisible();
  // With the overlay off there is nothing to point to.
  await page.keyboard.press('h');
  await page.keyboard.press('Home');
  await expect(viewer).toHaveAttribute('data-slice-index', '0');
  await expect(notice).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('LIDC: the overlay and the contours lie on the pixels they describe, on the CPU and the WebGL path', async ({
  app: page,
  api,
  problems,
}) => {
  const hasWebGl = await page.evaluate(() => !!document.createElement('canvas').getContext('webgl2'));
  const { detail, nodule } = await openLidcNodule(page, api);
  const slice = await api.call('imaging.slice', { seriesId: detail.series[0].id, index: nodule.largestSliceIndex });
  const hu = new Int16Array(slice.hu);
  // The lung window as Cornerstone applies it (linear VOI), to grey 0–255.
  const grey = (v: number) => Math.max(0, Math.min(255, ((v - (-600 - 0.5 - 1499 / 2)) / 1499) * 255));
  const mark = nodule.marks.find((m) => m.contours.some((c) => c.sliceIndex === nodule.largestSliceIndex))!;
  const firstContour = mark.contours.find((c) => c.sliceIndex === nodule.largestSliceIndex)!;

  for (const mode of hasWebGl ? ['cpu', 'gpu'] : ['cpu']) {
    await page.goto(`${new URL(page.url()).origin}/?render=${mode}`);
    await page.locator(`[data-testid=worklist] [data-case-id="${detail.id}"]`).click();
    const viewer = page.getByTestId('ct-viewer');
    await expect(viewer).toHaveAttribute('data-render-backend', mode);
    await page.locator(`[data-testid=nodule-list] tr[data-nodule-id="${nodule.id}"] button`).click();
    await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
    const heatmap = await explain(page, 'cdam', 'malignant');
    await viewer.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('+');
    await expect(viewer).toContainText('Zoom 6.10×');

    // The heatmap's box is its placement through the view's projection: it gives scale and offset.
    const placement = (
      await api.call('explain.map', {
        modelId: Number(await page.getByTestId('explain-model').inputValue()),
        caseId: detail.id,
        noduleId: nodule.id,
        method: 'cdam',
        target: 'malignant',
      })
    ).placement;
    const v = (await viewer.boundingBox())!;
    const h = (await heatmap.boundingBox())!;
    const s = h.width / placement.width;
    const screen = (x: number, y: number) => [h.x - v.x + s * (x - placement.x), h.y - v.y + s * (y - placement.y)];
    expect(h.height / placement.height).toBeCloseTo(s, 2);

    // The contour layer uses the same projection: its first vertex sits on that pixel's centre.
    const d = (await page
      .locator(`[data-testid=contour-layer] path[data-nodule="${nodule.id}"][data-reader="${mark.reader}"]`)
      .first()
      .getAttribute('d'))!;
    const [, vx, vy] = /^M([-\d.]+) ([-\d.]+)/.exec(d)!.map(Number);
    const [ex, ey] = screen(firstContour.points[0] + 0.5, firstContour.points[1] + 0.5);
    expect(Math.hypot(vx - ex, vy - ey), `${mode}: contour vertex vs heatmap projection`).toBeLessThan(0.5);

    // With the overlay hidden, the screen at each projected pixel centre shows that pixel's HU:
    // better than half a pixel either way (which would straddle edges around the nodule).
    await page.keyboard.press('h');
    await expect(heatmap).toHaveCount(0);
    const png = await page.screenshot({ clip: v });
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    const error = (shift: number) => {
      let e = 0;
      let n = 0;
      for (let j = Math.round(nodule.centroid.y) - 30; j < nodule.centroid.y + 30; j++) {
        for (let i = Math.round(nodule.centroid.x) - 30; i < nodule.centroid.x + 30; i++) {
          const [x, y] = screen(i + 0.5 + shift, j + 0.5 + shift).map(Math.round);
          if (x < 0 || y < 0 || x >= info.width || y >= info.height) continue;
          e += Math.abs(data[y * info.width + x] - grey(hu[j * slice.columns + i]));
          n++;
        }
      }
      return e / n;
    };
    const [centred, right, left] = [error(0), error(0.5), error(-0.5)];
    console.log(
      `${mode}: mean |screen − HU grey| at pixel centres ${centred.toFixed(2)}, half a pixel off ${right.toFixed(2)} / ${left.toFixed(2)}`,
    );
    expect(centred, mode).toBeLessThan(right);
    expect(centred, mode).toBeLessThan(left);
    await page.keyboard.press('h');
    if (mode === 'gpu') await screenshot(page, 'explain-cdam-gpu');
  }
  expect(problems).toEqual([]);
});

test('ISIC: Smooth CDAM for MEL over the whole image, outputs, and a concept saved from worklist cases', async ({
  app: page,
  api,
  problems,
}) => {
  const folder = isicFolder(['ISIC_0024400', 'ISIC_0024306', 'ISIC_0024307'], false);
  expect((await importThroughApi(api, folder)).status).toBe('done');
  // The import's events went to the API's connection, not this page's: reload to list the cases.
  await page.reload();
  const cases = await api.call('cases.list', {});
  expect(cases.length).toBe(3);
  const melanoma = cases.find((c) => c.diagnosis === 'mel')!;
  const others = cases.filter((c) => c !== melanoma);
  await page.locator(`[data-testid=worklist] [data-case-id="${melanoma.id}"]`).click();
  await expect(page.getByTestId('dermo-truth')).toHaveAttribute('data-diagnosis', 'mel');
  await expect(page.getByTestId('explain-model')).toContainText('ISIC');
  const image = page.getByTestId('dermo-image');
  await expect.poll(async () => (await image.boundingBox())?.width ?? 0).toBeGreaterThan(100);

  const heatmap = await explain(page, 'smooth-cdam', 'MEL');
  await expect(page.getByTestId('map-info-a')).toHaveAttribute('data-provider', 'cpu');
  await expect(page.getByTestId('map-info-a')).toContainText('Smooth CDAM · MEL');
  // The map covers the image exactly, and stays on it when zoomed.
  const same = async () => {
    const [h, i] = [(await heatmap.boundingBox())!, (await image.boundingBox())!];
    return Math.max(Math.abs(h.x - i.x), Math.abs(h.y - i.y), Math.abs(h.width - i.width), Math.abs(h.height - i.height));
  };
  expect(await same()).toBeLessThan(1);
  expect(await paintedShare(heatmap)).toBeGreaterThan(0.5);
  await page.getByTestId('dermo-viewer').focus();
  await page.keyboard.press('+');
  await expect(page.getByTestId('dermo-viewer')).toHaveAttribute('data-zoom', '1.25');
  expect(await same()).toBeLessThan(1);
  await page.keyboard.press('0');

  // Holding B computes the comparison map (attention) and shows it only while held.
  const layer = page.getByTestId('heatmap-layer');
  await page.keyboard.down('b');
  await expect(layer).toHaveAttribute('data-displayed', 'attention');
  await expect(page.getByTestId('map-info-b')).toContainText('Attention');
  await page.keyboard.up('b');
  await expect(layer).toHaveAttribute('data-displayed', 'smooth-cdam');

  // Seven class probabilities that sum to one.
  const rows = page.locator('[data-testid=model-outputs] tr[data-probability]');
  await expect(rows).toHaveCount(7);
  const ps = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-probability'))));
  expect(ps.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 3);
  await expect(page.getByTestId('colour-bar')).toHaveAttribute('data-colormap', 'blue-orange');
  await screenshot(page, 'explain-isic-smooth-cdam');

  // Save a concept from two worklist cases, then explain this image by it.
  await page.getByTestId('explain-method').selectOption('concept-cdam');
  await page.getByTestId('concept-new').click();
  const dialog = page.getByTestId('concept-dialog');
  for (const c of others) await dialog.locator(`input[data-example="${c.id}:"]`).check();
  await page.getByTestId('concept-name').fill('pigmented');
  await page.getByTestId('concept-save').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('explain-concept')).toHaveValue('pigmented');
  await page.getByTestId('explain-run').click();
  await expect(heatmap).toHaveAttribute('data-method', 'concept-cdam');
  await expect(heatmap).toHaveAttribute('data-target', 'pigmented');
  const modelId = Number(await page.getByTestId('explain-model').inputValue());
  expect((await api.call('concepts.list', { modelId })).map((c) => [c.name, c.examples.length])).toEqual([['pigmented', 2]]);
  expect(problems).toEqual([]);
});
