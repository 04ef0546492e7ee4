// Paths to the real LIDC files in ../shared/data (see its README), for the tests only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dicomParser from 'dicom-parser';
import { sharedData } from '../../../../tests/support/data';
import type { SliceRef } from './slices';

export const DATA_DIR = sharedData;
export const XML_0003 = join(DATA_DIR, 'lidc/xml-only/LIDC-IDRI-0003-072.xml');
export const RATINGS_CSV = join(DATA_DIR, 'lidc/nodule-crops/ratings.csv');

/** The LIDC-IDRI-0001 series folder (study and series UIDs are folder names). */
export function series0001Dir(): string {
  const root = join(DATA_DIR, 'lidc/series/LIDC-IDRI-0001');
  const xml = readdirSync(root, { recursive: true, encoding: 'utf8' }).find((p) => p.endsWith('069.xml'));
  if (!xml) throw new Error(`069.xml not found under ${root}`);
  return join(root, xml, '..');
}

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** SOP Instance UID and z (ImagePositionPatient[2]) of every slice, headers only. */
export function readSlices(dir: string): (SliceRef & { file: string; pixelSpacing: number })[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .map((file) => {
      const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(join(dir, file))), { untilTag: 'x7fe00010' });
      const z = Number((ds.string('x00200032') ?? '').split('\\')[2]);
      const pixelSpacing = Number((ds.string('x00280030') ?? '').split('\\')[0]);
      return { file, sopInstanceUid: ds.string('x00080018') ?? '', z, pixelSpacing };
    })
    .sort((a, b) => a.z - b.z);
}
