// Reads ISIC dermoscopy labels in either published form: the HAM10000 metadata table
// (image_id, lesion_id, dx, dx_type, age, sex, localization[, source]) or the ISIC 2018 Task 3
// ground truth (image, MEL, NV, BCC, AKIEC, BKL, DF, VASC one-hot). A file holding both (ours
// does) is read as HAM10000 and the two must agree. Errors name file, line and column, since
// these files are often hand-edited before a study.

import { parse } from 'csv-parse/sync';
import { VerdictError } from '../../../../app/errors';
import { csvDelimiter } from './csv-text';
import { ISIC_DX, TASK3_COLUMNS, type IsicDx, type IsicLabel, type IsicLabelsForm } from './types';

type Row = { record: string[]; line: number };

type Layout = {
  form: IsicLabelsForm;
  image: number;
  dx: number;
  /** Column index per Task 3 class, when all seven are present. */
  oneHot: [IsicDx, number][] | null;
  optional: { lesionId: number; dxType: number; age: number; sex: number; localization: number; source: number };
};

function fail(source: string, line: number, what: string, column?: string): never {
  const where = column ? `line ${line}, column ${column}` : `line ${line}`;
  throw new VerdictError('isic.bad-labels', `${source}: ${where}: ${what}`, {
    source,
    line,
    ...(column ? { column } : {}),
  });
}

/** Which label form a header row is, or a reason why it is neither. */
function layoutOf(header: readonly string[]): Layout | string {
  const names = header.map((h) => h.trim().toLowerCase());
  const col = (name: string) => names.indexOf(name.toLowerCase());
  const image = col('image_id') >= 0 ? col('image_id') : col('image');
  if (image < 0) return 'no image_id (HAM10000 metadata) or image (ISIC 2018 Task 3) column';
  const dx = col('dx');
  const found = Object.entries(TASK3_COLUMNS).map(([name, code]): [IsicDx, number, string] => [code, col(name), name]);
  const missing = found.filter(([, i]) => i < 0).map(([, , name]) => name);
  const oneHot = missing.length === 0 ? found.map(([code, i]): [IsicDx, number] => [code, i]) : null;
  if (dx < 0 && !oneHot) return `no dx column, and Task 3 columns missing: ${missing.join(', ')}`;
  return {
    form: dx >= 0 ? 'ham10000' : 'task3',
    image,
    dx,
    oneHot,
    optional: {
      lesionId: col('lesion_id'),
      dxType: col('dx_type'),
      age: col('age'),
      sex: col('sex'),
      localization: col('localization'),
      source: col('source'),
    },
  };
}

/** The label form of a CSV header row, or null when it is not an ISIC label file. */
export function detectIsicLabelsForm(header: readonly string[]): IsicLabelsForm | null {
  const l = layoutOf(header);
  return typeof l === 'string' ? null : l.form;
}

/** Parse a labels CSV into image id → label; any bad row is an error. `sourceName` names the file in errors. */
export function parseIsicLabels(csvText: string, sourceName: string): Map<string, IsicLabel> {
  const { labels, badRows } = readIsicLabels(csvText, sourceName);
  if (badRows.length > 0) throw badRows[0];
  return labels;
}

export type IsicLabelsRead = {
  form: IsicLabelsForm;
  labels: Map<string, IsicLabel>;
  /** One error per row that was left out (detail.line says which), in file order. */
  badRows: VerdictError[];
};

/**
 * As parseIsicLabels, also saying which form the file was, and keeping the good rows when some are
 * bad: one short row or unknown diagnosis must not lose the rest of the ground truth. A file that
 * is not a labels CSV at all (no header, wrong columns, broken quoting) is still an error.
 */
export function readIsicLabels(csvText: string, sourceName: string): IsicLabelsRead {
  const rows = readRows(csvText, sourceName);
  if (rows.length === 0) fail(sourceName, 1, 'empty file');
  const header = rows[0].record.map((h) => h.trim());
  const layout = layoutOf(header);
  if (typeof layout === 'string') fail(sourceName, rows[0].line, `${layout}; header is: ${header.join(', ')}`);
  const labels = new Map<string, IsicLabel>();
  const seenOn = new Map<string, number>();
  const badRows: VerdictError[] = [];
  for (const row of rows.slice(1)) {
    try {
      const [imageId, label] = readRow(row, header, layout, sourceName, seenOn);
      labels.set(imageId, label);
    } catch (e) {
      if (!(e instanceof VerdictError)) throw e;
      badRows.push(e);
    }
  }
  return { form: layout.form, labels, badRows };
}

/** One data row as image id and label; throws a VerdictError naming file, line and column. */
function readRow(
  { record, line }: Row,
  header: string[],
  layout: Layout,
  sourceName: string,
  seenOn: Map<string, number>,
): [string, IsicLabel] {
  const name = (i: number) => `${header[i]} (${i + 1})`;
  if (record.length < header.length) fail(sourceName, line, `${record.length} field(s), but the header has ${header.length}`);
  const cell = (i: number) => (i >= 0 ? (record[i] ?? '').trim() : '');
  const imageId = cell(layout.image);
  if (!imageId) fail(sourceName, line, 'empty image id', name(layout.image));
  const previous = seenOn.get(imageId);
  if (previous !== undefined) fail(sourceName, line, `image ${imageId} already labelled on line ${previous}`, name(layout.image));
  seenOn.set(imageId, line);

  let dx: IsicDx | undefined;
  if (layout.dx >= 0) {
    const v = cell(layout.dx).toLowerCase();
    if (!(ISIC_DX as readonly string[]).includes(v)) {
      fail(sourceName, line, `unknown diagnosis "${cell(layout.dx)}" (expected one of ${ISIC_DX.join(', ')})`, name(layout.dx));
    }
    dx = v as IsicDx;
  }
  if (layout.oneHot) {
    const set = layout.oneHot.filter(([, i]) => {
      const v = cell(i);
      const n = Number(v);
      if (v === '' || (n !== 0 && n !== 1)) fail(sourceName, line, `"${v}" is not 0 or 1`, name(i));
      return n === 1;
    });
    if (set.length !== 1) {
      const what = set.length === 0 ? 'no class set' : `${set.length} classes set: ${set.map(([, i]) => header[i]).join(', ')}`;
      fail(sourceName, line, `${what}; exactly one of MEL, NV, BCC, AKIEC, BKL, DF, VASC must be 1`);
    }
    const [oneHotDx, i] = set[0];
    if (dx && dx !== oneHotDx) fail(sourceName, line, `dx is ${dx} but the one-hot columns say ${oneHotDx}`, name(i));
    dx = oneHotDx;
  }

  const o = layout.optional;
  const label: IsicLabel = { dx: dx as IsicDx };
  const text = (i: number) => cell(i) || undefined;
  if (text(o.lesionId)) label.lesionId = text(o.lesionId);
  if (text(o.dxType)) label.dxType = text(o.dxType);
  const age = parseAge(cell(o.age));
  if (age === null) fail(sourceName, line, `age "${cell(o.age)}" is not a number`, name(o.age));
  if (age !== undefined) label.age = age;
  if (text(o.sex)) label.sex = text(o.sex);
  if (text(o.localization)) label.localization = text(o.localization);
  if (text(o.source)) label.source = text(o.source);
  return [imageId, label];
}

/** HAM10000 leaves some ages empty (or NaN after a pandas round-trip): those are unknown, not errors. */
function parseAge(v: string): number | undefined | null {
  if (v === '' || v.toLowerCase() === 'nan') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function readRows(csvText: string, source: string): Row[] {
  try {
    // Rows of another length are judged one by one (readRow), not as a broken file.
    const out = parse(csvText, {
      bom: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
      delimiter: csvDelimiter(csvText),
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return out.map(({ record, info }) => ({ record, line: info.lines }));
  } catch (e) {
    const lines = (e as { lines?: unknown }).lines;
    const line = typeof lines === 'number' ? lines : 0;
    return fail(source, line, `not a readable CSV: ${(e as Error).message}`);
  }
}
