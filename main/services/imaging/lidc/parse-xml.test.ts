import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { parseLidcXml } from './parse-xml';
import { readText, series0001Dir, XML_0003 } from './test-data';

describe('LIDC-IDRI-0001, 069.xml', () => {
  const msg = parseLidcXml(readText(join(series0001Dir(), '069.xml')), '069.xml');

  test('header and the four reading sessions', () => {
    expect(msg.seriesInstanceUid).toBe('1.3.6.1.4.1.14519.5.2.1.6279.6001.179049373636438705059720603192');
    expect(msg.studyInstanceUid).toBe('1.3.6.1.4.1.14519.5.2.1.6279.6001.298806137288633453246975630178');
    expect(msg.sessions.map((s) => s.radiologistId)).toEqual(['540461523', '1428348137', '-750896469', '2103845659']);
    expect(msg.sessions.every((s) => s.annotationVersion === '3.12')).toBe(true);
  });

  test('first reader, Nodule 001: ratings and first contour as read in the file', () => {
    // Lines 20–40 of 069.xml: subtlety 5, internalStructure 1, calcification 6, sphericity 3,
    // margin 3, lobulation 3, spiculation 4, texture 5, malignancy 5; the first roi is at
    // z "-125.000000 " (trailing space in the file) with first edge point (312, 355).
    const n = msg.sessions[0].nodules[0];
    expect(n.noduleId).toBe('Nodule 001');
    expect(n.small).toBe(false);
    expect(n.characteristics).toEqual({
      subtlety: 5,
      internalStructure: 1,
      calcification: 6,
      sphericity: 3,
      margin: 3,
      lobulation: 3,
      spiculation: 4,
      texture: 5,
      malignancy: 5,
    });
    expect(n.rois).toHaveLength(8);
    expect(n.rois[0]).toMatchObject({
      z: -125,
      sopInstanceUid: '1.3.6.1.4.1.14519.5.2.1.6279.6001.110383487652933113465768208719',
      inclusion: true,
    });
    expect(n.rois[0].edgeMap[0]).toEqual({ x: 312, y: 355 });
  });

  test('every reader rated the large nodule; the fourth gave malignancy 4, the others 5', () => {
    const rated = msg.sessions.map((s) => s.nodules.filter((n) => n.characteristics));
    expect(rated.map((r) => r.length)).toEqual([1, 1, 1, 1]);
    expect(rated.map((r) => r[0].characteristics?.malignancy)).toEqual([5, 5, 5, 4]);
    // The fourth reader's IDs are bare numbers ("0"): they must stay text.
    expect(rated[3][0].noduleId).toBe('0');
    expect(rated.map((r) => r[0].rois.length)).toEqual([8, 7, 8, 9]);
  });

  test('< 3 mm nodules are flagged small and have no ratings', () => {
    const small = msg.sessions.map((s) => s.nodules.filter((n) => n.small).map((n) => n.noduleId));
    expect(small).toEqual([['Nodule 002', 'Nodule 003', 'Nodule 004'], [], ['MI014_12118', 'MI014_12119', 'MI014_12120'], ['1', '2', '3']]);
    const s = msg.sessions[0].nodules[1];
    expect(s.characteristics).toBeUndefined();
    expect(s.rois).toEqual([
      {
        z: -150,
        sopInstanceUid: '1.3.6.1.4.1.14519.5.2.1.6279.6001.313544823773855097029348077255',
        inclusion: true,
        edgeMap: [{ x: 187, y: 166 }],
      },
    ]);
  });

  test('non-nodules are points; the fourth session has none', () => {
    expect(msg.sessions.map((s) => s.nonNodules.length)).toEqual([4, 1, 8, 0]);
    expect(msg.sessions[0].nonNodules[0]).toEqual({
      nonNoduleId: '_Non-nodule 001',
      z: -185,
      sopInstanceUid: '1.3.6.1.4.1.14519.5.2.1.6279.6001.265752406785564034990206112632',
      locus: { x: 396, y: 216 },
    });
  });
});

describe('LIDC-IDRI-0003, 072.xml (XML only)', () => {
  const msg = parseLidcXml(readText(XML_0003), 'LIDC-IDRI-0003-072.xml');

  test('four sessions and 13 characteristic sets (3 + 3 + 3 + 4), no small nodules', () => {
    expect(msg.sessions.map((s) => s.radiologistId)).toEqual(['-1190943846', '-649195566', '-1268390652', '-671528798']);
    expect(msg.sessions.map((s) => s.nodules.filter((n) => n.characteristics).length)).toEqual([3, 3, 3, 4]);
    expect(msg.sessions.flatMap((s) => s.nodules).filter((n) => n.small)).toHaveLength(0);
    expect(msg.sessions.map((s) => s.nonNodules.length)).toEqual([7, 7, 15, 9]);
    // Fourth reader's "12" (line 16190): malignancy 2, subtlety 1 — the nodule no one else marked.
    const n12 = msg.sessions[3].nodules.find((n) => n.noduleId === '12');
    expect(n12?.characteristics).toMatchObject({ subtlety: 1, malignancy: 2 });
  });
});

// A minimal message written the other ways real writers do: a namespace prefix, every repeated
// element appearing once, an exclusion contour, a session with no nodules.
const synthetic = (body: string, header = '<ResponseHeader><SeriesInstanceUid>1.2.3</SeriesInstanceUid></ResponseHeader>') =>
  `<?xml version="1.0"?><nih:LidcReadMessage xmlns:nih="http://www.nih.gov">${header}${body}</nih:LidcReadMessage>`;
const roiXml = (inclusion: string, z = '-10.0', x = '1') =>
  `<nih:roi><nih:imageZposition>${z}</nih:imageZposition><nih:imageSOP_UID>9.9</nih:imageSOP_UID>` +
  `<nih:inclusion>${inclusion}</nih:inclusion><nih:edgeMap><nih:xCoord>${x}</nih:xCoord><nih:yCoord>2</nih:yCoord></nih:edgeMap></nih:roi>`;
const session = (inner: string) =>
  `<nih:readingSession><nih:servicingRadiologistID>7</nih:servicingRadiologistID>${inner}</nih:readingSession>`;

describe('format variants', () => {
  test('prefixed namespace, single elements, exclusion contours, empty session', () => {
    const msg = parseLidcXml(
      synthetic(
        session(`<nih:unblindedReadNodule><nih:noduleID>A</nih:noduleID>${roiXml('TRUE')}${roiXml('FALSE')}</nih:unblindedReadNodule>`) +
          session(''),
      ),
      'synthetic.xml',
    );
    expect(msg.studyInstanceUid).toBeUndefined();
    expect(msg.sessions).toHaveLength(2);
    const [a] = msg.sessions[0].nodules;
    expect(a.rois.map((r) => r.inclusion)).toEqual([true, false]);
    expect(a.small).toBe(false); // two ROIs: not the single-point form of a < 3 mm nodule
    expect(msg.sessions[1]).toEqual({ radiologistId: '7', nodules: [], nonNodules: [] });
  });
});

describe('bad XML', () => {
  const bad = (xml: string) => {
    try {
      parseLidcXml(xml, 'case.xml');
    } catch (e) {
      expect(e).toBeInstanceOf(VerdictError);
      expect((e as VerdictError).code).toBe('lidc.bad-xml');
      return (e as VerdictError).message;
    }
    throw new Error('expected a VerdictError');
  };
  const nodule = (inner: string) =>
    synthetic(session(`<nih:unblindedReadNodule><nih:noduleID>N1</nih:noduleID>${inner}</nih:unblindedReadNodule>`));

  test('not well-formed: names the file and the line', () => {
    expect(bad('<LidcReadMessage>\n<ResponseHeader>\n</LidcReadMessage>')).toMatch(/^case\.xml: not well-formed XML at line \d+/);
  });
  test('another root element', () => {
    expect(bad('<IdriReadMessage><CXRreadingSession/></IdriReadMessage>')).toMatch(/case\.xml: root element is IdriReadMessage/);
  });
  test('no series UID', () => {
    expect(bad(synthetic(session(''), '<ResponseHeader/>'))).toMatch(/no SeriesInstanceUid/);
  });
  test('no reading session', () => {
    expect(bad(synthetic(''))).toMatch(/no readingSession/);
  });
  test('a rating that is not an integer names file, nodule and field', () => {
    const chars = '<nih:characteristics><nih:subtlety>4.5</nih:subtlety></nih:characteristics>';
    expect(bad(nodule(chars + roiXml('TRUE')))).toBe(
      'case.xml: readingSession 1, unblindedReadNodule 1 (noduleID N1): characteristic subtlety is "4.5", expected an integer',
    );
    try {
      parseLidcXml(nodule(chars + roiXml('TRUE')), 'case.xml');
    } catch (e) {
      expect((e as VerdictError).detail).toEqual({ source: 'case.xml', element: 'readingSession 1, unblindedReadNodule 1 (noduleID N1)' });
    }
  });
  test('an incomplete rating set', () => {
    const chars = '<nih:characteristics><nih:subtlety>4</nih:subtlety></nih:characteristics>';
    expect(bad(nodule(chars + roiXml('TRUE')))).toMatch(/characteristics has no internalStructure/);
  });
  test('inclusion that is neither TRUE nor FALSE', () => {
    expect(bad(nodule(roiXml('MAYBE')))).toMatch(/roi 1: inclusion is "MAYBE"/);
  });
  test('a z that is not a number', () => {
    expect(bad(nodule(roiXml('TRUE', 'abc')))).toMatch(/imageZposition is "abc"/);
  });
  test('a nodule without contours', () => {
    expect(bad(nodule(''))).toMatch(/noduleID N1\): no roi/);
  });
});
