// DICOM volume benchmark: LIDC-IDRI-0001 folder → HU volume (list, read, parse, sort along the
// slice normal, rescale), against pydicom doing the same steps (bench/pydicom_volume.py), plus
// time to first slice and the cost of hashing every file (which import does, and the volume
// path does not). Run: npx tsx bench/dicom-volume.ts [folder] [runs]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildSeriesPlans, loadSlice, loadVolume, scanDicomFolder } from '../main/services/imaging/dicom';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_FOLDER = resolve(here, '../../shared/data/lidc/series/LIDC-IDRI-0001');
const PYTHON = '/usr/bin/python3'; // Debian's python has python3-pydicom and python3-numpy

export type DicomBenchResult = {
  folder: string;
  runs: number;
  slices: number;
  volumeMs: number;
  firstSliceMs: number;
  hashMs: number;
  scanWithHashMs: number;
  pydicom: { volumeMs: number; readBytesMs: number; version: string } | { error: string };
  ratio: number | null;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const timeRuns = async <T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; last: T }> => {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), last };
};

/** Folder → HU volume the way the app does it, without hashing (import hashes; viewing does not). */
const folderToVolume = async (folder: string) => {
  const scan = await scanDicomFolder(folder, { hash: false });
  const plans = buildSeriesPlans(scan.instances);
  const plan = plans.reduce((a, b) => (b.slices.length > a.slices.length ? b : a));
  return loadVolume(plan);
};

const runPydicom = async (folder: string, runs: number): Promise<DicomBenchResult['pydicom']> => {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} not found` };
  try {
    const { stdout } = await promisify(execFile)(PYTHON, [join(here, 'pydicom_volume.py'), folder, String(runs)], { timeout: 300_000 });
    const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    return { volumeMs: r.volume_ms, readBytesMs: r.read_bytes_ms, version: r.pydicom };
  } catch (e) {
    return { error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
};

export const runDicomBenchmark = async (folder = DEFAULT_FOLDER, runs = 9): Promise<DicomBenchResult> => {
  // Both sides run the same way: one untimed warm-up, then `runs` back to back. (Alternating one
  // run each looked fairer but is not: a run that follows an idle pause or another process is
  // slower on our VMs, and pydicom's script still times its runs back to back.)
  await folderToVolume(folder); // warm-up: WASM compile, JIT, page cache
  const volume = await timeRuns(runs, () => folderToVolume(folder));
  const pydicom = await runPydicom(folder, runs);
  const plan = buildSeriesPlans((await scanDicomFolder(folder, { hash: false })).instances)[0];
  const middle = plan.slices[plan.slices.length >> 1];
  const firstSlice = await timeRuns(runs, () => loadSlice(middle));
  const scanWithHash = await timeRuns(runs, () => scanDicomFolder(folder));
  const scanNoHash = await timeRuns(runs, () => scanDicomFolder(folder, { hash: false, keepBytes: true }));
  return {
    folder,
    runs,
    slices: volume.last.slices,
    volumeMs: volume.ms,
    firstSliceMs: firstSlice.ms,
    // Hash cost = a scan that reads and hashes every file minus one that reads every file whole.
    hashMs: Math.max(0, scanWithHash.ms - scanNoHash.ms),
    scanWithHashMs: scanWithHash.ms,
    pydicom,
    ratio: 'volumeMs' in pydicom ? pydicom.volumeMs / volume.ms : null,
  };
};

export const formatDicomBench = (r: DicomBenchResult): string =>
  [
    `dicom volume (${r.slices} slices, median of ${r.runs}): ${r.volumeMs.toFixed(1)} ms  [folder → HU: list, read, parse, sort, rescale]`,
    'volumeMs' in r.pydicom
      ? `pydicom ${r.pydicom.version} same steps: ${r.pydicom.volumeMs.toFixed(1)} ms (reading the bytes alone: ${r.pydicom.readBytesMs.toFixed(1)} ms)  → Verdict is ${r.ratio!.toFixed(1)}× faster`
      : `pydicom: not run (${r.pydicom.error})`,
    `first slice (read + decode + HU, one file): ${r.firstSliceMs.toFixed(1)} ms`,
    `import scan with sha256 of every file: ${r.scanWithHashMs.toFixed(1)} ms (of which hashing ≈ ${r.hashMs.toFixed(1)} ms; not part of the volume path)`,
  ].join('\n');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [folder, runs] = process.argv.slice(2);
  console.log(formatDicomBench(await runDicomBenchmark(folder ? resolve(folder) : undefined, runs ? Number(runs) : undefined)));
}
