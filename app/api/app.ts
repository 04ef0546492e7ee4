import { z } from 'zod';
import { endpoint } from './endpoint';
import { noArgs } from './ids';

export type HostKind = 'electron' | 'serve' | 'cli';
export type AppInfo = {
  version: string;
  host: HostKind;
  /** File name of the open study database (not its full path: readers need not see it). */
  studyName: string;
  schemaVersion: number;
  caseCount: number;
};

export const appEndpoints = {
  'app.info': endpoint<AppInfo>('anyone')(noArgs),
  /** Native folder picker where the host has one (Electron); null otherwise. */
  'host.pickFolder': endpoint<{ path: string | null }>()(z.object({ title: z.string().max(200).optional() }).strict()),
  /** Native file picker where the host has one (Electron): a file to open, or (save) where to write one; null otherwise. */
  'host.pickFile': endpoint<{ path: string | null }>('reader')(
    z.object({ title: z.string().max(200).optional(), save: z.boolean().optional(), defaultName: z.string().max(255).optional() }).strict(),
  ),
};
