// A CT reader knows what to rate: the trial opens on the nodule's central (largest) slice with
// corner brackets around that nodule — drawn beside it, never over it — the stimulus says what
// its map explains in the model's words, never the method, and the last phase's verdict flips
// through the explanations the reader saw for the case. Pixels are measured on screenshots with
// the marker on and off (M), so a marker that is not drawn, or drawn over the nodule, fails.
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import type { CaseDetail } from '../../app/domain';
import { defaultNodule } from '../../app/nodule-choice';
import type { ProtocolInput } from '../../app/protocol';
import { lidc0001 } from '../support/data';
import { expect, importThroughApi, screenshot, signIn, test } from './fixtures';
import { coordinatorThroughApi, DR_CHEST, openStudy, preparedStudyThroughApi, readerThroughApi } from './study-steps';

type Box = { x: number; y: number; width: number; height: number };

/** RGB pixels of a page region. */
async function pixels(page: Page, clip: Box): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(await page.screenshot({ clip }))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
/** The marker's bright stroke (#ffd400) as the screenshot renders it. */
const markerYellow = (d: Buffer, i: number) => d[i] > 200 && d[i + 1] > 170 && d[i + 2] < 90;

test('CT trial: opens on the nodule with a marker beside it, says what the map explains, and the verdict shows the explanations seen', async ({
  page,
  host,
  api,
  problems,
}) => {
  test.setTimeout(300_000);
  expect((await importThroughApi(api, lidc0001)).status).toBe('done');
  const [ct] = await api.call('cases.list', {});
  const detail: CaseDetail = await api.call('cases.get', { caseId: ct.id });
  const nodule = defaultNodule(detail.nodules)!;
  expect(nodule.readerCount).toBeGreaterThanOrEqual(3);

  await coordinatorThroughApi(api);
  const reader = await readerThroughApi(api, DR_CHEST);
  const protocol: ProtocolInput = {
    format: 'verdict-protocol/1',
    id: 'e2e-lidc-marker',
    version: 1,
    title: 'LIDC marker',
    modality: 'CT',
    cases: { labels: [ct.label] },
    conditions: [
      { id: 'cdam-malignant', model: 'test-vit-lidc', method: 'cdam', target: 'malignant' },
      { id: 'cdam-spiculation', model: 'test-vit-lidc', method: 'cdam', target: 'spiculation' },
    ],
    phases: ['ai-explanation'],
    questions: [
      { id: 'malignancy', level: 'case', type: 'likert', prompt: 'Likelihood of malignancy of this nodule' },
      { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Does the highlighted region correspond to the finding?' },
    ],
    order: { seed: 11 },
  };
  await preparedStudyThroughApi(api, protocol, 'LIDC marker', [reader.id]);

  await page.goto(host.url);
  await signIn(page, DR_CHEST.name, DR_CHEST.passphrase);
  await openStudy(page, 'LIDC marker');
  await page.getByTestId('resume').click();
  const view = page.getByTestId('trial-view');
  await expect(view).toHaveAttribute('data-kind', 'stimulus');
  const viewer = page.getByTestId('ct-viewer');
  await expect(viewer).toHaveAttribute('data-first-slice-ms', /^\d+$/);
  // The nodule's central slice: the one where the readers' outlines cover the most (its maps lie there too).
  await expect(viewer).toHaveAttribute('data-slice-index', String(nodule.largestSliceIndex));
  const marker = page.getByTestId('nodule-marker');
  await expect(marker).toBeVisible();
  const caption = page.getByTestId('stimulus-explains');
  await expect(caption).toHaveText(/^Evidence for: (malignant|spiculation)$/);
  const firstCaption = (await caption.textContent())!;
  expect(await page.getByTestId('reading-area').innerText()).not.toMatch(/CDAM|attention|test-vit/i);

  // The brackets' box on screen, from the drawn path; the nodule is its middle 60 % (a third of its size either side).
  const vb = (await viewer.boundingBox())!;
  const d = (await marker.locator('path').first().getAttribute('d'))!;
  const xs = [...d.matchAll(/[MH](-?[\d.]+)/g)].map((m) => Number(m[1]));
  const ys = [...d.matchAll(/(?:M-?[\d.]+ |V)(-?[\d.]+)/g)].map((m) => Number(m[1]));
  const bracket: Box = {
    x: vb.x + Math.min(...xs) - 4,
    y: vb.y + Math.min(...ys) - 4,
    width: Math.max(...xs) - Math.min(...xs) + 8,
    height: Math.max(...ys) - Math.min(...ys) + 8,
  };
  const inner: Box = {
    x: bracket.x + bracket.width * 0.25,
    y: bracket.y + bracket.height * 0.25,
    width: bracket.width * 0.5,
    height: bracket.height * 0.5,
  };
  expect(bracket.width).toBeGreaterThan(20);

  await page.mouse.move(vb.x + 5, vb.y + vb.height - 40);
  const on = await pixels(page, bracket);
  const onInner = await pixels(page, inner);
  await screenshot(page, 'reader-study-ct-marker');
  await page.keyboard.press('m');
  await expect(marker).toHaveCount(0);
  await expect(page.getByTestId('nodule-marker-toggle')).toHaveAttribute('aria-pressed', 'false');
  const off = await pixels(page, bracket);
  const offInner = await pixels(page, inner);
  let yellowOn = 0;
  let yellowOff = 0;
  let changedYellow = 0;
  for (let i = 0; i < on.data.length; i += 3) {
    if (markerYellow(on.data, i)) yellowOn++;
    if (markerYellow(off.data, i)) yellowOff++;
    if (markerYellow(on.data, i) && !markerYellow(off.data, i)) changedYellow++;
  }
  // Four brackets, each two arms a quarter of the box's side long and 2.5 px wide: at least half of that in the marker's colour.
  const expected = ((8 * (Math.min(bracket.width, bracket.height) - 8)) / 4) * 2.5;
  expect(changedYellow).toBeGreaterThan(expected * 0.5);
  // What stays marker-coloured with the marker off is the map's own orange, not the brackets.
  expect(yellowOn - yellowOff).toBeGreaterThan(expected * 0.5);
  // Nothing of the marker lies over the nodule: its middle is the same with the marker on or off.
  let differing = 0;
  for (let i = 0; i < onInner.data.length; i++) if (Math.abs(onInner.data[i] - offInner.data[i]) > 2) differing++;
  expect(differing).toBe(0);
  await page.keyboard.press('m');
  await expect(marker).toBeVisible();

  // Answer and move on: the second stimulus explains the other target.
  await page.getByTestId('question-localisation').locator('label.point', { hasText: '4' }).click();
  await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
  await page.getByTestId('trial-next').click();
  await expect(view).toHaveAttribute('data-position', '1');
  await expect(caption).toHaveText(/^Evidence for: (malignant|spiculation)$/);
  expect(await caption.textContent()).not.toBe(firstCaption);
  await page.getByTestId('question-localisation').locator('label.point', { hasText: '3' }).click();
  await expect(page.getByTestId('trial-save')).toHaveAttribute('data-status', 'saved');
  await page.getByTestId('trial-next').click();

  // The verdict: the explanations seen for the case, flipped through on the image.
  await expect(view).toHaveAttribute('data-position', '2');
  await expect(view).toHaveAttribute('data-kind', 'case');
  const seen = page.getByTestId('seen-explanations');
  await expect(seen).toHaveAttribute('data-count', '2');
  await expect(page.getByTestId('seen-explains')).toHaveText(firstCaption);
  await expect(page.getByTestId('trial-image')).toHaveAttribute('data-overlay-on-screen', 'true');
  await expect(marker).toBeVisible();
  await page.getByTestId('seen-next').click();
  await expect(seen).toHaveAttribute('data-index', '1');
  await expect(page.getByTestId('seen-explains')).not.toHaveText(firstCaption);
  await screenshot(page, 'reader-study-ct-verdict-seen');
  expect(await page.getByTestId('reading-area').innerText()).not.toMatch(/CDAM|attention|test-vit/i);
  expect(problems).toEqual([]);
});
