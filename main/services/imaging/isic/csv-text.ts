// Turns the bytes of a labels CSV into text and finds its separator. Labels files are often saved
// by a spreadsheet: Excel in a comma-decimal locale writes `;` between cells, and "Unicode text"
// is UTF-16 with a byte-order mark. Both used to be ignored without a word.

/**
 * The text of a CSV file: UTF-8 (with or without BOM) or UTF-16 LE/BE (with BOM, or without one
 * when every other byte of the start is zero, as in ASCII text written as UTF-16). Any BOM is dropped.
 */
export function decodeCsvText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  const probe = Math.min(bytes.length & ~1, 64);
  if (probe >= 4) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < probe; i += 2) {
      if (bytes[i] === 0) evenZero++;
      if (bytes[i + 1] === 0) oddZero++;
    }
    if (oddZero === probe / 2 && evenZero === 0) return new TextDecoder('utf-16le').decode(bytes);
    if (evenZero === probe / 2 && oddZero === 0) return new TextDecoder('utf-16be').decode(bytes);
  }
  return new TextDecoder('utf-8').decode(bytes);
}

export type CsvDelimiter = ',' | ';' | '\t';

/** The separator of the header line: whichever of `,` `;` tab occurs most outside quotes (`,` on a tie). */
export function csvDelimiter(text: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length && i < 65536; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}
