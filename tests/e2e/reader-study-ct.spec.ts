// A radiologist's trial: the study is set up through the API (the coordinator's UI has its own
// test), the reader signs in and reads an LIDC nodule with a blinded CDAM map. The CT viewer
// opens on the nodule's largest slice with the map on it; an evidence box drawn with
// Cornerstone's RectangleROI tool becomes the answer, in image pixels of that slice, is drawn
// back by the reader's mark layer, and survives going to the next trial and back.
import type { CaseDetail, Nodule } from '../../app/domain';
import type { ProtocolInput } from '../../app/protocol';
import { lidc0001 } from '../support/data';
import { expect, importThroughApi, recordApi, screenshot, signIn, test } from './fixtures';
import { coordinatorThroughApi, DR_CHEST, openStudy, preparedStudyThroughApi, readerThroughApi } from './study-steps';

const largest = (nodules: Nodule[]) =>
  [...nodules].sort((a, b) => (b.diameterMm ?? 0) - (a.diameterMm ?? 0) || b.readerCount - a.readerCount)[0];

test('CT trial: nodule slice, blinded map, evidence box drawn with Cornerstone tools', async ({ page, host, api, problems }) => {
  test.setTimeout(300_000);
  expect((await importThroughApi(api, lidc0001)).status).toBe('done');
  const [ct] = await api.call('cases.list', {});
  const detail: CaseDetail = await api.call('cases.get', { caseId: ct.id });

  // The coordinator's set-up, through the API: the admin first (then signed in), a reader, a protocol, a study.
  await coordinatorThroughApi(api);
  const reader = await readerThroughApi(api, DR_CHEST);
  const protocol: ProtocolInput = {
    format: 'verdict-protocol/1',
    id: 'e2e-lidc',
    version: 1,
    title: 'LIDC CDAM',
    modality: 'CT',
    cases: { labels: [ct.label] },
    conditions: [
      { id: 'cdam-malignant', model: 'test-vit-lidc', method: 'cdam', target: 'malignant' },
      { id: 'attention', model: 'test-vit-lidc', method: 'attention', target: 'attention' },
    ],
    comparisons: [{ between: ['cdam-malignant', 'attention'] }],
    phases: ['ai-explanation'],
    questions: [
      { id: 'evidence', level: 'stimulus', type: 'roi', shape: 'box', prompt: 'Box the evidence', required: false },
      { id: 'useful', level: 'stimulus', type: 'likert', prompt: 'Useful?' },
      { id: 'better', level: 'stimulus', type: 'forced-choice', prompt: 'Which explanation is better?' },
    ],
    order: { seed: 7 },
  };
  await preparedStudyThroughApi(api, protocol, 'LIDC e2e', [reader.id]);
  const nodule = largest(detail.nodules);

  const calls = recordApi(page);
  await page.goto(host.url);
  await signIn(page, DR_CHEST.name, DR_CHEST.passphrase);
  await openStudy(page, 'LIDC e2e');
  await page.getByTestId('resume').click();
  const view = page.getByTestId('trial-view');
  await expect(view).toHaveAttribute('data-kind', 'stimulus');
  const viewer = page.getByTestId('ct-viewer');
  await expect(viewer).toHaveAttribute('data-first-slice-ms', /^\d+$/);
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  await expect(page.getByTestId('trial-image')).toHaveAttribute('data-overlay-on-screen', 'true');
  // No truth on a reader's screen: no readers' contours.
  await expect(page.getByTestId('contour-layer')).toHaveCount(0);

  // The box, dragged with Cornerstone's RectangleROI tool around the middle of the view (the nodule).
  await page.getByTestId('roi-draw-evidence').click();
  const box = (await viewer.boundingBox())!;
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx - 30, cy - 25);
  await page.mouse.down();
  await page.mouse.move(cx + 30, cy + 25, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId('roi-value-evidence')).toContainText(`on slice ${nodule.largestSliceIndex + 1}`);
  await expect(page.getByTestId('save-evidence')).toHaveAttribute('data-status', 'saved');
  await expect(page.getByTestId('roi-layer')).toHaveAttribute('data-marks', '1');
  const sent = calls.find((c) => c.name === 'reading.answer' && (c.args as { questionId: string }).questionId === 'evidence')!;
  const roi = (sent.args as { value: { x0: number; y0: number; x1: number; y1: number; sliceIndex: number } }).value;
  expect(roi).toMatchObject({ shape: 'box', sliceIndex: nodule.largestSliceIndex });
  // The view is centred on the nodule, so the box holds its centroid.
  expect(roi.x0).toBeLessThan(nodule.centroid.x);
  expect(roi.x1).toBeGreaterThan(nodule.centroid.x);
  expect(roi.y0).toBeLessThan(nodule.centroid.y);
  expect(roi.y1).toBeGreaterThan(nodule.centroid.y);
  expect(sent.args).toMatchObject({
    displayState: { sliceIndex: nodule.largestSliceIndex, window: { width: expect.any(Number) }, zoom: expect.any(Number) },
  });
  await screenshot(page, 'reader-study-ct-trial');

  // The viewer's keys work with focus on the heading, after a wheel scroll: Home goes to the
  // first slice, where the viewer names the map's slice, and J goes back to it.
  await page.mouse.move(cx, cy);
  await page.mouse.wheel(0, 120);
  await expect(viewer).not.toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  await page.getByTestId('trial-heading').focus();
  await page.keyboard.press('Home');
  await expect(viewer).toHaveAttribute('data-slice-index', '0');
  await expect(page.getByTestId('off-slice-notice')).toContainText(`on slice ${nodule.largestSliceIndex + 1}`);
  await page.keyboard.press('j');
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  await expect(page.getByTestId('off-slice-notice')).toHaveCount(0);

  // Next (the required scale answered by key), then back: the mark is still there.
  await page.getByTestId('trial-heading').focus();
  await page.keyboard.press('4');
  await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
  await page.keyboard.press('ArrowRight');
  await expect(view).toHaveAttribute('data-position', '1');
  await page.keyboard.press('ArrowLeft');
  await expect(view).toHaveAttribute('data-position', '0');
  await expect(page.getByTestId('roi-layer')).toHaveAttribute('data-marks', '1');
  await expect(page.getByTestId('question-useful').locator('input:checked')).toHaveValue('4');

  // The comparison: two maps named only A and B, compared by swipe and flicker, chosen by key.
  // Each key waits for the view it acts on: a key pressed while the trial is still changing
  // (or before the answer is on screen) would act on the wrong trial.
  await page.keyboard.press('ArrowRight');
  await expect(view).toHaveAttribute('data-position', '1');
  await page.keyboard.press('2');
  await expect(page.getByTestId('question-useful').locator('input:checked')).toHaveValue('2');
  await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
  await page.keyboard.press('ArrowRight');
  await expect(view).toHaveAttribute('data-position', '2');
  await expect(view).toHaveAttribute('data-kind', 'comparison');
  await expect(page.getByTestId('trial-stimuli')).toHaveAttribute('data-count', '2');
  const layer = page.getByTestId('heatmap-layer');
  await expect(layer).toHaveAttribute('data-displayed', 'A');
  await page.getByTestId('blind-compare').locator('[data-compare-mode=b]').click();
  await expect(layer).toHaveAttribute('data-displayed', 'B');
  // The image says which map it shows (flicker, hold B, B only), by its letter alone.
  await expect(page.getByTestId('slot-label')).toHaveText('B');
  await page.getByTestId('blind-compare').locator('[data-compare-mode=swipe]').click();
  await expect(layer).toHaveAttribute('data-displayed', 'swipe');
  await expect(page.getByTestId('swipe-divider')).toHaveText('AB');
  await screenshot(page, 'reader-study-ct-comparison');
  await page.getByTestId('trial-heading').focus();
  await page.keyboard.press('2');
  await expect(page.getByTestId('question-better').locator('input:checked')).toHaveAttribute('data-value', 'B');
  await expect(page.getByTestId('save-better')).toHaveAttribute('data-status', 'saved');
  const choice = calls.findLast((c) => c.name === 'reading.answer' && (c.args as { questionId: string }).questionId === 'better')!;
  expect(choice.args).toMatchObject({ value: 'B', displayState: { shown: 'swipe' } });
  expect(await page.getByTestId('reading-area').innerText()).not.toMatch(/CDAM|attention|test-vit/i);
  expect(problems).toEqual([]);
});
