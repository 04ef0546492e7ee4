// Steps the reader-study e2e tests share. Through the API: the coordinator signed in, a reader, a
// study of a protocol assigned and prepared. In the page: a reader opening a study from "My
// studies", and waiting for the trial at a position.
import type { Page } from '@playwright/test';
import type { ProtocolInput } from '../../app/protocol';
import type { ApiClient } from '../../renderer/lib/api-client';
import { expect } from './fixtures';

/** The coordinator's admin account, created and signed in on `api` (the first account: no sign-in needed to create it). */
export async function coordinatorThroughApi(api: ApiClient, name = 'Coordinator', passphrase = 'coordinator-pass') {
  const admin = await api.call('readers.create', { name, role: 'admin', passphrase });
  await api.call('session.signIn', { readerId: admin.id, passphrase });
  return admin;
}

export type ReaderAccount = { name: string; specialty: string; yearsExperience: number; passphrase: string };

/** The thoracic radiologist who reads the CT specs' studies. */
export const DR_CHEST: ReaderAccount = {
  name: 'Dr Chest',
  specialty: 'thoracic radiology',
  yearsExperience: 15,
  passphrase: 'chest-passphrase',
};

/** A reader's account, created by the signed-in coordinator. */
export const readerThroughApi = (api: ApiClient, reader: ReaderAccount) => api.call('readers.create', { ...reader, role: 'reader' });

/** Saves the protocol, creates its study, assigns the readers, and waits until its stimuli are computed (in the background). */
export async function preparedStudyThroughApi(api: ApiClient, protocol: ProtocolInput, name: string, readerIds: number[]) {
  const saved = await api.call('protocols.save', { protocol });
  const study = await api.call('studies.create', { protocolRowId: saved.rowId, name });
  for (const readerId of readerIds) await api.call('studies.assign', { studyId: study.id, readerId });
  await expect
    .poll(async () => (await api.call('studies.list', {})).find((s) => s.id === study.id)!.preparation.state, { timeout: 180_000 })
    .toBe('ready');
  return study;
}

/** Opens the study named `name` from "My studies"; returns its worklist. */
export async function openStudy(page: Page, name: string) {
  await page
    .getByTestId('my-studies')
    .getByRole('button', { name: new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
    .click();
  const worklist = page.getByTestId('reading-worklist');
  await expect(worklist).toBeVisible();
  return worklist;
}

/** The trial view once it shows the trial at `position`. */
export async function trialAt(page: Page, position: number) {
  const view = page.getByTestId('trial-view');
  await expect(view).toHaveAttribute('data-position', String(position));
  return view;
}
