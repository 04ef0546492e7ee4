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
  // Decodes character references (&#65;); HTML's named entities never get here (refuseDtdAndEntities).
  htmlEntities: true,
  isArray: (tagName) => REPEATED.has(tagName),
});

/** Where in which file: the source name and the element path, e.g. "readingSession 2, roi 3". */
type Where = { source: string; path: string };

const within = (w: Where, step: string): Where => ({ source: w.source, path: w.path ? `${w.path}, ${step}` : step });

function fail(w: Where, what: string): never {
  const at = w.path ? `${w.path}: ` : '';
  throw new VerdictError('lidc.bad-xml', `${w.source}: ${at}${what}`, { source: w.source, ...(w.path ? { element: w.path } : {}) });
}

/**
 * The largest reader XML Verdict reads. Real LIDC-IDRI reader XMLs are under 1 MB (the largest of
 * the 1,018 scans' files is about 0.9 MB); a 100 MB one took 44 s and 1.7 GB to parse, so anything
 * above 16 MB is refused before it is read.
 */
export const MAX_LIDC_XML_BYTES = 16 * 1024 * 1024;

/** Line and column (1-based) of a character offset, for error messages. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function refuseAt(sourceName: string, text: string, offset: number, what: string): never {
  const { line, column } = position(text, offset);
  throw new VerdictError('lidc.bad-xml', `${sourceName}: ${what} (line ${line}, column ${column})`, { source: sourceName, line, column });
}

// The five entities XML predefines and character references; any other `&name;` needs a DTD.
const ENTITY_REF = /&([^;&<\s]{0,40});/g;
const PREDEFINED = /^(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6})$/;

/**
 * LIDC reader XMLs have no document type declaration. A DOCTYPE can declare external entities
 * (which read other files) or entities that expand exponentially, and an undeclared `&lol9;` would
 * otherwise reach the study as text (a radiologist id): refuse all of these before parsing.
 */
function refuseDtdAndEntities(text: string, sourceName: string): void {
  const dtd = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (dtd)
    refuseAt(
      sourceName,
      text,
      dtd.index,
      `has a <!${dtd[1].toUpperCase()}> declaration; reader XMLs have no DTD, and its entities are not read`,
    );
  for (const m of text.matchAll(ENTITY_REF)) {
    if (!PREDEFINED.test(m[1])) refuseAt(sourceName, text, m.index, `uses the undeclared entity &${m[1]};`);
  }
}

/** Where a validator error points: fast-xml-parser reports unclosed elements at line 1, column 1. */
function notWellFormed(text: string, sourceName: string, err: { code: string; msg: string; line: number; col: number }): never {
  const unclosed = /^Invalid '(\[.*\])' found\.$/.exec(err.msg);
  if (err.code === 'InvalidXml' && unclosed) {
    let open: string[] = [];
    try {
      open = JSON.parse(unclosed[1]) as string[];
    } catch {
      // keep the validator's wording below
    }
    const inner = open.length ? ` while <${open[open.length - 1]}> (inside ${open.length - 1} other elements) was still open` : '';
    refuseAt(sourceName, text, text.trimEnd().length, `is not well-formed XML: the file ends${inner}; is it truncated?`);
  }
  throw new VerdictError('lidc.bad-xml', `${sourceName}: not well-formed XML at line ${err.line}, column ${err.col}: ${err.msg}`, {
    source: sourceName,
    line: err.line,
    column: err.col,
  });
}

/** Parse one reader XML. `sourceName` names the file in error messages. */
export function parseLidcXml(xmlText: string, sourceName: string): LidcReadMessage {
  const bytes = Buffer.byteLength(xmlText, 'utf8');
  if (bytes > MAX_LIDC_XML_BYTES) {
    throw new VerdictError(
      'lidc.bad-xml',
      `${sourceName}: ${bytes} bytes is above the ${MAX_LIDC_XML_BYTES / 1024 / 1024} MB limit for a reader XML (real LIDC XMLs are under 1 MB)`,
      {
        source: sourceName,
        bytes,
        limit: MAX_LIDC_XML_BYTES,
      },
    );
  }
  refuseDtdAndEntities(xmlText, sourceName);
  const valid = XMLValidator.validate(xmlText);
  if (valid !== true) notWellFormed(xmlText, sourceName, valid.err);
  let doc: Node;
  try {
    doc = parser.parse(xmlText) as Node;
  } catch (e) {
    // The validator passed, so this is a parser limit (an entity or nesting it will not expand).
    throw new VerdictError(
      'lidc.bad-xml',
      `${sourceName}: could not be read as a reader XML: ${e instanceof Error ? e.message : String(e)}`,
      { source: sourceName },
    );
  }
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
  const sessions = asArray(root.readingSession).map((s, i) => parseSession(asNode(s) ?? {}, within(top, `readingSession ${i + 1}`)));
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
