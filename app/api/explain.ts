import { z } from 'zod';
import { endpoint } from './endpoint';
import { noArgs, rowId } from './ids';
import {
  METHOD_IDS,
  type AttributeReport,
  type Concept,
  type ExplanationMap,
  type ModelSummary,
  type Prediction,
  type PrototypeScoreSheet,
} from '../explain';
import { METRIC_IDS, type ExplanationMetric } from '../faithfulness';
import { explainParams } from '../method-params';

const subject = { modelId: rowId, caseId: rowId, noduleId: rowId.nullable().optional() };
/** A job id the caller chooses, so it can tell its own `explain.progress` events and cancel only its own work. */
const jobId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/);

/** Derived from the method descriptors (app/methods.ts). */
export { explainParams };

export const explainEndpoints = {
  'models.list': endpoint<ModelSummary[]>()(noArgs),
  /** Registers a model pack folder after validating it; returns what was added. */
  'models.add': endpoint<ModelSummary>()(z.object({ path: z.string().min(1).max(4096) }).strict()),
  'explain.predict': endpoint<Prediction>()(z.object({ ...subject, jobId: jobId.optional() }).strict()),
  /** Computes (or reads from the cache) one explanation map; progress arrives as events. */
  'explain.map': endpoint<ExplanationMap>()(
    z
      .object({
        ...subject,
        method: z.enum(METHOD_IDS as [string, ...string[]]),
        target: z.string().min(1).max(200),
        params: explainParams.optional(),
        jobId: jobId.optional(),
      })
      .strict(),
  ),
  /** Faithfulness metrics of one map (computed, or read back when stored): staff only, never a reader. */
  'explain.metrics': endpoint<ExplanationMetric[]>()(
    z
      .object({
        ...subject,
        method: z.enum(METHOD_IDS as [string, ...string[]]),
        target: z.string().min(1).max(200),
        params: explainParams.optional(),
        metrics: z.array(z.enum(METRIC_IDS)).min(1).max(METRIC_IDS.length),
        jobId: jobId.optional(),
        /** The papers' blur σ (set at 224 px): scaled by the input side/224 (default) or as written. */
        blur: z.enum(['scaled', 'paper']).optional(),
      })
      .strict(),
  ),
  /** An attribute-token model's reading of a case per diagnostic axis (value and probability). */
  'explain.attributes': endpoint<AttributeReport>()(z.object({ ...subject, jobId: jobId.optional() }).strict()),
  /** A prototype model's score sheet: the prototypes behind a class score (the predicted one by default), with exemplars. */
  'explain.prototypes': endpoint<PrototypeScoreSheet>()(
    z
      .object({
        ...subject,
        class: z.string().min(1).max(200).optional(),
        count: z.number().int().min(1).max(500).optional(),
        jobId: jobId.optional(),
      })
      .strict(),
  ),
  /** Cancels the job with this id, or every queued and running job when none is given. */
  'explain.cancel': endpoint<{ cancelled: number }>()(z.object({ jobId: jobId.optional() }).strict()),
  'concepts.list': endpoint<Concept[]>()(z.object({ modelId: rowId }).strict()),
  /** A concept = the mean CLS embedding of the example cases, saved under a name. */
  'concepts.create': endpoint<Concept>()(
    z
      .object({
        modelId: rowId,
        name: z.string().trim().min(1).max(100),
        examples: z
          .array(z.object({ caseId: rowId, noduleId: rowId.nullable().optional() }).strict())
          .min(1)
          .max(200),
      })
      .strict(),
  ),
};
