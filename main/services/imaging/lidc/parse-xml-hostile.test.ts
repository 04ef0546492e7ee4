// Hostile and broken reader XML (issue 16, items 6 and 7). Each input is built here from the real
// LIDC-IDRI-0003 reader XML or from a minimal LidcReadMessage; no third-party files.
import { describe, expect, test } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { MAX_LIDC_XML_BYTES, parseLidcXml } from './parse-xml';
import { readText, XML_0003 } from './test-data';

/** A minimal reader XML with one reading session whose radiologist id is `id` (raw XML text). */
const minimal = (id: string, prolog = '') => `<?xml version="1.0" encoding="UTF-8"?>
${prolog}<LidcReadMessage xmlns="http://www.nih.gov">
  <ResponseHeader><SeriesInstanceUid>1.2.3</SeriesInstanceUid></ResponseHeader>
  <readingSession>
    <servicingRadiologistID>${id}</servicingRadiologistID>
  </readingSession>
</LidcReadMessage>
`;

const refusal = (text: string, source = 'hostile.xml'): VerdictError => {
  try {
    parseLidcXml(text, source);
  } catch (e) {
    expect(e).toBeInstanceOf(VerdictError);
    expect((e as VerdictError).code).toBe('lidc.bad-xml');
    return e as VerdictError;
  }
  throw new Error('expected the XML to be refused');
};

describe('item 6: DOCTYPE and entities', () => {
  test('the minimal XML itself parses (so the refusals below are about the hostile part)', () => {
    expect(parseLidcXml(minimal('540461523'), 'ok.xml').sessions[0].radiologistId).toBe('540461523');
  });

  test('an external entity (XXE reading /etc/passwd) is refused by name, with its position', () => {
    const e = refusal(minimal('&xxe;', '<!DOCTYPE LidcReadMessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'));
    expect(e.message).toBe(
      'hostile.xml: has a <!DOCTYPE> declaration; reader XMLs have no DTD, and its entities are not read (line 2, column 1)',
    );
    expect(e.detail).toMatchObject({ source: 'hostile.xml', line: 2, column: 1 });
  });

  test('a billion-laughs DTD is refused before any expansion', () => {
    const lol = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)];
    const started = performance.now();
    const e = refusal(minimal('&lol9;', `<!DOCTYPE lolz [${lol.join('')}]>\n`));
    expect(e.message).toMatch(/^hostile\.xml: has a <!DOCTYPE> declaration/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('an undeclared &lol9; never becomes a radiologist id', () => {
    const e = refusal(minimal('&lol9;'));
    expect(e.message).toBe('hostile.xml: uses the undeclared entity &lol9; (line 5, column 29)');
  });

  test("XML's predefined entities and character references still read as text", () => {
    const m = parseLidcXml(minimal('R&amp;D &#65;&#x42; &lt;1&gt;'), 'ok.xml');
    expect(m.sessions[0].radiologistId).toBe('R&D AB <1>');
  });
});

describe('item 7: size limit and truncation', () => {
  test('the limit is 16 MB, far above any real LIDC XML', () => {
    expect(MAX_LIDC_XML_BYTES).toBe(16 * 1024 * 1024);
    expect(Buffer.byteLength(readText(XML_0003))).toBeLessThan(1024 * 1024);
  });

  test('a reader XML above the limit (one 17 MB text node) is refused naming the file and the limit', () => {
    const huge = minimal('x'.repeat(17 * 1024 * 1024));
    const started = performance.now();
    const e = refusal(huge, 'huge.xml');
    expect(e.message).toBe(
      `huge.xml: ${Buffer.byteLength(huge)} bytes is above the 16 MB limit for a reader XML (real LIDC XMLs are under 1 MB)`,
    );
    expect(e.detail).toMatchObject({ limit: MAX_LIDC_XML_BYTES });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('a truncated real XML names the line and column where it ends, not line 1, column 1', () => {
    // LIDC-IDRI-0003's reader XML cut at byte 20,000: elements are still open there.
    const text = readText(XML_0003).slice(0, 20000);
    const lines = text.trimEnd().split('\n');
    const e = refusal(text, '072.xml');
    expect(e.detail).toMatchObject({ line: lines.length, column: lines[lines.length - 1].length + 1 });
    expect(lines.length).toBeGreaterThan(100);
    expect(e.message).toMatch(
      new RegExp(
        `^072\\.xml: is not well-formed XML: the file ends while <roi> .* was still open; is it truncated\\? \\(line ${lines.length}, column \\d+\\)$`,
      ),
    );
  });

  test('a cut inside a tag keeps the validator’s own position', () => {
    const text = readText(XML_0003).slice(0, 5000);
    const e = refusal(text, '072.xml');
    expect(e.detail?.line).toBeGreaterThan(100);
  });
});
