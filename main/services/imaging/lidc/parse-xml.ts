// Parses an LIDC-IDRI reader XML (`LidcReadMessage`) into typed reading sessions.
// The files come from four sites with different writers: indentation, number formats
// ("-125.000000 " vs "-125.0") and element order differ, and any repeated element may appear
// once or many times, so every repeated element is forced to an array and every value is
// read as text and converted here.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { VerdictError } from '../../../../app/errors';
import { LIDC_CHARACTERISTICS } from '../../../../app/domain';
import {
  type LidcCharacteristics,
  type LidcNoduleMark,
  type LidcNonNodule,
  type LidcReadingSession,
  type LidcReadMessage,
  type LidcRoi,
  type Point,
} from './types';

type Node = Record<string, unknown>;

const REPEATED = new Set(['readingSession', 'unblindedReadNodule', 'nonNodule', 'roi', 'edgeMap', 'locus']);

const parser = new XMLParser({
  // The documents use the default namespace http://www.nih.gov; a writer that used a prefix
  // (nih:roi) must read the same.
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  // Values stay text: UIDs and IDs such as "0" or "-750896469" must not become numbers.
  parseTagValue: false,
  trimValues: true,
  isArray: (tagName) => REPEATED.has(tagName),
});

/** Where in which file: the source name and the element path, e.g. "readingSession 2, roi 3". */
type Where = { source: string; path: string };

const within = (w: Where, step: string): Where => ({ source: w.source, path: w.path ? `${w.path}, ${step}` : step });

function fail(w: Where, what: string): never {
  const at = w.path ? `${w.path}: ` : '';
  throw new VerdictError('lidc.bad-xml', `${w.source}: ${at}${what}`, { source: w.source, ...(w.path ? { element: w.path } : {}) });
}

/** Parse one reader XML. `sourceName` names the file in error messages. */
export function parseLidcXml(xmlText: string, sourceName: string): LidcReadMessage {
  const valid = XMLValidator.validate(xmlText);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new VerdictError('lidc.bad-xml', `${sourceName}: not well-formed XML at line ${line}, column ${col}: ${msg}`, {
      source: sourceName,
      line,
      column: col,
    });
  }
  const doc = parser.parse(xmlText) as Node;
  const top: Where = { source: sourceName, path: '' };
  const root = asNode(doc.LidcReadMessage);
  if (!root) {
    const found = Object.keys(doc).join(', ') || 'nothing';
    return fail(top, `root element is ${found}, expected LidcReadMessage (a CT reader XML)`);
  }
  const header = asNode(root.ResponseHeader);
  const seriesInstanceUid = header ? optText(header.SeriesInstanceUid) : undefined;
  if (!seriesInstanceUid) return fail(top, 'ResponseHeader has no SeriesInstanceUid');
  const studyInstanceUid = optText(header?.StudyInstanceUID);
  const sessions = asArray(root.readingSession).map((s, i) =>
    parseSession(asNode(s) ?? {}, within(top, `readingSession ${i + 1}`)),
  );
  if (sessions.length === 0) fail(top, 'no readingSession elements');
  return { source: sourceName, seriesInstanceUid, ...(studyInstanceUid ? { studyInstanceUid } : {}), sessions };
}

function parseSession(s: Node, where: Where): LidcReadingSession {
  const radiologistId = optText(s.servicingRadiologistID);
  if (radiologistId === undefined) fail(where, 'no servicingRadiologistID');
  const annotationVersion = optText(s.annotationVersion);
  const nodules = asArray(s.unblindedReadNodule).map((n, i) => parseNodule(asNode(n) ?? {}, within(where, `unblindedReadNodule ${i + 1}`)));
  const nonNodules = asArray(s.nonNodule).map((n, i) => parseNonNodule(asNode(n) ?? {}, within(where, `nonNodule ${i + 1}`)));
  return { radiologistId, ...(annotationVersion ? { annotationVersion } : {}), nodules, nonNodules };
}

function parseNodule(n: Node, where: Where): LidcNoduleMark {
  const noduleId = optText(n.noduleID);
  if (noduleId === undefined) fail(where, 'no noduleID');
  const here = { ...where, path: `${where.path} (noduleID ${noduleId})` };
  const rois = asArray(n.roi).map((r, i) => parseRoi(asNode(r) ?? {}, within(here, `roi ${i + 1}`)));
  if (rois.length === 0) fail(here, 'no roi');
  const characteristics = parseCharacteristics(n.characteristics, here);
  // The LIDC protocol marks nodules < 3 mm by their centre only: one ROI with one point and no ratings.
  const small = !characteristics && rois.length === 1 && rois[0].edgeMap.length === 1;
  return { noduleId, ...(characteristics ? { characteristics } : {}), rois, small };
}

function parseCharacteristics(value: unknown, where: Where): LidcCharacteristics | undefined {
  const c = asNode(value);
  // Some writers emit an empty <characteristics/> for small nodules: treat it as absent.
  if (!c || Object.keys(c).length === 0) return undefined;
  const out = {} as LidcCharacteristics;
  for (const name of LIDC_CHARACTERISTICS) {
    const t = optText(c[name]);
    if (t === undefined) return fail(where, `characteristics has no ${name}`);
    const v = Number(t);
    if (!Number.isInteger(v)) return fail(where, `characteristic ${name} is "${t}", expected an integer`);
    out[name] = v;
  }
  return out;
}

function parseRoi(r: Node, where: Where): LidcRoi {
  const z = num(r.imageZposition, 'imageZposition', where);
  const sopInstanceUid = optText(r.imageSOP_UID);
  if (!sopInstanceUid) fail(where, 'no imageSOP_UID');
  const inc = optText(r.inclusion)?.toUpperCase();
  if (inc !== 'TRUE' && inc !== 'FALSE') fail(where, `inclusion is "${optText(r.inclusion) ?? ''}", expected TRUE or FALSE`);
  const edgeMap = asArray(r.edgeMap).map((e, i) => point(asNode(e) ?? {}, within(where, `edgeMap ${i + 1}`)));
  if (edgeMap.length === 0) fail(where, 'no edgeMap points');
  return { z, sopInstanceUid, inclusion: inc === 'TRUE', edgeMap };
}

function parseNonNodule(n: Node, where: Where): LidcNonNodule {
  const nonNoduleId = optText(n.nonNoduleID);
  if (nonNoduleId === undefined) fail(where, 'no nonNoduleID');
  const here = { ...where, path: `${where.path} (nonNoduleID ${nonNoduleId})` };
  const z = num(n.imageZposition, 'imageZposition', here);
  const sopInstanceUid = optText(n.imageSOP_UID);
  if (!sopInstanceUid) fail(here, 'no imageSOP_UID');
  const loci = asArray(n.locus);
  if (loci.length !== 1) fail(here, `expected one locus, found ${loci.length}`);
  const locus = point(asNode(loci[0]) ?? {}, within(here, 'locus'));
  return { nonNoduleId, z, sopInstanceUid, locus };
}

function point(p: Node, where: Where): Point {
  return { x: num(p.xCoord, 'xCoord', where), y: num(p.yCoord, 'yCoord', where) };
}

function num(value: unknown, name: string, where: Where): number {
  const t = optText(value);
  if (t === undefined) return fail(where, `no ${name}`);
  const v = Number(t);
  if (!Number.isFinite(v)) return fail(where, `${name} is "${t}", expected a number`);
  return v;
}

function optText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

function asNode(value: unknown): Node | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}
