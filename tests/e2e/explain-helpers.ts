// What the explanation e2e tests share: picking a method and target and running it, and telling
// whether an overlay reaches the screen (its canvas' painted share, a screenshot's difference).
import type { Locator, Page } from '@playwright/test';
import sharp from 'sharp';
import { expect } from './fixtures';

/** Mean absolute RGB difference (0–255) between two same-sized PNG screenshots. */
export async function meanDifference(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((png) => sharp(png).removeAlpha().raw().toBuffer()));
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
  return sum / x.length;
}

/** Share of the canvas' pixels that are not transparent. */
export const paintedShare = (canvas: Locator) =>
  canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n / (c.width * c.height);
  });

/** Picks a method (and target) in the explanation panel, runs it, and waits for map A to show it. */
export async function explain(page: Page, method: string, target: string | null): Promise<Locator> {
  await page.getByTestId('explain-method').selectOption(method);
  if (target) await page.getByTestId('explain-target').selectOption(target);
  await page.getByTestId('explain-run').click();
  const a = page.getByTestId('heatmap-a');
  await expect(a).toHaveAttribute('data-method', method);
  if (target) await expect(a).toHaveAttribute('data-target', target);
  return a;
}
