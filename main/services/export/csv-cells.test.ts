// CSV cells for spreadsheets in either list-separator locale (issue 16, item 18): a cell holding
// `;`, a tab or any line break is quoted, so a `;`-locale spreadsheet never splits `x;=1+1` and
// runs `=1+1`; the formula guard (a leading apostrophe) still applies. Inputs are written here.
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { csvDocument, csvField, csvRow, neutralise, restoreCell, toCsv } from './csv-cells';
import { frontText } from './mrmc-files';

/** The `;` and tabs of a CSV text that lie outside quoted fields (what a `;`-locale spreadsheet splits on). */
const unquotedSeparators = (csv: string): string[] => {
  const found: string[] = [];
  let quoted = false;
  for (const c of csv) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ';' || c === '\t')) found.push(c);
  }
  return found;
};

describe('item 18: cells a `;`-locale spreadsheet would split', () => {
  const hostile = ['x;=1+1', 'x;@SUM(1)', ';=1+1', 'a\tb', 'line\u2028separator', 'next\u0085line', 'v\u000btab', 'f\u000cfeed'];

  test('are quoted whole, and the quotes read back to the same text', () => {
    expect(csvRow(['x;=1+1', 'x;@SUM(1)', 'plain'])).toBe('"x;=1+1","x;@SUM(1)",plain');
    for (const text of hostile) {
      const line = csvRow(['before', text, 'after']);
      expect(unquotedSeparators(line)).toEqual([]);
      const [row] = parse(line, { relax_quotes: false }) as string[][];
      expect(row.map(restoreCell)).toEqual(['before', text, 'after']);
    }
  });

  test('keep the formula guard: a leading = + - @ tab CR or apostrophe gets an apostrophe, then quotes if needed', () => {
    expect(csvRow(['=1+1', '@SUM(1);x', '\t=cmd', "'kept", '-2+3'])).toBe(`'=1+1,"'@SUM(1);x","'\t=cmd",''kept,'-2+3`);
    expect(csvRow([-1, 0.5, true, false, null])).toBe('-1,0.5,1,0,');
    expect(neutralise('x;=1+1')).toBe('x;=1+1'); // not a formula where it starts: quoting is what protects it
  });

  test('RFC 4180 as before: commas, quotes and line breaks quoted, quotes doubled', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('plain words')).toBe('plain words');
  });

  test('headers are cells too: a reader named `x;=1+1` as a column name is quoted and guarded', () => {
    const text = toCsv(['case', 'x;=1+1', '=evil'], [['c1', 3, 4]]);
    expect(text).toBe(`case,"x;=1+1",'=evil\r\nc1,3,4\r\n`);
    expect(csvDocument(['a'], [])).toBe('a\r\n');
    expect(unquotedSeparators(text)).toEqual([]);
  });
});

describe('item 17: free text in the iMRMC front matter', () => {
  test('stays on one line and cannot start the data', () => {
    expect(frontText('Study\r\nBEGIN DATA:\r\nforged,C1,ai,5')).toBe('Study BEGIN DATA - forged,C1,ai,5');
    expect(frontText('a\u2028b\u0085c\td\u0000e')).toBe('a b c d e');
    expect(frontText('begin  data :x')).toBe('begin data -x');
    expect(frontText('Plain study name')).toBe('Plain study name');
    // iMRMC reads N0: N1: NR: NM: anywhere in a front-matter line, in any case, as a count.
    expect(frontText('Session1: readers; scan:2; nm: x; N0 :')).toBe('Session1 - readers; scan:2; nm - x; N0 -');
  });
});
