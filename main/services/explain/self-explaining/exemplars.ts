// A prototype's exemplar patch, read from its pack: only files the manifest lists (so their
// SHA-256 is checked) and only inside the pack folder.
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import type { RegisteredModel } from '../../models/model-rows';
import { readVerified, resolvePackPath } from '../../models/pack-files';

export async function readExemplar(model: RegisteredModel, file: string): Promise<ArrayBuffer> {
  const entry = Object.entries(model.manifest.files).find(([, ref]) => ref?.path === file);
  if (!entry || !entry[1])
    throw new VerdictError('model.missing-file', `${model.manifest.id}: exemplar "${file}" is not among the pack's files.`, { file });
  const [role, ref] = entry;
  const label = `${basename(model.dir)}/manifest.json`;
  const bytes = await readVerified(await resolvePackPath(model.dir, role, ref.path, label), { role, ...ref }, label);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
