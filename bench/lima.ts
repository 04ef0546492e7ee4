// LiMA benchmark: forward passes and wall time per image for the demo ISIC model (isic-vit, CPU)
// with four searches on the same superpixel regions — naive greedy (the paper's baseline), the
// official bidirectional greedy with 8 pending, and ours: each of the two with cached forward
// estimates (search.ts) — with each ranking's insertion and deletion AUC beside them, and the
// paired difference ours − official over the images (mean ± standard error, images lower /
// higher). Goal: ours ≤ 0.6× the passes of the official bidirectional search at equal insertion AUC.
// The demo study's 30 dermoscopy images by default; LIMA_BENCH_IMAGES=N takes N images spread over
// ../shared/data/isic/ham10000-224 instead (≈ 3 s per image).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoDir } from '../main/paths';
import { decodeRgb } from '../main/services/imaging/isic/decode';
import { rgbImageInput } from '../main/services/explain/input/rgb-image';
import { LIMA_DEFAULTS, insertionDeletionAuc, limaAttribution, slic, type LimaSearch } from '../main/services/explain/lima';
import { probabilityAndEmbedding } from '../main/services/explain/metrics/model-scorers';
import { targetsOf } from '../main/services/models/manifest';
import { isicImages } from '../tests/support/data';
import { testVerdict } from '../tests/support/verdict';

const SEARCHES: LimaSearch[] = ['naive', 'bidirectional', 'bidirectional-cached', 'greedy-cached'];

type Rgba = { width: number; height: number; rgba: Uint8Array };

/** The demo study's dermoscopy images, or `count` images spread evenly over the shared ISIC folder. */
async function* benchImages(v: ReturnType<typeof testVerdict>, count: number): AsyncGenerator<Rgba> {
  if (!count) {
    for (const c of v.cases.list().filter((x) => x.modality === 'dermoscopy')) {
      const rgba = await v.imaging.dermoImage(v.cases.get(c.id).images[0].id);
      yield { width: rgba.width, height: rgba.height, rgba: new Uint8Array(rgba.rgba) };
    }
    return;
  }
  const files = readdirSync(isicImages)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  for (let i = 0; i < count; i++) {
    const rgba = await decodeRgb(join(isicImages, files[Math.floor((i * files.length) / count)]));
    yield { width: rgba.width, height: rgba.height, rgba: new Uint8Array(rgba.rgba) };
  }
}

type PerImage = { passes: number; ms: number; insertion: number; deletion: number };

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Paired difference b − a: mean ± standard error, and how many images came out lower / higher. */
function paired(a: number[], b: number[]): string {
  const d = b.map((x, i) => x - a[i]);
  const m = mean(d);
  const se = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, d.length - 1) / d.length);
  const lower = d.filter((x) => x < -1e-12).length,
    higher = d.filter((x) => x > 1e-12).length;
  return `${m >= 0 ? '+' : ''}${m.toFixed(4)} ± ${se.toFixed(4)} (lower on ${lower}, higher on ${higher} images)`;
}

export async function runLimaBenchmark(): Promise<string[]> {
  const v = testVerdict();
  const count = Number(process.env.LIMA_BENCH_IMAGES ?? 0);
  try {
    if (!count) await v.imports.run(demoDir());
    await v.models.registerBundled();
    const model = await v.models.resolve('isic-vit');
    const runtime = await v.models.runtime(model.id);
    const { channels, height, width } = runtime.dims;
    const normalisation = model.manifest.input.normalise;
    const runs = new Map<LimaSearch, PerImage[]>(SEARCHES.map((s) => [s, []]));
    const found: number[] = []; // regions SLIC returned per image (49 for 50 asked on a square input: a 7×7 seed grid)
    for await (const rgba of benchImages(v, count)) {
      const data = rgbImageInput(rgba, { height, width, normalise: normalisation });
      const image = { data, channels, height, width };
      // The explained target: the model's predicted class; the same regions for every search.
      const probe = await runtime.backbone(data, 1);
      const target = [...probe.outputs].indexOf(Math.max(...probe.outputs));
      const { labels, count: regionCount } = slic(image, LIMA_DEFAULTS.regions, LIMA_DEFAULTS.compactness, { normalisation });
      found.push(regionCount);
      for (const search of SEARCHES) {
        const evaluator = probabilityAndEmbedding(runtime, model.manifest, target);
        const t0 = performance.now();
        const r = await limaAttribution(image, evaluator.evaluate, { ...LIMA_DEFAULTS, search }, { labels, normalisation });
        const ms = performance.now() - t0;
        runs.get(search)!.push({ passes: r.forwardPasses, ms, ...insertionDeletionAuc(r) });
      }
    }
    const [naive, official, bidiCached, greedyCached] = SEARCHES.map((s) => runs.get(s)!);
    const avg = (xs: PerImage[], k: keyof PerImage) => mean(xs.map((x) => x[k]));
    const line = (name: string, xs: PerImage[]) =>
      `${name.padEnd(36)} ${avg(xs, 'passes').toFixed(0).padStart(6)} passes  ${avg(xs, 'ms').toFixed(0).padStart(6)} ms  insertion AUC ${avg(xs, 'insertion').toFixed(4)}  deletion AUC ${avg(xs, 'deletion').toFixed(4)}`;
    const of = (xs: PerImage[], k: keyof PerImage) => xs.map((x) => x[k]);
    const against = (name: string, ours: PerImage[]) => [
      `${name} / official: ${(avg(ours, 'passes') / avg(official, 'passes')).toFixed(2)}× the passes (goal ≤ 0.60×), ${(avg(ours, 'ms') / avg(official, 'ms')).toFixed(2)}× the time`,
      `  insertion AUC − official's: ${paired(of(official, 'insertion'), of(ours, 'insertion'))} (goal: equal)`,
      `  deletion AUC − official's:  ${paired(of(official, 'deletion'), of(ours, 'deletion'))} (lower is better)`,
    ];
    return [
      `isic-vit (${runtime.provider}), ${official.length} ${count ? 'shared ISIC' : 'demo'} images, ${LIMA_DEFAULTS.regions} requested regions (${mean(found).toFixed(1)} found on average, ${Math.min(...found)}–${Math.max(...found)}), pending ${LIMA_DEFAULTS.pending}; means per image:`,
      line('naive greedy', naive),
      line('bidirectional greedy (official)', official),
      line('ours: bidirectional, cached forward', bidiCached),
      line('ours: greedy, cached forward', greedyCached),
      ...against('ours, bidirectional cached', bidiCached),
      ...against('ours, greedy cached', greedyCached),
      `official / naive: ${(avg(official, 'passes') / avg(naive, 'passes')).toFixed(2)}× the passes`,
    ];
  } finally {
    v.close();
  }
}
