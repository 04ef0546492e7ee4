// One mutant through what Verdict does with a file: the import's scan (which refuses what it
// cannot show), the import's split into CT slices and colour images, then what the viewer does
// for each (ImagingService: loadSlice → HU for every slice; the first frame → RGB for colour).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSeriesPlans, decodeFramesFromBytes, displayKind, loadSlice, scanDicomFolder } from '..';

export type Outcome =
  | { result: 'refused-at-import'; code: string; reason: string }
  | { result: 'accepted'; slices: number }
  | { result: 'refused-at-view'; code: string; reason: string };

const codeOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'internal';
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Import then view one file, in a folder of its own under `workDir`. */
export const runTrial = async (workDir: string, name: string, bytes: Uint8Array): Promise<Outcome> => {
  const dir = join(workDir, name);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.dcm`);
  await writeFile(path, bytes);
  try {
    const scan = await scanDicomFolder(dir);
    const inst = scan.instances[0];
    if (!inst) {
      const why = scan.refused[0] ?? { code: 'skipped', reason: scan.skipped[0]?.reason ?? 'nothing found' };
      return { result: 'refused-at-import', code: why.code, reason: why.reason };
    }
    const files = new Map([[path, bytes]]);
    try {
      if (displayKind(inst) === 'colour') {
        await decodeFramesFromBytes(bytes, path, [0]);
        return { result: 'accepted', slices: 1 };
      }
      const [plan] = buildSeriesPlans([inst]);
      for (const s of plan.slices) {
        const { hu } = await loadSlice({ path: s.path, frame: s.frame }, { bytes: files });
        if (!hu) throw new Error(`slice ${s.frame} is not greyscale`);
      }
      return { result: 'accepted', slices: plan.slices.length };
    } catch (e) {
      return { result: 'refused-at-view', code: codeOf(e), reason: messageOf(e) };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
