// Hostile XML and CSV in an import folder (issue 16, items 6–8): one bad file is refused or skipped
// by name and the rest of the folder imports. The hostile files are written here; the good ones are
// real LIDC-IDRI-0001 slices, its reader XML, and ISIC images with rows of labels.csv.
import { closeSync, copyFileSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isicImages, isicLabels, lidc0001, lidcSlices, tempDir } from '../../../tests/support/data';
import { verdictPerTest } from '../../../tests/support/verdict';

const fresh = verdictPerTest();

/** The first n slices of LIDC-IDRI-0001 and its four readers' XML. */
function lidcWithXml(n: number): string {
  const dir = lidcSlices(n, 'verdict-lidc-hostile-');
  const xml = readdirSync(lidc0001, { recursive: true, encoding: 'utf8' }).find((p) => p.endsWith('069.xml'))!;
  copyFileSync(join(lidc0001, xml), join(dir, '069.xml'));
  return dir;
}

const reader = (id: string, prolog = '') => `<?xml version="1.0"?>
${prolog}<LidcReadMessage xmlns="http://www.nih.gov"><ResponseHeader><SeriesInstanceUid>1.2.3.4</SeriesInstanceUid></ResponseHeader>
<readingSession><servicingRadiologistID>${id}</servicingRadiologistID></readingSession></LidcReadMessage>
`;

describe('item 6–7: hostile reader XML beside a real series', () => {
  it('refuses each hostile XML by name and imports the series with its real readers', async () => {
    const v = fresh();
    const dir = lidcWithXml(5);
    // An external entity that would read /etc/passwd.
    writeFileSync(join(dir, 'xxe.xml'), reader('&xxe;', '<!DOCTYPE LidcReadMessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'));
    // An entity never declared: it must not become a radiologist id.
    writeFileSync(join(dir, 'lol.xml'), reader('&lol9;'));
    // A sparse 20 MB reader XML: refused from its size, before it is read.
    const big = openSync(join(dir, 'big.xml'), 'w');
    writeSync(big, reader('1'));
    ftruncateSync(big, 20 * 1024 * 1024);
    closeSync(big);
    // The real XML cut at 20,000 bytes.
    writeFileSync(join(dir, 'cut.xml'), readFileSync(join(dir, '069.xml')).subarray(0, 20000));

    const r = await v.imports.run(dir);
    expect(r.status).toBe('done');
    expect(r.error).toBeNull();
    expect(r.cases).toHaveLength(1);
    expect(r.cases[0]).toMatchObject({ source: 'lidc', readers: 4, images: 5 });
    const refused = Object.fromEntries(r.refused.map((f) => [f.path.slice(dir.length + 1), f]));
    expect(Object.keys(refused).sort()).toEqual(['big.xml', 'cut.xml', 'lol.xml', 'xxe.xml']);
    for (const [name, f] of Object.entries(refused)) {
      expect(f.code).toBe('lidc.bad-xml');
      expect(f.reason.startsWith(join(dir, name) + ': ')).toBe(true);
    }
    expect(refused['xxe.xml'].reason).toMatch(/has a <!DOCTYPE> declaration/);
    expect(refused['lol.xml'].reason).toMatch(/uses the undeclared entity &lol9;/);
    expect(refused['big.xml'].reason).toMatch(/20971520 bytes is above the 16 MB limit for a reader XML/);
    expect(refused['cut.xml'].reason).toMatch(/the file ends while .* was still open; is it truncated\? \(line \d{3,}, column \d+\)$/);
    const ids = v.study.db.prepare('SELECT radiologist_id AS id FROM lidc_reading').all() as { id: string }[];
    expect(ids.map((x) => x.id)).toEqual(['540461523', '1428348137', '-750896469', '2103845659']);
  });

  it('skips an oversized XML that is not a reader XML, without reading it', async () => {
    const v = fresh();
    const dir = tempDir();
    const fd = openSync(join(dir, 'other.xml'), 'w');
    writeSync(fd, '<?xml version="1.0"?><catalog>');
    ftruncateSync(fd, 20 * 1024 * 1024);
    closeSync(fd);
    const r = await v.imports.run(dir);
    expect(r.skipped).toEqual([{ path: join(dir, 'other.xml'), reason: 'an XML file that is not an LIDC reader XML' }]);
  });
});

describe('item 8: ISIC labels as spreadsheets save them, with bad rows', () => {
  const [header, ...rows] = readFileSync(isicLabels, 'utf8').trim().split(/\r?\n/);
  const row = (id: string) => rows.find((r) => r.startsWith(`${id},`))!;
  const IDS = ['ISIC_0024306', 'ISIC_0024307', 'ISIC_0024308', 'ISIC_0024309'];

  it('reads `;` UTF-16 labels, imports the good rows, lists bad rows as file:line and skipped CSVs with why', async () => {
    const v = fresh();
    const dir = tempDir('verdict-isic-hostile-');
    mkdirSync(join(dir, 'images'));
    for (const id of IDS) copyFileSync(join(isicImages, `${id}.jpg`), join(dir, 'images', `${id}.jpg`));
    writeFileSync(join(dir, 'images', 'ISIC_0000099.jpg'), ''); // a 0-byte image
    // Saved as "Unicode text" in a `;` locale: UTF-16 LE with BOM. Line 3 is short (dx missing),
    // line 5 has a diagnosis outside the seven classes.
    const lines = [
      header,
      row(IDS[0]),
      `${IDS[1]},HAM_0000000`,
      row(IDS[2]),
      row(IDS[3]).replace(/,(nv|bkl|mel|bcc|akiec|df|vasc),/, ',scc,'),
    ];
    const text = lines.map((l) => l.replaceAll(',', ';')).join('\r\n') + '\r\n';
    writeFileSync(join(dir, 'labels.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    writeFileSync(join(dir, 'lesions.csv'), `image_id,lesion_id\n${IDS[0]},HAM_0000550\n`); // no dx column

    const r = await v.imports.run(dir);
    expect(r.status).toBe('done');
    expect(r.cases).toHaveLength(4);
    const dxOf = (id: string) => {
      const c = v.study.db.prepare('SELECT id FROM study_case WHERE source_ref = ?').get(id) as { id: number };
      return v.cases.get(c.id).truth?.diagnosis ?? null;
    };
    expect(dxOf(IDS[0])).toBe(row(IDS[0]).split(',')[2]);
    expect(dxOf(IDS[2])).toBe(row(IDS[2]).split(',')[2]);
    expect(dxOf(IDS[1])).toBeNull();
    expect(dxOf(IDS[3])).toBeNull();
    const labels = join(dir, 'labels.csv');
    expect(r.refused.map((f) => [f.path, f.code])).toEqual([
      [join(dir, 'images', 'ISIC_0000099.jpg'), 'isic.bad-image'],
      [`${labels}:3`, 'isic.bad-labels'],
      [`${labels}:5`, 'isic.bad-labels'],
    ]);
    expect(r.refused[0].reason).toBe('ISIC_0000099.jpg: empty file (0 bytes)');
    expect(r.refused[1].reason).toBe(`${labels}: line 3: 2 field(s), but the header has 15`);
    expect(r.refused[2].reason).toMatch(/line 5, column dx \(3\): unknown diagnosis "scc"/);
    expect(r.skipped).toContainEqual({
      path: join(dir, 'lesions.csv'),
      reason: expect.stringMatching(/^not read as ISIC labels: line 1: no dx column/),
    });
    expect(r.warnings.join('\n')).toMatch(/2 dermoscopic image\(s\) have no diagnosis/);
  });
});
