import { z } from 'zod';
import { endpoint } from './endpoint';
import { noArgs, rowId } from './ids';
import type { CaseDetail, CaseSummary } from '../domain';

export const caseEndpoints = {
  'cases.list': endpoint<CaseSummary[]>()(noArgs),
  'cases.get': endpoint<CaseDetail>()(z.object({ caseId: rowId }).strict()),
};
