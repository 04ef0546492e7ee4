// A CT case with two nodules that at least 3 of the 4 LIDC readers marked, for tests of a study
// reading several nodules of one case. The real LIDC-IDRI-0001 has one such nodule (its other
// marks are < 3 mm nodules and non-nodules, which are not clustered), and no LIDC series with
// several is in ../shared/data (LIDC-IDRI-0003's XML has no images). So: the real slices,
// unchanged, with a copy of the reader XML in which the first three (or `mirroredReaders`)
// readers' outline of the real nodule is also drawn mirrored left–right (x → columns − 1 − x, the
// other lung), rated malignancy 2. CT-001 then has the real nodule (4 readers, median malignancy
// 5) and a mirrored one (3 readers, median 2) on the same slices, numbered in the order the
// import clusters them (the mirrored one comes first). Only the XML is made up, and it says so
// (the mirrored marks' noduleIDs end in "-mirror").
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './data';

const COLUMNS = 512;
/**
 * A copy of `seriesDir` (e.g. demo/lidc or ../shared/data's LIDC-IDRI-0001) with the XML given a
 * mirrored second nodule, outlined by the first `mirroredReaders` readers (3: read by default; 1
 * or 2: a nodule the editor warns about).
 */
export function twoNoduleCt(seriesDir: string, mirroredReaders = 3): string {
  const out = tempDir('verdict-two-nodules-');
  copyTree(seriesDir, out, mirroredReaders);
  return out;
}

function copyTree(from: string, to: string, mirroredReaders: number): void {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    if (statSync(src).isDirectory()) {
      mkdirSync(dst);
      copyTree(src, dst, mirroredReaders);
    } else if (name.endsWith('.xml')) {
      writeFileSync(dst, withMirroredNodule(readFileSync(src, 'utf8'), mirroredReaders));
    } else {
      copyFileSync(src, dst);
    }
  }
}

/** The reader XML with the first readers' outlined (rated) nodule also drawn mirrored. */
export function withMirroredNodule(xml: string, mirroredReaders = 3): string {
  let reader = 0;
  const sessions = xml.replace(/<readingSession>[\s\S]*?<\/readingSession>/g, (session) => {
    if (reader++ >= mirroredReaders) return session;
    let mirrored = false;
    return session.replace(/<unblindedReadNodule>[\s\S]*?<\/unblindedReadNodule>/g, (nodule) => {
      const outlined = (nodule.match(/<edgeMap>/g) ?? []).length > 8 && nodule.includes('<characteristics>');
      if (!outlined || mirrored) return nodule;
      mirrored = true;
      const copy = nodule
        .replace(/<noduleID>([^<]*)<\/noduleID>/, '<noduleID>$1-mirror</noduleID>')
        .replace(/<xCoord>(\d+)<\/xCoord>/g, (_, x: string) => `<xCoord>${COLUMNS - 1 - Number(x)}</xCoord>`)
        .replace(/<malignancy>\d<\/malignancy>/, '<malignancy>2</malignancy>');
      return `${nodule}\n${copy}`;
    });
  });
  const count = (sessions.match(/-mirror<\/noduleID>/g) ?? []).length;
  if (count !== mirroredReaders) throw new Error(`mirrored ${count} readers' nodules, expected ${mirroredReaders}`);
  return sessions;
}
