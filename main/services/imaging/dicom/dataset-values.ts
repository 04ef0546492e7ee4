// Typed reads of data-set values. dicom-parser returns undefined for absent or empty elements
// and NaN for unparsable numbers; these helpers turn both into null so callers decide once.
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import type { DataSet } from './dicom-parser-lib';
import { TAG, tagLabel, type TagKeyword } from './tags';

const has = (ds: DataSet, keyword: TagKeyword): boolean => {
  const el = ds.elements[TAG[keyword]];
  return el !== undefined && el.length > 0;
};

export const str = (ds: DataSet, keyword: TagKeyword): string | null => {
  if (!has(ds, keyword)) return null;
  const s = ds.string(TAG[keyword])?.replace(/\0/g, '').trim();
  return s ? s : null;
};

/** A DS or IS value (decimal string); `index` picks one of a multi-valued element. */
export const decimal = (ds: DataSet, keyword: TagKeyword, index = 0): number | null => {
  if (!has(ds, keyword)) return null;
  const s = ds.string(TAG[keyword], index);
  if (s === undefined || s.trim() === '') return null;
  const v = Number(s.trim());
  return Number.isFinite(v) ? v : null;
};

/** All values of a DS element with exactly `n` finite values, else null. */
export const decimals = (ds: DataSet, keyword: TagKeyword, n: number): number[] | null => {
  if (!has(ds, keyword)) return null;
  const parts = (ds.string(TAG[keyword]) ?? '').replace(/\0/g, '').split('\\');
  if (parts.length !== n) return null;
  const out = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  return out.every(Number.isFinite) ? out : null;
};

/** A US value (binary, two bytes). */
export const ushort = (ds: DataSet, keyword: TagKeyword): number | null => {
  if (!has(ds, keyword)) return null;
  const v = ds.uint16(TAG[keyword]);
  return v === undefined || !Number.isFinite(v) ? null : v;
};

export const missingTag = (path: string, keyword: TagKeyword): VerdictError =>
  new VerdictError('dicom.missing-tag', `${basename(path)} has no ${tagLabel(keyword)}, which Verdict needs.`, {
    path,
    tag: tagLabel(keyword),
  });

export const requireStr = (ds: DataSet, keyword: TagKeyword, path: string): string => {
  const v = str(ds, keyword);
  if (v === null) throw missingTag(path, keyword);
  return v;
};

export const requireUshort = (ds: DataSet, keyword: TagKeyword, path: string): number => {
  const v = ushort(ds, keyword);
  if (v === null) throw missingTag(path, keyword);
  return v;
};

/** The data set of the first item of a sequence, or null. */
export const firstItem = (ds: DataSet | null | undefined, keyword: TagKeyword): DataSet | null =>
  ds?.elements[TAG[keyword]]?.items?.[0]?.dataSet ?? null;
