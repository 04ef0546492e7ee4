// CSV as every export writes it: RFC 4180 (comma separators, CRLF line ends, quotes doubled),
// formatted here rather than by a library (csv-stringify took 5× longer on a 100,000-answer study,
// npm run bench; d3-dsv quotes only on comma, quote and line break). A field is quoted when it
// holds a comma, quote, `;`, tab or any line break: a spreadsheet in a `;` locale splits an
// unquoted `x;=1+1` at the `;` and runs `=1+1`. Missing values are empty cells, booleans 1/0,
// and text cells are safe to open in a spreadsheet.

export type Cell = string | number | boolean | null;

/**
 * A text cell a spreadsheet would run as a formula (= + - @, tab, carriage return first) gets a
 * leading apostrophe (OWASP's CSV-injection advice); so does one that already begins with an
 * apostrophe, so the rule can be undone exactly: drop one leading apostrophe where there is one.
 * Numbers are written as numbers (a negative rating stays -1, which no spreadsheet evaluates).
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r']/.test(text) ? `'${text}` : text;
}

/** The inverse of neutralise, for readers of our files (and the tests). */
export const restoreCell = (cell: string): string => (cell.startsWith("'") ? cell.slice(1) : cell);

/** Separators of either locale, quotes, and every line break (vertical tab, form feed, NEL, LS, PS too). */
const NEEDS_QUOTES = /[",;\t\n\r\v\f\u0085\u2028\u2029]/;

/** One text field, quoted (quotes doubled) when it holds a separator, quote or line break. */
export const csvField = (text: string): string => (NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** Text neutralised and quoted as needed, booleans as 1/0, missing as empty; numbers with String(). */
const cellText = (c: Cell): string =>
  c === null ? '' : typeof c === 'string' ? csvField(neutralise(c)) : typeof c === 'boolean' ? (c ? '1' : '0') : String(c);

/** One line (or a part of one) as CSV text. */
export function csvRow(cells: Cell[]): string {
  let line = '';
  for (let j = 0; j < cells.length; j++) line += (j === 0 ? '' : ',') + cellText(cells[j]);
  return line;
}

/** A whole file: the header line, then the lines, each ended by CRLF. */
export const csvDocument = (columns: readonly string[], lines: string[]): string => `${[csvRow([...columns]), ...lines].join('\r\n')}\r\n`;

export const toCsv = (columns: readonly string[], rows: Cell[][]): string => csvDocument(columns, rows.map(csvRow));
