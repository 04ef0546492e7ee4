// Readers at other sites (issue 17): study packages out, workspaces, answer packages back.
// Paths are files main reads or writes on this workstation (typed, or from a host's file picker).
import { z } from 'zod';
import { endpoint } from './endpoint';
import { noArgs, rowId } from './ids';
import type { AnswerPackageMade, MergeReport, StudyPackageMade, StudyPackages, WorkspaceInfo, WorkspaceOpened } from '../packages';

const path = z.string().trim().min(1).max(4096);
/** A key fingerprint as shown: 64 hex digits, spaces between groups allowed (compared without them). */
const fingerprint = z
  .string()
  .trim()
  .max(100)
  .regex(/^[0-9a-fA-F ]+$/, 'a fingerprint is hex digits (spaces allowed)');

export const packageEndpoints = {
  // ---- the coordinator (staff) ----
  /**
   * A study package for one assigned reader of a prepared study, signed with this workstation's
   * coordinator key; records the reader's site. Refused in a reader's workspace.
   */
  'packages.create': endpoint<StudyPackageMade>('staff')(
    z.object({ studyId: rowId, readerId: rowId, site: z.string().trim().min(1).max(100).nullable(), out: path }).strict(),
  ),
  /** The study's readers with the packages issued to them, their registered key and the answer packages merged. */
  'packages.list': endpoint<StudyPackages>('staff')(z.object({ studyId: rowId }).strict()),
  /**
   * Merges an answer package. A reader key not registered yet is refused with 'package.untrusted-key'
   * and detail.fingerprint: show it, and once the coordinator confirmed it with the reader, call again
   * with `trust` set to it. The same package twice changes nothing (alreadyMerged).
   */
  'packages.import': endpoint<MergeReport>('staff')(z.object({ file: path, trust: fingerprint.optional() }).strict()),

  // ---- a reader at another site ----
  /**
   * Opens a study package into a reading workspace in this data folder and sets the packaged
   * reader's passphrase; the host then serves the workspace (its connections are closed: reload and
   * sign in). 'staff' admits anyone on a workstation with no admin — a reader's own install, or a
   * workspace — so a remote reader needs no account first; on a coordinator's workstation only the
   * signed-in admin may swap the open database. `switched`: false where the host cannot switch (CLI).
   */
  'packages.open': endpoint<WorkspaceOpened>('staff')(
    z.object({ file: path, passphrase: z.string().min(8, 'use at least 8 characters').max(200) }).strict(),
  ),
  /** The workspace the open database is, or null on a coordinator's (or a fresh) workstation. */
  'packages.workspace': endpoint<WorkspaceInfo | null>('anyone')(noArgs),
  /** The signed-in reader's answer package (every answer version, visits, the event log), signed with this data folder's reader key. */
  'packages.writeAnswers': endpoint<AnswerPackageMade>('reader')(z.object({ out: path }).strict()),
};
