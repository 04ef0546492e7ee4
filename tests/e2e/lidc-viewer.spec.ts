// A radiologist's path through an LIDC case: import the series through the UI, open it, jump to
// the largest nodule, check the readers' contours and ratings against what main returns, then
// window/level, scroll and read HU under the cursor.
import { join } from 'node:path';
import type { CaseDetail, Nodule } from '../../app/domain';
import { sharedData } from '../support/serve-process';
import { expect, importThroughApi, importThroughUi, screenshot, test } from './fixtures';
import { regionStats } from './image-stats';

const LIDC_0001 = join(sharedData, 'lidc/series/LIDC-IDRI-0001');
/** The goal is 300 ms; the test fails only well above it so a busy CI machine does not flake. */
const FIRST_SLICE_BUDGET_MS = Number(process.env.VERDICT_FIRST_SLICE_BUDGET_MS ?? 1000);

const largest = (nodules: Nodule[]) =>
  [...nodules].sort((a, b) => (b.diameterMm ?? 0) - (a.diameterMm ?? 0) || b.readerCount - a.readerCount)[0];

test('LIDC case: import, largest nodule with 4 readers’ contours and ratings, W/L, scroll, HU', async ({ app: page, api, problems }) => {
  await importThroughUi(page, LIDC_0001);
  const report = page.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-status', 'done');

  const ct = (await api.call('cases.list', {})).filter((c) => c.modality === 'CT');
  expect(ct).toHaveLength(1);
  const detail: CaseDetail = await api.call('cases.get', { caseId: ct[0].id });
  const series = detail.series[0];
  expect(series.sliceCount).toBe(133);
  await expect(report.getByTestId('report-case')).toContainText(series.seriesInstanceUid);
  await expect(report.getByTestId('report-case')).toContainText('133');
  await expect(report.getByTestId('report-case')).toContainText(`${series.sliceSpacing!.toFixed(2)} mm`);
  await screenshot(page, 'lidc-import-report');

  // Open from the worklist, as a reader would after closing the import panel.
  await page.getByRole('button', { name: 'Close' }).click();
  await page.locator(`[data-testid=worklist] [data-case-id="${detail.id}"]`).click();
  const viewer = page.getByTestId('ct-viewer');
  await expect(viewer).toHaveAttribute('data-first-slice-ms', /^\d+$/);
  const firstSliceMs = Number(await viewer.getAttribute('data-first-slice-ms'));
  const backend = await viewer.getAttribute('data-render-backend');
  console.log(`first CT slice drawn ${firstSliceMs} ms after opening the case (${backend} rendering)`);
  test.info().annotations.push({ type: 'first-slice-ms', description: `${firstSliceMs} (${backend})` });
  expect(firstSliceMs).toBeLessThan(FIRST_SLICE_BUDGET_MS);
  await expect(page.getByTestId('overlay-slice')).toHaveText(`Slice ${Math.floor(133 / 2) + 1} / 133`);
  // Opening the case moves focus to the viewer (not 28 Tabs away in the worklist), and the
  // window is one a preset button matches (the header's W 1600 / L −600 is not).
  await expect(viewer).toBeFocused();
  await expect(page.getByTestId('overlay-wl')).toHaveText('W 1500 / L -600');
  await expect(page.locator('[data-preset=lung]')).toHaveAttribute('aria-pressed', 'true');
  // "?" lists this screen's keys; Esc closes it and gives focus back.
  await page.keyboard.press('?');
  const help = page.getByTestId('screen-key-help');
  await expect(help).toContainText('CT viewer');
  await expect(help).toContainText('First / last slice');
  await expect(help).toContainText('Go to the slice the explanation was computed on');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(viewer).toBeFocused();
  // The skip link: the page's first Tab stop, straight to the image.
  const firstStop = await page.evaluate(() =>
    document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')?.getAttribute('data-testid'),
  );
  expect(firstStop).toBe('skip-to-image');
  const skip = page.getByTestId('skip-to-image');
  await expect(skip).not.toBeInViewport();
  await skip.focus();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(viewer).toBeFocused();

  // Jump to the largest nodule: its largest slice, centred, each reader's contour drawn.
  const nodule = largest(detail.nodules);
  expect(nodule.readerCount).toBe(4);
  await page.locator(`[data-testid=nodule-list] tr[data-nodule-id="${nodule.id}"] button`).click();
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  const layer = page.getByTestId('contour-layer');
  await expect(layer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  const readersOnSlice = [
    ...new Set(nodule.marks.filter((m) => m.contours.some((c) => c.sliceIndex === nodule.largestSliceIndex)).map((m) => m.reader)),
  ];
  expect(readersOnSlice).toHaveLength(4);
  for (const r of readersOnSlice) {
    await expect(layer.locator(`path[data-nodule="${nodule.id}"][data-reader="${r}"]`).first()).toBeVisible();
  }
  const box = (await viewer.boundingBox())!;
  const contourBox = async () =>
    (await layer.locator(`path[data-nodule="${nodule.id}"][data-reader="${readersOnSlice[0]}"]`).first().boundingBox())!;
  const before = await contourBox();
  // Centred on the nodule: the contour's centre is near the middle of the viewer.
  expect(Math.abs(before.x + before.width / 2 - (box.x + box.width / 2))).toBeLessThan(box.width * 0.15);
  expect(Math.abs(before.y + before.height / 2 - (box.y + box.height / 2))).toBeLessThan(box.height * 0.15);

  // The four readers' ratings, side by side, as main returns them.
  const table = page.getByTestId('characteristics');
  const rated = nodule.marks.filter((m) => m.characteristics);
  expect(rated).toHaveLength(4);
  for (const m of rated) {
    await expect(table.locator(`td[data-reader="${m.reader}"][data-characteristic="malignancy"]`)).toHaveText(
      String(m.characteristics!.malignancy),
    );
    await expect(table.locator(`td[data-reader="${m.reader}"][data-characteristic="spiculation"]`)).toHaveText(
      String(m.characteristics!.spiculation),
    );
  }
  await screenshot(page, 'lidc-nodule');
  const shown = await regionStats(viewer);
  expect(shown.mean, 'the CT slice is drawn, not black').toBeGreaterThan(20);
  expect(shown.stdev, 'the CT slice has structure').toBeGreaterThan(20);

  // Contours follow zoom: zooming in by 1.25 grows them by 1.25.
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => (await contourBox()).width / before.width).toBeCloseTo(1.25, 1);

  // A reader's contours can be hidden and shown again.
  const r1 = readersOnSlice[0];
  await page.locator(`[data-testid=reader-legend] input[data-reader="${r1}"]`).uncheck();
  await expect(layer.locator(`path[data-reader="${r1}"]`)).toHaveCount(0);
  await page.locator(`[data-testid=reader-legend] input[data-reader="${r1}"]`).check();
  await expect(layer.locator(`path[data-reader="${r1}"]`).first()).toBeVisible();

  // Window/level: a preset, then a drag.
  const wl = page.getByTestId('overlay-wl');
  await page.locator('[data-preset=mediastinum]').click();
  await expect(wl).toHaveText('W 350 / L 50');
  await expect(viewer).toHaveAttribute('data-window-width', '350');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3 + 80, box.y + box.height * 0.3 + 40, { steps: 8 });
  await page.mouse.up();
  await expect(wl).not.toHaveText('W 350 / L 50');
  const dragged = await wl.textContent();

  // Scrolling: wheel, keys and the slider; the window stays as the reader set it.
  const index = () => viewer.getAttribute('data-slice-index').then(Number);
  const start = await index();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 120);
  await expect.poll(index).not.toBe(start);
  // The keys work after a wheel scroll without the viewer having focus (here on a worklist button).
  await page.locator(`[data-testid=worklist] [data-case-id="${detail.id}"]`).focus();
  await expect(viewer).not.toBeFocused();
  const afterWheel = await index();
  await page.keyboard.press('ArrowDown');
  await expect.poll(index).toBe(afterWheel + 1);
  await page.keyboard.press('PageUp');
  await expect.poll(index).toBe(afterWheel + 1 - 10);
  await page.keyboard.press('End');
  await expect.poll(index).toBe(132);
  await page.keyboard.press('Home');
  await expect.poll(index).toBe(0);
  await page.getByTestId('slice-slider').fill(String(nodule.largestSliceIndex + 1));
  await expect.poll(index).toBe(nodule.largestSliceIndex);
  await expect(wl).toHaveText(dragged!);
  // The slider keeps its arrows while it has focus…
  await page.getByTestId('slice-slider').focus();
  await page.keyboard.press('ArrowRight');
  await expect.poll(index).toBe(nodule.largestSliceIndex + 1);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(index).toBe(nodule.largestSliceIndex);
  // …and typing in a field is never taken for a viewer key.
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.id = 'typing-probe';
    document.body.append(i);
  });
  await page.locator('#typing-probe').focus();
  await page.keyboard.press('End');
  await page.keyboard.press('2');
  await expect.poll(index).toBe(nodule.largestSliceIndex);
  await expect(wl).toHaveText(dragged!);
  await page.evaluate(() => document.getElementById('typing-probe')!.remove());
  await page.keyboard.press('1');
  await expect(wl).toHaveText('W 1500 / L -600');

  // HU under the cursor: what the overlay says is the pixel main sends for that slice.
  await page.mouse.move(box.x + box.width / 2 + 7, box.y + box.height / 2 - 5);
  const hu = page.getByTestId('overlay-hu');
  await expect(hu).toHaveText(/^HU -?\d+ at \(\d+, \d+\)$/);
  const [, value, x, y] = /^HU (-?\d+) at \((\d+), (\d+)\)$/.exec((await hu.textContent())!)!.map(Number);
  const slice = await api.call('imaging.slice', { seriesId: series.id, index: nodule.largestSliceIndex });
  expect(value).toBe(new Int16Array(slice.hu)[y * slice.columns + x]);

  await screenshot(page, 'lidc-viewer');
  expect(problems).toEqual([]);
});

test('LIDC case on the WebGL path draws the slice and keeps contours on the nodule', async ({ app: page, api, host, problems }) => {
  const hasWebGl = await page.evaluate(() => !!document.createElement('canvas').getContext('webgl2'));
  test.skip(!hasWebGl, 'this browser has no WebGL; the CPU path is covered by the test above');
  expect((await importThroughApi(api, LIDC_0001)).status).toBe('done');
  const [ct] = await api.call('cases.list', {});
  const nodule = largest((await api.call('cases.get', { caseId: ct.id })).nodules);

  await page.goto(`${host.origin}/?render=gpu`);
  await page.locator(`[data-testid=worklist] [data-case-id="${ct.id}"]`).click();
  const viewer = page.getByTestId('ct-viewer');
  await expect(viewer).toHaveAttribute('data-render-backend', 'gpu');
  await expect(viewer).toHaveAttribute('data-first-slice-ms', /^\d+$/);
  console.log(`first CT slice drawn ${await viewer.getAttribute('data-first-slice-ms')} ms after opening the case (gpu rendering)`);

  await page.locator(`[data-testid=nodule-list] tr[data-nodule-id="${nodule.id}"] button`).click();
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  const paths = page.locator(`[data-testid=contour-layer] path[data-nodule="${nodule.id}"]`);
  await expect.poll(() => paths.evaluateAll((ps) => new Set(ps.map((p) => p.getAttribute('data-reader'))).size)).toBe(4);
  const box = (await viewer.boundingBox())!;
  const c = (await paths.first().boundingBox())!;
  expect(Math.abs(c.x + c.width / 2 - (box.x + box.width / 2))).toBeLessThan(box.width * 0.15);
  const shown = await regionStats(viewer);
  expect(shown.mean).toBeGreaterThan(20);
  expect(shown.stdev).toBeGreaterThan(20);
  await screenshot(page, 'lidc-viewer-gpu');
  expect(problems).toEqual([]);
});
