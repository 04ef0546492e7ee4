// The coordinator measures how faithful a map is: CDAM of MEL on an ISIC melanoma with the demo
// model, "Measure faithfulness" asks main for every metric of that very map (with progress, as
// stored), and the table shows them with their curves; then LiMA (black-box), a map at input
// resolution, is drawn over the same image, aligned, with its colour bar; attention's metrics say
// which class they were judged on, and a running measurement can be cancelled.
import type { ArgsOf } from '../../app/api';
import type { ExplanationMap } from '../../app/explain';
import { METRIC_IDS, type ExplanationMetric } from '../../app/faithfulness';
import { isicFolder } from '../support/data';
import { explain, meanDifference } from './explain-helpers';
import { expect, importThroughApi, recordApi, screenshot, test } from './fixtures';

const NUMERIC = ['cdam-fidelity', 'rise-insertion', 'rise-deletion', 'lima-insertion', 'lima-deletion', 'compactness'];

test('ISIC: faithfulness of CDAM for MEL, LiMA drawn over the image, attention judged on the predicted class', async ({
  page,
  host,
  api,
  problems,
}) => {
  expect((await importThroughApi(api, isicFolder(['ISIC_0024400'], false))).status).toBe('done');
  const [melanoma] = await api.call('cases.list', {});
  const calls = recordApi(page);
  await page.goto(host.url);
  await page.locator(`[data-testid=worklist] [data-case-id="${melanoma.id}"]`).click();
  await expect(page.getByTestId('explain-model')).toContainText('ISIC');
  const image = page.getByTestId('dermo-image');
  await expect.poll(async () => (await image.boundingBox())?.width ?? 0).toBeGreaterThan(100);
  await explain(page, 'cdam', 'MEL');

  // Measure: progress while main works, then one row per metric.
  await page.getByTestId('faithfulness-run').click();
  await expect(page.getByTestId('faithfulness-progress')).toBeVisible();
  const table = page.getByTestId('faithfulness-table');
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(11);
  await expect(page.getByTestId('faithfulness-progress')).toHaveCount(0);

  // The UI asked about map A itself, for every metric, under its own job id.
  const call = calls.find((c) => c.name === 'explain.metrics')!;
  const args = call.args as ArgsOf<'explain.metrics'>;
  expect(args).toMatchObject({ method: 'cdam', target: 'MEL', caseId: melanoma.id });
  expect([...args.metrics].sort()).toEqual([...METRIC_IDS].sort());
  expect(args.jobId).toMatch(/^faith-/);

  // What the table shows is what main stored (asked again, main reads it back).
  const stored: ExplanationMetric[] = await api.call('explain.metrics', { ...args, jobId: undefined });
  for (const id of NUMERIC) {
    const row = table.locator(`tr[data-metric="${id}"]`);
    const m = stored.find((s) => s.metric === id)!;
    expect(m.value, id).not.toBeNull();
    expect(Number(await row.getAttribute('data-value')), id).toBeCloseTo(m.value!, 9);
    await expect(row.getByTestId('metric-value'), id).toHaveText(/^-?\d+(\.\d+)?$/);
  }
  await expect(table.locator('tr[data-metric="cdam-fidelity"] th')).toHaveText('Fidelity A_LIF − A_MIF');
  await expect(table.locator('tr[data-metric="rise-deletion"] td.dir')).toHaveText('↓');
  await expect(table.locator('tr[data-metric="class-discrimination"] th')).toContainText(/ΔA vs \w+/);
  // No ground truth for this image: a dash, and main's note says why.
  const iou = table.locator('tr[data-metric="iou"]');
  await expect(iou.getByTestId('metric-value')).toHaveText('—');
  await expect(iou.getByTestId('metric-note')).toContainText('no ground truth');
  // Curves: MIF and LIF together for fidelity, one curve for insertion.
  await expect(table.locator('tr[data-metric="cdam-fidelity"] polyline')).toHaveCount(2);
  const points = await table.locator('tr[data-metric="rise-insertion"] polyline').getAttribute('points');
  expect(points!.split(' ').length).toBeGreaterThan(10);
  // CDAM explains MEL itself: no "judged on" note.
  await expect(page.getByTestId('faithfulness-judged')).toHaveCount(0);
  await table.scrollIntoViewIfNeeded();
  await screenshot(page, 'faithfulness-cdam');

  // LiMA (black-box): progress while it runs; a 64×64 map that covers the image exactly.
  await page.getByTestId('explain-method').selectOption('lima');
  await page.getByTestId('explain-run').click();
  await expect(page.getByTestId('explain-progress')).toBeVisible();
  const heatmap = page.getByTestId('heatmap-a');
  await expect(heatmap).toHaveAttribute('data-method', 'lima');
  await expect(page.getByTestId('map-info-a')).toContainText('LiMA · MEL');
  // A new map A: the old table is gone.
  await expect(table).toHaveCount(0);
  const modelId = Number(await page.getByTestId('explain-model').inputValue());
  const lima: ExplanationMap = await api.call('explain.map', { modelId, caseId: melanoma.id, method: 'lima', target: 'MEL' });
  expect(lima.grid).toEqual({ rows: 64, cols: 64 });
  const [h, i] = [(await heatmap.boundingBox())!, (await image.boundingBox())!];
  expect(Math.max(Math.abs(h.x - i.x), Math.abs(h.y - i.y), Math.abs(h.width - i.width), Math.abs(h.height - i.height))).toBeLessThan(1);
  // Oriented as main meant it: the most important cell is painted more strongly than the least.
  const values = new Float32Array(lima.values);
  const cellAlpha = (k: number) =>
    heatmap.evaluate(
      (c: HTMLCanvasElement, [row, col]) => {
        const f = c.width / 64;
        return c.getContext('2d')!.getImageData(Math.floor((col + 0.5) * f), Math.floor((row + 0.5) * f), 1, 1).data[3];
      },
      [Math.floor(k / 64), k % 64],
    );
  const argmax = values.indexOf(Math.max(...values));
  const argmin = values.indexOf(Math.min(...values));
  expect(await cellAlpha(argmax)).toBeGreaterThan((await cellAlpha(argmin)) + 50);
  // …and it reaches the screen: the image looks different with the overlay hidden (H).
  const withOverlay = await page.screenshot({ clip: i });
  await page.getByTestId('dermo-viewer').focus();
  await page.keyboard.press('h');
  await expect(heatmap).toHaveCount(0);
  const shown = await meanDifference(withOverlay, await page.screenshot({ clip: i }));
  console.log(`LiMA overlay changes the image's pixels by ${shown.toFixed(1)}/255 on average`);
  expect(shown).toBeGreaterThan(1);
  await page.keyboard.press('h');
  await expect(heatmap).toBeVisible();
  // Its colour bar: unsigned, the map's own range, importance low → high.
  const bar = page.getByTestId('colour-bar');
  await expect(bar).toHaveAttribute('data-method', 'lima');
  await expect(bar).toHaveAttribute('data-colormap', 'viridis');
  expect(Number(await bar.getAttribute('data-lo'))).toBeCloseTo(lima.range.min, 6);
  expect(Number(await bar.getAttribute('data-hi'))).toBeCloseTo(lima.range.max, 6);
  await expect(bar).toContainText('high importance');
  await screenshot(page, 'faithfulness-lima');

  // Attention explains no output: its metrics are judged on the predicted class, and say so.
  // A measurement can be cancelled once its job reports progress; measuring again finishes it.
  await explain(page, 'attention', null);
  await page.getByTestId('faithfulness-run').click();
  await expect(page.getByTestId('faithfulness-progress')).toContainText('Faithfulness of');
  await page.getByTestId('faithfulness-cancel').click();
  await expect(page.getByTestId('faithfulness-error')).toHaveText('Cancelled.');
  await expect(page.getByTestId('faithfulness-progress')).toHaveCount(0);
  await expect(table).toHaveCount(0);
  await page.getByTestId('faithfulness-run').click();
  await expect(rows).toHaveCount(11);
  await expect(page.getByTestId('faithfulness-error')).toHaveCount(0);
  const prediction = await api.call('explain.predict', { modelId, caseId: melanoma.id });
  const predicted = prediction.outputs.filter((o) => o.probability !== null).reduce((a, b) => (b.probability! > a.probability! ? b : a));
  await expect(page.getByTestId('faithfulness-judged')).toHaveText(`Judged on the predicted class ${predicted.name}.`);
  expect(problems).toEqual([]);
});
