// Faithfulness metrics of one explanation map: the map (and, for a metric that compares it with
// another class's map, the map of a wrong target) comes from the explanation service, the model
// input the map was made from is perturbed by the metrics of ../faithfulness, every perturbed
// image is scored through ONNX Runtime in batches on the shared inference queue (progress,
// cancel), and each result is stored with the map. Generic: each metric's definition says what
// it needs (model scores, ground truth, the map's regions, another target's map) and this
// service provides it; no metric is named here.
import { performance } from 'node:perf_hooks';
import type { Database } from 'better-sqlite3';
import type { ExplanationMap } from '../../../../app/explain';
import type { ExplanationMetric, MetricCurve, MetricId } from '../../../../app/faithfulness';
import { VerdictError } from '../../../../app/errors';
import type { CaseService } from '../../cases/case-service';
import type { ImagingService } from '../../imaging/imaging-service';
import type { ModelService } from '../../models/model-service';
import type { ExplanationService, MapRequest } from '../explain-service';
import { resolveSubject, sharedModelInput, type SharedInput } from '../input/model-input';
import { checkCancelled, type JobQueue } from '../job-queue';
import { checkNeeds, type MetricDefinition } from '../faithfulness/definition';
import { metricDefinition, upsampleGrid, type Curve, type MetricInput, type ModelImage } from '../faithfulness';
import type { BlurScale } from '../faithfulness/gaussian-blur';
import { method } from '../methods';
import { targetsOf } from '../../models/manifest';
import { readMetric, saveMetric } from './metric-store';
import { targetIndexOf, targetScorer } from './model-scorers';
import { truthMask, type TruthMask } from './truth-mask';

/** `blur`: how the papers' blur σ (set at 224 px) meets the input — scaled by side/224 (default) or as written ('paper'). */
export type MetricsRequest = MapRequest & { metrics: MetricId[]; blur?: BlurScale };

export type MetricsDeps = {
  db: Database;
  models: ModelService;
  cases: CaseService;
  imaging: ImagingService;
  explain: ExplanationService;
  queue: JobQueue;
  now?: () => Date;
};

export class MetricsService {
  readonly #d: MetricsDeps;
  readonly #now: () => Date;

  constructor(d: MetricsDeps) {
    this.#d = d;
    this.#now = d.now ?? (() => new Date());
  }

  async compute(req: MetricsRequest): Promise<ExplanationMetric[]> {
    const model = this.#d.models.get(req.modelId);
    const definitions = req.metrics.map(metricDefinition);
    // The model input a map computed here was made from, kept for the metric job.
    const shared: SharedInput = {};
    const own = await this.#d.explain.map(req, shared);
    const scored = scoredOutput(
      own,
      targetsOf(model.manifest).map((t) => t.name),
    );
    // Another target's map is made before the metric job: the queue runs one job at a time.
    const targetFree = own.target !== scored; // attention and concept maps explain no output
    const comparing = definitions.find((d) => d.needs.includes('otherSaliency'));
    const wrong = comparing && !targetFree ? wrongTarget(own, scored, comparing.label) : null;
    // Under the request's job id: its progress shows and its cancel stops it too.
    const other = wrong ? await this.#d.explain.map({ ...req, target: wrong }, shared) : null;
    const { height: inputH, width: inputW } = model.manifest.input;
    const blur = req.blur ?? 'scaled';
    // A map the method paints per sub-region (LiMA's) is measured over those regions by the metrics that accept them.
    const mapRegions = method(own.method).regions;
    const onInputGrid = own.grid.rows === inputH && own.grid.cols === inputW;
    // What determines each value keys its stored row: the blur actually applied, the upsampling, the regions, the wrong target.
    const paramsOf = (d: MetricDefinition): Record<string, unknown> => {
      const applied = d.blurAt?.(inputH, inputW, blur);
      return clean({
        ...d.params,
        scoredOutput: d.scorer ? scored : undefined,
        wrongTarget: d.needs.includes('otherSaliency') ? wrong : undefined,
        blur: applied ? blur : undefined,
        sigmaPx: applied?.sigma,
        radiusPx: applied?.radius,
        upsampling: onInputGrid ? undefined : 'nearest',
        regions: mapRegions && d.accepts?.includes('regions') ? { method: own.method, count: own.params.regions } : undefined,
      });
    };
    const missing = definitions.filter((d) => !readMetric(this.#d.db, own.id, d.id, paramsOf(d)));
    if (missing.length) {
      const c = this.#d.cases.get(own.caseId);
      const label = `Faithfulness of ${own.method} / ${own.target} — ${c.label}`;
      await this.#d.queue.run(
        label,
        async ({ signal, progress }) => {
          const runtime = await this.#d.models.runtime(model.id);
          const subject = resolveSubject(model.manifest, c, own.noduleId);
          const input = await sharedModelInput(shared, this.#d.imaging, model.manifest, subject);
          const { channels, height, width } = runtime.dims;
          const image: ModelImage = { data: input.image, channels, height, width };
          const base: MetricInput = {
            saliency: atInput(own, height, width),
            image,
            signal,
            size: { height, width },
            normalisation: model.manifest.input.normalise,
            otherSaliency: other ? atInput(other, height, width) : undefined,
            blur,
          };
          let regions: Int32Array | undefined;
          let truth: Promise<TruthMask | null> | undefined;
          for (const [i, d] of missing.entries()) {
            checkCancelled(signal, label);
            progress(i, missing.length);
            const params = paramsOf(d);
            const none = (note: string) =>
              this.#save({
                explanationId: own.id,
                metric: d.id,
                params,
                value: null,
                curves: [],
                parts: { note },
                provider: runtime.provider,
                forwardPasses: 0,
                ms: 0,
              });
            const scorer = d.scorer ? targetScorer(runtime, model.manifest, targetIndexOf(model.manifest, scored), d.scorer) : null;
            const extra: Partial<MetricInput> = {};
            if (mapRegions && d.accepts?.includes('regions')) {
              regions ??= mapRegions({ image: input.image, channels, height, width, manifest: model.manifest, params: own.params });
              extra.regions = regions;
            }
            if (d.needs.includes('otherSaliency') && !other) {
              none(`${own.method} maps do not depend on the target: nothing to discriminate`);
              continue;
            }
            if (d.needs.includes('mask')) {
              const series = c.series[0];
              const size =
                input.placement.kind === 'ct-slice'
                  ? { width: series.columns, height: series.rows }
                  : { width: input.placement.width, height: input.placement.height };
              const t = await (truth ??= truthMask(this.#d.db, this.#d.imaging, subject, input.placement, size, { width, height }));
              if (!t) {
                none('no ground truth for this case');
                continue;
              }
              extra.mask = t.mask;
            }
            const metricInput: MetricInput = { ...base, ...extra, score: scorer?.score };
            checkNeeds(d, metricInput);
            const t0 = performance.now();
            const r = await d.evaluate(metricInput);
            const curves: MetricCurve[] = Object.entries(r.curves ?? {}).map(([name, cv]: [string, Curve]) => ({
              name,
              fractions: cv.fractions,
              scores: cv.scores,
              auc: cv.auc,
            }));
            this.#save({
              explanationId: own.id,
              metric: d.id,
              params,
              value: Number.isFinite(r.value) ? r.value : null,
              curves,
              parts: partsOf(r.detail),
              provider: runtime.provider,
              forwardPasses: r.forwardPasses,
              ms: performance.now() - t0,
            });
          }
          progress(missing.length, missing.length);
        },
        { id: req.jobId, to: req.to },
      );
    }
    return definitions.map((d) => readMetric(this.#d.db, own.id, d.id, paramsOf(d))!);
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
  return m.grid.rows === height && m.grid.cols === width
    ? values
    : upsampleGrid(values, m.grid.rows, m.grid.cols, height, width, 'nearest');
}

/**
 * The output a map is judged against: its own target when that is an output; for attention and
 * concept maps, which explain no output, the model's most probable class.
 */
function scoredOutput(m: ExplanationMap, outputs: string[]): string {
  if (outputs.includes(m.target)) return m.target;
  const classes = m.outputs.filter((o) => o.probability !== null);
  if (!classes.length)
    throw new VerdictError('explain.bad-target', `${m.method} of "${m.target}": the model has no class output to judge the map against.`, {
      target: m.target,
    });
  return classes.reduce((a, b) => (b.probability! > a.probability! ? b : a)).name;
}

/** The wrong target a class-sensitivity metric (`metric`, its label) compares with: the most probable other class of the scored output's head. */
function wrongTarget(m: ExplanationMap, scored: string, metric: string): string {
  const own = m.outputs.find((o) => o.name === scored);
  const others = m.outputs.filter((o) => o.head === own?.head && o.name !== scored && o.probability !== null);
  if (!own || own.probability === null || !others.length) {
    throw new VerdictError('explain.bad-target', `${metric} needs a class output with another class in its head; "${scored}" has none.`, {
      target: scored,
    });
  }
  return others.reduce((a, b) => (b.probability! > a.probability! ? b : a)).name;
}

/** Parameters as stored: undefined keys dropped (they key the cache). */
function clean(p: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

function partsOf(detail: Record<string, number | number[]> | undefined): ExplanationMetric['parts'] {
  return Object.fromEntries(
    Object.entries(detail ?? {}).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map((x) => (Number.isFinite(x) ? x : null)) : Number.isFinite(v) ? v : null,
    ]),
  );
}
