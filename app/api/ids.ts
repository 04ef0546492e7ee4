import { z } from 'zod';

// Row ids are SQLite integer keys; anything else at the boundary is refused.
export const rowId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const noArgs = z.object({}).strict();
