// Builds the bundled demo study (demo/) from ../shared/data: the CT slices of LIDC-IDRI-0001
// around its largest nodule with the readers' XML, and a few dozen ISIC images (four per
// diagnosis, each from a different lesion) plus ISIC_0000000 with its Task 2 masks.
// Files are copied byte for byte; only the ISIC labels are cut down to the chosen rows.
// Run: npx tsx scripts/make-demo.ts   (deterministic: the same data gives the same demo)
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dicomParser from 'dicom-parser';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const data = resolve(root, '../shared/data');
const out = join(root, 'demo');

// The large nodule of LIDC-IDRI-0001 spans z = −125 … −105 mm (all four readers); keep a
// contiguous block with a few slices of margin on each side, so the series has no gaps.
const LIDC_Z_RANGE: [number, number] = [-132.5, -97.5];
const ISIC_PER_DIAGNOSIS = 4;

function lidc() {
  const series = join(data, 'lidc/series/LIDC-IDRI-0001');
  const [study] = readdirSync(series).filter((f) => f.startsWith('1.'));
  const [uid] = readdirSync(join(series, study));
  const src = join(series, study, uid);
  const dst = join(out, 'lidc/LIDC-IDRI-0001');
  mkdirSync(dst, { recursive: true });
  let kept = 0;
  for (const f of readdirSync(src).sort()) {
    if (f.endsWith('.xml')) {
      copyFileSync(join(src, f), join(dst, f));
      continue;
    }
    const ds = dicomParser.parseDicom(readFileSync(join(src, f)), { untilTag: 'x00200032' });
    const z = Number(ds.string('x00200032')?.split('\\')[2]);
    if (z >= LIDC_Z_RANGE[0] && z <= LIDC_Z_RANGE[1]) {
      copyFileSync(join(src, f), join(dst, f));
      kept++;
    }
  }
  copyFileSync(join(data, 'lidc/series/ATTRIBUTION'), join(out, 'lidc/ATTRIBUTION.txt'));
  return kept;
}

function isic() {
  const dst = join(out, 'isic');
  mkdirSync(dst, { recursive: true });
  const [header, ...rows] = readFileSync(join(data, 'isic/labels.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  const at = (row: string, name: string) => row.split(',')[cols.indexOf(name)];
  const chosen: string[] = [];
  for (const dx of ['mel', 'nv', 'bcc', 'akiec', 'bkl', 'df', 'vasc']) {
    const lesions = new Set<string>();
    for (const row of rows.filter((r) => at(r, 'dx') === dx && at(r, 'source') === 'ham10000').sort()) {
      if (lesions.size === ISIC_PER_DIAGNOSIS) break;
      if (lesions.has(at(row, 'lesion_id'))) continue;
      lesions.add(at(row, 'lesion_id'));
      chosen.push(row);
    }
  }
  for (const row of chosen)
    copyFileSync(join(data, 'isic/ham10000-224', `${at(row, 'image_id')}.jpg`), join(dst, `${at(row, 'image_id')}.jpg`));
  writeFileSync(join(dst, 'labels.csv'), [header, ...chosen].join('\n') + '\n');
  const task2 = join(data, 'isic/task2-example');
  for (const f of readdirSync(task2)) copyFileSync(join(task2, f), join(dst, f));
  return chosen.length + 1;
}

rmSync(out, { recursive: true, force: true });
const slices = lidc();
const images = isic();
writeFileSync(
  join(out, 'README.md'),
  `# Verdict demo study

Made by \`npx tsx scripts/make-demo.ts\` from ../shared/data; files are copied unchanged.

- \`lidc/LIDC-IDRI-0001/\`: ${slices} consecutive CT slices (z ${LIDC_Z_RANGE[0]} … ${LIDC_Z_RANGE[1]} mm) around the
  large nodule of LIDC-IDRI-0001, with the four readers' XML (069.xml, complete: marks on slices
  outside this block are reported by the import and left out).
- \`isic/\`: ${images - 1} HAM10000 images (${ISIC_PER_DIAGNOSIS} per diagnosis, each from a different lesion) with their
  rows of labels.csv, and ISIC_0000000 with its ISIC 2018 Task 2 attribute masks and
  segmentation (it has no diagnosis in these labels).

Models trained on ../shared/data must hold these patients and lesions out of training.

## Credits
- LIDC-IDRI (CC BY 3.0): see lidc/ATTRIBUTION.txt. Armato SG III et al., Medical Physics 38:915–931 (2011);
  doi:10.7937/K9/TCIA.2015.LO9QL9SX.
- HAM10000 (CC BY-NC 4.0): Tschandl P. et al., The HAM10000 dataset, Sci. Data 5, 180161 (2018).
- ISIC 2018 (CC BY-NC 4.0; Task 1–2 images and ground truth CC0, see isic/*ATTRIBUTION.txt):
  Codella N. et al., arXiv:1902.03368 (2018).
`,
);
console.log(`demo/: ${slices} LIDC slices, ${images} ISIC images`);
