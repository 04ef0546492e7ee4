// Explanations of a model's reading of a case: predictions, explanation maps (cached in the
// study database) and named concepts. Every inference runs through one queue, one job at a
// time, with progress events and cancel. Plain Node; ORT's run is async, so nothing blocks.
import { performance } from 'node:perf_hooks';
import type { Database } from 'better-sqlite3';
import type {
  AttributeReport,
  Concept,
  ExplainParams,
  ExplanationMap,
  MethodId,
  Prediction,
  PrototypeScoreSheet,
} from '../../../app/explain';
import { VerdictError } from '../../../app/errors';
import type { EventBus, Recipient } from '../../event-bus';
import type { CaseService } from '../cases/case-service';
import type { ImagingService } from '../imaging/imaging-service';
import type { ModelService } from '../models/model-service';
import type { RegisteredModel } from '../models/model-rows';
import { packMethods } from '../models/manifest';
import { dimsOf, vitPart, type BackbonePass } from '../models/model-runtime';
import { assertNewConcept, insertConcept, listConcepts } from './concept-store';
import { cacheKey, readCached, saveMap } from './explanation-cache';
import { loadModelInput, resolveSubject, sharedModelInput, type ModelInput, type SharedInput, type Subject } from './input/model-input';
import { checkCancelled, JobQueue } from './job-queue';
import { method, normaliseParams } from './methods';
import { predictedOutputs } from './outputs';
import { resolveTarget } from './resolve-target';
import { attributeReadings } from './self-explaining/attribute-report';
import { readExemplar } from './self-explaining/exemplars';
import { prototypeRows } from './self-explaining/prototype-sheet';

export type MapRequest = SubjectRequest & { method: MethodId | string; target: string; params?: ExplainParams };
/** `to`: whose request it is (its progress goes to that connection only; default: staff). */
export type SubjectRequest = { modelId: number; caseId: number; noduleId?: number | null; jobId?: string; to?: Recipient };
export type SheetRequest = SubjectRequest & { class?: string; count?: number };

/** Rows of a prototype score sheet when the caller does not say. */
const SHEET_ROWS = 5;

export type ExplainDeps = {
  db: Database;
  models: ModelService;
  cases: CaseService;
  imaging: ImagingService;
  events: EventBus;
  now?: () => Date;
  /** The one inference queue, shared with the faithfulness metrics (a fresh one if absent). */
  queue?: JobQueue;
};

/** The inference queue whose progress reaches the requesting connection as `explain.progress` events. */
export const inferenceQueue = (events: EventBus): JobQueue =>
  new JobQueue((job, done, total) => events.emit('explain.progress', { jobId: job.id, label: job.label, done, total }, job.to));

/** Backbone passes per ORT call when averaging concept examples. */
const CONCEPT_BATCH = 16;

export class ExplanationService {
  readonly #db: Database;
  readonly #models: ModelService;
  readonly #cases: CaseService;
  readonly #imaging: ImagingService;
  readonly #now: () => Date;
  readonly #queue: JobQueue;
  /**
   * The last backbone pass (its model, subject and input): opening a case, the viewer asks for the
   * model's prediction, and a map asked next on that case starts from the same pass instead of
   * running the backbone again (on a ViT-S/8 @224, 785 tokens, the larger part of a CDAM map).
   */
  #lastPass: { key: string; input: ModelInput; pass: BackbonePass } | null = null;

  constructor(d: ExplainDeps) {
    this.#db = d.db;
    this.#models = d.models;
    this.#cases = d.cases;
    this.#imaging = d.imaging;
    this.#now = d.now ?? (() => new Date());
    this.#queue = d.queue ?? inferenceQueue(d.events);
  }

  /**
   * One explanation map: from the cache when this exact map was computed before. `shared` keeps the
   * model input a computed map was made from for the caller's next use on the same subject (the
   * metrics perturb that very input rather than loading it again).
   */
  async map(req: MapRequest, shared?: SharedInput): Promise<ExplanationMap> {
    const { model, m, subject, params, target, key } = this.#mapRequest(req);
    const hit = readCached(this.#db, key, m.signed);
    if (hit) return hit;
    const label = `${m.label} of ${req.target} — ${this.#cases.get(subject.caseId).label}`;
    return this.#queue.run(
      label,
      async ({ signal, progress }) => {
        const again = readCached(this.#db, key, m.signed);
        if (again) return again;
        progress(0, 4);
        const runtime = await this.#models.runtime(model.id);
        checkCancelled(signal, label);
        progress(1, 4);
        const t0 = performance.now();
        // A caller sharing its input (the metrics) gets its own; else the prediction's pass may serve.
        const last = shared ? null : this.#passOf(model, subject);
        const input = last?.input ?? (await sharedModelInput(shared, this.#imaging, model.manifest, subject));
        checkCancelled(signal, label);
        const pass = last?.pass ?? (await runtime.backbone(input.image, 1));
        checkCancelled(signal, label);
        progress(2, 4);
        const values = await m.compute({
          model: runtime,
          manifest: model.manifest,
          image: input.image,
          pass,
          target,
          params,
          signal,
          progress: (done, total) => progress(2 + done / total, 4),
          subject: { caseId: subject.caseId, noduleId: subject.noduleId },
        });
        // What this map ran: with the prediction's pass reused, the method alone.
        const ms = performance.now() - t0;
        checkCancelled(signal, label);
        progress(3, 4);
        if (!values.every(Number.isFinite))
          throw new VerdictError('explain.inference-failed', `${label}: the map has values that are not finite.`, { method: m.id });
        const saved = saveMap(
          this.#db,
          {
            key,
            modelId: model.id,
            caseId: subject.caseId,
            noduleId: subject.noduleId,
            method: m.id,
            target: req.target,
            params,
            provider: runtime.provider,
            outputs: predictedOutputs(model.manifest, pass.outputs),
            grid: m.resolution === 'input' ? { rows: runtime.dims.height, cols: runtime.dims.width } : runtime.dims.grid,
            values,
            placement: input.placement,
            ms,
          },
          m.signed,
          this.#now().toISOString(),
        );
        progress(4, 4);
        return saved;
      },
      { id: req.jobId, to: req.to },
    );
  }

  /** The map if it was computed before, else null; never computes (what a reader's trial reads). */
  cached(req: MapRequest): ExplanationMap | null {
    const { m, key } = this.#mapRequest(req);
    return readCached(this.#db, key, m.signed);
  }

  /** Whether the map was computed before (without reading it). */
  isCached(req: MapRequest): boolean {
    return this.#db.prepare('SELECT 1 FROM explanation WHERE cache_key = ?').get(this.#mapRequest(req).key) !== undefined;
  }

  /** A map request checked against the pack and resolved to its cache key. */
  #mapRequest(req: MapRequest) {
    const model = this.#models.get(req.modelId);
    const m = method(req.method);
    const offered = packMethods(model.manifest);
    if (!offered.includes(m.id)) {
      throw new VerdictError(
        'explain.unsupported-method',
        `${model.manifest.name} does not offer ${m.label}; it offers ${offered.join(', ')}.`,
        { method: m.id },
      );
    }
    const subject = this.#subject(model, req.caseId, req.noduleId);
    const params = normaliseParams(m, req.params, model.manifest.vit?.heads ?? 0);
    const { target, conceptSha256 } = resolveTarget(this.#db, model.id, model.manifest, m, req.target);
    const key = cacheKey({
      modelSha256: model.sha256,
      caseId: subject.caseId,
      noduleId: subject.noduleId,
      method: m.id,
      target: req.target,
      params,
      conceptSha256,
      methodVersion: m.version,
    });
    return { model, m, subject, params, target, key };
  }

  /** The model's outputs for a case (softmax probabilities for class logits). */
  async predict(req: SubjectRequest): Promise<Prediction> {
    const model = this.#models.get(req.modelId);
    const subject = this.#subject(model, req.caseId, req.noduleId);
    // The viewer asks for a prediction as it opens a case: the model's sessions start opening now,
    // not when the job's turn comes (a failure is the job's to report).
    this.#models.runtime(model.id).catch(() => {});
    return this.#queue.run(
      `Prediction — ${this.#cases.get(subject.caseId).label}`,
      async ({ signal, progress }) => {
        progress(0, 2);
        const { runtime, pass, ms } = await this.#onePass(model, subject, signal);
        progress(2, 2);
        return {
          modelId: model.id,
          caseId: subject.caseId,
          noduleId: subject.noduleId,
          outputs: predictedOutputs(model.manifest, pass.outputs),
          provider: runtime.provider,
          ms,
        };
      },
      { id: req.jobId, to: req.to },
    );
  }

  /** An attribute-token model's reading of a case, axis by axis (the maps are `attribute-map` explanations). */
  async attributes(req: SubjectRequest): Promise<AttributeReport> {
    const model = this.#models.get(req.modelId);
    if (!model.manifest.attributes)
      throw new VerdictError(
        'explain.unsupported-method',
        `${model.manifest.name} has no diagnostic attributes (it is not an attribute-token model).`,
        { part: 'attributes' },
      );
    const subject = this.#subject(model, req.caseId, req.noduleId);
    return this.#queue.run(
      `Attributes — ${this.#cases.get(subject.caseId).label}`,
      async ({ signal }) => {
        const { runtime, pass } = await this.#onePass(model, subject, signal);
        return {
          modelId: model.id,
          caseId: subject.caseId,
          provider: runtime.provider,
          diagnosis: predictedOutputs(model.manifest, pass.outputs).filter((o) => o.head === model.manifest.outputs[0].head),
          axes: attributeReadings(model.manifest, pass.outputs),
        };
      },
      { id: req.jobId, to: req.to },
    );
  }

  /** "This looks like that": the prototypes behind a class score (the predicted class unless named), with their exemplars. */
  async prototypeSheet(req: SheetRequest): Promise<PrototypeScoreSheet> {
    const model = this.#models.get(req.modelId);
    const m = model.manifest;
    if (!m.prototypes)
      throw new VerdictError('explain.unsupported-method', `${m.name} has no prototypes (it is not a prototype model).`, {
        part: 'prototypes',
      });
    const classes = m.outputs[0].units.map((u) => u.name);
    if (req.class !== undefined && !classes.includes(req.class)) {
      throw new VerdictError(
        'explain.bad-target',
        `"${req.class}" is not a class of ${m.name}; its classes are ${classes.map((c) => `"${c}"`).join(', ')}.`,
        { target: req.class, valid: classes.join(', ') },
      );
    }
    const subject = this.#subject(model, req.caseId, req.noduleId);
    return this.#queue.run(
      `Prototypes — ${this.#cases.get(subject.caseId).label}`,
      async ({ signal }) => {
        const { runtime, pass } = await this.#onePass(model, subject, signal);
        const diagnosis = predictedOutputs(m, pass.outputs).filter((o) => o.head === m.outputs[0].head);
        const explained = req.class ?? diagnosis.reduce((a, b) => (b.value > a.value ? b : a)).name;
        const k = classes.indexOf(explained);
        const rows = prototypeRows(m, pass.prototypeActivations!, k).slice(0, req.count ?? SHEET_ROWS);
        const withExemplars = [];
        for (const r of rows) {
          const unit = m.prototypes!.units.find((u) => u.name === r.name)!;
          const exemplars = [];
          for (const e of unit.exemplars)
            exemplars.push({
              imageId: e.imageId,
              patch: e.patch,
              box: e.box,
              similarity: e.similarity,
              png: await readExemplar(model, e.file),
            });
          withExemplars.push({ ...r, exemplars });
        }
        return {
          modelId: model.id,
          caseId: subject.caseId,
          provider: runtime.provider,
          class: explained,
          score: diagnosis[k].value,
          probability: diagnosis[k].probability ?? 0,
          diagnosis,
          rows: withExemplars,
        };
      },
      { id: req.jobId, to: req.to },
    );
  }

  /** Cancels the job with this id, or every queued and running inference job. */
  cancel(jobId?: string): { cancelled: number } {
    return { cancelled: jobId ? this.#queue.cancel((id) => id === jobId) : this.#queue.cancelAll() };
  }

  /** Cancels all jobs and waits until none is still inside ONNX Runtime (before sessions are released). */
  async close(): Promise<void> {
    this.#queue.cancelAll();
    await this.#queue.idle();
  }

  listConcepts(modelId: number): Concept[] {
    this.#models.get(modelId);
    return listConcepts(this.#db, modelId);
  }

  /** A concept = the mean CLS embedding of the examples (CT examples name a nodule). */
  async createConcept(req: {
    modelId: number;
    name: string;
    examples: { caseId: number; noduleId?: number | null }[];
    to?: Recipient;
  }): Promise<Concept> {
    const model = this.#models.get(req.modelId);
    if (!model.manifest.vit)
      throw new VerdictError(
        'explain.unsupported-method',
        `${model.manifest.name} is a black-box pack: a concept is a mean ViT embedding, and its graph puts out none.`,
        { part: 'embedding' },
      );
    const name = req.name.trim();
    assertNewConcept(this.#db, model.id, name);
    const subjects = req.examples.map((e) => this.#subject(model, e.caseId, e.noduleId));
    const dims = dimsOf(model.manifest);
    const inputSize = dims.channels * dims.height * dims.width;
    return this.#queue.run(
      `Concept "${name}"`,
      async ({ signal, progress }) => {
        const runtime = await this.#models.runtime(model.id);
        const sum = new Float64Array(dims.dim);
        for (let start = 0; start < subjects.length; start += CONCEPT_BATCH) {
          const chunk = subjects.slice(start, start + CONCEPT_BATCH);
          const images = new Float32Array(chunk.length * inputSize);
          for (let i = 0; i < chunk.length; i++) {
            images.set((await loadModelInput(this.#imaging, model.manifest, chunk[i])).image, i * inputSize);
            checkCancelled(signal);
          }
          const pass = await runtime.backbone(images, chunk.length);
          const embedding = vitPart(pass, 'embedding');
          for (let i = 0; i < embedding.length; i++) sum[i % dims.dim] += embedding[i];
          checkCancelled(signal);
          progress(Math.min(start + CONCEPT_BATCH, subjects.length), subjects.length);
        }
        const vector = Float32Array.from(sum, (v) => v / subjects.length);
        const examples = subjects.map((s) => ({ caseId: s.caseId, noduleId: s.noduleId }));
        return insertConcept(this.#db, { modelId: model.id, name, vector, examples, now: this.#now().toISOString() });
      },
      { to: req.to },
    );
  }

  /** One backbone pass over the subject's model input (inside a queued job); `ms` covers the pass and what remained of reading the input once the sessions were open. */
  async #onePass(model: RegisteredModel, subject: Subject, signal: AbortSignal) {
    // The image is read and decoded (off the main thread) while the model's sessions open, which a
    // first prediction waits for; a failure surfaces at the await below.
    const loading = loadModelInput(this.#imaging, model.manifest, subject);
    loading.catch(() => {});
    const runtime = await this.#models.runtime(model.id);
    checkCancelled(signal);
    const t0 = performance.now();
    const input = await loading;
    const pass = await runtime.backbone(input.image, 1);
    const ms = performance.now() - t0;
    this.#lastPass = { key: passKey(model, subject), input, pass };
    checkCancelled(signal);
    return { runtime, pass, ms };
  }

  /** The last backbone pass when it is this model's on this subject. */
  #passOf(model: RegisteredModel, subject: Subject): { input: ModelInput; pass: BackbonePass } | null {
    const last = this.#lastPass;
    return last && last.key === passKey(model, subject) ? last : null;
  }

  #subject(model: RegisteredModel, caseId: number, noduleId: number | null | undefined): Subject {
    return resolveSubject(model.manifest, this.#cases.get(caseId), noduleId);
  }
}

/** One pass per model version (its hash) and subject: the model input, hence the pass, follows from them. */
const passKey = (model: RegisteredModel, s: Subject) => `${model.id}/${model.sha256}/${s.caseId}/${s.noduleId ?? ''}`;
