// `npm run bench`: Verdict's speed against reference implementations run on the same machine.
// Prints numbers and ratios; it asserts nothing (timed tests would flake on shared machines).
import { formatDicomBench, runDicomBenchmark } from './dicom-volume';
import { formatFirstSlice, runFirstSliceBenchmark } from './first-slice';

console.log('== DICOM: LIDC-IDRI-0001 folder → HU volume, against pydicom (goal: ≥ 3× faster)');
console.log(formatDicomBench(await runDicomBenchmark()));
console.log('\n== Viewer: first slice on screen');
console.log(formatFirstSlice(await runFirstSliceBenchmark()));
