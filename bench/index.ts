// `npm run bench`: Verdict's speed against reference implementations run on the same machine.
// Prints numbers and ratios; it asserts nothing (timed tests would flake on shared machines).
import { runCdamBenchmark } from './cdam';
import { formatDicomBench, runDicomBenchmark } from './dicom-volume';
import { formatFirstSlice, runFirstSliceBenchmark } from './first-slice';
import { runExportBenchmark } from './export-csv';
import { runLimaBenchmark } from './lima';
import { runPackageBenchmark } from './packages';
import { benchThreads, runRealSizeBenchmark } from './real-size';

// `npm run bench -- vit-real` (or BENCH_ONLY=vit-real): only the real-size rows (issue 15 §4).
const only = process.argv[2] ?? process.env.BENCH_ONLY;
if (only === 'vit-real') {
  console.log(
    `== Real sizes (BENCH_THREADS=${benchThreads()}): ViT-S/8 @224, ViT-B/16 @224 and the demo CNN against torch at equal threads`,
  );
  await runRealSizeBenchmark();
  process.exit(0);
}
if (only === 'packages') {
  console.log('== Packages: 50 ISIC cases × 3 conditions (goals ≤ 50 MB, opened ≤ 5 s); merging 20 readers × 1,000 answers (goal ≤ 2 s)');
  console.log((await runPackageBenchmark()).join('\n'));
  process.exit(0);
}

console.log('== DICOM: LIDC-IDRI-0001 folder → HU volume, against pydicom (goal: ≥ 3× faster)');
console.log(formatDicomBench(await runDicomBenchmark()));
console.log('\n== Viewer: first slice on screen');
console.log(formatFirstSlice(await runFirstSliceBenchmark()));
console.log('\n== Explanations: CDAM family, against torch.autograd the reference way');
console.log((await runCdamBenchmark()).join('\n'));
console.log('\n== Export: long CSV of a study with 100,000 answers (goal: ≤ 1 s)');
console.log((await runExportBenchmark()).join('\n'));
console.log('\n== LiMA: forward passes per image, naive vs official bidirectional vs ours (goal: ≤ 0.6× official at equal insertion AUC)');
console.log((await runLimaBenchmark()).join('\n'));
console.log('\n== Packages: 50 ISIC cases × 3 conditions (goals ≤ 50 MB, opened ≤ 5 s); merging 20 readers × 1,000 answers (goal ≤ 2 s)');
console.log((await runPackageBenchmark()).join('\n'));
console.log(
  `\n== Real sizes (BENCH_THREADS=${benchThreads()}): ViT-S/8 @224, ViT-B/16 @224 and the demo CNN against torch at equal threads`,
);
await runRealSizeBenchmark();
