// Pixel statistics of a screenshot region, to tell a drawn image from a black or blank one.
import type { Locator } from '@playwright/test';
import sharp from 'sharp';

export type RegionStats = { mean: number; stdev: number };

/** Mean and standard deviation of the grey level (0–255) of what `locator` shows. */
export async function regionStats(locator: Locator): Promise<RegionStats> {
  const png = await locator.screenshot();
  const { channels } = await sharp(png).removeAlpha().greyscale().stats();
  return { mean: channels[0].mean, stdev: channels[0].stdev };
}
