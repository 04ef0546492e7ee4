// One text per value: object keys sorted, no whitespace. Hashes (the event chain, trial lists,
// protocols) are taken over this form, so the same content always hashes the same.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export const sha256Of = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
