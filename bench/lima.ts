// LiMA benchmark: forward passes and wall time per image for the demo ISIC model (isic-vit, CPU)
// with the three searches on the same superpixel regions — naive greedy (the paper's baseline),
// the official bidirectional greedy with 8 pending, and ours (the bidirectional search with lazy
// forward evaluations) — with each ranking's insertion and deletion AUC beside them.
// Goal: ours ≤ 0.6× the passes of the official bidirectional search at equal insertion AUC.
import { silentLog } from '../main/log';
import { demoDir } from '../main/paths';
import { rgbImageInput } from '../main/services/explain/input/rgb-image';
import { LIMA_DEFAULTS, insertionDeletionAuc, limaAttribution, slic, type LimaSearch } from '../main/services/explain/lima';
import { probabilityAndEmbedding } from '../main/services/explain/metrics/model-scorers';
import { targetsOf } from '../main/services/models/manifest';
import { testVerdict } from '../tests/support/verdict';

const IMAGES = 12;
const SEARCHES: LimaSearch[] = ['naive', 'bidirectional', 'bidirectional-cached'];

export async function runLimaBenchmark(): Promise<string[]> {
  const v = testVerdict();
  try {
    await v.imports.run(demoDir());
    await v.models.registerBundled();
    const model = await v.models.resolve('isic-vit');
    const runtime = await v.models.runtime(model.id);
    const { channels, height, width } = runtime.dims;
    const names = targetsOf(model.manifest).map((t) => t.name);
    const totals = new Map(SEARCHES.map((s) => [s, { passes: 0, ms: 0, insertion: 0, deletion: 0 }]));
    let images = 0;
    for (const c of v.cases.list().filter((x) => x.modality === 'dermoscopy').slice(0, IMAGES)) {
      const detail = v.cases.get(c.id);
      const rgba = await v.imaging.dermoImage(detail.images[0].id);
      const data = rgbImageInput({ width: rgba.width, height: rgba.height, rgba: new Uint8Array(rgba.rgba) }, { height, width, normalise: model.manifest.input.normalise });
      const image = { data, channels, height, width };
      // The explained target: the model's predicted class; the same regions for every search.
      const probe = await runtime.backbone(data, 1);
      const target = [...probe.outputs].indexOf(Math.max(...probe.outputs));
      const { labels } = slic(image, LIMA_DEFAULTS.regions, LIMA_DEFAULTS.compactness, { normalisation: model.manifest.input.normalise });
      for (const search of SEARCHES) {
        const evaluator = probabilityAndEmbedding(runtime, model.manifest, target);
        const t0 = performance.now();
        const r = await limaAttribution(image, evaluator.evaluate, { ...LIMA_DEFAULTS, search }, { labels, normalisation: model.manifest.input.normalise });
        const ms = performance.now() - t0;
        const auc = insertionDeletionAuc(r);
        const t = totals.get(search)!;
        t.passes += r.forwardPasses;
        t.ms += ms;
        t.insertion += auc.insertion;
        t.deletion += auc.deletion;
      }
      images++;
      void names;
    }
    const mean = (s: LimaSearch) => {
      const t = totals.get(s)!;
      return { passes: t.passes / images, ms: t.ms / images, insertion: t.insertion / images, deletion: t.deletion / images };
    };
    const [naive, official, ours] = SEARCHES.map(mean);
    const line = (name: string, m: ReturnType<typeof mean>) =>
      `${name.padEnd(34)} ${m.passes.toFixed(0).padStart(6)} passes  ${m.ms.toFixed(0).padStart(6)} ms  insertion AUC ${m.insertion.toFixed(4)}  deletion AUC ${m.deletion.toFixed(4)}`;
    return [
      `isic-vit (${runtime.provider}), ${images} demo images, ${LIMA_DEFAULTS.regions} requested regions, pending ${LIMA_DEFAULTS.pending}; means per image:`,
      line('naive greedy', naive),
      line('bidirectional greedy (official)', official),
      line('ours: bidirectional, lazy forward', ours),
      `ours / official: ${(ours.passes / official.passes).toFixed(2)}× the passes (goal ≤ 0.60×), ${(ours.ms / official.ms).toFixed(2)}× the time; insertion AUC ${ours.insertion >= official.insertion - 1e-9 ? 'equal or better' : 'lower'} (Δ ${(ours.insertion - official.insertion).toFixed(4)}), deletion AUC Δ ${(ours.deletion - official.deletion).toFixed(4)}`,
      `official / naive: ${(official.passes / naive.passes).toFixed(2)}× the passes`,
    ];
  } finally {
    v.close();
  }
}
