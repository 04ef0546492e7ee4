// What the statisticians' tools do with our files, emulated step by step from their sources (R
// and Java cannot run in this test suite): iMRMC's reader (DIDSR/iMRMC src/mrmc/core/InputFile.java:
// ReadInputFile, getExperimentSizeFromHeader, parseObserverData, verifySizesAndGetIDs), RJafroc's
// two readers (dpc10ster/RJafroc R/DfReadIowaFormats.R: ReadImrmc, ReadOrDbmMrmc) and R's
// read.csv defaults (check.names = TRUE via make.names/make.unique; type.convert's column types).
// Each throws the message the tool would stop with.
import { parse } from 'csv-parse/sync';

/** Java's BufferedReader.readLine over a whole text: \n, \r\n or \r end a line; no empty last line for a final line break. */
const javaLines = (text: string): string[] => {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

/** Java's Integer.valueOf: an optional sign and digits, nothing else. */
const javaInt = (s: string): number => {
  if (!/^[+-]?\d+$/.test(s)) throw new Error('NumberFormatException');
  return Number(s);
};

/** Java's String.split(","): trailing empty strings are removed. */
const javaSplit = (s: string): string[] => {
  const parts = s.split(',');
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

export type IMrmcRead = {
  header: { N0: number | null; N1: number | null; NR: number | null; NM: number | null };
  readers: string[];
  modalities: string[];
  normal: string[];
  disease: string[];
  /** iMRMC's dataCheckResults: header counts that disagree with the data (shown to the user as a warning). */
  warnings: string[];
};

export function readAsIMrmc(text: string): IMrmcRead {
  // ReadInputFile: ",," and a trailing "," are cut from each line; a line of one character makes
  // substring(length − 2) throw, and the read stops there.
  const fileContent = javaLines(text).map((line, i) => {
    if (line.length === 1) throw new Error(`read record Error: line ${i + 1} has one character (StringIndexOutOfBounds)`);
    let s = line;
    if (s.length > 0 && s.slice(-2) === ',,') s = s.slice(0, s.indexOf(',,'));
    if (s.length > 0 && s.slice(-1) === ',') s = s.slice(0, -1);
    return s;
  });
  // getExperimentSizeFromHeader: every line before the one that starts with BEGIN DATA: (any case)
  // is searched for N0: N1: NR: NM: anywhere; the text after its first 3 characters must be an integer.
  const header: IMrmcRead['header'] = { N0: null, N1: null, NR: null, NM: null };
  let pos = 0;
  let dataloc = fileContent[0]?.toUpperCase().indexOf('BEGIN DATA:') ?? -1;
  while (dataloc !== 0) {
    const upper = fileContent[pos].toUpperCase();
    for (const key of ['N0', 'N1', 'NR', 'NM'] as const)
      if (upper.includes(`${key}:`)) {
        try {
          header[key] = javaInt(upper.slice(3).trim());
        } catch {
          throw new Error(`Found ${key}: Text following is not an integer \n${upper}`);
        }
      }
    pos++;
    if (pos >= fileContent.length) throw new Error("ERROR: Can't find BEGIN DATA");
    dataloc = fileContent[pos].toUpperCase().indexOf('BEGIN DATA:');
  }
  // parseObserverData: every later line is reader,case,modality,score (white space removed).
  const rows = fileContent.slice(pos + 1).map((line, i) => {
    const f = javaSplit(line);
    if (f.length < 4) throw new Error(`ERROR: Invalid input      row = ${pos + i + 2} \n${line}`);
    return f.slice(0, 4).map((x) => x.replace(/\s/g, ''));
  });
  // verifySizesAndGetIDs: truth rows (reader "truth" or "-1") first, then the scores.
  const isTruth = (r: string[]): boolean => r[0] === 'truth' || r[0] === '-1';
  const normal = new Set<string>();
  const disease = new Set<string>();
  rows.filter(isTruth).forEach((r) => {
    if (normal.has(r[1]) || disease.has(r[1])) throw new Error(`ERROR: Duplicate case found caseID = ${r[1]}`);
    if (r[3] === '0') normal.add(r[1]);
    if (r[3] === '1') disease.add(r[1]);
  });
  const readers = new Set<string>();
  const modalities = new Set<string>();
  for (const r of rows.filter((x) => !isTruth(x))) {
    if (!normal.has(r[1]) && !disease.has(r[1])) throw new Error(`ERROR: No truth for case caseID = ${r[1]}`);
    readers.add(r[0]);
    modalities.add(r[2]);
    if (!Number.isFinite(Number(r[3])) || r[3] === '') throw new Error(`score is not a number: ${r[3]}`);
  }
  const warnings: string[] = [];
  const check = (key: string, given: number | null, found: number): void => {
    if (given !== found) warnings.push(`${key} Given = ${given ?? 0} ${key} Found = ${found}`);
  };
  check('NR', header.NR, readers.size);
  check('N0', header.N0, normal.size);
  check('N1', header.N1, disease.size);
  check('NM', header.NM, modalities.size);
  return { header, readers: [...readers], modalities: [...modalities], normal: [...normal], disease: [...disease], warnings };
}

/** R's as.numeric on a string: NA unless it reads as a number (white space around it allowed). */
const rNumeric = (s: string | undefined): number => {
  if (s === undefined) return NaN;
  const t = s.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN;
};

/** R's as.integer on a string: NA unless it reads as a number (then truncated). */
const rInteger = (s: string): number => {
  const x = rNumeric(s);
  return Number.isNaN(x) ? NaN : Math.trunc(x);
};

export type RJafrocRead = { I: number; J: number; K1: number; K2: number; modalities: string[]; readers: string[] };

/** RJafroc's DfReadDataFile(file, format = "iMRMC") (ReadImrmc). */
export function readImrmcAsRJafroc(fileName: string, text: string): RJafrocRead {
  if (!fileName.endsWith('.imrmc')) throw new Error('The extension of iMRMC file name must be *.imrmc');
  // readLines then str_trim; strsplit on ":" — the first part must be exactly N0, N1, NR or NM.
  const lines = text.split(/\r\n|\n|\r/).map((l) => l.trim());
  if (lines[lines.length - 1] === '') lines.pop();
  let n = 0;
  const counts: Record<string, number> = {};
  for (let k = 0; k < 4; k++) {
    let parts = (lines[n] ?? '').split(':');
    while (!['N0', 'N1', 'NR', 'NM'].includes(parts[0])) {
      n++;
      if (n >= lines.length) throw new Error('subscript out of bounds: no N0/N1/NR/NM line (the search ran past the end of the file)');
      parts = lines[n].split(':');
    }
    counts[parts[0]] = rNumeric(parts[1]);
    n++;
  }
  const { N0: K1, N1: K2, NM: I, NR: J } = counts;
  while (lines[n] !== 'BEGIN DATA:') {
    n++;
    if (n >= lines.length) throw new Error('missing value where TRUE/FALSE needed (no "BEGIN DATA:" line)');
  }
  n++;
  while (lines[n] === '') n++;
  const table: string[][] = [];
  // R's strsplit drops one trailing empty string; rows are read while they have exactly 4 fields.
  const fields = (l: string | undefined): string[] => {
    if (l === undefined) return [];
    const p = l.split(',');
    if (p[p.length - 1] === '') p.pop();
    return p;
  };
  while (fields(lines[n]).length === 4) table.push(fields(lines[n++]));
  const caseIds = [...new Set(table.map((r) => rNumeric(r[1])))];
  if (caseIds.some(Number.isNaN)) throw new Error('Case IDs must be integers.');
  if (table.some((r) => Number.isNaN(rNumeric(r[3])))) throw new Error('Ratings must be numeric.');
  if (caseIds.length !== K1 + K2)
    throw new Error('The number of cases in the dataset is different from the number in the study description.');
  // Truth rows: reader -1 (as.numeric); a reader that is not a number gives NA there, which R's
  // row subsetting turns into a row of NAs.
  const readerNum = table.map((r) => rNumeric(r[0]));
  if (readerNum.some(Number.isNaN)) throw new Error('NA reader id: truth rows need reader -1 and readers integer ids');
  const truth = table.filter((_, i) => readerNum[i] === -1);
  const truthCases = new Set(truth.map((r) => rNumeric(r[1])));
  const missing = caseIds.filter((c) => !truthCases.has(c));
  if (missing.length) throw new Error(`Case ${missing[0]} cannot be found in rows recording truth states.`);
  if (truth.some((r) => ![0, 1].includes(rNumeric(r[3])))) throw new Error("Cases' truth states must be 0 or 1.");
  const normal = [...new Set(truth.filter((r) => rNumeric(r[3]) === 0).map((r) => rNumeric(r[1])))];
  const abnormal = [...new Set(truth.filter((r) => rNumeric(r[3]) === 1).map((r) => rNumeric(r[1])))];
  const scores = table.filter((_, i) => readerNum[i] !== -1);
  // as.character(sort(as.integer(unique(reader)))): a reader id that is not an integer is dropped by sort.
  const readers = [...new Set(scores.map((r) => r[0]))]
    .map(rInteger)
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b)
    .map(String);
  if (J !== readers.length) throw new Error('The number of readers in the dataset is different from the number in the study description.');
  const modalities = [...new Set(scores.map((r) => r[2]))].sort();
  if (I !== modalities.length)
    throw new Error('The number of treatments in the dataset is different from the number in the study description.');
  crossed(scores, readers, modalities, [...normal, ...abnormal], (r) => [r[0], r[2], rNumeric(r[1])]);
  return { I, J, K1, K2, modalities, readers };
}

/** RJafroc fills NL[i, j, k] and LL[i, j, k] from one row each: a missing row is "replacement has length zero". */
function crossed(
  rows: string[][],
  readers: string[],
  modalities: string[],
  cases: number[],
  key: (r: string[]) => [string, string, number],
): void {
  const seen = new Set(rows.map((r) => key(r).join('|')));
  for (const m of modalities)
    for (const j of readers)
      for (const c of cases)
        if (!seen.has([j, m, c].join('|')))
          throw new Error(
            `replacement has length zero: no rating of case ${c} by reader ${j} in treatment ${m} (RJafroc needs a fully crossed design)`,
          );
}

/** RJafroc's DfReadDataFile(file, format = "MRMC") for a .csv (ReadOrDbmMrmc): columns 1–5 are reader, treatment, case, truth, rating. */
export function readMrmcCsvAsRJafroc(text: string): RJafrocRead {
  const table = (parse(text, { from_line: 2 }) as string[][]).map((r) => r.slice(0, 5));
  const caseIds = [...new Set(table.map((r) => rNumeric(r[2])))];
  if (caseIds.some(Number.isNaN)) throw new Error('Case IDs must be integers.');
  if (table.some((r) => Number.isNaN(rNumeric(r[4])))) throw new Error('Ratings must be integers.');
  if (table.some((r) => ![0, 1].includes(rNumeric(r[3])))) throw new Error("Cases' truth states must be 0 or 1.");
  const normal = [...new Set(table.filter((r) => rNumeric(r[3]) === 0).map((r) => rNumeric(r[2])))];
  const abnormal = [...new Set(table.filter((r) => rNumeric(r[3]) === 1).map((r) => rNumeric(r[2])))];
  const readers = [...new Set(table.map((r) => r[0]))].sort();
  const modalities = [...new Set(table.map((r) => r[1]))].sort();
  crossed(table, readers, modalities, [...normal, ...abnormal], (r) => [r[0], r[1], rNumeric(r[2])]);
  return { I: modalities.length, J: readers.length, K1: normal.length, K2: abnormal.length, modalities, readers };
}

/** R's make.names (then make.unique) on one header: invalid characters become ".", "X" before a name that cannot start one. */
export function rMakeNames(names: string[]): string[] {
  const valid = names.map((n) => {
    // R decides on the "X" from the name as given, then translates the invalid characters.
    const prefixed = /^([A-Za-z]|\.(?![0-9]))/.test(n) ? n : `X${n}`;
    return prefixed.replace(/[^A-Za-z0-9._]/g, '.');
  });
  const seen = new Map<string, number>();
  return valid.map((s) => {
    const k = seen.get(s);
    seen.set(s, (k ?? 0) + 1);
    return k === undefined ? s : `${s}.${k}`;
  });
}

export type RColumnType = 'logical' | 'integer' | 'numeric' | 'character';

/**
 * read.csv(file) with its defaults: check.names = TRUE, na.strings = "NA", and each column's type
 * by type.convert — logical, integer or numeric when every non-missing cell reads so (a blank cell
 * counts as missing in those), character otherwise.
 */
export function readCsvAsR(text: string): { names: string[]; types: RColumnType[]; columns: string[][] } {
  const rows = parse(text, { relax_column_count: false }) as string[][];
  const names = rMakeNames(rows[0]);
  const body = rows.slice(1);
  const columns = names.map((_, j) => body.map((r) => r[j]));
  const types = columns.map((col): RColumnType => {
    const present = col.filter((x) => x !== 'NA' && x.trim() !== '');
    if (present.every((x) => /^(TRUE|FALSE|T|F|true|false|True|False)$/.test(x.trim()))) return 'logical';
    if (present.every((x) => /^[+-]?\d+$/.test(x.trim()) && Math.abs(Number(x)) < 2 ** 31)) return 'integer';
    if (present.every((x) => !Number.isNaN(rNumeric(x)))) return 'numeric';
    return 'character';
  });
  return { names, types, columns };
}
