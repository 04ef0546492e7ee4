// The two small test packs the exporter writes (models/test-vit/, random weights) and their
// fixtures.json, for the tests only.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { repoRoot, tempDir } from '../../../tests/support/data';
import { loadPack } from './load-pack';
import { parseManifest } from './manifest';

export const LIDC_PACK = join(repoRoot, 'models/test-vit/lidc-pack');
export const ISIC_PACK = join(repoRoot, 'models/test-vit/isic-pack');

export type FixtureCase = {
  name: string;
  image: number[];
  outputs: number[];
  /** [heads, N]: the CLS query's attention over the patches. */
  attention: number[];
  residual: number[];
  embedding: number[];
  cdam: Record<string, number[]>;
  conceptCdam: { concept: number[]; cdam: number[] };
  smoothCdam: { target: string; samples: number; noiseLevel: number; seed: number; cdam: number[] };
  integratedCdam: { target: string; steps: number; cdam: number[] };
};

export type Fixtures = { format: string; tolerance: number; normals: { seed: number; first: number[] }; cases: FixtureCase[] };

export const readFixtures = (pack: string): Fixtures => JSON.parse(readFileSync(join(pack, 'fixtures.json'), 'utf8')) as Fixtures;

/** A copy of a pack in a fresh temp folder (for hostile variants); returns the copy's path. */
export function copyPack(pack: string): string {
  const dir = join(tempDir('verdict-pack-'), 'pack');
  cpSync(pack, dir, { recursive: true });
  return dir;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ManifestJson = Record<string, any>;

/** A copy of `pack` with its manifest edited by `edit` (which may also change files in `dir`). */
export function packVariant(pack: string, edit: (m: ManifestJson, dir: string) => void): string {
  const dir = copyPack(pack);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestJson;
  edit(m, dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  return dir;
}

/** The error loadPack refuses `dir` with (a test failure if it is accepted). */
export async function packRefusal(dir: string): Promise<VerdictError> {
  try {
    await loadPack(dir);
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error(`${dir} was accepted`);
}

/** The error parseManifest refuses a manifest with, named `pack/manifest.json` (a test failure if it is accepted). */
export function manifestRefusal(m: ManifestJson): VerdictError {
  try {
    parseManifest(JSON.stringify(m), 'pack/manifest.json');
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error('accepted');
}
