// Labels CSVs as spreadsheets save them, and with bad rows (issue 16, item 8). Every file is built
// here from rows of the real labels.csv; no third-party files.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../../../../tests/support/data';
import { csvDelimiter, decodeCsvText } from './csv-text';
import { readIsicLabels } from './parse-labels';
import { scanDermoscopyFolder } from './scan-folder';
import { LABELS_CSV } from './test-data';

// The header and first three rows of labels.csv (HAM10000 metadata + Task 3 one-hot columns).
const [header, ...rows] = readFileSync(LABELS_CSV, 'utf8').trim().split(/\r?\n/).slice(0, 4);
const ids = rows.map((r) => r.split(',')[0]);
const asSemicolons = [header, ...rows].map((l) => l.replaceAll(',', ';')).join('\r\n') + '\r\n';

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

describe('labels saved by a spreadsheet', () => {
  const expected = readIsicLabels([header, ...rows].join('\n'), 'labels.csv').labels;

  test('the separator is found in the header line, outside quotes', () => {
    expect(csvDelimiter(asSemicolons)).toBe(';');
    expect(csvDelimiter(header)).toBe(',');
    expect(csvDelimiter('image_id\tdx\nISIC_1\tnv')).toBe('\t');
    expect(csvDelimiter('"a;b;c",dx\n')).toBe(',');
  });

  test('`;` separators (Excel in a comma-decimal locale) give the same labels as commas', () => {
    const { labels, badRows } = readIsicLabels(asSemicolons, 'labels-semicolon.csv');
    expect(badRows).toEqual([]);
    expect(labels.size).toBe(3);
    expect(labels).toEqual(expected);
  });

  test('UTF-16 LE and BE with a byte-order mark ("Unicode text") give the same labels', () => {
    for (const bytes of [utf16le(asSemicolons), utf16be(asSemicolons), Buffer.from(asSemicolons, 'utf16le')]) {
      const text = decodeCsvText(bytes);
      expect(text.startsWith('image_id;')).toBe(true);
      expect(readIsicLabels(text, 'labels-utf16.csv').labels).toEqual(expected);
    }
    expect(decodeCsvText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header)]))).toBe(header);
  });

  test('a short row and an unknown diagnosis are listed by line; the good rows are kept', () => {
    const text = [header, rows[0], 'ISIC_9000001,HAM_9,nv', rows[1], rows[2].replace(',nv,', ',scc,').replace(',bkl,', ',scc,')].join('\n');
    const { labels, badRows } = readIsicLabels(text, 'labels.csv');
    expect([...labels.keys()]).toEqual([ids[0], ids[1]]);
    expect(badRows.map((e) => [e.detail?.line, e.message])).toEqual([
      [3, 'labels.csv: line 3: 3 field(s), but the header has 15'],
      [5, expect.stringMatching(/^labels\.csv: line 5, column dx \(3\): unknown diagnosis "scc"/)],
    ]);
  });
});

describe('a folder scan accounts for every CSV', () => {
  const dir = tempDir('verdict-isic-csv-');
  mkdirSync(join(dir, 'images'));
  for (const id of ids) writeFileSync(join(dir, 'images', `${id}.jpg`), '');
  writeFileSync(join(dir, 'unicode.csv'), utf16le([header, rows[0], 'ISIC_9000001;HAM_9'].join('\n').replaceAll(',', ';')));
  writeFileSync(join(dir, 'no-dx.csv'), `image_id,lesion_id\n${ids[1]},HAM_1\n`);
  writeFileSync(join(dir, 'notes.csv'), 'id,comment\n1,hello\n');

  test('labels in UTF-16 with `;` are read, bad rows and CSVs not read are listed with why', async () => {
    const scan = await scanDermoscopyFolder(dir);
    expect(scan.labelFiles.map((f) => [f.path, f.form, f.count])).toEqual([[join(dir, 'unicode.csv'), 'ham10000', 1]]);
    expect(scan.images.find((i) => i.imageId === ids[0])?.label?.dx).toBe(rows[0].split(',')[2]);
    expect(scan.badLabelRows).toEqual([
      { path: join(dir, 'unicode.csv'), line: 3, reason: `${join(dir, 'unicode.csv')}: line 3: 2 field(s), but the header has 15` },
    ]);
    expect(scan.skippedCsvs).toEqual([
      {
        path: join(dir, 'no-dx.csv'),
        reason:
          'not read as ISIC labels: line 1: no dx column, and Task 3 columns missing: MEL, NV, BCC, AKIEC, BKL, DF, VASC; header is: image_id, lesion_id',
      },
      {
        path: join(dir, 'notes.csv'),
        reason:
          'not an ISIC labels file: line 1: no image_id (HAM10000 metadata) or image (ISIC 2018 Task 3) column; header is: id, comment',
      },
    ]);
  });
});
