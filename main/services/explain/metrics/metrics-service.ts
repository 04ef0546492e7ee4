// Faithfulness metrics of one explanation map: the map (and, for class discrimination, the map
// of a wrong target) comes from the explanation service, the model input is perturbed by the
// presets in ../faithfulness, every perturbed image is scored through ONNX Runtime in batches
// on the shared inference queue (progress, cancel), and each result is stored with the map.
import { performance } from 'node:perf_hooks';
import type { Database } from 'better-sqlite3';
import type { ExplanationMap } from '../../../../app/explain';
import type { ExplanationMetric, MetricCurve, MetricId } from '../../../../app/faithfulness';
import { VerdictError } from '../../../../app/errors';
import type { CaseService } from '../../study/case-service';
import type { ImagingService } from '../../imaging/imaging-service';
import type { ModelService } from '../../models/model-service';
import type { ExplanationService, MapRequest } from '../explain-service';
import { loadModelInput, resolveSubject } from '../input/model-input';
import { checkCancelled, type JobQueue } from '../job-queue';
import { evaluatePreset, preset, upsampleGrid, type Curve, type MetricInput, type ModelImage } from '../faithfulness';
import type { BlurScale } from '../faithfulness/gaussian-blur';
import { method } from '../methods';
import { targetsOf } from '../../models/manifest';
import { readMetric, saveMetric } from './metric-store';
import { targetIndexOf, targetScorer } from './model-scorers';
import { truthMask } from './truth-mask';

/** `blur`: how the papers' blur σ (set at 224 px) meets the input — scaled by side/224 (default) or as written ('paper'). */
export type MetricsRequest = MapRequest & { metrics: MetricId[]; blur?: BlurScale };

export type MetricsDeps = { db: Database; models: ModelService; cases: CaseService; imaging: ImagingService; explain: ExplanationService; queue: JobQueue; now?: () => Date };

export class MetricsService {
  readonly #d: MetricsDeps;
  readonly #now: () => Date;

  constructor(d: MetricsDeps) {
    this.#d = d;
    this.#now = d.now ?? (() => new Date());
  }

  async compute(req: MetricsRequest): Promise<ExplanationMetric[]> {
    const model = this.#d.models.get(req.modelId);
    const own = await this.#d.explain.map(req);
    const scored = scoredOutput(own, targetsOf(model.manifest).map((t) => t.name));
    // The wrong target's map is made before the metric job: the queue runs one job at a time.
    const targetFree = own.target !== scored; // attention and concept maps explain no output
    const wrong = req.metrics.includes('class-discrimination') && !targetFree ? wrongTarget(own, scored) : null;
    // Under the request's job id: its progress shows and its cancel stops it too.
    const other = wrong ? await this.#d.explain.map({ ...req, target: wrong }) : null;
    const { height: inputH, width: inputW } = model.manifest.input;
    const blur = req.blur ?? 'scaled';
    // A map the method paints per sub-region (LiMA's) is measured over those regions by the metrics that accept them.
    const mapRegions = method(own.method).regions;
    const onInputGrid = own.grid.rows === inputH && own.grid.cols === inputW;
    // What determines each value keys its stored row: the blur actually applied, the upsampling, the regions.
    const paramsOf = (id: MetricId): Record<string, unknown> => {
      const p = preset(id);
      const applied = p.blurAt?.(inputH, inputW, blur);
      return {
        ...p.params, scoredOutput: p.scorer ? scored : undefined, wrongTarget: id === 'class-discrimination' ? wrong : undefined,
        blur: applied ? blur : undefined, sigmaPx: applied?.sigma, radiusPx: applied?.radius,
        upsampling: onInputGrid ? undefined : 'nearest',
        regions: mapRegions && p.accepts?.includes('regions') ? { method: own.method, count: own.params.regions } : undefined,
      };
    };
    const missing = req.metrics.filter((id) => !readMetric(this.#d.db, own.id, id, clean(paramsOf(id))));
    if (missing.length) {
      const c = this.#d.cases.get(own.caseId);
      const label = `Faithfulness of ${own.method} / ${own.target} — ${c.label}`;
      await this.#d.queue.run(label, async ({ signal, progress }) => {
        const runtime = await this.#d.models.runtime(model.id);
        const subject = resolveSubject(model.manifest, c, own.noduleId);
        const input = await loadModelInput(this.#d.imaging, model.manifest, subject);
        const { channels, height, width } = runtime.dims;
        const image: ModelImage = { data: input.image, channels, height, width };
        const base: MetricInput = {
          saliency: atInput(own, height, width), image, signal, size: { height, width }, normalisation: model.manifest.input.normalise,
          otherSaliency: other ? atInput(other, height, width) : undefined, blur,
        };
        let regions: Int32Array | undefined;
        for (const [i, id] of missing.entries()) {
          checkCancelled(signal, label);
          progress(i, missing.length);
          const p = preset(id);
          const scorer = p.scorer ? targetScorer(runtime, model.manifest, targetIndexOf(model.manifest, scored), p.scorer) : null;
          const extra: Partial<MetricInput> = {};
          if (mapRegions && p.accepts?.includes('regions')) {
            regions ??= mapRegions({ image: input.image, channels, height, width, manifest: model.manifest, params: own.params });
            extra.regions = regions;
          }
          if (id === 'class-discrimination' && targetFree) {
            this.#save({ explanationId: own.id, metric: id, params: clean(paramsOf(id)), value: null, curves: [], parts: { note: `${own.method} maps do not depend on the target: nothing to discriminate` }, provider: runtime.provider, forwardPasses: 0, ms: 0 });
            continue;
          }
          if (p.needs.includes('mask')) {
            const series = c.series[0];
            const size = input.placement.kind === 'ct-slice' ? { width: series.columns, height: series.rows } : { width: input.placement.width, height: input.placement.height };
            const truth = await truthMask(this.#d.db, this.#d.imaging, subject, input.placement, size, { width, height });
            if (!truth) {
              this.#save({ explanationId: own.id, metric: id, params: clean(paramsOf(id)), value: null, curves: [], parts: { note: 'no ground truth for this case' }, provider: runtime.provider, forwardPasses: 0, ms: 0 });
              continue;
            }
            extra.mask = truth.mask;
          }
          const t0 = performance.now();
          const r = await evaluatePreset(id, { ...base, ...extra, score: scorer?.score });
          const curves: MetricCurve[] = Object.entries(r.curves ?? {}).map(([name, cv]: [string, Curve]) => ({ name, fractions: cv.fractions, scores: cv.scores, auc: cv.auc }));
          this.#save({
            explanationId: own.id, metric: id, params: clean(paramsOf(id)), value: Number.isFinite(r.value) ? r.value : null, curves, parts: partsOf(r.detail),
            provider: runtime.provider, forwardPasses: r.forwardPasses, ms: performance.now() - t0,
          });
        }
        progress(missing.length, missing.length);
      }, { id: req.jobId, to: req.to });
    }
    return req.metrics.map((id) => readMetric(this.#d.db, own.id, id, clean(paramsOf(id)))!);
  }

  #save(m: Omit<ExplanationMetric, 'createdAt'>): void {
    saveMetric(this.#d.db, m, this.#now().toISOString());
  }
}

/**
 * A map on the patch grid brought to input pixels by nearest neighbour (each patch's pixels equal,
 * as obzai/CDAM and obzai measure; bilinear is for display only); a map already at input
 * resolution (LiMA) as it is.
 */
function atInput(m: ExplanationMap, height: number, width: number): Float32Array {
  const values = new Float32Array(m.values);
  return m.grid.rows === height && m.grid.cols === width ? values : upsampleGrid(values, m.grid.rows, m.grid.cols, height, width, 'nearest');
}

/**
 * The output a map is judged against: its own target when that is an output; for attention and
 * concept maps, which explain no output, the model's most probable class.
 */
function scoredOutput(m: ExplanationMap, outputs: string[]): string {
  if (outputs.includes(m.target)) return m.target;
  const classes = m.outputs.filter((o) => o.probability !== null);
  if (!classes.length) throw new VerdictError('explain.bad-target', `${m.method} of "${m.target}": the model has no class output to judge the map against.`, { target: m.target });
  return classes.reduce((a, b) => (b.probability! > a.probability! ? b : a)).name;
}

/** Class discrimination's wrong target: the most probable other class of the scored output's head. */
function wrongTarget(m: ExplanationMap, scored: string): string {
  const own = m.outputs.find((o) => o.name === scored);
  const others = m.outputs.filter((o) => o.head === own?.head && o.name !== scored && o.probability !== null);
  if (!own || own.probability === null || !others.length) {
    throw new VerdictError('explain.bad-target', `Class discrimination needs a class output with another class in its head; "${scored}" has none.`, { target: scored });
  }
  return others.reduce((a, b) => (b.probability! > a.probability! ? b : a)).name;
}

/** Parameters as stored: undefined keys dropped (they key the cache). */
function clean(p: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

function partsOf(detail: Record<string, number | number[]> | undefined): ExplanationMetric['parts'] {
  return Object.fromEntries(Object.entries(detail ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => (Number.isFinite(x) ? x : null)) : Number.isFinite(v) ? v : null]));
}
