// CSV as every export writes it: RFC 4180 (comma separators, CRLF line ends, a field quoted when
// it holds a comma, quote or line break, quotes doubled) through d3-dsv's csvFormatRow — chosen
// over csv-stringify, which took 5× longer on a 100,000-answer study (npm run bench). Missing
// values are empty cells, booleans 1/0, and text cells are safe to open in a spreadsheet.
import { csvFormatRow } from 'd3-dsv';

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

/** Text neutralised, booleans as 1/0, missing as empty; numbers pass as they are (d3-dsv writes them with String()). */
const cellText = (c: Cell): Cell => (c === null ? '' : typeof c === 'string' ? neutralise(c) : typeof c === 'boolean' ? (c ? '1' : '0') : c);

/** One line (or a part of one) as CSV text. The cells are converted in place: do not reuse the array. */
export function csvRow(cells: Cell[]): string {
  for (let j = 0; j < cells.length; j++) cells[j] = cellText(cells[j]);
  return csvFormatRow(cells as string[]);
}

/** A whole file: the header line, then the lines, each ended by CRLF. */
export const csvDocument = (columns: readonly string[], lines: string[]): string => `${[csvFormatRow(columns.map(neutralise)), ...lines].join('\r\n')}\r\n`;

export const toCsv = (columns: readonly string[], rows: Cell[][]): string => csvDocument(columns, rows.map(csvRow));
