import { z } from 'zod';
import { endpoint } from './endpoint';
import { noArgs } from './ids';
import type { ImportJobId, ImportProgress, ImportReport } from '../domain';

export type ImportJob = { jobId: ImportJobId; root: string; progress: ImportProgress; report: ImportReport | null };

export const importEndpoints = {
  /** Starts importing a folder (recursively); progress and the report arrive as events. */
  'import.start': endpoint<{ jobId: ImportJobId }>()(z.object({ path: z.string().min(1).max(4096) }).strict()),
  'import.cancel': endpoint<{ cancelled: boolean }>()(z.object({ jobId: z.string().min(1).max(64) }).strict()),
  'import.jobs': endpoint<ImportJob[]>()(noArgs),
};
